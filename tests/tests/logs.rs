//! JSON logs: every line written while a request runs names that request's trace id, and
//! two requests have two ids; no line holds a token or a variable (bad-inputs 44). Its own test binary: the log subscriber is process-wide.

use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex};
use tests::{Backend, TestApp};

#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The `trace_id` of each JSON line written inside an HTTP request span.
fn request_lines(out: &Lines) -> Vec<(Value, String)> {
    let text = out
        .0
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("every line is JSON"))
        .filter_map(|line| {
            let spans = line["spans"].as_array()?.clone();
            let http = spans.iter().find(|s| s["name"] == "http.request")?;
            let id = http["trace_id"].as_str().unwrap_or_default().to_owned();
            Some((line, id))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_in_a_request_carry_its_trace_id() {
    let out = Lines::default();
    let writer = out.clone();
    api::telemetry::init_json_to("debug,sqlx=warn,sea_orm=warn,h2=off,hyper=off", move || {
        writer.clone()
    });
    let app = TestApp::start(Backend::Sqlite).await;
    let q = "{ company(partnerWorldId: \"PW-000001\") { name } }";
    app.graphql(q, json!({}), None).await.assert_no_errors();
    let first = request_lines(&out);
    assert!(first.len() >= 2, "lines inside the request: {first:?}");
    let id = first[0].1.clone();
    assert_eq!(id.len(), 32, "a W3C trace id: {id:?}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(first.iter().all(|(_, i)| *i == id), "one id per request");

    app.graphql(q, json!({}), None).await.assert_no_errors();
    let second: Vec<String> = request_lines(&out)
        .into_iter()
        .skip(first.len())
        .map(|(_, i)| i)
        .collect();
    assert!(!second.is_empty());
    assert!(
        second.iter().all(|i| *i != id && i.len() == 32),
        "a new id for a new request"
    );

    // Secrets in variables and headers never reach a log line, even at debug level, and
    // neither does a refused token.
    let token = app.token("apa@acme.example");
    let q = "query($password: String, $token: String) { a: companies(first: 1, filter: { nameContains: $password }) { edges { cursor } } b: companies(first: 1, filter: { nameContains: $token }) { edges { cursor } } }";
    let vars = json!({ "password": "hunter2-very-secret", "token": "tok-very-secret" });
    app.graphql(q, vars.clone(), Some(&token))
        .await
        .assert_no_errors();
    let refused = app.graphql(q, vars, Some("not.a.valid-token-secret")).await;
    assert_eq!(refused.codes(), vec!["UNAUTHENTICATED"]);
    let all = out
        .0
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    for secret in [
        token.as_str(),
        "hunter2-very-secret",
        "tok-very-secret",
        "not.a.valid-token-secret",
        "Bearer",
    ] {
        assert!(!all.contains(secret), "{secret:?} was logged");
    }
}

//! Automatic persisted queries: register, reuse by hash (across replicas through Redis),
//! and never a way around the operation limits.

use serde_json::json;
use sha2::{Digest, Sha256};
use tests::{Backend, TestApp, on_both_backends, test_config};

fn sha(q: &str) -> String {
    Sha256::digest(q.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn post(app: &TestApp, body: serde_json::Value) -> tests::Answer {
    let req = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .expect("request");
    let (status, bytes) = app.request(req).await;
    tests::Answer {
        status,
        body: serde_json::from_slice(&bytes).expect("json"),
    }
}

const Q: &str = "{ company(partnerWorldId: \"PW-000001\") { name } }";

on_both_backends! {
    async fn a_registered_query_runs_by_hash_alone(app) {
        let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha(Q) } });
        let unknown = post(&app, json!({ "extensions": ext })).await;
        assert_eq!(unknown.codes(), vec!["PERSISTED_QUERY_NOT_FOUND"]);
        let register = post(&app, json!({ "query": Q, "extensions": ext })).await;
        register.assert_no_errors();
        let by_hash = post(&app, json!({ "extensions": ext })).await;
        by_hash.assert_no_errors();
        assert_eq!(by_hash.data()["company"]["name"], "Acme Analytics");
        // By hash alone over GET too (Apollo Client's `useGETForHashedQueries`), where
        // only a query may run: a mutation's hash is refused with 405 before it runs.
        let escape = |s: &str| s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>();
        let (status, body) = app.get(&format!("/graphql?extensions={}", escape(&ext.to_string()))).await;
        assert_eq!((status.as_u16(), &body["data"]["company"]["name"]), (200, &json!("Acme Analytics")), "{body}");
        let m = "mutation { markNotificationsRead(input: { all: true }) { unreadCount } }";
        let m_ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha(m) } });
        post(&app, json!({ "query": m, "extensions": m_ext })).await;
        let (status, _) = app.get(&format!("/graphql?extensions={}", escape(&m_ext.to_string()))).await;
        assert_eq!(status.as_u16(), 405);
        let (status, _) = app.get("/graphql?extensions=%5B%5D").await;
        assert_eq!(status.as_u16(), 400, "extensions that are not an object");
        let wrong = post(&app, json!({ "query": Q, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha("{ __typename }") } } })).await;
        assert_eq!(wrong.codes(), vec!["BAD_USER_INPUT"]);
        let bad_version = post(&app, json!({ "query": Q, "extensions": { "persistedQuery": { "version": 2, "sha256Hash": sha(Q) } } })).await;
        assert_eq!(bad_version.codes(), vec!["BAD_USER_INPUT"]);
    }

    async fn registration_cannot_bypass_the_limits(app) {
        let aliases: String = (0..100).map(|i| format!("a{i}: __typename ")).collect();
        let q = format!("{{ {aliases} }}");
        let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha(&q) } });
        assert_eq!(post(&app, json!({ "query": q, "extensions": ext })).await.codes(), vec!["OPERATION_LIMIT_EXCEEDED"]);
        assert_eq!(post(&app, json!({ "extensions": ext })).await.codes(), vec!["PERSISTED_QUERY_NOT_FOUND"], "nothing was stored");
    }
}

#[tokio::test]
async fn another_replica_sharing_redis_knows_the_hash() {
    let first_config = test_config(Backend::Postgres).await;
    let mut second_config = test_config(Backend::Postgres).await;
    second_config.redis_key_prefix = first_config.redis_key_prefix.clone();
    let first = TestApp::with_config(Backend::Postgres, first_config).await;
    let second = TestApp::with_config(Backend::Postgres, second_config).await;
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha(Q) } });
    post(&first, json!({ "query": Q, "extensions": ext }))
        .await
        .assert_no_errors();
    let by_hash = post(&second, json!({ "extensions": ext })).await;
    by_hash.assert_no_errors();
    assert_eq!(by_hash.data()["company"]["name"], "Acme Analytics");
}

/// `PERSISTED_QUERIES=safelist`: operations registered from a manifest by the command
/// line run by hash or by text on every transport, and are counted by name; anything else
/// is refused with PERSISTED_QUERY_NOT_IN_LIST on every transport, and nothing registers
/// by being sent.
mod safelist {
    use super::*;
    use std::process::Command;
    use tests::ws::WsClient;

    const NAMED: &str = "query Acme { company(partnerWorldId: \"PW-000001\") { name } }";
    const OTHER: &str = "query Globex { company(partnerWorldId: \"PW-000002\") { name } }";

    fn escape(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    /// The command line, as an operator runs it, on the test's database.
    fn partnerworld(database_url: &str, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_replica"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .output()
            .expect("the command runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    async fn ws_payload(ws: &mut WsClient, payload: serde_json::Value) -> serde_json::Value {
        ws.send(json!({ "id": "1", "type": "subscribe", "payload": payload }))
            .await;
        let next = ws.next_json().await;
        assert_eq!(next["type"], "next", "{next}");
        assert_eq!(ws.next_json().await["type"], "complete");
        next["payload"].clone()
    }

    async fn run(backend: Backend) {
        let mut config = test_config(backend).await;
        config.persisted_queries = api::config::PersistedMode::Safelist;
        let database_url = config.database_url.clone();
        let app = TestApp::with_config(backend, config).await;
        let addr = app.serve().await;

        // Register an Apollo manifest from a file, as an operator would; again changes nothing.
        let manifest = json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": sha(NAMED), "name": "Acme", "type": "query", "body": NAMED }]
        });
        let file = std::env::temp_dir().join(format!("{}.json", tests::unique("manifest")));
        std::fs::write(&file, manifest.to_string()).expect("manifest");
        let path = file.to_str().expect("path");
        let (ok, _, err) = partnerworld(&database_url, &["operations", "register", path]);
        assert!(ok, "{err}");
        assert!(err.contains("1 registered, 0 already were"), "{err}");
        let (ok, _, err) = partnerworld(&database_url, &["operations", "register", path]);
        assert!(ok && err.contains("0 registered, 1 already were"), "{err}");
        // A manifest with one bad operation registers nothing.
        let bad = json!({ sha(OTHER): OTHER, sha("{ x }"): "{ y }" });
        std::fs::write(&file, bad.to_string()).expect("manifest");
        let (ok, _, err) = partnerworld(&database_url, &["operations", "register", path]);
        assert!(!ok && err.contains("nothing registered"), "{err}");
        let (ok, listing, _) = partnerworld(&database_url, &["operations", "list"]);
        assert!(ok);
        assert_eq!(listing, format!("{}  query         Acme\n", sha(NAMED)));

        // Registered: by hash alone and by text, over POST, GET and WebSocket.
        let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha(NAMED) } });
        let acme = json!({ "company": { "name": "Acme Analytics" } });
        assert_eq!(post(&app, json!({ "extensions": ext })).await.data(), &acme);
        assert_eq!(post(&app, json!({ "query": NAMED })).await.data(), &acme);
        let (status, body) = app
            .get(&format!("/graphql?extensions={}", escape(&ext.to_string())))
            .await;
        assert_eq!((status.as_u16(), &body["data"]), (200, &acme), "{body}");
        let mut ws = WsClient::connect(addr, None).await;
        assert_eq!(
            ws_payload(&mut ws, json!({ "extensions": ext })).await["data"],
            acme
        );

        // Anything else: refused on every transport, and sending it registers nothing.
        let other_ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha(OTHER) } });
        for body in [
            json!({ "query": OTHER }),
            json!({ "query": OTHER, "extensions": other_ext }),
            json!({ "extensions": other_ext }),
        ] {
            let refused = post(&app, body.clone()).await;
            assert_eq!(
                (refused.status.as_u16(), refused.codes()),
                (400, vec!["PERSISTED_QUERY_NOT_IN_LIST".to_owned()]),
                "{body}"
            );
            let payload = ws_payload(&mut ws, body).await;
            assert_eq!(
                tests::codes_of(&payload),
                ["PERSISTED_QUERY_NOT_IN_LIST"],
                "{payload}"
            );
        }
        let (status, body) = app.get(&format!("/graphql?query={}", escape(OTHER))).await;
        assert_eq!(
            (
                status.as_u16(),
                body["errors"][0]["extensions"]["code"].as_str()
            ),
            (400, Some("PERSISTED_QUERY_NOT_IN_LIST")),
            "{body}"
        );
        assert_eq!(
            post(&app, json!({ "extensions": other_ext })).await.codes(),
            ["PERSISTED_QUERY_NOT_IN_LIST"]
        );
        // Counted per registered operation: POST twice, GET, WebSocket.
        assert!(
            app.metrics()
                .await
                .contains("partnerworld_registered_operations_total{operation=\"Acme\"} 4")
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_registered_operations_run_on_sqlite() {
        run(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_registered_operations_run_on_postgres_and_redis() {
        run(Backend::Postgres).await;
    }
}

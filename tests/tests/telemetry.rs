//! OpenTelemetry: one nested query is one trace tree (HTTP, parse, validate, execute,
//! loader batches, SQL, Redis) received by a real OTLP/HTTP receiver, continuing a trusted
//! caller's `traceparent` and ignoring an untrusted one, with no token, variable or guarded
//! value in any span. Its own test binary, because tracing is installed once per process.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use tests::otlp::{Receiver, Span};
use tests::{Backend, TestApp, test_config};

const PARENT_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN: &str = "00f067aa0ba902b7";
const QUERY: &str = "query Acme($pw: String!) { company(partnerWorldId: $pw) { name companyToken countryEnterprises { locations { people(first: 3) { edges { node { ibmId } } } } } } }";

async fn flushed(receiver: &Receiver, done: impl Fn(&[Span]) -> bool) -> Vec<Span> {
    for _ in 0..50 {
        // The batch processor runs on the runtime; flushing blocks, so off the workers.
        tokio::task::spawn_blocking(api::telemetry::flush)
            .await
            .expect("flush");
        let spans = receiver.spans();
        if done(&spans) {
            return spans;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    receiver.spans()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_is_one_trace_tree_without_secrets() {
    let (receiver, collector) = Receiver::start().await;
    let mut config = test_config(Backend::Postgres).await;
    config.otel_traces_endpoint = Some(format!("{collector}/v1/traces"));
    config.otel_service_name = "pw-under-test".into();
    config.trusted_callers = vec!["127.0.0.1".into()];
    api::telemetry::init_with_traces(&config).expect("telemetry");
    let app = TestApp::with_config(Backend::Postgres, config).await;
    let addr = app.serve().await;
    let token = app.token("apa@acme.example");

    // A trusted caller (127.0.0.1 over a real socket) continues its own trace.
    let answer = reqwest::Client::new()
        .post(format!("http://{addr}/graphql"))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .header("traceparent", format!("00-{PARENT_TRACE}-{PARENT_SPAN}-01"))
        .body(json!({ "query": QUERY, "variables": { "pw": "PW-000001" } }).to_string())
        .send()
        .await
        .expect("answer")
        .text()
        .await
        .expect("body");
    let answer: serde_json::Value = serde_json::from_str(&answer).expect("json");
    assert!(answer.get("errors").is_none(), "{answer}");
    let company_token = answer["data"]["company"]["companyToken"]
        .as_str()
        .expect("the APA reads the token")
        .to_owned();

    let spans = flushed(&receiver, |s| {
        s.iter()
            .any(|s| s.trace_id == PARENT_TRACE && s.name == "query Acme")
            && s.iter()
                .any(|s| s.trace_id == PARENT_TRACE && s.name == "POST /graphql")
    })
    .await;
    let trace: Vec<&Span> = spans
        .iter()
        .filter(|s| s.trace_id == PARENT_TRACE)
        .collect();
    let names: HashSet<&str> = trace.iter().map(|s| s.name.as_str()).collect();
    for expected in [
        "POST /graphql",
        "graphql.parse",
        "graphql.validate",
        "query Acme",
    ] {
        assert!(names.contains(expected), "{expected} in {names:?}");
    }
    assert!(
        trace.iter().any(|s| s.name.starts_with("loader.batch")),
        "loader batches: {names:?}"
    );
    assert!(
        trace
            .iter()
            .any(|s| s.attributes.get("db.system").map(String::as_str) == Some("postgresql")),
        "SQL statements: {names:?}"
    );
    assert!(
        trace
            .iter()
            .any(|s| s.attributes.get("db.system").map(String::as_str) == Some("redis")),
        "Redis calls: {names:?}"
    );
    assert!(trace.iter().all(|s| s.service == "pw-under-test"));

    // One tree: the HTTP span hangs off the caller's span, every other span off a span of
    // this trace.
    let root = trace
        .iter()
        .find(|s| s.name == "POST /graphql")
        .expect("HTTP span");
    assert_eq!(root.parent_span_id, PARENT_SPAN);
    assert_eq!(
        root.attributes
            .get("http.response.status_code")
            .map(String::as_str),
        Some("200")
    );
    let ids: HashSet<&str> = trace.iter().map(|s| s.span_id.as_str()).collect();
    for s in &trace {
        if s.span_id != root.span_id {
            assert!(
                ids.contains(s.parent_span_id.as_str()),
                "{} hangs off {} outside the tree",
                s.name,
                s.parent_span_id
            );
        }
    }
    let execute = trace
        .iter()
        .find(|s| s.name == "query Acme")
        .expect("execute");
    assert_eq!(execute.attributes["graphql.operation.name"], "Acme");
    assert_eq!(execute.attributes["graphql.operation.type"], "query");

    // Nothing secret or personal anywhere: not the token, not the variables, not the
    // guarded value the query returned, not an e-mail address.
    for s in &spans {
        let all = format!("{} {:?}", s.name, s.attributes);
        for secret in [
            token.as_str(),
            "Bearer",
            "PW-000001",
            company_token.as_str(),
            "@acme.example",
        ] {
            assert!(!all.contains(secret), "{secret:?} in span {all}");
        }
    }

    // An untrusted caller (no peer address: the in-process router) starts its own trace.
    let untrusted = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("traceparent", format!("00-{PARENT_TRACE}-{PARENT_SPAN}-01"))
        .body(Body::from(
            json!({ "query": "query Untrusted { companies(first: 1) { edges { node { name } } } }" })
                .to_string(),
        ))
        .expect("request");
    let (status, _) = app.request(untrusted).await;
    assert_eq!(status.as_u16(), 200);
    let spans = flushed(&receiver, |s| s.iter().any(|s| s.name == "query Untrusted")).await;
    let execute = spans
        .iter()
        .find(|s| s.name == "query Untrusted")
        .expect("the untrusted request is traced");
    assert_ne!(
        execute.trace_id, PARENT_TRACE,
        "an untrusted traceparent is ignored"
    );
    let root = spans
        .iter()
        .find(|s| s.trace_id == execute.trace_id && s.name == "POST /graphql")
        .expect("its HTTP span");
    assert!(root.parent_span_id.is_empty(), "a new trace has no parent");

    // Exported spans are counted for operators.
    let metrics = app.metrics().await;
    let exported = metrics
        .lines()
        .find_map(|l| l.strip_prefix("partnerworld_trace_spans_exported_total "))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .expect("the exported-spans counter");
    assert!(
        exported >= trace.len() as u64,
        "{exported} < {}",
        trace.len()
    );
}

//! A trace collector that accepts connections and never answers costs requests nothing:
//! every request succeeds while exports hang, and the lost spans are counted. Its own test
//! binary, because tracing is installed once per process.

use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tests::{Backend, TestApp, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_collector_fails_no_request_and_its_spans_are_counted() {
    let addr = tests::silent_listener().await;
    let mut config = test_config(Backend::Postgres).await;
    config.otel_endpoint = Some(format!("http://{addr}"));
    config.otel_export_timeout_ms = 300;
    config.otel_traces_sampler = "always_on".into();
    api::telemetry::init_with_traces(&config).expect("telemetry");
    let app = TestApp::with_config(Backend::Postgres, config).await;

    let q = "{ companies(first: 5) { edges { node { name countryEnterprises { country } } } } }";
    // Bounded so a request path that waited on the collector would fail here, not hang CI.
    let answers = tokio::time::timeout(
        Duration::from_secs(20),
        futures::future::join_all((0..100).map(|_| app.graphql(q, json!({}), None))),
    )
    .await
    .expect("requests do not wait for the collector");
    assert!(
        answers
            .iter()
            .all(|a| a.status.as_u16() == 200 && a.body.get("errors").is_none())
    );

    let mut dropped = 0;
    for _ in 0..50 {
        tokio::task::spawn_blocking(api::telemetry::flush)
            .await
            .expect("flush");
        dropped = api::telemetry::SPANS_DROPPED.load(Ordering::Relaxed);
        if dropped > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(dropped > 0, "spans of failed exports are counted");
    assert_eq!(api::telemetry::SPANS_EXPORTED.load(Ordering::Relaxed), 0);
    let metrics = app.metrics().await;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("partnerworld_trace_spans_dropped_total ") && !l.ends_with(" 0")),
        "{metrics}"
    );
}

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

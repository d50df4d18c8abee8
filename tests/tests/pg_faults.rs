//! PostgreSQL faults against a private server this test starts on its own port (initdb and
//! pg_ctl from /usr/lib/postgresql; the machine's shared server is never touched):
//! stopped and restarted under the gateway, and its pool exhausted by a lock. The promises:
//! fast errors with a stable code and readiness false while the database is gone, recovery
//! without a restart, and no acknowledged write lost.

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tests::private_pg::PrivatePostgres;
use tests::{Backend, TestApp, test_config};

async fn gateway(pg: &PrivatePostgres, pool: u32) -> TestApp {
    let mut config = test_config(Backend::Sqlite).await;
    config.database_url = pg.url();
    config.database_max_connections = pool;
    // The in-process cache: what is measured here is the database path.
    config.redis_url = None;
    config.request_timeout_ms = 1500;
    config.database_statement_timeout_ms = 3000;
    TestApp::with_config(Backend::Postgres, config).await
}

/// Not cached: a page of the company list goes to the database every time.
const PAGE: &str = "{ companies(first: 5) { edges { node { name } } } }";
const NAME: &str = "{ company(partnerWorldId: \"PW-000001\") { id name version } }";

async fn ready(app: &TestApp) -> u16 {
    app.get("/readyz").await.0.as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_database_fails_fast_and_recovers_without_a_restart() {
    let pg = PrivatePostgres::start();
    let app = gateway(&pg, 4).await;
    app.graphql(PAGE, json!({}), None).await.assert_no_errors();
    assert_eq!(ready(&app).await, 200);

    // An acknowledged write, just before the crash.
    let c = app.graphql(NAME, json!({}), None).await;
    let update = "mutation($id: ID!, $v: Int!) { updateCompanyProfile(input: { companyId: $id, version: $v, name: \"Acme Durable\" }) { company { name } } }";
    app.as_user(
        "apa@acme.example",
        update,
        json!({ "id": c.data()["company"]["id"], "v": c.data()["company"]["version"] }),
    )
    .await
    .assert_no_errors();

    pg.down();
    for _ in 0..3 {
        let started = Instant::now();
        let answer = app.graphql(PAGE, json!({}), None).await;
        let codes = answer.codes();
        assert!(
            !codes.is_empty()
                && codes
                    .iter()
                    .all(|c| c == "SERVICE_UNAVAILABLE" || c == "INTERNAL_SERVER_ERROR"),
            "{}",
            answer.body
        );
        assert!(
            !answer.body.to_string().contains("127.0.0.1"),
            "no host names leak: {}",
            answer.body
        );
        // Bounded by the request timeout, never a hang.
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
    }
    assert_eq!(ready(&app).await, 503, "not ready without the database");
    assert_eq!(app.get("/healthz").await.0.as_u16(), 200, "but alive");

    pg.up();
    let mut recovered = false;
    for _ in 0..60 {
        let answer = app.graphql(PAGE, json!({}), None).await;
        if answer.body.get("errors").is_none() && ready(&app).await == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "the gateway recovers by itself");
    let after = app.graphql(NAME, json!({}), None).await;
    assert_eq!(
        after.data()["company"]["name"],
        "Acme Durable",
        "the acknowledged write survived"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_pool_answers_errors_and_recovers_when_freed() {
    let pg = PrivatePostgres::start();
    let app = gateway(&pg, 2).await;
    app.graphql(PAGE, json!({}), None).await.assert_no_errors();

    // Another client holds the table: every statement on it waits, and the pool fills.
    let holder = sea_orm::Database::connect(pg.url()).await.expect("connect");
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let txn = holder.begin().await.expect("begin");
    txn.execute_unprepared("LOCK TABLE companies IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");
    let answers: Vec<Value> = futures::future::join_all(
        (0..6).map(|_| async { app.graphql(PAGE, json!({}), None).await.body }),
    )
    .await;
    for a in &answers {
        let codes: Vec<&str> = a["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter_map(|e| e["extensions"]["code"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| *c == "SERVICE_UNAVAILABLE"),
            "a stable code, not a hang: {a}"
        );
    }
    assert_eq!(app.get("/healthz").await.0.as_u16(), 200);
    txn.commit().await.expect("release");

    let mut recovered = false;
    for _ in 0..60 {
        if app
            .graphql(PAGE, json!({}), None)
            .await
            .body
            .get("errors")
            .is_none()
        {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "the pool recovers once the lock is gone");
}

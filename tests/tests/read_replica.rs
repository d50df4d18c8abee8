//! Reads past one database: a private PostgreSQL primary and a real streaming replica of it
//! (`pg_basebackup -R`), the gateway reading queries from the replica (`DATABASE_READ_URL`)
//! and everything else from the primary.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tests::private_pg::PrivatePostgres;
use tests::{Backend, TestApp, test_config};

/// Read from the database on every request (a list page is not cached).
const PAGE: &str = "{ companies(first: 1) { edges { node { id name version } } } }";

async fn sql(db: &DatabaseConnection, statement: &str) {
    db.execute_unprepared(statement)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// The first company of a page, from an answer without errors.
fn first(answer: &tests::Answer) -> Value {
    answer.assert_no_errors();
    answer.data()["companies"]["edges"][0]["node"].clone()
}

fn counter(app: &TestApp, which: &str) -> u64 {
    let replica = app.app.state.replica.as_ref().expect("a replica");
    match which {
        "on_replica" => replica.counters.on_replica.get(),
        _ => replica.counters.fallbacks.get(),
    }
}

async fn until(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{what} did not happen"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("{what}: after {:?}", start.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_read_from_the_replica_a_writer_never_reads_older_than_their_write_and_a_lagging_or_dead_replica_is_passed_by()
 {
    let primary = PrivatePostgres::start();
    let mut config = test_config(Backend::Sqlite).await;
    config.database_url = primary.url();
    config.redis_url = None;
    // The demo is seeded into the primary first; the replica starts as a copy of it.
    drop(TestApp::with_config(Backend::Postgres, config.clone()).await);
    let replica = PrivatePostgres::replica_of(&primary);
    config.database_read_url = Some(replica.url());
    config.database_read_max_lag_ms = 1000;
    config.read_your_writes_secs = 5;
    // This test counts where each query is read from; an answer kept by the answer cache
    // is read from nowhere (and answers read from the replica are never kept:
    // `AppState::keeps_answers`).
    config.response_cache_secs = 0;
    let app = TestApp::with_config(Backend::Postgres, config).await;
    let usable = || app.app.state.replica.as_ref().is_some_and(|r| r.usable());
    until("the replica serving", usable).await;

    // Queries land on the replica.
    let before = counter(&app, "on_replica");
    for _ in 0..5 {
        app.graphql(PAGE, json!({}), None).await.assert_no_errors();
    }
    assert_eq!(counter(&app, "on_replica") - before, 5);

    // Replay paused: the replica keeps what it had. A change made on the primary behind the
    // gateway's back is not on it yet, so a query that shows the old name read the replica.
    let on_primary = Database::connect(primary.url()).await.expect("primary");
    let on_replica = Database::connect(replica.url()).await.expect("replica");
    sql(&on_replica, "SELECT pg_wal_replay_pause()").await;
    let old = first(&app.graphql(PAGE, json!({}), None).await);
    let name = old["name"].as_str().expect("name").replace('\'', "''");
    sql(
        &on_primary,
        &format!("UPDATE companies SET name = 'Renamed on the primary' WHERE name = '{name}'"),
    )
    .await;
    let stale = first(&app.graphql(PAGE, json!({}), None).await);
    assert_eq!(
        stale["name"], old["name"],
        "read from the replica, which has not replayed the change"
    );

    // A writer reads what they wrote, while the replica still lacks it.
    let update = "mutation($id: ID!, $v: Int!) { updateCompanyProfile(input: { companyId: $id, version: $v, name: \"Written through the gateway\" }) { company { version } } }";
    let written = app
        .as_user(
            "apa@acme.example",
            update,
            json!({ "id": old["id"], "v": old["version"] }),
        )
        .await;
    written.assert_no_errors();
    let version = written.data()["updateCompanyProfile"]["company"]["version"].clone();
    for _ in 0..5 {
        let mine = app.as_user("apa@acme.example", PAGE, json!({})).await;
        assert_eq!(
            (&first(&mine)["name"], &first(&mine)["version"]),
            (&json!("Written through the gateway"), &version),
            "the writer read an older version than they wrote"
        );
    }

    // The replica falls behind past the bound: queries read from the primary, counted.
    until("the lagging replica passed by", || !usable()).await;
    let fallbacks = counter(&app, "fallbacks");
    let anyone = first(&app.graphql(PAGE, json!({}), None).await);
    assert_eq!(anyone["name"], "Written through the gateway");
    assert_eq!(counter(&app, "fallbacks") - fallbacks, 1);

    // Caught up again: back on the replica, which now has the write.
    sql(&on_replica, "SELECT pg_wal_replay_resume()").await;
    until("the replica caught up", usable).await;
    let reads = counter(&app, "on_replica");
    let caught_up = first(&app.graphql(PAGE, json!({}), None).await);
    assert_eq!(
        (&caught_up["name"], &caught_up["version"]),
        (&json!("Written through the gateway"), &version)
    );
    assert_eq!(counter(&app, "on_replica") - reads, 1);

    // The replica dies: once its check fails, queries read from the primary, unharmed.
    drop(on_replica);
    replica.down();
    until("the dead replica passed by", || !usable()).await;
    let fallbacks = counter(&app, "fallbacks");
    for _ in 0..5 {
        app.graphql(PAGE, json!({}), None).await.assert_no_errors();
    }
    assert_eq!(counter(&app, "fallbacks") - fallbacks, 5);
    replica.up();
    until("the restarted replica serving", usable).await;
    app.graphql(PAGE, json!({}), None).await.assert_no_errors();
}

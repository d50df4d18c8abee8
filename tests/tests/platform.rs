//! Health, readiness, migrations, the seed generator and the cache stores, against the
//! real engines.

use api::cache::{Cache, CacheStore, RedisStore};
use api::seed::{SeedOptions, seed};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryOrder};
use std::sync::Arc;
use std::time::Duration;
use tests::{Backend, TestApp, fresh_database, on_both_backends, redis_url};

on_both_backends! {
    async fn health_and_readiness_report_the_engines(app) {
        let (status, _) = app.get("/healthz").await;
        assert_eq!(status.as_u16(), 200);
        let (status, body) = app.get("/readyz").await;
        assert_eq!(status.as_u16(), 200, "{body}");
        assert_eq!(body["database"], "ok");
        assert_eq!(body["cache"], "ok");
        let kind = if app.backend == Backend::Postgres { "redis" } else { "memory" };
        assert_eq!(body["cacheKind"], kind);
        let backend = app.app.state.db.get_database_backend();
        let expected = if app.backend == Backend::Postgres { sea_orm::DbBackend::Postgres } else { sea_orm::DbBackend::Sqlite };
        assert_eq!(backend, expected);
    }

    async fn metrics_are_scrapeable_and_count_requests_statements_and_errors(app) {
        app.graphql("query Probe { company(partnerWorldId: \"PW-000001\") { name companyToken } }", serde_json::json!({}), None).await;
        let req = axum::http::Request::get("/metrics").body(axum::body::Body::empty()).expect("request");
        let (status, body) = app.request(req).await;
        assert_eq!(status.as_u16(), 200);
        let text = String::from_utf8(body).expect("utf-8");
        assert!(text.contains("partnerworld_graphql_requests_total{operation=\"Probe\",outcome=\"ok\"} 1"), "{text}");
        assert!(text.contains("partnerworld_graphql_errors_total{code=\"FORBIDDEN\"} 1"), "{text}");
        assert!(text.contains("partnerworld_graphql_request_duration_seconds_bucket"), "{text}");
        let statements = text.lines().find(|l| l.starts_with("partnerworld_db_statements_total ")).expect("statements line");
        assert!(statements.rsplit(' ').next().and_then(|v| v.parse::<u64>().ok()).is_some_and(|v| v > 0), "{statements}");
        assert!(text.contains("partnerworld_db_pool_connections"), "{text}");
    }

    async fn migrations_go_down_and_up_again(app) {
        let db = &app.app.state.db;
        Migrator::down(db, None).await.expect("down");
        assert_eq!(Migrator::get_applied_migrations(db).await.expect("status").len(), 0);
        Migrator::up(db, None).await.expect("up");
        assert_eq!(Migrator::get_applied_migrations(db).await.expect("status").len(), Migrator::migrations().len());
        assert_eq!(entities::companies::Entity::find().count(db).await.expect("count"), 0);
    }

    async fn the_folded_names_of_customers_already_stored_are_filled_by_their_migration(app) {
        // The demo is seeded at the newest schema; undo the last migration (it adds the
        // folded names) and apply it again over the stored customers.
        let db = &app.app.state.db;
        Migrator::down(db, Some(1)).await.expect("down one");
        Migrator::up(db, None).await.expect("up");
        let a = app.as_user("member@acme.example", "{ site(siteNumber: \"S-1000001\") { customers(first: 5, filter: { namePrefix: \"CAFE zurich\" }) { nodes { name } } } }", serde_json::json!({})).await;
        a.assert_no_errors();
        assert_eq!(a.data()["site"]["customers"]["nodes"], serde_json::json!([{ "name": "Café Zürich Rückversicherung" }]));
    }

    async fn one_primary_contact_per_site_and_one_prc_per_location_hold_in_the_database(app) {
        let db = &app.app.state.db;
        // Refused by the unique indexes themselves (CONFLICT), not by any other error.
        for dup in [
            "UPDATE site_users SET role = 'SITE_PRIMARY_CONTACT' WHERE site_id = 1",
            "UPDATE people SET is_prc = TRUE WHERE location_id = 1",
            "UPDATE locations SET is_headquarters = TRUE WHERE company_id = 1",
        ] {
            let e = db.execute_unprepared(dup).await.expect_err(dup);
            assert!(
                matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))),
                "{dup}: {e}"
            );
            assert_eq!(api::error::AppError::from(e).code(), api::error::Code::Conflict);
        }
    }

    async fn a_dangling_key_is_a_client_error_never_an_internal_one(app) {
        // Whatever id slips past a service's checks, the database's own foreign keys answer
        // NOT_FOUND, not INTERNAL_SERVER_ERROR.
        let dangling = "INSERT INTO community_members (community_id, person_id, role, status) VALUES (1, 987654321, 'MEMBER', 'INVITED')";
        let e = app.app.state.db.execute_unprepared(dangling).await.expect_err("a foreign key refuses it");
        let e = api::error::AppError::from(e);
        assert_eq!(e.code(), api::error::Code::NotFound, "{e:?}");
        assert_eq!(e.public_message(), "a record it refers to not found");
    }

    async fn a_database_error_never_reaches_the_client_as_sql(app) {
        app.app.state.db.execute_unprepared("DROP TABLE company_partner_types").await.expect("drop");
        let a = app.graphql("{ company(partnerWorldId: \"PW-000001\") { name partnerTypes } }", serde_json::json!({}), None).await;
        assert_eq!(a.codes(), vec!["INTERNAL_SERVER_ERROR"]);
        let text = a.body.to_string().to_lowercase();
        for leak in ["select", "company_partner_types", "sqlite", "postgres", "relation", "no such table"] {
            assert!(!text.contains(leak), "leaked {leak:?}: {text}");
        }
        assert!(a.body["errors"][0]["extensions"]["errorId"].is_string());
        assert_eq!(a.body["errors"][0]["path"], serde_json::json!(["company", "partnerTypes"]));
        // `partnerTypes` is non-null: its null reaches the nearest nullable parent, as the
        // spec's Handling Field Errors asks.
        assert_eq!(a.data(), &serde_json::json!({ "company": null }));
    }
}

async fn digest(url: &str) -> Vec<String> {
    let db = Database::connect(url).await.expect("connect");
    let mut out = Vec::new();
    for c in entities::companies::Entity::find()
        .order_by_asc(entities::companies::Column::Id)
        .all(&db)
        .await
        .expect("companies")
    {
        out.push(format!(
            "{}|{}|{}|{}",
            c.partner_world_id, c.name, c.company_token, c.partner_world_level
        ));
    }
    for p in entities::people::Entity::find()
        .order_by_asc(entities::people::Column::Id)
        .all(&db)
        .await
        .expect("people")
    {
        out.push(format!(
            "{}|{}|{}|{}",
            p.ibm_id, p.location_id, p.status, p.is_prc
        ));
    }
    out.push(
        entities::certifications::Entity::find()
            .count(&db)
            .await
            .expect("count")
            .to_string(),
    );
    out.push(
        entities::renewal_line_items::Entity::find()
            .count(&db)
            .await
            .expect("count")
            .to_string(),
    );
    out
}

async fn seeded(backend: Backend, companies: u32, seed_value: u64) -> String {
    let url = fresh_database(backend).await;
    let db = Database::connect(&url).await.expect("connect");
    Migrator::up(&db, None).await.expect("migrate");
    seed(
        &db,
        &SeedOptions {
            companies,
            seed: seed_value,
            chunk: 25,
            quiet: true,
        },
    )
    .await
    .expect("seed");
    url
}

#[tokio::test]
async fn the_seed_is_deterministic_across_engines_and_chunk_sizes() {
    let a = digest(&seeded(Backend::Sqlite, 60, 7).await).await;
    let b = digest(&seeded(Backend::Postgres, 60, 7).await).await;
    assert_eq!(a, b);
    let c = digest(&seeded(Backend::Sqlite, 60, 8).await).await;
    assert_ne!(a, c);
    // Proportional: about ten people per company.
    let people = a.iter().filter(|l| l.contains('@')).count();
    assert!(
        (360..=900).contains(&people),
        "{people} people for 60 companies"
    );
}

#[tokio::test]
async fn seeding_a_database_that_has_data_is_refused() {
    let url = seeded(Backend::Sqlite, 3, 1).await;
    let db = Database::connect(&url).await.expect("connect");
    let err = seed(
        &db,
        &SeedOptions {
            companies: 3,
            seed: 1,
            chunk: 10,
            quiet: true,
        },
    )
    .await;
    assert!(matches!(err, Err(api::seed::SeedError::NotEmpty(3))));
}

#[tokio::test]
async fn redis_store_round_trips_expires_and_deletes_on_the_real_server() {
    let prefix = format!("pwtest:store:{:08x}:", rand::random::<u32>());
    let store =
        RedisStore::connect(&redis_url(), &prefix, Duration::from_millis(500)).expect("client");
    store
        .ping()
        .await
        .expect("Redis at PW_TEST_REDIS_URL is required");
    let cache = Cache::new(Arc::new(store));
    cache.set("k", b"v1", Duration::from_secs(30)).await;
    assert_eq!(cache.get("k").await.as_deref(), Some(&b"v1"[..]));
    cache.delete(&["k".to_owned()]).await;
    assert_eq!(cache.get("k").await, None);
    cache.set("short", b"x", Duration::from_millis(50)).await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(cache.get("short").await, None);
    assert_eq!(
        cache
            .stats
            .errors
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
    assert_eq!(
        cache.stats.hits.load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn an_unreachable_redis_is_a_fast_miss_not_a_failure() {
    // A port nothing listens on: every call fails within the timeout and counts an error.
    let store = RedisStore::connect("redis://127.0.0.1:1", "x:", Duration::from_millis(50))
        .expect("client");
    let cache = Cache::new(Arc::new(store));
    let started = std::time::Instant::now();
    assert_eq!(cache.get("k").await, None);
    cache.set("k", b"v", Duration::from_secs(1)).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        cache
            .stats
            .errors
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
}

#[tokio::test]
async fn the_gateway_starts_and_serves_with_redis_unreachable() {
    let mut config = tests::test_config(Backend::Sqlite).await;
    config.redis_url = Some("redis://127.0.0.1:1".into());
    config.redis_command_timeout_ms = 30;
    let app = TestApp::with_config(Backend::Sqlite, config).await;
    let a = app
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { name } }",
            serde_json::json!({}),
            None,
        )
        .await;
    a.assert_no_errors();
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body["cache"], "unavailable");
}

//! Cache correctness (bad-inputs 32–39): read-your-writes, one refill for a hot key,
//! no guarded value across callers, errors never cached, and Redis faults that cost
//! nothing but speed; for whole answers too (`cache::response`): kept per standing,
//! retired by the writes that touch what they read, on every replica, and `Cache-Control`
//! that says who may keep them. (The whole suite runs with the answer cache on; the access
//! matrix is walked through it twice, in `matrix.rs`.) Fault tests run their own redis-server on a free port and stop it;
//! the machine's shared Redis is never touched.

use api::cache::{Cache, CacheStore, MemoryStore, RedisStore};
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tests::{Backend, TestApp, on_both_backends, test_config};
use tower::ServiceExt;

const NAME: &str = "{ company(partnerWorldId: \"PW-000001\") { name } }";
const UPDATE: &str = "mutation($id: ID!, $v: Int!, $n: String!) { updateCompanyProfile(input: { companyId: $id, version: $v, name: $n }) { company { version } } }";

/// Status, `Cache-Control` and body of one POSTed operation.
async fn post(app: &TestApp, query: &str, token: Option<&str>) -> (u16, String, serde_json::Value) {
    let mut req = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = json!({ "query": query }).to_string();
    let resp = app
        .app
        .router
        .clone()
        .oneshot(req.body(Body::from(body)).expect("request"))
        .await
        .expect("answer");
    let status = resp.status().as_u16();
    let control = resp
        .headers()
        .get(header::CACHE_CONTROL)
        .map(|v| v.to_str().expect("ascii").to_owned())
        .unwrap_or_default();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        control,
        serde_json::from_slice(&bytes).expect("json"),
    )
}

const TREE: &str = "{ company(partnerWorldId: \"PW-000001\") { name companyToken headquarters { city } employees(first: 5) { nodes { ibmId } } } }";

/// Whole answers (`cache::response`).
mod answers {
    use super::*;

    on_both_backends! {
        async fn a_repeated_query_is_answered_without_the_database(app) {
            let token = app.token("apa@acme.example");
            // Kept on its second miss (a page asked for once is not worth keeping).
            let first = app.graphql(TREE, json!({}), Some(&token)).await;
            first.assert_no_errors();
            assert_eq!(app.graphql(TREE, json!({}), Some(&token)).await.body, first.body);
            // Another token of the same person: the standing, not the token, keys the answer.
            let other = app.app.state.auth.mint("apa@acme.example", &[], 900).expect("mint");
            assert_ne!(other, token);
            let before = app.app.state.db_stats.statements();
            let again = app.graphql(TREE, json!({}), Some(&other)).await;
            assert_eq!(app.app.state.db_stats.statements() - before, 0, "no statement for a kept answer");
            assert_eq!(again.body, first.body);
            // Another person of the same company reads more than nobody: their own answer.
            let member = app.as_user("member@acme.example", TREE, json!({})).await;
            assert_eq!(member.data()["company"]["companyToken"], serde_json::Value::Null);
            assert_eq!(member.codes(), vec!["FORBIDDEN"]);
            assert!(member.data()["company"]["employees"]["nodes"].is_array());
            assert!(app.metrics().await.contains("partnerworld_answer_cache_total{outcome=\"hit\"} 1"));
        }

        async fn a_write_retires_exactly_the_answers_that_read_what_it_changed(app) {
            let apa = app.token("apa@acme.example");
            let name = "{ company(partnerWorldId: \"PW-000001\") { id version name } }";
            let solutions = "{ solutions(first: 3) { nodes { name } } }";
            let c = app.graphql(name, json!({}), Some(&apa)).await;
            for _ in 0..2 {
                app.graphql(solutions, json!({}), None).await.assert_no_errors();
            }
            let u = app.graphql(UPDATE, json!({ "id": c.data()["company"]["id"], "v": c.data()["company"]["version"], "n": "Acme Kept Apart" }), Some(&apa)).await;
            u.assert_no_errors();
            // The company's answer read `companies`: retired, for the writer and for everyone.
            assert_eq!(app.graphql(name, json!({}), Some(&apa)).await.data()["company"]["name"], "Acme Kept Apart");
            assert_eq!(app.graphql(NAME, json!({}), None).await.data()["company"]["name"], "Acme Kept Apart");
            // The directory's answer read no table the rename wrote: still kept.
            let before = app.app.state.db_stats.statements();
            app.graphql(solutions, json!({}), None).await.assert_no_errors();
            let spent = app.app.state.db_stats.statements() - before;
            assert!(spent <= 1, "an answer the write did not touch is kept ({spent} statements)");
        }

        async fn operations_sent_by_persisted_hash_alone_keep_their_own_answers(app) {
            use sha2::Digest;
            let hash = |q: &str| sha2::Sha256::digest(q.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>();
            let one = "{ company(partnerWorldId: \"PW-000001\") { name } }";
            let two = "{ company(partnerWorldId: \"PW-000002\") { name } }";
            let send = |body: serde_json::Value| {
                let req = Request::post("/graphql")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .expect("request");
                app.request(req)
            };
            let mut names = Vec::new();
            for q in [one, two] {
                let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash(q) } });
                let (status, _) = send(json!({ "query": q, "extensions": ext })).await;
                assert_eq!(status.as_u16(), 200);
                // By hash alone, more times than it takes to be kept.
                for _ in 0..3 {
                    let (_, body) = send(json!({ "extensions": ext })).await;
                    let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
                    names.push(body["data"]["company"]["name"].clone());
                }
            }
            let a = app.graphql(one, json!({}), None).await.data()["company"]["name"].clone();
            let b = app.graphql(two, json!({}), None).await.data()["company"]["name"].clone();
            assert_ne!(a, b);
            assert_eq!(names, vec![a.clone(), a.clone(), a, b.clone(), b.clone(), b]);
        }

        async fn cache_control_says_who_may_keep_an_answer(app) {
            let apa = app.token("apa@acme.example");
            let public = "{ company(partnerWorldId: \"PW-000001\") { name } }";
            // Computed, computed and kept, then from the answer cache: the same header.
            for _ in 0..3 {
                assert_eq!(post(&app, public, None).await.1, "public, max-age=0");
                assert_eq!(post(&app, TREE, Some(&apa)).await.1, "private, max-age=0");
            }
            // Public fields read by a signed-in caller: nothing about them was consulted.
            assert_eq!(post(&app, public, Some(&apa)).await.1, "public, max-age=0");
            let (_, control, body) = post(&app, "{ company(partnerWorldId: \"PW-000001\") { companyToken } }", None).await;
            assert_eq!(tests::codes_of(&body), vec!["FORBIDDEN"]);
            assert_eq!(control, "no-store", "an answer with errors");
            let (status, control, _) = post(&app, "{ nope }", None).await;
            assert_eq!((status, control.as_str()), (400, "no-store"));
            let c = app.graphql("{ company(partnerWorldId: \"PW-000001\") { id version } }", json!({}), None).await;
            let mutation = format!("mutation {{ updateCompanyProfile(input: {{ companyId: \"{}\", version: {}, name: \"Acme\" }}) {{ company {{ name }} }} }}", c.data()["company"]["id"].as_str().expect("id"), c.data()["company"]["version"]);
            let (status, control, body) = post(&app, &mutation, Some(&apa)).await;
            assert_eq!((status, control.as_str()), (200, "no-store"), "{body}");
            // A signed link expires: never kept by anyone, and computed afresh each time.
            let member = app.token("member@acme.example");
            let link = "{ site(siteNumber: \"S-1000001\") { download(report: { customers: {} }) { url } } }";
            let (_, control, first) = post(&app, link, Some(&member)).await;
            assert_eq!(control, "no-store", "{first}");
            let before = app.app.state.db_stats.statements();
            post(&app, link, Some(&member)).await;
            assert!(app.app.state.db_stats.statements() > before, "a link is never served from the cache");
        }
    }
}

/// Two replicas on one database and one Redis: a write on one retires the answers the
/// other kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_replica_retires_the_answers_of_another() {
    let config = test_config(Backend::Postgres).await;
    let a = TestApp::with_config(Backend::Postgres, config.clone()).await;
    let b = TestApp::with_config(Backend::Postgres, config).await;
    for _ in 0..2 {
        assert_eq!(
            a.graphql(NAME, json!({}), None).await.data()["company"]["name"],
            "Acme Analytics"
        );
    }
    let before = a.app.state.db_stats.statements();
    assert_eq!(
        a.graphql(NAME, json!({}), None).await.data()["company"]["name"],
        "Acme Analytics"
    );
    assert_eq!(a.app.state.db_stats.statements(), before, "kept on A");
    let c = b
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { id version } }",
            json!({}),
            None,
        )
        .await;
    b.as_user("apa@acme.example", UPDATE, json!({ "id": c.data()["company"]["id"], "v": c.data()["company"]["version"], "n": "Acme Elsewhere" })).await.assert_no_errors();
    assert_eq!(
        a.graphql(NAME, json!({}), None).await.data()["company"]["name"],
        "Acme Elsewhere"
    );
}

/// The level's cached inputs stand for reads of every table the computation reads: the
/// declaration is held to the statements the computation runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_computation_declares_every_table_it_reads() {
    use api::cache::entity::ComputedKind;
    use api::cache::footprint::{Footprint, scope};
    let app = TestApp::start(Backend::Sqlite).await;
    let footprint = Arc::new(Footprint::default());
    scope(footprint.clone(), async {
        api::domain::profiles::reads::level_inputs(&app.app.state.db, &[1, 2, 3])
            .await
            .expect("inputs");
    })
    .await;
    let mut read = footprint.read();
    read.sort();
    let mut declared: Vec<String> = ComputedKind::Level
        .tables()
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
    declared.sort();
    assert_eq!(read, declared);
}

on_both_backends! {
    async fn a_read_after_a_write_sees_the_new_value_for_every_caller(app) {
        // Warm the cache with the old row.
        assert_eq!(app.graphql(NAME, json!({}), None).await.data()["company"]["name"], "Acme Analytics");
        let c = app.graphql("{ company(partnerWorldId: \"PW-000001\") { id version } }", json!({}), None).await;
        let u = app.as_user("apa@acme.example", UPDATE, json!({ "id": c.data()["company"]["id"], "v": c.data()["company"]["version"], "n": "Acme Renamed" })).await;
        u.assert_no_errors();
        assert_eq!(app.as_user("apa@acme.example", NAME, json!({})).await.data()["company"]["name"], "Acme Renamed");
        assert_eq!(app.graphql(NAME, json!({}), None).await.data()["company"]["name"], "Acme Renamed");
    }

    async fn a_cached_row_never_shows_a_guarded_field_to_a_caller_with_fewer_rights(app) {
        let q = "{ company(partnerWorldId: \"PW-000001\") { companyToken } }";
        let apa = app.as_user("apa@acme.example", q, json!({})).await;
        apa.assert_no_errors();
        for _ in 0..3 {
            let anonymous = app.graphql(q, json!({}), None).await;
            assert_eq!(anonymous.codes(), vec!["FORBIDDEN"]);
            assert_eq!(anonymous.data()["company"]["companyToken"], serde_json::Value::Null);
            assert_eq!(app.as_user("apa@globex.example", q, json!({})).await.codes(), vec!["FORBIDDEN"]);
        }
    }

    async fn a_hot_key_under_200_concurrent_misses_is_loaded_once(app) {
        // Company 9's id, computed, so nothing has read its row yet: cold in every layer.
        let target = api::graphql::ids::encode(api::graphql::ids::Kind::Company, 9).0;
        let cold = "query($id: ID!) { company(id: $id) { name } }";
        let before = app.app.state.db_stats.statements();
        let answers = futures::future::join_all((0..200).map(|_| app.graphql(cold, json!({ "id": target }), None))).await;
        let statements = app.app.state.db_stats.statements() - before;
        assert!(answers.iter().all(|a| a.body.get("errors").is_none() && a.data()["company"]["name"].is_string()));
        assert_eq!(statements, 1, "one database load refills the key for 200 concurrent readers");
    }
}

async fn stores() -> Vec<(&'static str, Arc<dyn CacheStore>)> {
    let prefix = format!("pwtest:cas:{:08x}:", rand::random::<u32>());
    vec![
        ("memory", Arc::new(MemoryStore::new(1 << 20))),
        (
            "redis",
            Arc::new(
                RedisStore::connect(&tests::redis_url(), &prefix, Duration::from_millis(500))
                    .expect("redis"),
            ),
        ),
    ]
}

#[tokio::test]
async fn a_slow_reader_never_overwrites_a_newer_row() {
    for (kind, store) in stores().await {
        store
            .set_if_newer("row", 2, b"new", Duration::from_secs(30))
            .await
            .expect(kind);
        // A reader that loaded version 1 before the write finishes after it.
        store
            .set_if_newer("row", 1, b"old", Duration::from_secs(30))
            .await
            .expect(kind);
        let stored = store.get("row").await.expect(kind).expect("present");
        assert_eq!(api::cache::payload_of(&stored), Some(&b"new"[..]), "{kind}");
        store
            .set_if_newer("row", 3, b"newer", Duration::from_secs(30))
            .await
            .expect(kind);
        let stored = store.get("row").await.expect(kind).expect("present");
        assert_eq!(
            api::cache::payload_of(&stored),
            Some(&b"newer"[..]),
            "{kind}"
        );
        assert_eq!(
            store
                .incr("gen", 1, Duration::from_secs(30))
                .await
                .expect(kind),
            1
        );
        assert_eq!(
            store
                .incr("gen", 1, Duration::from_secs(30))
                .await
                .expect(kind),
            2
        );
    }
}

#[tokio::test]
async fn a_failed_load_is_never_cached() {
    for (kind, store) in stores().await {
        let cache =
            api::cache::entity::EntityCache::new(Cache::new(store), Duration::from_secs(30));
        let calls = AtomicUsize::new(0);
        let failing = cache
            .rows(
                api::cache::entity::RowKind::Company,
                &[1],
                |v: &i64| *v,
                |_| async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Err::<std::collections::HashMap<i64, i64>, String>("database down".into())
                },
            )
            .await;
        assert!(failing.is_err(), "{kind}");
        tokio::time::sleep(Duration::from_millis(150)).await;
        let ok = cache
            .rows(
                api::cache::entity::RowKind::Company,
                &[1],
                |v: &i64| *v,
                |_| async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, String>(std::collections::HashMap::from([(1, 7)]))
                },
            )
            .await;
        assert_eq!(ok.map(|m| m.get(&1).copied()), Ok(Some(7)), "{kind}");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "{kind}: the error was not served from cache"
        );
    }
}

/// A private redis-server on a free port, stopped on drop.
struct PrivateRedis {
    child: Child,
    port: u16,
}

impl PrivateRedis {
    fn start_on(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server binary (apt-get install redis-server)");
        Self { child, port }
    }

    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let r = Self::start_on(port);
        r.wait_up().await;
        r
    }

    async fn wait_up(&self) {
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("private redis-server did not start");
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn gateway_on(redis: &str, command_timeout_ms: u64) -> TestApp {
    let mut config = test_config(Backend::Postgres).await;
    config.redis_url = Some(redis.to_owned());
    config.redis_command_timeout_ms = command_timeout_ms;
    TestApp::with_config(Backend::Postgres, config).await
}

async fn burst(app: &TestApp, n: usize) -> usize {
    let answers =
        futures::future::join_all((0..n).map(|_| app.graphql(NAME, json!({}), None))).await;
    answers
        .iter()
        .filter(|a| a.status.as_u16() == 200 && a.body.get("errors").is_none())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_load_and_restarted_costs_no_request() {
    let mut redis = PrivateRedis::start().await;
    // A timeout roomy enough for a loaded CI machine: this test is about outages, not speed.
    let app = gateway_on(&redis.url(), 500).await;
    assert_eq!(burst(&app, 50).await, 50);
    assert!(
        serves_from_cache(&app).await,
        "the cache served while Redis was up"
    );
    redis.stop();
    assert_eq!(
        burst(&app, 50).await,
        50,
        "every request succeeds from the database"
    );
    assert!(
        app.app.state.cache.stats.errors.load(Ordering::Relaxed) > 0,
        "cache errors are counted"
    );
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body["cache"], "unavailable");
    // Restarted on the same port: the gateway reconnects by itself.
    let restarted = PrivateRedis::start_on(redis.port);
    restarted.wait_up().await;
    assert!(
        serves_from_cache(&app).await,
        "cache hits resume after the restart"
    );
}

/// True once a request is answered with a cache hit; a fresh (or freshly restarted)
/// Redis needs a first request to fill the key, so this retries for a few seconds.
async fn serves_from_cache(app: &TestApp) -> bool {
    for _ in 0..40 {
        let before = app.app.state.cache.stats.hits.load(Ordering::Relaxed);
        assert_eq!(burst(app, 1).await, 1, "every request succeeds");
        if app.app.state.cache.stats.hits.load(Ordering::Relaxed) > before {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    false
}

/// With Redis stopped, every query is computed (none fails) and none is kept; when it is
/// back, answers are kept again under a new epoch, never the ones from before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_with_redis_stopped_are_computed_and_none_is_kept() {
    let mut redis = PrivateRedis::start().await;
    let app = gateway_on(&redis.url(), 500).await;
    let stored = || app.metric("partnerworld_answer_cache_total{outcome=\"stored\"}");
    assert_eq!(burst(&app, 5).await, 5);
    redis.stop();
    let before = stored().await;
    let c = app
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { id version } }",
            json!({}),
            None,
        )
        .await;
    app.as_user("apa@acme.example", UPDATE, json!({ "id": c.data()["company"]["id"], "v": c.data()["company"]["version"], "n": "Acme While Down" })).await.assert_no_errors();
    assert_eq!(
        burst(&app, 10).await,
        10,
        "every request succeeds from the database"
    );
    assert_eq!(
        app.graphql(NAME, json!({}), None).await.data()["company"]["name"],
        "Acme While Down"
    );
    assert_eq!(
        stored().await,
        before,
        "nothing is kept while the store fails"
    );
    let restarted = PrivateRedis::start_on(redis.port);
    restarted.wait_up().await;
    for _ in 0..40 {
        if stored().await > before {
            break;
        }
        assert_eq!(
            app.graphql(NAME, json!({}), None).await.data()["company"]["name"],
            "Acme While Down"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(stored().await > before, "answers are kept again");
    assert_eq!(
        app.graphql(NAME, json!({}), None).await.data()["company"]["name"],
        "Acme While Down"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_never_answers_costs_tens_of_milliseconds() {
    let addr = tests::silent_listener().await;
    let app = gateway_on(&format!("redis://{addr}"), 50).await;
    let started = std::time::Instant::now();
    assert_eq!(burst(&app, 20).await, 20);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let one = std::time::Instant::now();
    app.graphql(NAME, json!({}), None).await.assert_no_errors();
    assert!(
        one.elapsed() < Duration::from_millis(1500),
        "{:?}",
        one.elapsed()
    );
}

/// Routers that cache this subgraph's answers (`cache::router`): tagged with the tables
/// they read, purged by the tables a write changed.
mod router_tags {
    use super::*;
    use serde_json::Value;
    use std::sync::Mutex;

    /// A stand-in for a router's invalidation endpoint: records each request's
    /// `Authorization` and body.
    async fn endpoint() -> (String, Arc<Mutex<Vec<(String, Value)>>>) {
        let seen: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
        let record = seen.clone();
        let router = axum::Router::new().route(
            "/invalidation",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, axum::Json(body): axum::Json<Value>| {
                    let record = record.clone();
                    async move {
                        let key = headers
                            .get(header::AUTHORIZATION)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        record.lock().expect("lock").push((key, body));
                        axum::Json(json!({ "count": 1 }))
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, router).await });
        (format!("http://{addr}/invalidation"), seen)
    }

    async fn over_http(addr: std::net::SocketAddr, body: Value, token: Option<&str>) -> Value {
        let mut req = reqwest::Client::new()
            .post(format!("http://{addr}/graphql"))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let text = req.send().await.expect("send").text().await.expect("body");
        serde_json::from_str(&text).expect("json")
    }

    tests::with_each_backend! {
        async fn answers_to_the_router_carry_their_tables_and_writes_purge_them(backend) {
            let (url, seen) = endpoint().await;
            let mut config = test_config(backend).await;
            config.trusted_callers = vec!["127.0.0.1/32".into()];
            config.router_invalidation_url = Some(url);
            config.router_invalidation_key = Some("shared-key".into());
            let app = TestApp::with_config(backend, config).await;
            let addr = app.serve().await;

            // A root-field fetch: one flat list, the tables the answer read.
            let name = over_http(addr, json!({ "query": NAME }), None).await;
            assert_eq!(
                name,
                json!({ "data": { "company": { "name": "Acme Analytics" } },
                        "extensions": { "apolloCacheTags": ["table:companies"] } })
            );
            // `_entities`: one list per entry.
            let id = name_id(&app).await;
            let entities = over_http(addr, json!({
                "query": "query($r: [_Any!]!) { _entities(representations: $r) { ... on Company { name } } }",
                "variables": { "r": [{ "__typename": "Company", "id": id }, { "__typename": "Company", "id": id }] }
            }), None).await;
            assert_eq!(
                entities["extensions"],
                json!({ "apolloEntityCacheTags": [["table:companies"], ["table:companies"]] })
            );
            // Not to anyone else, and never on a write.
            let (_, _, untrusted) = post(&app, NAME, None).await;
            assert_eq!(untrusted.get("extensions"), None, "{untrusted}");

            let apa = app.token("apa@acme.example");
            let c = app.graphql("{ company(partnerWorldId: \"PW-000001\") { id version } }", json!({}), Some(&apa)).await;
            let written = over_http(addr, json!({ "query": UPDATE, "variables": {
                "id": c.data()["company"]["id"], "v": c.data()["company"]["version"], "n": "Acme Purged" } }), Some(&apa)).await;
            assert_eq!(written.get("extensions"), None, "{written}");
            // Purged with the shared key, now and once more after the row cache caught up.
            let expected = (
                "shared-key".to_owned(),
                json!([
                    { "kind": "cache_tag", "subgraphs": ["partnerworld"], "cache_tag": "table:audit_log" },
                    { "kind": "cache_tag", "subgraphs": ["partnerworld"], "cache_tag": "table:companies" },
                ]),
            );
            for _ in 0..100 {
                if seen.lock().expect("lock").len() >= 2 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(*seen.lock().expect("lock"), vec![expected.clone(), expected]);
            assert_eq!(app.metric("partnerworld_router_purges_total{outcome=\"ok\"}").await, 2);
        }
    }

    async fn name_id(app: &TestApp) -> Value {
        let c = app
            .graphql(
                "{ company(partnerWorldId: \"PW-000001\") { id } }",
                json!({}),
                None,
            )
            .await;
        c.data()["company"]["id"].clone()
    }
}

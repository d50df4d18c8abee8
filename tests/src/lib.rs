//! Test harness: a gateway per test over its real axum router, on either engine pair.
//!
//! - `Backend::Sqlite`: a fresh SQLite file and the in-process cache.
//! - `Backend::Postgres`: a fresh database on the PostgreSQL at `PW_TEST_POSTGRES_URL`
//!   (default `postgres://postgres@127.0.0.1:5432/test`) and the Redis at
//!   `PW_TEST_REDIS_URL` (default `redis://127.0.0.1:6379`) under a per-test key prefix.
//!   An unreachable server fails the test; nothing is skipped.

pub mod otlp;
pub mod private_pg;
pub mod ws;

use api::Application;
use api::config::{Config, Environment};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};
use tower::ServiceExt;

/// The HMAC secret every test gateway uses.
pub const SECRET: &str = "test-secret-of-at-least-thirty-two-bytes!";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn postgres_admin_url() -> String {
    std::env::var("PW_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub fn redis_url() -> String {
    std::env::var("PW_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub fn unique(prefix: &str) -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    format!("{prefix}_{secs}_{:08x}", rand::random::<u32>())
}

/// A fresh, empty database URL for `backend`. PostgreSQL databases are named
/// `pwt_<unix time>_<random>`; ones older than an hour are dropped on the way.
pub async fn fresh_database(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("pw-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!(
                "sqlite://{}?mode=rwc",
                dir.join(format!("{}.db", unique("t"))).display()
            )
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = Database::connect(&admin_url)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is required: {e}"));
            drop_stale_databases(&admin).await;
            let name = unique("pwt");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
    }
}

async fn drop_stale_databases(admin: &sea_orm::DatabaseConnection) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let Ok(rows) = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'pwt\\_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let created = name
            .split('_')
            .nth(1)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(created) > 3600 {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// An address that accepts connections and never says a word (a hung Redis, a silent
/// collector), for as long as the test runs.
pub async fn silent_listener() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    addr
}

/// The configuration a test gateway runs with.
pub async fn test_config(backend: Backend) -> Config {
    let mut config = Config::defaults();
    config.environment = Environment::Production;
    config.database_url = fresh_database(backend).await;
    config.database_max_connections = 8;
    config.seed_demo = Some(true);
    config.jwt_hs256_secret = Some(SECRET.into());
    config.redis_url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(redis_url()),
    };
    config.redis_key_prefix = format!("{}:", unique("pwtest"));
    // Suites send hundreds of requests as one caller; tests that count turn these on.
    config.rate_limit_requests = 0;
    config.rate_limit_sensitive = 0;
    config.rate_limit_window_secs = RATE_LIMIT_WINDOW_SECS;
    config
}

/// The budgets' window in every test gateway: an hour, so that with [`fresh_window`] no
/// test that counts straddles a refill (a fixed window starts on the clock, not per test).
pub const RATE_LIMIT_WINDOW_SECS: u64 = 3600;

/// Waits, when the current window ends within half a minute, until the next one begins.
pub async fn fresh_window(window: u64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let left = window - now % window;
    if left < 30 {
        tokio::time::sleep(std::time::Duration::from_secs(left + 1)).await;
    }
}

/// One gateway under test.
pub struct TestApp {
    pub backend: Backend,
    pub app: Application,
}

/// The `extensions.code` of every error of a GraphQL response body (or a WebSocket
/// `payload`), in order.
pub fn codes_of(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errs| {
            errs.iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("<none>")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A GraphQL answer: HTTP status and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// The `extensions.code` of every error, in order.
    pub fn codes(&self) -> Vec<String> {
        codes_of(&self.body)
    }

    pub fn assert_no_errors(&self) -> &Self {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        assert_eq!(self.status, StatusCode::OK);
        self
    }
}

impl TestApp {
    pub async fn start(backend: Backend) -> Self {
        Self::with_config(backend, test_config(backend).await).await
    }

    pub async fn with_config(backend: Backend, config: Config) -> Self {
        // Logs go to the test's captured output: shown for a failing test.
        api::telemetry::init_for_tests();
        // A test that turns a budget on counts against it: it must start in a window
        // that lasts the whole test, whoever wrote it.
        if config.rate_limit_requests > 0 || config.rate_limit_sensitive > 0 {
            fresh_window(config.rate_limit_window_secs).await;
        }
        let app = Application::build(config).await.expect("gateway starts");
        Self { backend, app }
    }

    /// Serves the gateway on a real socket on 127.0.0.1 for as long as the test runs.
    pub async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        // With the peer address, as `partnerworld serve` runs it.
        let service = self
            .app
            .router
            .clone()
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await.ok() });
        addr
    }

    /// A valid token for `sub`.
    pub fn token(&self, sub: &str) -> String {
        self.app.state.auth.mint(sub, &[], 600).expect("mint")
    }

    pub fn ibm_channel_token(&self) -> String {
        self.app
            .state
            .auth
            .mint("channel@ibm.example", &["IBM_CHANNEL"], 600)
            .expect("mint")
    }

    /// The value of one series at `/metrics` (its name with labels, as printed), 0 when
    /// absent.
    pub async fn metric(&self, series: &str) -> u64 {
        self.metrics()
            .await
            .lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or(0)
    }

    /// The Prometheus text at `/metrics`.
    pub async fn metrics(&self) -> String {
        let (_, body) = self
            .request(
                Request::get("/metrics")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        String::from_utf8(body).expect("text")
    }

    /// Sends one raw HTTP request through the router.
    pub async fn request(&self, req: Request<Body>) -> (StatusCode, Vec<u8>) {
        let resp = self
            .app
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = resp.status();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        (status, bytes.to_vec())
    }

    /// POSTs a GraphQL operation, optionally with a bearer token.
    pub async fn graphql(&self, query: &str, variables: Value, token: Option<&str>) -> Answer {
        let mut req = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let (status, bytes) = self
            .request(req.body(Body::from(body)).expect("request"))
            .await;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&bytes) }));
        Answer { status, body }
    }

    /// As `graphql`, signed in as `sub`.
    pub async fn as_user(&self, sub: &str, query: &str, variables: Value) -> Answer {
        let token = self.token(sub);
        self.graphql(query, variables, Some(&token)).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (status, bytes) = self
            .request(Request::get(path).body(Body::empty()).expect("request"))
            .await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

/// Declares each test twice, `sqlite::name` and `postgres::name`; the body gets the
/// `Backend` and starts what it needs (`on_both_backends!` starts the default gateway).
#[macro_export]
macro_rules! with_each_backend {
    ($( $(#[$meta:meta])* async fn $name:ident($backend:ident) $body:block )*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $( $(#[$meta])* #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() {
                   let $backend = $crate::Backend::Sqlite;
                   $body
               } )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $( $(#[$meta])* #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() {
                   let $backend = $crate::Backend::Postgres;
                   $body
               } )*
        }
    };
}

/// Declares each test twice, `sqlite::name` and `postgres::name`, each with a fresh
/// default gateway on that engine pair.
#[macro_export]
macro_rules! on_both_backends {
    ($( $(#[$meta:meta])* async fn $name:ident($app:ident) $body:block )*) => {
        $crate::with_each_backend! {
            $( $(#[$meta])* async fn $name(backend) {
                let $app = $crate::TestApp::start(backend).await;
                $body
            } )*
        }
    };
}

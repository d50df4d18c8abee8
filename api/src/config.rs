//! Typed configuration, read once at start from the environment (or flags). Every field
//! names its environment variable and default; bad values stop the gateway at start.

use clap::{Args, ValueEnum};
use opentelemetry_sdk::trace::Sampler;
use std::net::SocketAddr;

/// The embedded default: a SQLite file beside the working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://partnerworld.db?mode=rwc";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Which operations run (`PERSISTED_QUERIES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PersistedMode {
    /// Any operation, and automatic persisted queries (Apollo's protocol) register hashes.
    Automatic,
    /// Only operations registered from a manifest (`partnerworld operations register`).
    Safelist,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// GraphiQL, introspection, field suggestions, printed demo tokens.
    Development,
    /// None of the above.
    Production,
}

/// Gateway configuration.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// `PW_ENV`: `development` or `production`.
    #[arg(long, env = "PW_ENV", value_enum, default_value = "production")]
    pub environment: Environment,

    /// `LISTEN_ADDR`: address the HTTP server binds.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080")]
    pub listen_addr: SocketAddr,

    /// `DATABASE_URL`: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// `DATABASE_MAX_CONNECTIONS`: size of the connection pool.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,

    /// `DATABASE_READ_URL`: a PostgreSQL streaming replica of `DATABASE_URL`. Queries read
    /// from it while it answers and is close behind; mutations, subscriptions and a
    /// caller's reads just after their own write use the primary.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,

    /// `DATABASE_READ_MAX_LAG_MS`: how far behind the primary the replica may be and still
    /// serve queries; past it (or when it does not answer) queries read from the primary.
    #[arg(long, env = "DATABASE_READ_MAX_LAG_MS", default_value_t = 1000)]
    pub database_read_max_lag_ms: u64,

    /// `READ_YOUR_WRITES_SECS`: after a caller's mutation, how long their queries read from
    /// the primary. Longer than the replica's lag bound, so what they read after it is never
    /// older than what they wrote.
    #[arg(long, env = "READ_YOUR_WRITES_SECS", default_value_t = 5)]
    pub read_your_writes_secs: u64,

    /// `DATABASE_AUTO_MIGRATE`: apply pending migrations at start (the Helm chart runs them
    /// in a Job instead and sets this to false).
    #[arg(long, env = "DATABASE_AUTO_MIGRATE", default_value_t = true, action = clap::ArgAction::Set)]
    pub auto_migrate: bool,

    /// `INTROSPECTION`: answer `__schema` and `__type`. Defaults to on in development only;
    /// field suggestions stay off outside development whatever this says.
    #[arg(long, env = "INTROSPECTION", action = clap::ArgAction::Set)]
    pub introspection: Option<bool>,

    /// `SEED_DEMO`: load the demo data when the database has no company yet. Defaults to
    /// true only on the embedded SQLite default.
    #[arg(long, env = "SEED_DEMO", action = clap::ArgAction::Set)]
    pub seed_demo: Option<bool>,

    /// `REDIS_URL`: `redis://HOST:PORT/DB`. Unset: an in-process cache.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// `REDIS_KEY_PREFIX`: prefix of every key the gateway writes, so that deployments
    /// (and test runs) can share one Redis.
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "pw:")]
    pub redis_key_prefix: String,

    /// `REDIS_COMMAND_TIMEOUT_MS`: per-command timeout; a slower Redis counts as a miss.
    #[arg(long, env = "REDIS_COMMAND_TIMEOUT_MS", default_value_t = 50)]
    pub redis_command_timeout_ms: u64,

    /// `CACHE_TTL_SECS`: how long cached rows and computed values live (±10 % jitter).
    /// Writes update or retire them at once; the TTL only bounds memory.
    #[arg(long, env = "CACHE_TTL_SECS", default_value_t = 300)]
    pub cache_ttl_secs: u64,

    /// `PERSISTED_QUERIES`: `automatic` runs any operation and registers persisted-query
    /// hashes on first use; `safelist` runs only the operations registered from a
    /// manifest, on every transport, and refuses the rest with PERSISTED_QUERY_NOT_IN_LIST.
    #[arg(long, env = "PERSISTED_QUERIES", value_enum, default_value_t = PersistedMode::Automatic)]
    pub persisted_queries: PersistedMode,

    /// `RESPONSE_CACHE_SECS`: how long whole answers of queries are kept, shared by every
    /// replica through the cache (0 turns it off). Writes retire the answers that read
    /// what they changed at once; the TTL bounds memory and changes made to the database
    /// behind the gateway's back.
    #[arg(long, env = "RESPONSE_CACHE_SECS", default_value_t = 300)]
    pub response_cache_secs: u64,

    /// `CACHE_CONTROL_MAX_AGE_SECS`: the `max-age` of the `Cache-Control` header on
    /// answers a browser or router may keep (`public` when the answer did not depend on
    /// who asked, `private` when it did). 0 asks them to revalidate every time.
    #[arg(long, env = "CACHE_CONTROL_MAX_AGE_SECS", default_value_t = 0)]
    pub cache_control_max_age_secs: u64,

    /// `JWT_HS256_SECRET`: HMAC secret (at least 32 bytes) for HS256 tokens. In development
    /// mode a random one is generated when unset.
    #[arg(long, env = "JWT_HS256_SECRET", hide_env_values = true)]
    pub jwt_hs256_secret: Option<String>,

    /// `DOWNLOAD_LINK_SECRET`: HMAC secret (at least 32 bytes) that signs report download
    /// links. Replicas behind one address must share it; unset, each process draws its own
    /// and a link works only on the replica that made it.
    #[arg(long, env = "DOWNLOAD_LINK_SECRET", hide_env_values = true)]
    pub download_link_secret: Option<String>,

    /// `DOWNLOAD_LINK_TTL_SECS`: how long a signed download link stays valid.
    #[arg(long, env = "DOWNLOAD_LINK_TTL_SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub download_link_ttl_secs: u64,

    /// `SHUTDOWN_DRAIN_SECS`: after SIGTERM, how long the replica, already unready, keeps
    /// serving what arrives while the load balancer takes it out of rotation.
    #[arg(long, env = "SHUTDOWN_DRAIN_SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=300))]
    pub shutdown_drain_secs: u64,

    /// `SHUTDOWN_GRACE_SECS`: after SIGTERM, the most the replica takes to exit, requests
    /// still running or not (keep it under the pod's `terminationGracePeriodSeconds`).
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = 25, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub shutdown_grace_secs: u64,

    /// `DOWNLOAD_CONCURRENCY`: report files a replica writes at once. One more is refused
    /// with 503 and `Retry-After` until one ends: each holds a chunk of rows in memory.
    #[arg(long, env = "DOWNLOAD_CONCURRENCY", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub download_concurrency: u32,

    /// `DOWNLOAD_ROWS_PER_SEC`: rows per second all of a replica's report files together may
    /// write (0: unbounded). Encoding rows is the one thing a file spends, all of it the
    /// replica's CPU; the bound keeps other requests' latency whatever files are running.
    #[arg(long, env = "DOWNLOAD_ROWS_PER_SEC", default_value_t = 50_000)]
    pub download_rows_per_sec: u32,

    /// `JWT_ALGORITHMS`: the accepted signature algorithms, comma separated, from
    /// `HS256`, `RS256`, `ES256`. RS256 and ES256 need `JWT_JWKS`.
    #[arg(
        long,
        env = "JWT_ALGORITHMS",
        value_delimiter = ',',
        default_value = "HS256"
    )]
    pub jwt_algorithms: Vec<String>,

    /// `JWT_JWKS`: the key set for RS256/ES256: a file path or an `https://` URL.
    #[arg(long, env = "JWT_JWKS")]
    pub jwt_jwks: Option<String>,

    /// `JWKS_REFRESH_SECS`: how often the key set is fetched again.
    #[arg(long, env = "JWKS_REFRESH_SECS", default_value_t = 300)]
    pub jwks_refresh_secs: u64,

    /// `JWKS_MAX_AGE_SECS`: how long the last good key set stays in use while refreshes
    /// fail; past it, tokens are answered with 503, never accepted.
    #[arg(long, env = "JWKS_MAX_AGE_SECS", default_value_t = 3600)]
    pub jwks_max_age_secs: u64,

    /// `JWKS_COOLDOWN_SECS`: at most one refetch for unknown `kid`s per this interval.
    #[arg(long, env = "JWKS_COOLDOWN_SECS", default_value_t = 30)]
    pub jwks_cooldown_secs: u64,

    /// `JWKS_FETCH_TIMEOUT_MS`: timeout of one key-set fetch.
    #[arg(long, env = "JWKS_FETCH_TIMEOUT_MS", default_value_t = 2000)]
    pub jwks_fetch_timeout_ms: u64,

    /// `JWT_ISSUER`: the required `iss` claim.
    #[arg(
        long,
        env = "JWT_ISSUER",
        default_value = "https://partnerworld.example/auth"
    )]
    pub jwt_issuer: String,

    /// `JWT_AUDIENCE`: the required `aud` claim.
    #[arg(long, env = "JWT_AUDIENCE", default_value = "partnerworld-gateway")]
    pub jwt_audience: String,

    /// `JWT_LEEWAY_SECS`: clock skew allowed on `exp` and `nbf`.
    #[arg(long, env = "JWT_LEEWAY_SECS", default_value_t = 30)]
    pub jwt_leeway_secs: u64,

    /// `ROLE_CACHE_SECS`: how long a caller's company and site roles, read from the
    /// database, may be reused; the bound on how stale a revoked role can be.
    #[arg(long, env = "ROLE_CACHE_SECS", default_value_t = 30)]
    pub role_cache_secs: u64,

    /// `LOG_FORMAT`: `text` or `json`.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: where spans go over OTLP/HTTP (protobuf), the
    /// full URL. Unset together with `OTEL_EXPORTER_OTLP_ENDPOINT`: no traces are exported.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    pub otel_traces_endpoint: Option<String>,

    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: the OTLP/HTTP base URL; traces go to `/v1/traces`.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otel_endpoint: Option<String>,

    /// `OTEL_EXPORTER_OTLP_TIMEOUT`: milliseconds one span export may take before its spans
    /// count as dropped.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_TIMEOUT", default_value_t = 10_000)]
    pub otel_export_timeout_ms: u64,

    /// `OTEL_SERVICE_NAME`: the `service.name` of every span.
    #[arg(
        long,
        env = "OTEL_SERVICE_NAME",
        default_value = "partnerworld-gateway"
    )]
    pub otel_service_name: String,

    /// `OTEL_TRACES_SAMPLER`: `always_on`, `always_off`, `traceidratio`, or the
    /// `parentbased_` form of each (which follows a trusted caller's decision).
    #[arg(
        long,
        env = "OTEL_TRACES_SAMPLER",
        default_value = "parentbased_always_on"
    )]
    pub otel_traces_sampler: String,

    /// `OTEL_TRACES_SAMPLER_ARG`: the ratio for the `traceidratio` samplers, 0.0 to 1.0.
    #[arg(long, env = "OTEL_TRACES_SAMPLER_ARG", default_value_t = 1.0)]
    pub otel_traces_sampler_arg: f64,

    /// `TRUSTED_CALLERS`: addresses of our own infrastructure (router, ingress), as IPs or
    /// CIDR networks, comma separated. Their W3C `traceparent` is continued (anyone else's
    /// starts a new trace) and their `X-Forwarded-For` names the client for rate limits.
    #[arg(long, env = "TRUSTED_CALLERS", value_delimiter = ',')]
    pub trusted_callers: Vec<String>,

    /// `RATE_LIMIT_REQUESTS`: operations one caller (token subject, or client address
    /// when anonymous) may send per window; 0 turns the limit off.
    #[arg(long, env = "RATE_LIMIT_REQUESTS", default_value_t = 600)]
    pub rate_limit_requests: u32,

    /// `RATE_LIMIT_SENSITIVE`: occurrences of sensitive mutations (see
    /// `ratelimit::SENSITIVE_MUTATIONS`) one caller may run per window; 0 turns it off.
    #[arg(long, env = "RATE_LIMIT_SENSITIVE", default_value_t = 20)]
    pub rate_limit_sensitive: u32,

    /// `LEVEL_REVIEW_INTERVAL_SECS`: how often the server reviews every company's level in
    /// force against the rules (expired criteria lower it); the first review runs a minute
    /// after start. 0 turns it off (then run `partnerworld review-levels` from a scheduler).
    #[arg(long, env = "LEVEL_REVIEW_INTERVAL_SECS", default_value_t = 86_400)]
    pub level_review_interval_secs: u64,

    /// `RATE_LIMIT_WINDOW_SECS`: length of the fixed window the two budgets above refill in.
    #[arg(long, env = "RATE_LIMIT_WINDOW_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub rate_limit_window_secs: u64,

    /// `LOADER_DELAY_MICROS`: extra wait before a batch, after the request task is idle
    /// (which alone gathers a level's keys; see `graphql::batching`).
    #[arg(long, env = "LOADER_DELAY_MICROS", default_value_t = 0)]
    pub loader_delay_micros: u64,

    /// `MAX_DEPTH`: deepest selection nesting, fragments included. 15 lets the standard
    /// introspection query of graphql-js and graphql-core (depth 15) through where
    /// introspection is on; the cost limit is what bounds wide queries.
    #[arg(long, env = "MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,

    /// `MAX_COST`: the demand-control budget of one operation, by the cost formula of
    /// IBM's cost specification over the published `@cost`/`@listSize` (see
    /// `graphql::demand`). The benchmark's largest page (100 companies, their countries,
    /// locations, five people each and their certifications) is estimated at 33 801; 100
    /// companies with 100 people each at 70 301.
    #[arg(long, env = "MAX_COST", default_value_t = 50_000)]
    pub max_cost: u64,

    /// `DEFAULT_LIST_SIZE`: the size the estimate assumes for a list without `@listSize`
    /// (a router enforcing demand control should use the same: `static_estimated.list_size`
    /// in Apollo's router).
    #[arg(long, env = "DEFAULT_LIST_SIZE", default_value_t = 10)]
    pub default_list_size: u64,

    /// `MAX_ALIASES`: aliases in one document.
    #[arg(long, env = "MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,

    /// `MAX_ROOT_FIELDS`: root fields in one operation.
    #[arg(long, env = "MAX_ROOT_FIELDS", default_value_t = 20)]
    pub max_root_fields: usize,

    /// `MAX_EXPANDED_FIELDS`: fields of a document once every fragment is inlined (each
    /// fragment measured once). Bounds what validation and execution walk: a 1.5 KB chain
    /// of fragments that each spread the next twice names 2^40 fields.
    #[arg(long, env = "MAX_EXPANDED_FIELDS", default_value_t = 5_000)]
    pub max_expanded_fields: u64,

    /// `MAX_DIRECTIVES`: directives on one field.
    #[arg(long, env = "MAX_DIRECTIVES", default_value_t = 10)]
    pub max_directives: usize,

    /// `MAX_DOCUMENT_BYTES`: size of the query text.
    #[arg(long, env = "MAX_DOCUMENT_BYTES", default_value_t = 16 * 1024)]
    pub max_document_bytes: usize,

    /// `MAX_TOKENS`: lexical tokens of the query text, counted before parsing.
    #[arg(long, env = "MAX_TOKENS", default_value_t = 3_000)]
    pub max_tokens: usize,

    /// `MAX_BODY_BYTES`: request body size; larger bodies get 413 before parsing.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,

    /// `REQUEST_TIMEOUT_MS`: execution time of one operation.
    #[arg(long, env = "REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,

    /// `MAX_CONCURRENT_EXECUTIONS`: operations a replica executes at once; more wait their
    /// turn in arrival order (within `REQUEST_TIMEOUT_MS`). Each holds its answer in
    /// memory while it runs, so this bounds memory under a burst (256 pages of a thousand
    /// objects at once took 370 MB) without refusing anything; a few per core keep the
    /// cores busy while others wait on the database. Answers from the answer cache do not
    /// wait.
    #[arg(long, env = "MAX_CONCURRENT_EXECUTIONS", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent_executions: u32,

    /// `DATABASE_STATEMENT_TIMEOUT_MS`: PostgreSQL `statement_timeout` of every
    /// connection, so a slow statement is cancelled by the server.
    #[arg(long, env = "DATABASE_STATEMENT_TIMEOUT_MS", default_value_t = 5_000)]
    pub database_statement_timeout_ms: u64,

    /// `CORS_ALLOWED_ORIGINS`: origins allowed to call from a browser, comma separated
    /// (empty: no CORS headers, browsers on other origins are refused).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,

    /// `ROUTER_INVALIDATION_URL`: a router's invalidation endpoint (Apollo Router's
    /// response caching, `response_cache.invalidation`); every write purges there the
    /// cache tags of the tables it changed (`cache::router`). Unset: nothing is purged.
    #[arg(long, env = "ROUTER_INVALIDATION_URL")]
    pub router_invalidation_url: Option<String>,

    /// `ROUTER_INVALIDATION_KEY`: the shared key sent as `Authorization` to that endpoint.
    #[arg(long, env = "ROUTER_INVALIDATION_KEY", hide_env_values = true)]
    pub router_invalidation_key: Option<String>,

    /// `SUBGRAPH_NAME`: this subgraph's name in the supergraph, as purges name it.
    #[arg(long, env = "SUBGRAPH_NAME", default_value = "partnerworld")]
    pub subgraph_name: String,

    /// `MAX_PAGE_SIZE`: the largest `first` a connection accepts.
    #[arg(long, env = "MAX_PAGE_SIZE", default_value_t = 100)]
    pub max_page_size: u32,
}

impl Config {
    /// Defaults with no environment or flags read: the base for tests.
    pub fn defaults() -> Self {
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: Config,
        }
        // Parsing an empty argument list into defaults cannot fail; every field has one.
        match <Wrapper as clap::Parser>::try_parse_from(["partnerworld"]) {
            Ok(w) => w.config,
            Err(e) => panic!("config defaults do not parse: {e}"),
        }
    }

    /// The router's invalidation endpoint, if one is set (the chart writes an empty value
    /// for "none").
    pub fn router_invalidation(&self) -> Option<&str> {
        self.router_invalidation_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
    }

    /// The algorithm allow-list, parsed.
    pub fn algorithms(&self) -> Result<Vec<jsonwebtoken::Algorithm>, String> {
        use jsonwebtoken::Algorithm;
        let mut out = Vec::new();
        for name in &self.jwt_algorithms {
            let alg = match name.trim() {
                "HS256" => Algorithm::HS256,
                "RS256" => Algorithm::RS256,
                "ES256" => Algorithm::ES256,
                other => {
                    return Err(format!(
                        "JWT_ALGORITHMS: {other:?} is not one of HS256, RS256, ES256"
                    ));
                }
            };
            if !out.contains(&alg) {
                out.push(alg);
            }
        }
        if out.is_empty() {
            return Err("JWT_ALGORITHMS is empty".into());
        }
        Ok(out)
    }

    pub fn is_development(&self) -> bool {
        self.environment == Environment::Development
    }

    /// Is introspection answered (`INTROSPECTION`; by default in development only)?
    pub fn introspection_enabled(&self) -> bool {
        self.introspection.unwrap_or(self.is_development())
    }

    pub fn should_seed_demo(&self) -> bool {
        self.seed_demo
            .unwrap_or(self.database_url == DEFAULT_DATABASE_URL)
    }

    /// The trace sampler named by `OTEL_TRACES_SAMPLER` (and its `_ARG`).
    pub fn traces_sampler(&self) -> Result<Sampler, String> {
        let (name, ratio) = (
            self.otel_traces_sampler.trim(),
            self.otel_traces_sampler_arg,
        );
        if !(0.0..=1.0).contains(&ratio) {
            return Err(format!(
                "OTEL_TRACES_SAMPLER_ARG must be between 0 and 1, not {ratio}"
            ));
        }
        let root = |n: &str| match n {
            "always_on" => Ok(Sampler::AlwaysOn),
            "always_off" => Ok(Sampler::AlwaysOff),
            "traceidratio" => Ok(Sampler::TraceIdRatioBased(ratio)),
            other => Err(format!("OTEL_TRACES_SAMPLER {other:?} is not supported")),
        };
        match name.strip_prefix("parentbased_") {
            Some(inner) => Ok(Sampler::ParentBased(Box::new(root(inner)?))),
            None => root(name),
        }
    }

    /// Checks what clap cannot: cross-field rules and secret strength.
    pub fn validate(&self) -> Result<(), String> {
        TrustedCallers::parse(&self.trusted_callers)?;
        self.traces_sampler()?;
        if self.database_read_url.is_some()
            && self.read_your_writes_secs * 1000
                <= self.database_read_max_lag_ms + crate::db::REPLICA_CHECK_MS
        {
            return Err(
                "READ_YOUR_WRITES_SECS must exceed DATABASE_READ_MAX_LAG_MS and the replica check interval"
                    .into(),
            );
        }
        if let Some(url) = &self.database_read_url
            && !url.starts_with("postgres")
        {
            return Err("DATABASE_READ_URL must be a postgres:// URL (a streaming replica)".into());
        }
        if self.shutdown_drain_secs >= self.shutdown_grace_secs {
            return Err("SHUTDOWN_DRAIN_SECS must be shorter than SHUTDOWN_GRACE_SECS".into());
        }
        let algorithms = self.algorithms()?;
        if let Some(secret) = &self.jwt_hs256_secret
            && secret.len() < 32
        {
            return Err("JWT_HS256_SECRET must be at least 32 bytes".into());
        }
        let hs256 = algorithms.contains(&jsonwebtoken::Algorithm::HS256);
        if hs256 && !self.is_development() && self.jwt_hs256_secret.is_none() {
            return Err("JWT_ALGORITHMS allows HS256 but JWT_HS256_SECRET is not set".into());
        }
        if algorithms
            .iter()
            .any(|a| *a != jsonwebtoken::Algorithm::HS256)
            && self.jwt_jwks.is_none()
        {
            return Err("JWT_ALGORITHMS allows RS256/ES256 but JWT_JWKS is not set".into());
        }
        if self.max_page_size == 0 {
            return Err("MAX_PAGE_SIZE must be at least 1".into());
        }
        if self.database_max_connections == 0 {
            return Err("DATABASE_MAX_CONNECTIONS must be at least 1".into());
        }
        Ok(())
    }
}

/// Our own router and proxies (`TRUSTED_CALLERS`): their traceparent is continued,
/// their X-Forwarded-For names the client, and they may read the federation SDL.
#[derive(Debug, Clone, Default)]
pub struct TrustedCallers(Vec<ipnet::IpNet>);

impl TrustedCallers {
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
            .map(|e| {
                e.parse::<ipnet::IpNet>()
                    .or_else(|_| e.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("TRUSTED_CALLERS: {e:?} is not an IP or network"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn trusts(&self, peer: Option<std::net::IpAddr>) -> bool {
        peer.is_some_and(|ip| self.0.iter().any(|n| n.contains(&ip)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampler(name: &str, ratio: f64) -> Result<Sampler, String> {
        let mut c = Config::defaults();
        c.otel_traces_sampler = name.into();
        c.otel_traces_sampler_arg = ratio;
        c.traces_sampler()
    }

    #[test]
    fn samplers_follow_the_otel_names() {
        assert!(matches!(sampler("always_on", 1.0), Ok(Sampler::AlwaysOn)));
        assert!(matches!(
            sampler("parentbased_traceidratio", 0.01),
            Ok(Sampler::ParentBased(_))
        ));
        assert!(sampler("traceidratio", 1.5).is_err());
        assert!(sampler("sometimes", 0.5).is_err());
    }

    #[test]
    fn only_listed_networks_are_trusted() {
        let t = TrustedCallers::parse(&["10.0.0.0/8".into(), " 127.0.0.1 ".into()]).expect("valid");
        assert!(t.trusts(Some("10.1.2.3".parse().expect("ip"))));
        assert!(t.trusts(Some("127.0.0.1".parse().expect("ip"))));
        assert!(!t.trusts(Some("127.0.0.2".parse().expect("ip"))));
        assert!(!t.trusts(None));
        assert!(TrustedCallers::parse(&["not-an-ip".into()]).is_err());
        assert!(!TrustedCallers::default().trusts(Some("127.0.0.1".parse().expect("ip"))));
    }
}

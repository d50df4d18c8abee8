//! The PartnerWorld GraphQL gateway as a library: configuration, state, the router and the
//! schema, reused by the binary, the end-to-end tests and the SDL export.

pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod db;
pub mod documents;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod lifecycle;
pub mod metrics;
pub mod ratelimit;
pub mod seed;
pub mod state;
pub mod telemetry;
pub mod tls;

use auth::jwks::{Jwks, JwksSource};
use auth::jwt::{AuthSettings, Authenticator};
use auth::viewer::RoleDirectory;
use cache::{Cache, MemoryStore, RedisStore};
use config::Config;
use state::AppState;
use std::sync::Arc;
use std::time::Duration;

/// Why the gateway refused to start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("seeding: {0}")]
    Seed(#[from] seed::SeedError),
    #[error("cache: {0}")]
    Cache(#[from] cache::CacheError),
}

/// A ready-to-serve gateway.
pub struct Application {
    pub state: AppState,
    pub router: axum::Router,
    /// The HMAC secret in use (generated in development when none was configured).
    pub dev_secret_generated: bool,
}

impl Application {
    /// Connects, migrates, seeds the demo on first start if configured, and builds the router.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        config.validate().map_err(StartupError::Config)?;
        let db_stats = Arc::new(db::DbStats::default());
        let db = db::connect_counted(&config, db_stats.clone()).await?;
        if config.auto_migrate {
            db::migrate(&db).await?;
        }
        if config.should_seed_demo() && seed::is_empty(&db).await? {
            tracing::info!("seeding the demo data into an empty database");
            seed::seed(
                &db,
                &seed::SeedOptions {
                    quiet: true,
                    ..Default::default()
                },
            )
            .await?;
        }
        let cache = match &config.redis_url {
            Some(url) => Cache::new(Arc::new(RedisStore::connect(
                url,
                &config.redis_key_prefix,
                Duration::from_millis(config.redis_command_timeout_ms),
            )?)),
            None => Cache::new(Arc::new(MemoryStore::new(256 * 1024 * 1024))),
        };
        let (auth, generated) = authenticator(&config).await?;
        let roles = RoleDirectory::new(db.clone(), Duration::from_secs(config.role_cache_secs));
        let entities = cache::entity::EntityCache::new(
            cache.clone(),
            Duration::from_secs(config.cache_ttl_secs),
        );
        let mut responses = cache::response::ResponseCache::new(
            cache.clone(),
            Duration::from_secs(config.response_cache_secs),
        );
        responses.prepare().await;
        let limiter = ratelimit::RateLimiter::new(
            cache.clone(),
            config.rate_limit_requests,
            config.rate_limit_sensitive,
            Duration::from_secs(config.rate_limit_window_secs),
        );
        let trusted =
            config::TrustedCallers::parse(&config.trusted_callers).map_err(StartupError::Config)?;
        let metrics = metrics::Metrics::new();
        if let Some(url) = config.router_invalidation() {
            responses = responses.with_router(
                cache::router::RouterPurge::new(
                    url,
                    config.router_invalidation_key.clone(),
                    config.subgraph_name.clone(),
                    metrics.router_purges.clone(),
                )
                .map_err(StartupError::Config)?,
            );
        }
        let mut documents = documents::persisted::PersistedQueries::new(
            cache.clone(),
            documents::limits::Limits::from_config(&config),
        );
        if config.persisted_queries == config::PersistedMode::Safelist {
            documents = documents.safelisted(
                documents::safelist::Safelist::new(db.clone()),
                metrics.registered_operations.clone(),
            );
        }
        let links = auth::links::LinkSigner::new(config.download_link_secret.as_deref())
            .map_err(StartupError::Config)?;
        if config.download_link_secret.is_none() && !config.is_development() {
            tracing::warn!(
                "DOWNLOAD_LINK_SECRET is unset: download links work only on the replica that signed them"
            );
        }
        let events = match &config.redis_url {
            Some(url) => events::EventBus::redis(
                url,
                &config.redis_key_prefix,
                Duration::from_millis(config.redis_command_timeout_ms),
                roles.clone(),
                metrics.events.clone(),
            )
            .map_err(StartupError::Config)?,
            None => events::EventBus::in_process(metrics.events.clone()),
        };
        // A replica that served before hearing the others would miss their events: wait
        // for the channel a moment, but never for a Redis that is down.
        if !events.listening(Duration::from_secs(2)).await {
            tracing::warn!(
                "the event channel is not subscribed yet: until it is, subscribers here see only this replica's events"
            );
        }
        let replica = match &config.database_read_url {
            Some(url) => Some(
                db::ReadReplica::connect(
                    &config,
                    url,
                    db_stats.clone(),
                    db.clone(),
                    metrics.replica.clone(),
                )
                .await?,
            ),
            None => None,
        };
        let downloads = ratelimit::DownloadThrottle::new(
            config.download_concurrency,
            config.download_rows_per_sec,
            http::DOWNLOAD_CHUNK,
        );
        let config_executions = config.max_concurrent_executions;
        let state = AppState {
            links: Arc::new(links),
            downloads,
            lifecycle: lifecycle::Lifecycle::default(),
            replica,
            documents,
            limiter,
            trusted,
            config: Arc::new(config),
            db,
            cache,
            entities,
            responses,
            executions: Arc::new(tokio::sync::Semaphore::new(config_executions as usize)),
            auth: Arc::new(auth),
            roles,
            events,
            db_stats,
            metrics,
        };
        let schema = graphql::schema::build(Some(state.clone()));
        // Built now, not by the first request that needs a cost estimate.
        graphql::schema::cost_model();
        let router = http::router(state.clone())
            .layer(axum::Extension(schema))
            .layer(axum::Extension(http::graphiql::Personas(seed::personas())));
        Ok(Self {
            state,
            router,
            dev_secret_generated: generated,
        })
    }
}

/// The token verifier from configuration. In development without a secret, a random one
/// is generated so the printed demo tokens work for this run only.
async fn authenticator(config: &Config) -> Result<(Authenticator, bool), StartupError> {
    tls::install_provider();
    let algorithms = config.algorithms().map_err(StartupError::Config)?;
    let (secret, generated) = match &config.jwt_hs256_secret {
        Some(s) => (Some(s.clone().into_bytes()), false),
        None if config.is_development() => (Some(rand::random::<[u8; 32]>().to_vec()), true),
        None => (None, false),
    };
    let jwks = match &config.jwt_jwks {
        Some(source) => {
            let jwks = Jwks::load(
                JwksSource::parse(source).map_err(StartupError::Config)?,
                Duration::from_millis(config.jwks_fetch_timeout_ms),
                Duration::from_secs(config.jwks_cooldown_secs),
                Duration::from_secs(config.jwks_max_age_secs),
            )
            .await
            .map_err(|e| StartupError::Config(format!("JWT_JWKS: {e}")))?;
            jwks.spawn_refresher(Duration::from_secs(config.jwks_refresh_secs.max(1)));
            Some(jwks)
        }
        None => None,
    };
    let mut algorithms = algorithms;
    if generated && !algorithms.contains(&jsonwebtoken::Algorithm::HS256) {
        algorithms.push(jsonwebtoken::Algorithm::HS256);
    }
    let auth = Authenticator::new(AuthSettings {
        algorithms,
        hs256_secret: secret,
        jwks,
        issuer: config.jwt_issuer.clone(),
        audience: config.jwt_audience.clone(),
        leeway_secs: config.jwt_leeway_secs,
    });
    Ok((auth, generated))
}

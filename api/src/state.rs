//! Shared application state: cheap to clone, handed to every request.

use crate::auth::jwt::Authenticator;
use crate::auth::viewer::RoleDirectory;
use crate::cache::Cache;
use crate::config::Config;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    pub cache: Cache,
    pub entities: crate::cache::entity::EntityCache,
    pub auth: Arc<Authenticator>,
    pub roles: RoleDirectory,
    /// Domain events of every replica (`events`).
    pub events: crate::events::EventBus,
    pub db_stats: Arc<crate::db::DbStats>,
    pub metrics: crate::metrics::Metrics,
    pub limiter: crate::ratelimit::RateLimiter,
    /// Persisted queries and the parsed-document cache.
    pub documents: crate::documents::persisted::PersistedQueries,
    /// Our own proxies and router (`TRUSTED_CALLERS`).
    pub trusted: crate::config::TrustedCallers,
    /// Signs and checks report download links.
    pub links: Arc<crate::auth::links::LinkSigner>,
    /// How many report files run at once, and how fast (`DOWNLOAD_*`).
    pub downloads: crate::ratelimit::DownloadThrottle,
    /// Serving, draining or closing (`lifecycle`).
    pub lifecycle: crate::lifecycle::Lifecycle,
}

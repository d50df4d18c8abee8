//! Shared application state: cheap to clone, handed to every request.

use crate::auth::jwt::Authenticator;
use crate::auth::viewer::RoleDirectory;
use crate::cache::Cache;
use crate::config::Config;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Domain events that subscriptions watch. In-process: a subscriber sees the events of
/// the replica it is connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    AccessRequested {
        site_id: i64,
        request_id: i64,
    },
    /// A notification was written for the person whose IBMid hashes to `recipient`
    /// (`domain::pao::notifications::recipient_key`): only their streams load the row.
    Notified {
        id: i64,
        recipient: u64,
    },
}

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    pub cache: Cache,
    pub entities: crate::cache::entity::EntityCache,
    pub auth: Arc<Authenticator>,
    pub roles: RoleDirectory,
    pub events: tokio::sync::broadcast::Sender<Event>,
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
}

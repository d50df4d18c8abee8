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
    /// Turns to execute an operation (`MAX_CONCURRENT_EXECUTIONS`).
    pub executions: Arc<tokio::sync::Semaphore>,
    /// Whole answers of queries (`cache::response`).
    pub responses: crate::cache::response::ResponseCache,
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
    /// The streaming replica queries read from (`DATABASE_READ_URL`), if any.
    pub replica: Option<crate::db::ReadReplica>,
}

impl AppState {
    /// The state a query of `caller` runs with: reading from the replica, unless there is
    /// none, it is down or behind (counted), or the caller wrote within the window.
    /// Reads from the replica never fill the shared cache: a row it has not caught up
    /// with must not outlive its lag there.
    pub async fn for_query(&self, caller: &crate::ratelimit::Caller) -> AppState {
        let Some(replica) = &self.replica else {
            return self.clone();
        };
        if replica.recent_writers.contains_key(&caller.0)
            || self.cache.get(&wrote_key(caller)).await.is_some()
        {
            return self.clone();
        }
        if !replica.usable() {
            replica.counters.fallbacks.inc();
            return self.clone();
        }
        replica.counters.on_replica.inc();
        AppState {
            db: replica.db.clone(),
            entities: self.entities.without_fills(),
            ..self.clone()
        }
    }

    /// After a mutation of `caller`: their queries read from the primary for the window,
    /// on every replica of the gateway.
    /// Whether answers computed with this state may be kept: not when they were read
    /// from a replica, which may be behind the writes that would invalidate them.
    pub fn keeps_answers(&self) -> bool {
        self.entities.fills()
    }

    pub async fn wrote(&self, caller: &crate::ratelimit::Caller) {
        let Some(replica) = &self.replica else {
            return;
        };
        replica.recent_writers.insert(caller.0.clone(), ()).await;
        self.cache
            .set(&wrote_key(caller), b"1", replica.window)
            .await;
    }
}

fn wrote_key(caller: &crate::ratelimit::Caller) -> String {
    format!("ryw:{}", caller.0)
}

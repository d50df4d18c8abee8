//! The cache behind entity reads: Redis when `REDIS_URL` is set, an in-process store
//! otherwise, both behind [`CacheStore`]. A cache failure is never a request failure: it
//! is counted, logged and treated as a miss.

pub mod entity;
pub mod footprint;
mod memory;
mod redis_store;
pub mod response;
pub mod router;

pub use memory::MemoryStore;
pub use redis_store::{RedisStore, connection_manager as redis_connection};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Why a cache call did not answer; the caller falls back to the database.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache backend error: {0}")]
    Backend(String),
    #[error("cache call timed out")]
    Timeout,
}

/// A byte-valued key store with expiry.
#[async_trait::async_trait]
pub trait CacheStore: Send + Sync + 'static {
    /// `"memory"` or `"redis"`, for logs and metrics.
    fn kind(&self) -> &'static str;
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError>;
    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError>;
    async fn delete(&self, keys: &[String]) -> Result<(), CacheError>;
    /// Stores `value` unless the key already holds a newer `version`: a reader that
    /// loaded an old row can never overwrite what a writer stored after its commit.
    async fn set_if_newer(
        &self,
        key: &str,
        version: i64,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), CacheError>;
    /// Atomically increments a counter (created at 1) and returns the new value.
    /// Adds `by` to a counter (created at 0 with `ttl`) and returns the new value.
    async fn incr(&self, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError>;
    /// Every field of a hash of counters (empty when it does not exist).
    async fn hash_get_all(
        &self,
        key: &str,
    ) -> Result<std::collections::HashMap<String, i64>, CacheError>;
    /// Adds each amount to its field of a hash of counters, in one step; the hash never
    /// expires (it holds generations that must outlive what they guard).
    async fn hash_incr(&self, key: &str, fields: &[(String, i64)]) -> Result<(), CacheError>;
    /// Reachability, for `/readyz`.
    async fn ping(&self) -> Result<(), CacheError>;
}

/// Counters of cache outcomes.
#[derive(Debug, Default)]
pub struct CacheStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub errors: AtomicU64,
}

/// The cache as the rest of the gateway sees it: failures become misses.
#[derive(Clone)]
pub struct Cache {
    store: Arc<dyn CacheStore>,
    pub stats: Arc<CacheStats>,
}

impl Cache {
    pub fn new(store: Arc<dyn CacheStore>) -> Self {
        Self {
            store,
            stats: Arc::default(),
        }
    }

    pub fn kind(&self) -> &'static str {
        self.store.kind()
    }

    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        match self.store.get(key).await {
            Ok(Some(v)) => {
                self.stats.hits.fetch_add(1, Ordering::Relaxed);
                Some(v)
            }
            Ok(None) => {
                self.stats.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(e) => {
                self.failed("get", &e);
                None
            }
        }
    }

    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        if let Err(e) = self.store.set(key, value, ttl).await {
            self.failed("set", &e);
        }
    }

    pub async fn delete(&self, keys: &[String]) {
        if let Err(e) = self.store.delete(keys).await {
            self.failed("delete", &e);
        }
    }

    pub async fn set_if_newer(&self, key: &str, version: i64, value: &[u8], ttl: Duration) {
        if let Err(e) = self.store.set_if_newer(key, version, value, ttl).await {
            self.failed("set_if_newer", &e);
        }
    }

    pub async fn incr(&self, key: &str, by: i64, ttl: Duration) -> Option<i64> {
        match self.store.incr(key, by, ttl).await {
            Ok(v) => Some(v),
            Err(e) => {
                self.failed("incr", &e);
                None
            }
        }
    }

    pub async fn hash_get_all(&self, key: &str) -> Option<std::collections::HashMap<String, i64>> {
        match self.store.hash_get_all(key).await {
            Ok(v) => Some(v),
            Err(e) => {
                self.failed("hash_get_all", &e);
                None
            }
        }
    }

    /// Whether the increments were applied.
    pub async fn hash_incr(&self, key: &str, fields: &[(String, i64)]) -> bool {
        match self.store.hash_incr(key, fields).await {
            Ok(()) => true,
            Err(e) => {
                self.failed("hash_incr", &e);
                false
            }
        }
    }

    pub async fn ping(&self) -> Result<(), CacheError> {
        self.store.ping().await
    }

    fn failed(&self, op: &'static str, e: &CacheError) {
        self.stats.errors.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(cache.kind = self.store.kind(), cache.op = op, error.cause = %e, "cache call failed");
    }
}

/// `"{version}:{payload}"`: the layout `set_if_newer` compares on.
pub fn versioned(version: i64, value: &[u8]) -> Vec<u8> {
    let mut out = format!("{version}:").into_bytes();
    out.extend_from_slice(value);
    out
}

/// The version of a `versioned` value.
pub fn version_of(stored: &[u8]) -> Option<i64> {
    let colon = stored.iter().position(|b| *b == b':')?;
    std::str::from_utf8(&stored[..colon]).ok()?.parse().ok()
}

/// The payload of a `versioned` value.
pub fn payload_of(stored: &[u8]) -> Option<&[u8]> {
    let colon = stored.iter().position(|b| *b == b':')?;
    Some(&stored[colon + 1..])
}

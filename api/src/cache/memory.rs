//! In-process cache store (moka), the embedded default.

use super::{CacheError, CacheStore, version_of, versioned};
use moka::Expiry;
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Clone)]
struct Entry {
    value: std::sync::Arc<[u8]>,
    ttl: Duration,
}

struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, value: &Entry, _now: Instant) -> Option<Duration> {
        Some(value.ttl)
    }
}

pub struct MemoryStore {
    cache: moka::future::Cache<String, Entry>,
    /// Hashes of counters: few and small (generations), kept apart from the weighed,
    /// expiring entries because they must never be evicted.
    hashes: std::sync::Mutex<HashMap<String, HashMap<String, i64>>>,
}

impl MemoryStore {
    pub fn new(max_bytes: u64) -> Self {
        Self {
            cache: moka::future::Cache::builder()
                .weigher(|k: &String, v: &Entry| {
                    u32::try_from(k.len() + v.value.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(max_bytes)
                .expire_after(PerEntryTtl)
                .build(),
            hashes: std::sync::Mutex::default(),
        }
    }
}

#[async_trait::async_trait]
impl CacheStore for MemoryStore {
    fn kind(&self) -> &'static str {
        "memory"
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        Ok(self.cache.get(key).await.map(|e| e.value.to_vec()))
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        let entry = Entry {
            value: value.into(),
            ttl,
        };
        self.cache.insert(key.to_owned(), entry).await;
        Ok(())
    }

    async fn delete(&self, keys: &[String]) -> Result<(), CacheError> {
        for k in keys {
            self.cache.invalidate(k).await;
        }
        Ok(())
    }

    async fn set_if_newer(
        &self,
        key: &str,
        version: i64,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let entry = Entry {
            value: versioned(version, value).into(),
            ttl,
        };
        self.cache
            .entry(key.to_owned())
            .and_compute_with(|current| {
                let newer = current.is_some_and(|c| version_of(&c.value().value) > Some(version));
                std::future::ready(if newer {
                    moka::ops::compute::Op::Nop
                } else {
                    moka::ops::compute::Op::Put(entry)
                })
            })
            .await;
        Ok(())
    }

    async fn incr(&self, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError> {
        let result = self
            .cache
            .entry(key.to_owned())
            .and_compute_with(|current| {
                let next = current
                    .and_then(|c| {
                        std::str::from_utf8(&c.value().value)
                            .ok()?
                            .parse::<i64>()
                            .ok()
                    })
                    .unwrap_or(0)
                    + by;
                std::future::ready(moka::ops::compute::Op::Put(Entry {
                    value: next.to_string().into_bytes().into(),
                    ttl,
                }))
            })
            .await;
        Ok(match result {
            moka::ops::compute::CompResult::Inserted(e)
            | moka::ops::compute::CompResult::ReplacedWith(e) => {
                std::str::from_utf8(&e.into_value().value)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1)
            }
            _ => 1,
        })
    }

    async fn hash_get_all(&self, key: &str) -> Result<HashMap<String, i64>, CacheError> {
        let hashes = self.hashes.lock().unwrap_or_else(|p| p.into_inner());
        Ok(hashes.get(key).cloned().unwrap_or_default())
    }

    async fn hash_incr(&self, key: &str, fields: &[(String, i64)]) -> Result<(), CacheError> {
        let mut hashes = self.hashes.lock().unwrap_or_else(|p| p.into_inner());
        let hash = hashes.entry(key.to_owned()).or_default();
        for (field, by) in fields {
            *hash.entry(field.clone()).or_default() += by;
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }
}

//! Read-through caching of entity rows and of values computed from many rows, safe for
//! every caller: it holds data, never answers, so the access checks in the resolvers run
//! on every request whatever the cache holds.
//!
//! - Rows are stored with their `version`; a writer stores the committed row, and a slow
//!   reader holding an older version can never overwrite it (`set_if_newer`).
//! - Computed values (a company's level inputs) live under a generation number that a
//!   writer increments after commit; readers of the old generation write where nobody
//!   looks any more.
//! - Concurrent misses of the same keys in this process share one database load.
//! - TTLs are jittered so hot keys do not expire together; only successful loads are
//!   stored; a failing cache is a miss.

use super::{Cache, payload_of};
use rand::Rng;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

type Shared = Arc<dyn Any + Send + Sync>;

/// Tables whose rows are cached by id. Readers and writers name the same variant, so a
/// typo cannot make a writer update a key nobody reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Company,
}

/// Values computed from many rows, cached under a generation a writer bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComputedKind {
    /// A company's level inputs (skills, revenue, satisfaction, solutions).
    Level,
}

impl RowKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Company => "company",
        }
    }

    /// The table the rows come from.
    pub fn tables(self) -> &'static [&'static str] {
        match self {
            Self::Company => &["companies"],
        }
    }
}

impl ComputedKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Level => "level",
        }
    }

    /// Every table the computation reads: a cached value stands for reads of all of them
    /// (the answer cache tags by these). A test holds each list to the tables the
    /// computation's statements name.
    pub fn tables(self) -> &'static [&'static str] {
        match self {
            Self::Level => &[
                "companies",
                "company_partner_types",
                "certifications",
                "people",
                "skill_points",
                "company_attainments",
                "solutions",
                "customer_experiences",
            ],
        }
    }
}

#[derive(Clone)]
pub struct EntityCache {
    cache: Cache,
    ttl: Duration,
    flights: moka::future::Cache<String, Shared>,
    /// Whether loaded rows are stored: not when they come from a read replica.
    fills: bool,
}

impl EntityCache {
    pub fn new(cache: Cache, ttl: Duration) -> Self {
        Self {
            cache,
            ttl,
            flights: moka::future::Cache::builder()
                .max_capacity(10_000)
                // A finished load keeps answering identical misses briefly, so readers
                // that missed just as it finished do not query again; writers clear it.
                .time_to_live(Duration::from_millis(100))
                .build(),
            fills: true,
        }
    }

    /// The same cache, read but never filled, for loads from a read replica (which may be
    /// behind): hits are served, misses are loaded and not stored. Its loads do not join
    /// the primary's in-flight ones either.
    pub fn without_fills(&self) -> Self {
        Self {
            cache: self.cache.clone(),
            ttl: self.ttl,
            flights: moka::future::Cache::builder().max_capacity(0).build(),
            fills: false,
        }
    }

    /// Whether loads are stored (not from a read replica).
    pub fn fills(&self) -> bool {
        self.fills
    }

    pub fn store(&self) -> &Cache {
        &self.cache
    }

    fn ttl(&self) -> Duration {
        let ms = u64::try_from(self.ttl.as_millis())
            .unwrap_or(u64::MAX)
            .max(10);
        Duration::from_millis(rand::rng().random_range(ms * 9 / 10..=ms * 11 / 10))
    }

    async fn cached<M: DeserializeOwned>(&self, keys: &[String]) -> Vec<Option<M>> {
        let gets = keys.iter().map(|k| self.cache.get(k));
        futures::future::join_all(gets)
            .await
            .into_iter()
            .map(|v| v.and_then(|bytes| serde_json::from_slice(payload_of(&bytes)?).ok()))
            .collect()
    }

    /// Loads the misses once for all concurrent callers asking for the same set.
    async fn coalesced<M, E, F, Fut>(
        &self,
        flight: String,
        load: F,
    ) -> Result<Arc<HashMap<i64, M>>, E>
    where
        M: Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<HashMap<i64, M>, E>>,
    {
        let ran = std::sync::atomic::AtomicBool::new(false);
        let result = self
            .flights
            .try_get_with(flight.clone(), async {
                ran.store(true, std::sync::atomic::Ordering::Relaxed);
                load().await.map(|m| Arc::new(m) as Shared)
            })
            .await;
        if !ran.load(std::sync::atomic::Ordering::Relaxed) {
            // Loaded for another request, possibly before a write this one's answer-cache
            // snapshot already saw: serve it, but keep no answer built on it.
            super::footprint::borrowed();
        }
        match result {
            // The flight key names the value type, so the downcast always succeeds.
            Ok(shared) => Ok(shared.downcast::<HashMap<i64, M>>().unwrap_or_default()),
            Err(e) => Err((*e).clone()),
        }
    }

    /// Rows by id, `kind` naming the table; misses come from `load` in one batch.
    pub async fn rows<M, E, F, Fut>(
        &self,
        kind: RowKind,
        ids: &[i64],
        version: fn(&M) -> i64,
        load: F,
    ) -> Result<HashMap<i64, M>, E>
    where
        M: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
        F: FnOnce(Vec<i64>) -> Fut,
        Fut: Future<Output = Result<HashMap<i64, M>, E>>,
    {
        // Hit, miss or joined load of another request: the answer read these tables.
        super::footprint::read(kind.tables());
        let kind = kind.as_str();
        let keys: Vec<String> = ids.iter().map(|id| format!("{kind}:{id}")).collect();
        let mut out = HashMap::new();
        let mut misses = Vec::new();
        for (id, hit) in ids.iter().zip(self.cached::<M>(&keys).await) {
            match hit {
                Some(row) => {
                    out.insert(*id, row);
                }
                None => misses.push(*id),
            }
        }
        if misses.is_empty() {
            return Ok(out);
        }
        misses.sort_unstable();
        let flight = format!("{kind}:{}:{misses:?}", std::any::type_name::<M>());
        let loaded = self.coalesced(flight, || load(misses)).await?;
        for (id, row) in loaded.iter() {
            if !self.fills {
                out.insert(*id, row.clone());
                continue;
            }
            if let Ok(json) = serde_json::to_vec(row) {
                self.cache
                    .set_if_newer(&format!("{kind}:{id}"), version(row), &json, self.ttl())
                    .await;
            }
            out.insert(*id, row.clone());
        }
        Ok(out)
    }

    /// After a commit: the row as committed, so readers see it at once.
    pub async fn put_row<M: Serialize>(&self, kind: RowKind, id: i64, version: i64, row: &M) {
        let tables = kind.tables();
        let kind = kind.as_str();
        self.flights.invalidate_all();
        if let Ok(json) = serde_json::to_vec(row) {
            self.cache
                .set_if_newer(&format!("{kind}:{id}"), version, &json, self.ttl())
                .await;
        }
        super::response::invalidate(&self.cache, owned(tables)).await;
    }

    async fn generations(&self, kind: &str, ids: &[i64]) -> Vec<i64> {
        let keys: Vec<String> = ids.iter().map(|id| format!("{kind}-gen:{id}")).collect();
        futures::future::join_all(keys.iter().map(|k| self.cache.get(k)))
            .await
            .into_iter()
            .map(|v| {
                v.and_then(|b| std::str::from_utf8(&b).ok()?.parse().ok())
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Values computed from many rows, per id, under the id's current generation.
    pub async fn computed<V, E, F, Fut>(
        &self,
        kind: ComputedKind,
        ids: &[i64],
        load: F,
    ) -> Result<HashMap<i64, V>, E>
    where
        V: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
        F: FnOnce(Vec<i64>) -> Fut,
        Fut: Future<Output = Result<HashMap<i64, V>, E>>,
    {
        super::footprint::read(kind.tables());
        let kind = kind.as_str();
        let gens = self.generations(kind, ids).await;
        let keys: Vec<String> = ids
            .iter()
            .zip(&gens)
            .map(|(id, g)| format!("{kind}:{id}:{g}"))
            .collect();
        let mut out = HashMap::new();
        let mut misses = Vec::new();
        for ((id, key), hit) in ids.iter().zip(&keys).zip(self.cached::<V>(&keys).await) {
            match hit {
                Some(v) => {
                    out.insert(*id, v);
                }
                None => misses.push((*id, key.clone())),
            }
        }
        if misses.is_empty() {
            return Ok(out);
        }
        let mut miss_ids: Vec<i64> = misses.iter().map(|(id, _)| *id).collect();
        miss_ids.sort_unstable();
        let flight = format!(
            "{kind}:{}:{miss_ids:?}:{gens:?}",
            std::any::type_name::<V>()
        );
        let loaded = self.coalesced(flight, || load(miss_ids)).await?;
        for (id, key) in misses {
            if let Some(v) = loaded.get(&id) {
                if !self.fills {
                    out.insert(id, v.clone());
                    continue;
                }
                if let Ok(json) = serde_json::to_vec(v) {
                    // Generation keys are immutable once written: version 0 is enough.
                    self.cache.set_if_newer(&key, 0, &json, self.ttl()).await;
                }
                out.insert(id, v.clone());
            }
        }
        Ok(out)
    }

    /// After a commit that changes what `kind` computes for `id`.
    pub async fn bump(&self, kind: ComputedKind, id: i64) {
        let tables = kind.tables();
        let kind = kind.as_str();
        self.flights.invalidate_all();
        // Generations outlive the values they guard.
        self.cache
            .incr(&format!("{kind}-gen:{id}"), 1, self.ttl * 4)
            .await;
        super::response::invalidate(&self.cache, owned(tables)).await;
    }
}

fn owned(tables: &[&str]) -> Vec<String> {
    tables.iter().map(|t| (*t).to_owned()).collect()
}

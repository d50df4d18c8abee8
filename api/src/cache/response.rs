//! Whole answers of queries, shared by every replica through the cache store.
//!
//! - **Key**: the document (its hash), the operation name, the variables, and the
//!   caller's standing: the roles the gateway resolved for them (company, location, company roles, sites and
//!   their privileges, IBM channel), never the token. Two tokens of one person share
//!   answers; a revoked role changes the key at the next read. The UTC day is part of it,
//!   because levels, benefits and certifications expire by date.
//! - **Tags**: the tables the answer read (every SQL statement and every shared-cache
//!   read, from the operation's `footprint`), each at the generation it had *before* the
//!   answer started. A write bumps the generations of the tables it wrote after its
//!   commit, so an answer that might have read the old row is never served again; writes
//!   that are not known by table (a scheduled job) bump the generation of everything.
//! - **Never kept**: answers with errors, answers holding something volatile (a signed
//!   download link), answers read from a read replica (it may be behind), mutations and
//!   subscriptions. A failing store is a miss and stores nothing.
//!
//! The generations live in one hash with an epoch drawn when it is created: if the store
//! loses the hash (a restart, an eviction), every answer stored under the old epoch is
//! dead, although the counters start again from zero.

use super::Cache;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

const GENERATIONS: &str = "answers:generations";
const EPOCH: &str = "epoch";
/// The tag every answer carries: bumped by writes not known by table.
pub const EVERYTHING: &str = "*";

#[derive(Clone)]
pub struct ResponseCache {
    cache: Cache,
    ttl: Duration,
    max_bytes: usize,
    /// Keys missed once lately: an answer is kept on its second miss, so pages asked for
    /// once (a crawl, a random cursor) do not fill the store with answers nobody reads.
    seen: moka::future::Cache<String, ()>,
    /// Routers that keep this subgraph's answers, purged by the same tables.
    router: Option<super::router::RouterPurge>,
}

/// What a lookup found.
pub enum Lookup {
    /// The answer's bytes, valid now, and whether it depended on who asked.
    Hit { body: Vec<u8>, personal: bool },
    /// Nothing valid: the generations as they were before the answer is computed, for
    /// tagging it.
    Miss(Generations),
    /// The cache is off or the store failed: answer, and keep nothing.
    Bypass,
}

/// The generations of every table at one moment, under one epoch.
pub struct Generations {
    epoch: i64,
    of: HashMap<String, i64>,
}

/// What the key is made of.
#[derive(Clone, Copy)]
pub struct KeyParts<'a> {
    /// The caller's standing, as the gateway resolved it (not the token).
    pub standing: &'a str,
    /// Whether the caller is one of our own routers (`TRUSTED_CALLERS`): some answers
    /// (`_service`) differ for them.
    pub trusted: bool,
    /// The document (its hash).
    pub document: &'a str,
    /// The day the answer is for (levels and benefits expire by date).
    pub day: &'a str,
    pub operation_name: Option<&'a str>,
    pub variables: &'a str,
}

/// An answer to keep.
pub struct Answer<'a> {
    /// The tables it read.
    pub tables: &'a [String],
    /// Whether it depended on who asked (for `Cache-Control` on hits).
    pub personal: bool,
    pub body: &'a [u8],
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    epoch: i64,
    personal: bool,
    tags: Vec<(String, i64)>,
}

impl ResponseCache {
    /// `ttl` zero turns the cache off.
    pub fn new(cache: Cache, ttl: Duration) -> Self {
        Self {
            cache,
            ttl,
            max_bytes: 2 << 20,
            seen: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(ttl.max(Duration::from_secs(1)))
                .build(),
            router: None,
        }
    }

    /// Purges `router`'s copies whenever answers here are retired.
    pub fn with_router(mut self, router: super::router::RouterPurge) -> Self {
        self.router = Some(router);
        self
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    pub fn key(&self, parts: &KeyParts<'_>) -> String {
        let mut h = Sha256::new();
        // Length-prefixed, so no two different tuples hash the same bytes.
        for part in [
            env!("CARGO_PKG_VERSION"),
            parts.day,
            parts.standing,
            if parts.trusted { "trusted" } else { "" },
            parts.document,
            parts.operation_name.unwrap_or(""),
            parts.variables,
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        let digest = h.finalize();
        let mut key = String::with_capacity(8 + 64);
        key.push_str("answer:");
        for b in digest {
            key.push_str(&format!("{b:02x}"));
        }
        key
    }

    /// Draws the epoch if the store has none yet (at start, so the first query is an
    /// ordinary miss).
    pub async fn prepare(&self) {
        if self.enabled()
            && let Some(of) = self.cache.hash_get_all(GENERATIONS).await
            && !of.contains_key(EPOCH)
        {
            self.draw_epoch().await;
        }
    }

    async fn draw_epoch(&self) {
        // Replicas drawing at once add up to one value, which all of them read back
        // before anything is kept under it.
        let drawn = rand::random_range(1..i64::MAX / 4);
        self.cache
            .hash_incr(GENERATIONS, &[(EPOCH.to_owned(), drawn)])
            .await;
    }

    pub async fn lookup(&self, key: &str) -> Lookup {
        if !self.enabled() {
            return Lookup::Bypass;
        }
        // Both in one round trip on a multiplexed connection.
        let (stored, generations) =
            tokio::join!(self.cache.get(key), self.cache.hash_get_all(GENERATIONS));
        let Some(of) = generations else {
            return Lookup::Bypass;
        };
        let Some(&epoch) = of.get(EPOCH) else {
            // The hash was lost (or the store was down at start): a new epoch, and
            // nothing kept until it is read back.
            self.draw_epoch().await;
            return Lookup::Bypass;
        };
        let now = Generations { epoch, of };
        match stored.as_deref().and_then(split) {
            Some((header, body)) if now.validates(&header) => Lookup::Hit {
                body: body.to_vec(),
                personal: header.personal,
            },
            _ => Lookup::Miss(now),
        }
    }

    /// Keeps an answer that read `tables`, tagged with their generations from before it
    /// started.
    /// Returns whether it was kept (on its second miss, and when small enough).
    pub async fn store(&self, key: &str, before: &Generations, answer: Answer<'_>) -> bool {
        let Answer {
            tables,
            personal,
            body,
        } = answer;
        if body.len() > self.max_bytes {
            return false;
        }
        if !self.seen.contains_key(key) {
            self.seen.insert(key.to_owned(), ()).await;
            return false;
        }
        let mut tags: Vec<(String, i64)> = tables
            .iter()
            .map(|t| (t.clone(), before.of.get(t).copied().unwrap_or(0)))
            .collect();
        tags.push((
            EVERYTHING.to_owned(),
            before.of.get(EVERYTHING).copied().unwrap_or(0),
        ));
        let header = Header {
            epoch: before.epoch,
            personal,
            tags,
        };
        let Ok(header) = serde_json::to_vec(&header) else {
            return false;
        };
        let mut value = Vec::with_capacity(4 + header.len() + body.len());
        value.extend_from_slice(&(header.len() as u32).to_be_bytes());
        value.extend_from_slice(&header);
        value.extend_from_slice(body);
        self.cache.set(key, &value, self.ttl).await;
        true
    }

    /// After a commit: every answer that read one of `tables` (or, for None, every
    /// answer) is dead. Runs even with the cache off, so replicas that have it on stay
    /// exact.
    pub async fn invalidate(&self, tables: Option<Vec<String>>) {
        if let Some(router) = &self.router {
            router.purge(tables.as_deref());
        }
        let tables = tables.unwrap_or_else(|| vec![EVERYTHING.to_owned()]);
        invalidate(&self.cache, tables).await;
    }
}

/// Retires every answer that read one of `tables`, in `cache`'s store. Also called by the
/// row cache each time it changes what it holds: a writer updates it after its commit,
/// and an answer that read the old row from it in between must die then too.
pub async fn invalidate(cache: &Cache, tables: Vec<String>) {
    let bumps: Vec<(String, i64)> = tables.into_iter().map(|t| (t, 1)).collect();
    if bumps.is_empty() || cache.hash_incr(GENERATIONS, &bumps).await {
        return;
    }
    // The store is failing, so nothing stored can be read through it either; but a blip
    // that lost only this call would leave old answers readable when it is back. Keep
    // trying for a while in the background; the TTL bounds what is left.
    tracing::warn!("answers could not be invalidated; retrying");
    let cache = cache.clone();
    tokio::spawn(async move {
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if cache.hash_incr(GENERATIONS, &bumps).await {
                return;
            }
        }
    });
}

impl Generations {
    fn validates(&self, header: &Header) -> bool {
        header.epoch == self.epoch
            && header
                .tags
                .iter()
                .all(|(t, g)| self.of.get(t).copied().unwrap_or(0) == *g)
    }
}

fn split(stored: &[u8]) -> Option<(Header, &[u8])> {
    let len = u32::from_be_bytes(stored.get(..4)?.try_into().ok()?) as usize;
    let header = serde_json::from_slice(stored.get(4..4 + len)?).ok()?;
    Some((header, stored.get(4 + len..)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::MemoryStore;
    use std::sync::Arc;

    fn cache() -> ResponseCache {
        ResponseCache::new(
            Cache::new(Arc::new(MemoryStore::new(1 << 20))),
            Duration::from_secs(60),
        )
    }

    async fn miss(c: &ResponseCache, key: &str) -> Generations {
        loop {
            match c.lookup(key).await {
                Lookup::Miss(g) => return g,
                Lookup::Bypass => continue,
                Lookup::Hit { .. } => panic!("expected a miss"),
            }
        }
    }

    fn answer<'a>(tables: &'a [String], body: &'a [u8]) -> Answer<'a> {
        Answer {
            tables,
            personal: false,
            body,
        }
    }

    fn hit(l: Lookup) -> Option<Vec<u8>> {
        match l {
            Lookup::Hit { body, .. } => Some(body),
            _ => None,
        }
    }

    #[tokio::test]
    async fn an_answer_lives_until_a_table_it_read_is_written() {
        let c = cache();
        let g = miss(&c, "k").await;
        let read = ["companies".into(), "people".into()];
        assert!(!c.store("k", &g, answer(&read, b"{}")).await, "once");
        assert!(c.store("k", &g, answer(&read, b"{}")).await, "twice");
        assert_eq!(hit(c.lookup("k").await).as_deref(), Some(&b"{}"[..]));
        c.invalidate(Some(vec!["sites".into()])).await;
        assert!(hit(c.lookup("k").await).is_some(), "an unread table");
        c.invalidate(Some(vec!["people".into()])).await;
        assert!(hit(c.lookup("k").await).is_none(), "a read table");
    }

    #[tokio::test]
    async fn a_write_during_the_answer_kills_it_and_unknown_writes_kill_all() {
        let c = cache();
        let before = miss(&c, "k").await;
        c.seen.insert("k".into(), ()).await;
        c.invalidate(Some(vec!["companies".into()])).await;
        c.store("k", &before, answer(&["companies".into()], b"old"))
            .await;
        assert!(hit(c.lookup("k").await).is_none(), "read before the write");
        let g = miss(&c, "k").await;
        c.store("k", &g, answer(&["companies".into()], b"new"))
            .await;
        assert!(hit(c.lookup("k").await).is_some());
        c.invalidate(None).await;
        assert!(hit(c.lookup("k").await).is_none(), "everything");
    }

    /// A writer updates the row cache after its commit (and after its commit's bump): an
    /// answer read from the old row in between, under the bumped generations, must die
    /// when the row cache changes.
    #[tokio::test]
    async fn an_answer_read_from_the_row_cache_before_the_writer_updated_it_dies_then() {
        use crate::cache::entity::{EntityCache, RowKind};
        let store = Cache::new(Arc::new(MemoryStore::new(1 << 20)));
        let c = ResponseCache::new(store.clone(), Duration::from_secs(60));
        let rows = EntityCache::new(store, Duration::from_secs(60));
        rows.put_row(RowKind::Company, 1, 1, &"old").await;
        // The writer's commit bumps `companies`; its row-cache update comes after.
        c.invalidate(Some(vec!["companies".into()])).await;
        let before = miss(&c, "k").await;
        let read = ["companies".to_owned()];
        c.store("k", &before, answer(&read, b"old")).await;
        assert!(c.store("k", &before, answer(&read, b"old")).await);
        assert!(
            hit(c.lookup("k").await).is_some(),
            "kept under the bumped generations"
        );
        rows.put_row(RowKind::Company, 1, 2, &"new").await;
        assert!(
            hit(c.lookup("k").await).is_none(),
            "retired by the row cache's update"
        );
    }

    #[tokio::test]
    async fn keys_differ_by_every_part() {
        let c = cache();
        let base = KeyParts {
            standing: "s",
            trusted: false,
            document: "{ a }",
            day: "2026-12-02",
            operation_name: None,
            variables: "{}",
        };
        let k = c.key(&base);
        for other in [
            KeyParts {
                standing: "t",
                ..base
            },
            KeyParts {
                trusted: true,
                ..base
            },
            KeyParts {
                document: "{ b }",
                ..base
            },
            KeyParts {
                operation_name: Some("A"),
                ..base
            },
            KeyParts {
                variables: "{\"a\":1}",
                ..base
            },
            KeyParts {
                day: "2026-12-03",
                ..base
            },
            KeyParts {
                standing: "",
                document: "s{ a }",
                ..base
            },
        ] {
            assert_ne!(c.key(&other), k);
        }
        assert_eq!(c.key(&KeyParts { ..base }), k);
    }
}

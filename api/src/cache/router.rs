//! What routers keep of this subgraph's answers, tagged and purged by tag (Apollo Router's
//! response caching; the same labels a CDN can purge by).
//!
//! The tags are the answer cache's own: the tables an answer read (`cache::footprint`).
//! Answers to the router's network (`TRUSTED_CALLERS`) carry them in `extensions`:
//! `apolloCacheTags` for a root-field fetch, `apolloEntityCacheTags` (one list per entry)
//! for `_entities`. A write that commits purges the tags of the tables it wrote at the
//! router's invalidation endpoint (`ROUTER_INVALIDATION_URL`), exactly as it retires the
//! gateway's own answers; a write not known by table purges the whole subgraph.
//!
//! Tags are computed at run time, not declared with `@cacheTag`: `Company` has two keys
//! (`id`, `partnerWorldId`) with no field in common, so no `{$key…}` format could name
//! it, and what an answer depends on is the tables it read, which only execution knows.

use prometheus::IntCounterVec;
use serde_json::{Value, json};
use std::time::Duration;

/// The tag of answers that read `table`.
pub fn tag(table: &str) -> String {
    format!("table:{table}")
}

/// A service updates the row cache just after its commit; an answer a router took from
/// the old row in between is purged by a second request this long after the first.
const PURGE_AGAIN_AFTER: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct RouterPurge {
    client: reqwest::Client,
    url: reqwest::Url,
    key: Option<String>,
    subgraph: String,
    /// `ok` or `failed`, per request to the endpoint.
    outcomes: IntCounterVec,
}

impl RouterPurge {
    pub fn new(
        url: &str,
        key: Option<String>,
        subgraph: String,
        outcomes: IntCounterVec,
    ) -> Result<Self, String> {
        let url = reqwest::Url::parse(url)
            .map_err(|e| format!("ROUTER_INVALIDATION_URL is not a URL: {e}"))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("router invalidation HTTP client: {e}"))?;
        Ok(Self {
            client,
            url,
            key,
            subgraph,
            outcomes,
        })
    }

    /// The invalidation requests for a write of `tables` (None: not known by table).
    pub fn requests(&self, tables: Option<&[String]>) -> Value {
        match tables {
            Some(tables) => Value::Array(
                tables
                    .iter()
                    .map(|t| json!({ "kind": "cache_tag", "subgraphs": [self.subgraph], "cache_tag": tag(t) }))
                    .collect(),
            ),
            None => json!([{ "kind": "subgraph", "subgraph": self.subgraph }]),
        }
    }

    /// Purges in the background, now and once more after [`PURGE_AGAIN_AFTER`]; a failed
    /// request is retried a few times (the router's TTL bounds what a lost purge leaves).
    pub fn purge(&self, tables: Option<&[String]>) {
        let body = self.requests(tables);
        if body.as_array().is_some_and(Vec::is_empty) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            this.send(&body).await;
            tokio::time::sleep(PURGE_AGAIN_AFTER).await;
            this.send(&body).await;
        });
    }

    async fn send(&self, body: &Value) {
        for attempt in 0..5u32 {
            let mut request = self
                .client
                .post(self.url.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
            if let Some(key) = &self.key {
                request = request.header(reqwest::header::AUTHORIZATION, key);
            }
            match request.send().await {
                Ok(r) if r.status().is_success() => {
                    self.outcomes.with_label_values(&["ok"]).inc();
                    return;
                }
                Ok(r) => tracing::warn!(status = %r.status(), "the router refused a purge"),
                Err(e) => tracing::warn!(error = %e, "the router's invalidation endpoint failed"),
            }
            self.outcomes.with_label_values(&["failed"]).inc();
            tokio::time::sleep(Duration::from_millis(200) * 2u32.pow(attempt)).await;
        }
    }
}

/// The tags of an answer to the router: `apolloEntityCacheTags` when it answers
/// `_entities` (one list per entry, each the whole answer's: what one entry read is not
/// told apart, and a superset only purges more), `apolloCacheTags` otherwise.
pub fn answer_tags(
    tables: &[String],
    entities: Option<usize>,
) -> (&'static str, async_graphql::Value) {
    use async_graphql::Value as V;
    let tags = V::List(tables.iter().map(|t| V::String(tag(t))).collect());
    match entities {
        Some(n) => (
            "apolloEntityCacheTags",
            V::List(std::iter::repeat_n(tags, n).collect()),
        ),
        None => ("apolloCacheTags", tags),
    }
}

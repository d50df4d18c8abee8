//! Automatic persisted queries (Apollo's protocol) stored in the cache (Redis when
//! configured, so every replica knows a registered hash), and an in-process cache of
//! parsed documents so a repeated operation is not parsed again. Every document passes
//! the operation limits before it is stored or used: registration cannot smuggle in what
//! a plain request would be refused for.

use super::limits::Limits;
use super::safelist::{Safelist, sha256_hex};
use super::shape::DocumentShape;
use crate::cache::Cache;
use crate::error::{Code, request_error};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerResult};
use std::sync::Arc;
use std::time::Duration;

/// How long a registered query is kept in the shared store.
const PERSISTED_TTL: Duration = Duration::from_secs(24 * 3600);

/// A document that passed the limits, with its measurements (kept together so a cached
/// document is never used without them).
pub struct Parsed {
    pub document: ExecutableDocument,
    pub shape: DocumentShape,
    /// The SHA-256 of the document's text: what names the operation whether it came as
    /// text or by persisted hash alone (whose request carries no text).
    pub hash: String,
    /// Estimated costs (`graphql::demand`) of its operations, by name, for operations
    /// whose estimate does not depend on their variables: worked out once.
    pub estimates: std::sync::Mutex<Vec<(Option<String>, u64)>>,
}

impl Parsed {
    /// The estimate kept for `operation`, if any.
    pub fn estimate(&self, operation: Option<&str>) -> Option<u64> {
        let kept = self.estimates.lock().ok()?;
        kept.iter()
            .find(|(name, _)| name.as_deref() == operation)
            .map(|(_, cost)| *cost)
    }

    /// Keeps `cost` as the estimate of `operation` whatever its variables.
    pub fn keep_estimate(&self, operation: Option<&str>, cost: u64) {
        if let Ok(mut kept) = self.estimates.lock()
            && kept.iter().all(|(name, _)| name.as_deref() != operation)
        {
            kept.push((operation.map(str::to_owned), cost));
        }
    }
}

#[derive(Clone)]
pub struct PersistedQueries {
    store: Cache,
    parsed: moka::future::Cache<String, Arc<Parsed>>,
    limits: Limits,
    /// Under `PERSISTED_QUERIES=safelist`: the only operations that run, and how often
    /// each ran.
    safelist: Option<(Safelist, prometheus::IntCounterVec)>,
}

impl PersistedQueries {
    pub fn new(store: Cache, limits: Limits) -> Self {
        Self {
            store,
            parsed: moka::future::Cache::builder().max_capacity(2_000).build(),
            limits,
            safelist: None,
        }
    }

    /// Runs only what `safelist` holds, counting each registered operation in `runs`.
    pub fn safelisted(self, safelist: Safelist, runs: prometheus::IntCounterVec) -> Self {
        Self {
            safelist: Some((safelist, runs)),
            ..self
        }
    }
}

impl PersistedQueries {
    /// The parsed document for `text` (known by `hash`), from memory or parsed now.
    async fn document(&self, hash: &str, text: &str) -> ServerResult<Arc<Parsed>> {
        if let Some(doc) = self.parsed.get(hash).await {
            return Ok(doc);
        }
        let (document, shape) = self.limits.parse(text)?;
        let doc = Arc::new(Parsed {
            document,
            shape,
            hash: hash.to_owned(),
            estimates: Default::default(),
        });
        self.parsed.insert(hash.to_owned(), doc.clone()).await;
        Ok(doc)
    }

    /// Puts the parsed document on the request and returns its measurements: from the
    /// persisted-query store for a hash, from the parsed-document cache for a text seen
    /// before, or parsed now under the document limits.
    pub async fn resolve(&self, mut request: Request) -> ServerResult<(Request, Arc<Parsed>)> {
        if let Some((safelist, runs)) = &self.safelist {
            return self.registered(safelist, runs, request).await;
        }
        let Some(value) = request.extensions.remove("persistedQuery") else {
            // A plain operation: reuse its parsed document when seen before.
            let hash = sha256_hex(&request.query);
            let doc = self.document(&hash, &request.query).await?;
            request.set_parsed_query(doc.document.clone());
            return Ok((request, doc));
        };
        let hash = persisted_hash(value)?;
        let key = format!("apq:{hash}");
        let doc = if request.query.is_empty() {
            let text = match self.parsed.get(&hash).await {
                Some(doc) => {
                    request.set_parsed_query(doc.document.clone());
                    return Ok((request, doc));
                }
                None => self.store.get(&key).await,
            };
            let Some(text) = text.and_then(|b| String::from_utf8(b).ok()) else {
                return Err(request_error(
                    Code::PersistedQueryNotFound,
                    "PersistedQueryNotFound",
                ));
            };
            self.document(&hash, &text).await?
        } else {
            if sha256_hex(&request.query) != hash {
                return Err(request_error(
                    Code::BadUserInput,
                    "provided sha does not match query",
                ));
            }
            let doc = self.document(&hash, &request.query).await?;
            self.store
                .set(&key, request.query.as_bytes(), PERSISTED_TTL)
                .await;
            doc
        };
        request.set_parsed_query(doc.document.clone());
        Ok((request, doc))
    }

    /// Safelist mode: the operation named by its persisted hash, or by the hash of its
    /// text, runs from its registered text; nothing else runs.
    async fn registered(
        &self,
        safelist: &Safelist,
        runs: &prometheus::IntCounterVec,
        mut request: Request,
    ) -> ServerResult<(Request, Arc<Parsed>)> {
        let id = match request.extensions.remove("persistedQuery") {
            Some(value) => {
                let hash = persisted_hash(value)?;
                if !request.query.is_empty() && sha256_hex(&request.query) != hash {
                    return Err(request_error(
                        Code::BadUserInput,
                        "provided sha does not match query",
                    ));
                }
                hash
            }
            None => sha256_hex(&request.query),
        };
        let operation = match safelist.find(&id).await {
            Ok(Some(op)) => op,
            Ok(None) => {
                return Err(request_error(
                    Code::PersistedQueryNotInList,
                    "only registered operations run here (PERSISTED_QUERIES=safelist)",
                ));
            }
            Err(e) => {
                tracing::warn!(error.cause = %e, "the safelist could not be read");
                return Err(request_error(
                    Code::ServiceUnavailable,
                    "the list of registered operations is unavailable",
                ));
            }
        };
        let doc = self.document(&id, &operation.body).await?;
        let label = operation
            .name
            .clone()
            .unwrap_or_else(|| id[..12].to_owned());
        runs.with_label_values(&[label.as_str()]).inc();
        request.set_parsed_query(doc.document.clone());
        Ok((request, doc))
    }
}

/// The hash of a `persistedQuery` extension (version 1, 64 hexadecimal digits), lowercase.
fn persisted_hash(value: async_graphql::Value) -> ServerResult<String> {
    let json = value.into_json().ok();
    let version = json.as_ref().and_then(|v| v.get("version")?.as_i64());
    let hash = json
        .as_ref()
        .and_then(|v| v.get("sha256Hash")?.as_str().map(str::to_ascii_lowercase));
    let (Some(1), Some(hash)) = (version, hash) else {
        return Err(request_error(
            Code::BadUserInput,
            "persistedQuery needs version 1 and a sha256Hash",
        ));
    };
    if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(request_error(
            Code::BadUserInput,
            "sha256Hash must be 64 hexadecimal digits",
        ));
    }
    Ok(hash)
}

//! Automatic persisted queries (Apollo's protocol) stored in the cache (Redis when
//! configured, so every replica knows a registered hash), and an in-process cache of
//! parsed documents so a repeated operation is not parsed again. Every document passes
//! the operation limits before it is stored or used: registration cannot smuggle in what
//! a plain request would be refused for.

use super::limits::Limits;
use super::shape::DocumentShape;
use crate::cache::Cache;
use crate::error::{Code, request_error};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerResult};
use sha2::{Digest, Sha256};
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
}

#[derive(Clone)]
pub struct PersistedQueries {
    store: Cache,
    parsed: moka::future::Cache<String, Arc<Parsed>>,
    limits: Limits,
}

impl PersistedQueries {
    pub fn new(store: Cache, limits: Limits) -> Self {
        Self {
            store,
            parsed: moka::future::Cache::builder().max_capacity(2_000).build(),
            limits,
        }
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
        });
        self.parsed.insert(hash.to_owned(), doc.clone()).await;
        Ok(doc)
    }

    /// Puts the parsed document on the request and returns its measurements: from the
    /// persisted-query store for a hash, from the parsed-document cache for a text seen
    /// before, or parsed now under the document limits.
    pub async fn resolve(&self, mut request: Request) -> ServerResult<(Request, Arc<Parsed>)> {
        let Some(value) = request.extensions.remove("persistedQuery") else {
            // A plain operation: reuse its parsed document when seen before.
            let hash = sha256_hex(&request.query);
            let doc = self.document(&hash, &request.query).await?;
            request.set_parsed_query(doc.document.clone());
            return Ok((request, doc));
        };
        let version = value
            .clone()
            .into_json()
            .ok()
            .and_then(|v| v.get("version")?.as_i64());
        let hash = value
            .into_json()
            .ok()
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
}

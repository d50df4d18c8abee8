//! Signing keys from a JSON Web Key Set, read from a file or fetched over HTTPS.
//!
//! Keys are refreshed on an interval and on an unknown `kid` (at most once per cooldown,
//! single-flight). A failed refresh keeps the last good keys until they are older than
//! the maximum age; after that the gateway answers 503 rather than accept anything.
//! Only RSA keys (RS256) and P-256 keys (ES256) are taken from the set; symmetric `oct`
//! keys are ignored so a key set can never turn into an HMAC secret.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};
use sha2::Digest;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, RwLock};

/// Largest key set accepted.
const MAX_JWKS_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone)]
pub enum JwksSource {
    File(PathBuf),
    Url(reqwest::Url),
}

impl JwksSource {
    /// A path, or an `https://` URL. Plain `http://` only to a loopback host (tests, a
    /// sidecar), never across a network.
    pub fn parse(s: &str) -> Result<Self, String> {
        if !s.contains("://") {
            return Ok(Self::File(PathBuf::from(s)));
        }
        let url = reqwest::Url::parse(s).map_err(|e| format!("JWT_JWKS is not a URL: {e}"))?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        match url.scheme() {
            "https" => Ok(Self::Url(url)),
            "http" if loopback => Ok(Self::Url(url)),
            _ => Err("JWT_JWKS must be a file path or an https:// URL".into()),
        }
    }
}

/// One verification key and the only algorithm it may verify.
#[derive(Clone)]
pub struct VerifyKey {
    pub algorithm: Algorithm,
    pub key: DecodingKey,
}

struct Loaded {
    keys: HashMap<String, VerifyKey>,
    at: Instant,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no key with that kid in the key set")]
    Unknown,
    #[error("no usable signing keys (key set unreachable beyond its maximum age)")]
    NoKeys,
}

pub struct Jwks {
    source: JwksSource,
    client: reqwest::Client,
    loaded: RwLock<Option<Loaded>>,
    /// When the last refetch for an unknown kid or a stale set was attempted.
    last_attempt: Mutex<Option<Instant>>,
    cooldown: Duration,
    max_age: Duration,
    /// Completed fetch attempts, successful or not (for tests and metrics).
    pub fetches: AtomicU64,
    /// Bumped whenever a fetched key set differs from the last one.
    generation: AtomicU64,
    fingerprint: Mutex<Option<[u8; 32]>>,
}

impl Jwks {
    /// Loads the set once; an unreadable or empty set stops the gateway at start.
    pub async fn load(
        source: JwksSource,
        fetch_timeout: Duration,
        cooldown: Duration,
        max_age: Duration,
    ) -> Result<Arc<Self>, String> {
        let client = reqwest::Client::builder()
            .timeout(fetch_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("JWKS HTTP client: {e}"))?;
        let jwks = Arc::new(Self {
            source,
            client,
            loaded: RwLock::new(None),
            last_attempt: Mutex::new(None),
            cooldown,
            max_age,
            fetches: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            fingerprint: Mutex::new(None),
        });
        let keys = jwks.fetch().await?;
        if keys.is_empty() {
            return Err("the JWKS holds no RS256 or ES256 key".into());
        }
        *jwks.loaded.write().await = Some(Loaded {
            keys,
            at: Instant::now(),
        });
        Ok(jwks)
    }

    async fn read_source(&self) -> Result<Vec<u8>, String> {
        match &self.source {
            JwksSource::File(path) => tokio::fs::read(path)
                .await
                .map_err(|e| format!("reading {}: {e}", path.display())),
            JwksSource::Url(url) => {
                let resp = self
                    .client
                    .get(url.clone())
                    .send()
                    .await
                    .map_err(|e| format!("fetching the JWKS: {e}"))?;
                if !resp.status().is_success() {
                    return Err(format!("the JWKS endpoint answered {}", resp.status()));
                }
                if resp
                    .content_length()
                    .is_some_and(|n| n as usize > MAX_JWKS_BYTES)
                {
                    return Err("the JWKS is too large".into());
                }
                let body = resp
                    .bytes()
                    .await
                    .map_err(|e| format!("reading the JWKS: {e}"))?;
                if body.len() > MAX_JWKS_BYTES {
                    return Err("the JWKS is too large".into());
                }
                Ok(body.to_vec())
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, VerifyKey>, String> {
        let result = self.read_source().await;
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let bytes = result?;
        let set: JwkSet =
            serde_json::from_slice(&bytes).map_err(|e| format!("the JWKS is not valid: {e}"))?;
        // A different document is a different key set: tokens verified under the old one
        // are verified again (`generation`).
        let fingerprint: [u8; 32] = sha2::Sha256::digest(&bytes).into();
        if *self.fingerprint.lock().await != Some(fingerprint) {
            *self.fingerprint.lock().await = Some(fingerprint);
            self.generation.fetch_add(1, Ordering::Relaxed);
        }
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let Some(kid) = jwk.common.key_id.clone() else {
                continue;
            };
            let algorithm = match &jwk.algorithm {
                AlgorithmParameters::RSA(_) => Algorithm::RS256,
                AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256 => {
                    Algorithm::ES256
                }
                _ => continue,
            };
            if let Ok(key) = DecodingKey::from_jwk(jwk) {
                keys.insert(kid, VerifyKey { algorithm, key });
            }
        }
        Ok(keys)
    }

    /// Fetches again; on failure the last good keys stay.
    pub async fn refresh(&self) -> bool {
        match self.fetch().await {
            Ok(keys) if !keys.is_empty() => {
                *self.loaded.write().await = Some(Loaded {
                    keys,
                    at: Instant::now(),
                });
                true
            }
            Ok(_) => {
                tracing::warn!("JWKS refresh returned no usable key; keeping the last good keys");
                false
            }
            Err(e) => {
                tracing::warn!(error.cause = %e, "JWKS refresh failed; keeping the last good keys");
                false
            }
        }
    }

    /// Refreshes unless another caller did within the cooldown.
    async fn refresh_throttled(&self) {
        let mut last = self.last_attempt.lock().await;
        if last.is_some_and(|t| t.elapsed() < self.cooldown) {
            return;
        }
        *last = Some(Instant::now());
        self.refresh().await;
    }

    fn lookup(&self, loaded: &Option<Loaded>, kid: &str) -> Result<VerifyKey, KeyError> {
        match loaded {
            Some(l) if l.at.elapsed() <= self.max_age => {
                l.keys.get(kid).cloned().ok_or(KeyError::Unknown)
            }
            _ => Err(KeyError::NoKeys),
        }
    }

    /// Which key set is in use: it changes whenever a fetched set differs from the last,
    /// and there is none once the set is older than its maximum age.
    pub async fn generation(&self) -> Option<u64> {
        let usable =
            matches!(&*self.loaded.read().await, Some(l) if l.at.elapsed() <= self.max_age);
        usable.then(|| self.generation.load(Ordering::Relaxed))
    }

    /// The key for `kid`; the `kid` is only ever a map key, never a path or a URL.
    pub async fn key(&self, kid: &str) -> Result<VerifyKey, KeyError> {
        match self.lookup(&*self.loaded.read().await, kid) {
            Ok(k) => return Ok(k),
            Err(KeyError::Unknown | KeyError::NoKeys) => {}
        }
        self.refresh_throttled().await;
        self.lookup(&*self.loaded.read().await, kid)
    }

    /// Refreshes on an interval for the life of the process.
    pub fn spawn_refresher(self: &Arc<Self>, every: Duration) {
        let jwks = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(jwks) = jwks.upgrade() else { break };
                jwks.refresh().await;
            }
        });
    }
}

//! Token verification with jsonwebtoken. A token is trusted only for its identity (`sub`)
//! and for IBM's own `IBM_CHANNEL` role; company and site roles are read from the
//! database (see `viewer`).

use super::jwks::{Jwks, KeyError};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The claims the gateway reads. `exp`, `iss`, `aud` and `sub` are required.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The caller's IBMid (login e-mail).
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    /// Global roles granted by IBM's identity provider. Only the exact string
    /// `IBM_CHANNEL` means anything; anything else is ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

impl Claims {
    pub fn is_ibm_channel(&self) -> bool {
        self.roles.iter().any(|r| r == "IBM_CHANNEL")
    }
}

/// Why a token was refused: logged, never sent to the client.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("malformed or unverifiable token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("token header carries `{0}`, which the gateway does not accept")]
    ForbiddenHeader(&'static str),
    #[error("algorithm {0:?} is not allowed")]
    AlgorithmNotAllowed(Algorithm),
    #[error("token has no kid")]
    MissingKid,
    #[error("key {0}")]
    Key(#[from] KeyError),
    #[error("the key for this kid is for {key:?}, the token says {token:?}")]
    AlgorithmMismatch { key: Algorithm, token: Algorithm },
}

impl TokenError {
    /// True when the gateway cannot verify anything right now (503, not 401).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Key(KeyError::NoKeys))
    }
}

/// What the gateway accepts, from configuration.
pub struct AuthSettings {
    pub algorithms: Vec<Algorithm>,
    pub hs256_secret: Option<Vec<u8>>,
    pub jwks: Option<Arc<Jwks>>,
    pub issuer: String,
    pub audience: String,
    pub leeway_secs: u64,
}

/// How long a verified token is taken on trust without checking its signature again; never
/// past its own `exp`, and never across a change of the key set.
const VERIFIED_TTL: std::time::Duration = std::time::Duration::from_secs(300);
/// Tokens remembered at most (about 200 bytes each).
const VERIFIED_CAPACITY: u64 = 100_000;

/// A token whose signature and claims were checked.
#[derive(Clone)]
struct Verified {
    claims: Arc<Claims>,
    /// Unix seconds after which it no longer counts: its `exp` plus the leeway.
    until: u64,
    /// The key set it was verified under (None: the HS256 secret, which never changes).
    generation: Option<u64>,
}

pub struct Authenticator {
    settings: AuthSettings,
    hmac: Option<(DecodingKey, EncodingKey)>,
    /// Verified tokens by the SHA-256 of the whole token: a client sending the same token
    /// again costs a hash and a lookup, not a signature check.
    verified: moka::future::Cache<[u8; 32], Verified>,
    /// Signature checks made (the cache's misses), for tests and the benchmark.
    pub signature_checks: std::sync::atomic::AtomicU64,
}

impl Authenticator {
    pub fn new(settings: AuthSettings) -> Self {
        let hmac = settings
            .hs256_secret
            .as_deref()
            .map(|s| (DecodingKey::from_secret(s), EncodingKey::from_secret(s)));
        Self {
            settings,
            hmac,
            verified: moka::future::Cache::builder()
                .max_capacity(VERIFIED_CAPACITY)
                .time_to_live(VERIFIED_TTL)
                .build(),
            signature_checks: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// HS256 only: development and tests.
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str, leeway_secs: u64) -> Self {
        Self::new(AuthSettings {
            algorithms: vec![Algorithm::HS256],
            hs256_secret: Some(secret.to_vec()),
            jwks: None,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            leeway_secs,
        })
    }

    pub fn jwks(&self) -> Option<&Arc<Jwks>> {
        self.settings.jwks.as_ref()
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut v = Validation::new(alg);
        v.set_issuer(&[&self.settings.issuer]);
        v.set_audience(&[&self.settings.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.validate_nbf = true;
        v.leeway = self.settings.leeway_secs;
        v
    }

    /// The token's claims: from the verified-token cache when this exact token was
    /// verified under the current key set and has not expired, else checked in full.
    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        use sha2::Digest;
        let key: [u8; 32] = sha2::Sha256::digest(token.as_bytes()).into();
        let now = jsonwebtoken::get_current_timestamp();
        if let Some(v) = self.verified.get(&key).await {
            let same_keys = match (v.generation, &self.settings.jwks) {
                (None, _) => true,
                (Some(g), Some(jwks)) => jwks.generation().await == Some(g),
                (Some(_), None) => false,
            };
            if same_keys && now < v.until {
                return Ok((*v.claims).clone());
            }
            self.verified.invalidate(&key).await;
        }
        let (claims, generation) = self.check(token).await?;
        self.verified
            .insert(
                key,
                Verified {
                    until: claims.exp.saturating_add(self.settings.leeway_secs),
                    claims: Arc::new(claims.clone()),
                    generation,
                },
            )
            .await;
        Ok(claims)
    }

    /// The full check: header, algorithm, key, signature and claims; with the key set it
    /// was made under (None for HS256).
    async fn check(&self, token: &str) -> Result<(Claims, Option<u64>), TokenError> {
        self.signature_checks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Parsing the header rejects `alg: none` in any spelling: it is no Algorithm.
        let header = jsonwebtoken::decode_header(token)?;
        // Nothing is ever fetched or trusted from header values.
        if header.crit.is_some() {
            return Err(TokenError::ForbiddenHeader("crit"));
        }
        if header.jku.is_some() || header.x5u.is_some() {
            return Err(TokenError::ForbiddenHeader("jku/x5u"));
        }
        if header.jwk.is_some() || header.x5c.is_some() {
            return Err(TokenError::ForbiddenHeader("jwk/x5c"));
        }
        if !self.settings.algorithms.contains(&header.alg) {
            return Err(TokenError::AlgorithmNotAllowed(header.alg));
        }
        let (claims, generation) = if header.alg == Algorithm::HS256 {
            let (key, _) = self
                .hmac
                .as_ref()
                .ok_or(TokenError::AlgorithmNotAllowed(header.alg))?;
            (
                jsonwebtoken::decode::<Claims>(token, key, &self.validation(Algorithm::HS256))?,
                None,
            )
        } else {
            let jwks = self
                .settings
                .jwks
                .as_ref()
                .ok_or(TokenError::AlgorithmNotAllowed(header.alg))?;
            let kid = header.kid.as_deref().ok_or(TokenError::MissingKid)?;
            if kid.is_empty() || kid.len() > 256 {
                return Err(TokenError::Key(KeyError::Unknown));
            }
            // Read before the key: a set replaced in between is verified again next time.
            let generation = jwks.generation().await;
            let key = jwks.key(kid).await?;
            if key.algorithm != header.alg {
                return Err(TokenError::AlgorithmMismatch {
                    key: key.algorithm,
                    token: header.alg,
                });
            }
            (
                jsonwebtoken::decode::<Claims>(token, &key.key, &self.validation(key.algorithm))?,
                generation,
            )
        };
        Ok((claims.claims, generation))
    }

    /// Signs an HS256 token for `subject`: the development tokens printed at start and by
    /// `partnerworld token`.
    pub fn mint(
        &self,
        subject: &str,
        roles: &[&str],
        ttl_secs: u64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let (_, key) = self
            .hmac
            .as_ref()
            .ok_or(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat)?;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: subject.to_owned(),
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            exp: now + ttl_secs,
            nbf: Some(now),
            iat: Some(now),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_remembered_token_stops_counting_when_it_expires() {
        let auth = Authenticator::hs256(b"0123456789abcdef0123456789abcdef", "iss", "aud", 0);
        let token = auth.mint("a@b.example", &[], 1).expect("mint");
        assert!(auth.verify(&token).await.is_ok());
        assert!(auth.verify(&token).await.is_ok(), "remembered");
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        assert!(
            auth.verify(&token).await.is_err(),
            "expired, remembered or not"
        );
    }
}

//! Per-caller rate limits in fixed windows (a minute by default): one budget for requests, a smaller
//! one for sensitive mutations, where every occurrence counts (aliases, fragments), so a
//! document repeating `requestSiteAccess` fifty times spends fifty.
//!
//! Counters live in the shared cache (Redis across replicas); when it fails, an in-process
//! counter takes over, so a Redis outage loosens the limit to per replica instead of
//! dropping it.

use crate::cache::{Cache, CacheStore, MemoryStore};
use crate::error::{AppError, AppResult};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Mutations anyone signed in (or anonymous) can repeat to create work or mail for other
/// people, or to probe for existing values (a company token, a site number).
pub const SENSITIVE_MUTATIONS: &[&str] = &[
    "addCandidateId",
    "createCommunity",
    "joinCommunity",
    "joinCompany",
    "nominateForTechnicalValidation",
    "registerCompany",
    "requestCandidateIdMerge",
    "requestSiteAccess",
    "submitCustomerExperience",
    "submitResponseCard",
];

/// Every other mutation: only a role on the object it names (APA, PRC, Focal ID, a site's
/// primary contact, a community's owner, IBM's channel team) or membership of it may run
/// it, so the request budget is enough. Every mutation of the schema is in exactly one of
/// the two lists (a test holds them to the schema), so a new mutation cannot ship without
/// someone deciding which budget it spends.
pub const ROLE_BOUND_MUTATIONS: &[&str] = &[
    // The caller's own notifications only.
    "markNotificationsRead",
    "addApplicationDocument",
    "addBenefit",
    "addCountryEnterprise",
    "addLocation",
    "addSiteUser",
    "appointSitePrimary",
    "approveAccessRequest",
    "confirmValueNetMembership",
    "createOpportunity",
    "createRelationshipApplication",
    "createSolution",
    "decideCandidateIdMerge",
    "decideCustomerExperience",
    "decideNomination",
    "decideRelationshipApplication",
    "decideRevenueCorrection",
    "decideTechnicalAdvocate",
    "generateRenewalQuote",
    "importCertifications",
    "inviteIsvToPremier",
    "inviteOrApproveMember",
    "leaveCommunity",
    "passOpportunity",
    "progressOpportunity",
    "recordAttainment",
    "registerDeal",
    "registerValueNet",
    "registerValueNetFocus",
    "rejectAccessRequest",
    "removeCommunityMember",
    "removeSiteUser",
    "requestRegistrationDocuments",
    "requestRevenueCorrection",
    "requestTechnicalAdvocate",
    "respondToOpportunity",
    "reviewPerson",
    "setCommunityOwner",
    "setCompanyRole",
    "setFocalId",
    "setGoodStanding",
    "setPartnerTypes",
    "setSalesActivityRegistration",
    "submitPartnerPlan",
    "submitRelationshipApplication",
    "transferPrimaryContact",
    "updateBenefit",
    "updateCompanyProfile",
    "updateCountryEnterprise",
    "updateLocation",
    "updateRelationshipApplication",
    "updateSiteUser",
    "updateSolution",
    "verifyPartnerPlan",
];

/// Who is counted: the token's subject, or the client address for anonymous callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller(pub String);

impl Caller {
    pub fn new(subject: Option<&str>, client: Option<std::net::IpAddr>) -> Self {
        match (subject, client) {
            (Some(sub), _) => Self(format!("sub:{sub}")),
            (None, Some(ip)) => Self(format!("ip:{ip}")),
            (None, None) => Self("ip:unknown".into()),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Budget {
    Requests,
    Sensitive,
}

#[derive(Clone)]
pub struct RateLimiter {
    shared: Cache,
    local: Arc<MemoryStore>,
    requests: u32,
    sensitive: u32,
    window: Duration,
}

impl RateLimiter {
    /// `requests` and `sensitive` per `window`; 0 turns a budget off.
    pub fn new(shared: Cache, requests: u32, sensitive: u32, window: Duration) -> Self {
        Self {
            shared,
            local: Arc::new(MemoryStore::new(16 * 1024 * 1024)),
            requests,
            sensitive,
            window: window.max(Duration::from_secs(1)),
        }
    }

    pub async fn request(&self, caller: &Caller) -> AppResult<()> {
        self.take(caller, Budget::Requests, 1).await
    }

    pub async fn sensitive(&self, caller: &Caller, n: u32) -> AppResult<()> {
        self.take(caller, Budget::Sensitive, n).await
    }

    async fn take(&self, caller: &Caller, budget: Budget, n: u32) -> AppResult<()> {
        let limit = match budget {
            Budget::Requests => self.requests,
            Budget::Sensitive => self.sensitive,
        };
        if limit == 0 || n == 0 {
            return Ok(());
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let window = self.window.as_secs();
        let start = now - now % window;
        let key = format!("rl:{budget:?}:{}:{start}", caller.0);
        let by = i64::from(n);
        let count = match self.shared.incr(&key, by, self.window).await {
            Some(c) => c,
            None => self.local.incr(&key, by, self.window).await.unwrap_or(by),
        };
        if count > i64::from(limit) {
            Err(AppError::RateLimited {
                retry_after_secs: (start + window).saturating_sub(now).max(1),
            })
        } else {
            Ok(())
        }
    }
}

/// Occurrences of sensitive mutation fields at the root of the operation that will run.
/// Is `name` a root mutation the sensitive budget counts? The occurrences in a document
/// are counted by `documents::shape`, through every nesting of fragments.
pub fn is_sensitive(name: &str) -> bool {
    SENSITIVE_MUTATIONS.contains(&name)
}

/// What report files may spend on one replica: how many are written at once, and how many
/// rows per second they write together. A file costs the replica CPU for every row it
/// encodes and little else (it holds no connection between chunks), so bounding its rows
/// bounds the share of the replica it takes from other requests, however many run.
#[derive(Clone)]
pub struct DownloadThrottle {
    slots: Arc<tokio::sync::Semaphore>,
    rows: Option<Arc<governor::DefaultDirectRateLimiter>>,
    chunk: NonZeroU32,
}

/// One running file's place: given back when the file completes, fails or is abandoned.
pub struct DownloadSlot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    throttle: DownloadThrottle,
}

impl DownloadThrottle {
    /// `concurrent` files at once; `rows_per_sec` rows per second together (0: unbounded),
    /// granted a `chunk` at a time, so no file runs ahead of the rate by more than a chunk.
    pub fn new(concurrent: u32, rows_per_sec: u32, chunk: u32) -> Self {
        let chunk = NonZeroU32::new(chunk).unwrap_or(NonZeroU32::MIN);
        let rows = NonZeroU32::new(rows_per_sec).map(|rate| {
            let quota = governor::Quota::per_second(rate).allow_burst(chunk);
            Arc::new(governor::RateLimiter::direct(quota))
        });
        Self {
            slots: Arc::new(tokio::sync::Semaphore::new(concurrent.max(1) as usize)),
            rows,
            chunk,
        }
    }

    /// A place for one more file, or 503 while every place is taken: the client retries
    /// (queueing would hold its connection open for as long as the files ahead take).
    pub fn slot(&self) -> AppResult<DownloadSlot> {
        let permit = self
            .slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::Unavailable("report downloads"))?;
        Ok(DownloadSlot {
            _permit: permit,
            throttle: self.clone(),
        })
    }
}

impl DownloadSlot {
    /// Waits until the next chunk of rows may be written.
    pub async fn next_chunk(&self) {
        if let Some(rows) = &self.throttle.rows {
            // The burst is one chunk, so a chunk always fits: `InsufficientCapacity`
            // cannot happen.
            let _ = rows.until_n_ready(self.throttle.chunk).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn files_take_no_more_rows_per_second_than_the_replica_grants() {
        // 2 000 rows a second in chunks of 1 000: the first chunk at once (the burst), the
        // next two only after a second between them, whichever file asks.
        let throttle = DownloadThrottle::new(2, 2_000, 1_000);
        let (a, b) = (throttle.slot().expect("a"), throttle.slot().expect("b"));
        let start = Instant::now();
        a.next_chunk().await;
        assert!(start.elapsed() < Duration::from_millis(250));
        b.next_chunk().await;
        a.next_chunk().await;
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(900), "{took:?}");
    }

    #[tokio::test]
    async fn a_file_beyond_the_concurrency_waits_for_a_place_to_be_given_back() {
        let throttle = DownloadThrottle::new(1, 0, 1_000);
        let first = throttle.slot().expect("a place");
        assert!(matches!(
            throttle.slot().err(),
            Some(AppError::Unavailable(_))
        ));
        drop(first);
        let again = throttle.slot().expect("given back");
        // Unbounded rate: no chunk waits.
        let start = Instant::now();
        for _ in 0..100 {
            again.next_chunk().await;
        }
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}

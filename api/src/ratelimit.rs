//! Per-caller rate limits in fixed windows (a minute by default): one budget for requests, a smaller
//! one for sensitive mutations, where every occurrence counts (aliases, fragments), so a
//! document repeating `requestSiteAccess` fifty times spends fifty.
//!
//! Counters live in the shared cache (Redis across replicas); when it fails, an in-process
//! counter takes over, so a Redis outage loosens the limit to per replica instead of
//! dropping it.

use crate::cache::{Cache, CacheStore, MemoryStore};
use crate::error::{AppError, AppResult};
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

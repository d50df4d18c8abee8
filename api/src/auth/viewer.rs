//! The caller of one request. Identity comes from the token; company and site roles come
//! from the database (cached for `ROLE_CACHE_SECS`), so a revoked APA loses access within
//! that bound instead of keeping it until the token expires.

use crate::error::AppResult;
use entities::{people, site_user_privileges, site_users};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::sync::Arc;
use std::time::Duration;

/// The person behind the caller, as the database knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRole {
    pub person_id: i64,
    pub company_id: i64,
    pub location_id: i64,
    /// ACTIVE; a PENDING or REJECTED person holds no company standing.
    pub active: bool,
    pub is_apa: bool,
    pub is_prc: bool,
    /// The company's Focal ID: its prime contact for opportunity passing.
    pub is_focal: bool,
}

/// The caller's access to one PAO site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRole {
    pub site_id: i64,
    pub role: String,
    pub account_management: bool,
    pub privileges: Vec<String>,
}

impl SiteRole {
    /// Primary contact, or a secondary contact granted account management.
    pub fn manages(&self) -> bool {
        self.role == "SITE_PRIMARY_CONTACT"
            || (self.role == "SECONDARY_CONTACT" && self.account_management)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    /// The token's `sub`: the caller's IBMid (login e-mail). None for anonymous callers.
    pub subject: Option<String>,
    pub person: Option<PersonRole>,
    pub sites: Vec<SiteRole>,
    pub ibm_channel: bool,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn is_signed_in(&self) -> bool {
        self.subject.is_some()
    }

    pub fn person_id(&self) -> Option<i64> {
        self.person.as_ref().map(|p| p.person_id)
    }

    /// A service identity of IBM's channel team, for the maintenance commands run by an
    /// operator (a vendor feed): audited as `service:<name>`.
    pub fn service(name: &str) -> Self {
        Self {
            subject: Some(format!("service:{name}")),
            ibm_channel: true,
            ..Self::default()
        }
    }
}

/// A verified identity that outlives one request: a WebSocket connection. Its roles are
/// read again (through the same `ROLE_CACHE_SECS` cache as HTTP) for every operation and
/// before every subscription event, and it ends when its token expires.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    pub subject: Option<String>,
    pub ibm_channel: bool,
    /// Unix seconds after which the token no longer counts (its `exp` plus the leeway
    /// verification allowed). None for anonymous sessions.
    pub expires_at: Option<u64>,
}

impl Session {
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// Has the token run out at unix time `now`?
    pub fn expired_at(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|exp| now >= exp)
    }

    /// The caller as of now: UNAUTHENTICATED once the token has expired.
    pub async fn viewer(&self, roles: &RoleDirectory) -> AppResult<Viewer> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        if self.expired_at(now) {
            return Err(crate::error::AppError::Unauthenticated);
        }
        match &self.subject {
            None => Ok(Viewer::anonymous()),
            Some(sub) => roles.viewer(sub.clone(), self.ibm_channel).await,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Roles {
    person: Option<PersonRole>,
    sites: Vec<SiteRole>,
}

/// Reads and caches the roles of signed-in callers.
#[derive(Clone)]
pub struct RoleDirectory {
    db: DatabaseConnection,
    cache: moka::future::Cache<String, Arc<Roles>>,
}

impl RoleDirectory {
    pub fn new(db: DatabaseConnection, ttl: Duration) -> Self {
        Self {
            db,
            cache: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// The viewer for a verified subject. An IBMid is an e-mail address, so the subject is
    /// taken in lowercase, the one form every IBMid is stored and looked up in.
    pub async fn viewer(&self, subject: String, ibm_channel: bool) -> AppResult<Viewer> {
        let subject = subject.to_ascii_lowercase();
        let roles = match self.cache.get(&subject).await {
            Some(roles) => roles,
            None => {
                let roles = Arc::new(self.load(&subject).await?);
                self.cache.insert(subject.clone(), roles.clone()).await;
                roles
            }
        };
        Ok(Viewer {
            subject: Some(subject),
            person: roles.person.clone(),
            sites: roles.sites.clone(),
            ibm_channel,
        })
    }

    /// Forgets a subject's roles at once, after a write that changed them.
    pub async fn forget(&self, subject: &str) {
        self.cache.invalidate(&subject.to_ascii_lowercase()).await;
    }

    /// Forgets every subject's roles: after this replica may have missed another's word
    /// that some changed (`events`).
    pub fn forget_all(&self) {
        self.cache.invalidate_all();
    }

    async fn load(&self, subject: &str) -> AppResult<Roles> {
        let person = people::Entity::find()
            .filter(people::Column::IbmId.eq(subject))
            .one(&self.db)
            .await?
            .map(|p| PersonRole {
                person_id: p.id,
                company_id: p.company_id,
                location_id: p.location_id,
                active: p.status == "ACTIVE",
                is_apa: p.is_apa,
                is_prc: p.is_prc,
                is_focal: p.is_focal,
            });
        let users = site_users::Entity::find()
            .filter(site_users::Column::IbmId.eq(subject))
            .all(&self.db)
            .await?;
        let privileges = if users.is_empty() {
            Vec::new()
        } else {
            site_user_privileges::Entity::find()
                .filter(site_user_privileges::Column::SiteUserId.is_in(users.iter().map(|u| u.id)))
                .all(&self.db)
                .await?
        };
        let sites = users
            .into_iter()
            .map(|u| SiteRole {
                site_id: u.site_id,
                privileges: privileges
                    .iter()
                    .filter(|p| p.site_user_id == u.id)
                    .map(|p| p.privilege.clone())
                    .collect(),
                role: u.role,
                account_management: u.account_management,
            })
            .collect();
        Ok(Roles { person, sites })
    }
}

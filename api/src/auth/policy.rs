//! The access matrix of domain.md §7, declared once. Field resolvers, mutations and row
//! scope call [`ensure`]; the matrix test walks [`MATRIX`] and [`GUARDED_FIELDS`].
//!
//! Checks run inside resolver bodies rather than as async-graphql guard attributes, because
//! guard attributes are skipped when a field is reached through an interface (async-graphql
//! issue #1826); a resolver body runs on every path: lists, `node`, `_entities`.

use super::viewer::{SiteRole, Viewer};
use crate::error::{AppError, AppResult};
use strum::{EnumIter, IntoStaticStr};

/// The matrix's columns: how the caller stands toward the thing asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, IntoStaticStr)]
pub enum Standing {
    Anonymous,
    /// An active person of the company (for a site: a user of the site).
    Member,
    /// The company's Primary Relationship Contact.
    Prc,
    /// The company's Authorized Profile Administrator.
    Apa,
    /// The site's primary contact, or a secondary contact granted account management.
    SitePrimary,
    /// IBM's channel team.
    IbmChannel,
}

/// The matrix's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, IntoStaticStr)]
pub enum Action {
    /// Company name, partnerWorldId, published directory info.
    ReadPublicProfile,
    ReadCompanyToken,
    /// The points table and the level explanation.
    ReadLevelExplanation,
    /// Achieved and PartnerWorld level.
    ReadLevel,
    /// Employee list with e-mails, and the other member-only details of a company.
    ReadEmployees,
    /// Update the company profile, add a candidate ID to an employee.
    UpdateCompanyProfile,
    /// Approve or reject pending person profiles.
    ReviewPendingPeople,
    ReadRevenueReports,
    /// Create and submit relationship applications.
    SubmitRelationshipApplication,
    /// Approve relationship applications and customer experiences.
    DecideApplications,
    /// Read a company's relationship applications and lead eligibility (not a row of
    /// domain.md: our choice).
    ReadRelationshipApplications,
    /// See open leads and pass them to partners (IBM's own work; not a row of domain.md).
    PassOpportunities,
    /// Read the audit log of changes (not a row of domain.md).
    ReadAuditLog,
    /// Site users, privileges, access requests.
    ReadSiteAdministration,
    /// Grant privileges, approve access requests, change the primary contact.
    ManageSite,
    ReadSiteReports,
}

/// One cell of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    No,
    Yes,
    /// Only the caller at the company's headquarters location.
    AtHeadquarters,
    /// Only with the REPORTING privilege on that site.
    WithReporting,
}

/// One row of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub action: Action,
    pub anonymous: Cell,
    pub member: Cell,
    pub prc: Cell,
    pub apa: Cell,
    pub site_primary: Cell,
    pub ibm_channel: Cell,
}

impl Rule {
    pub fn cell(&self, s: Standing) -> Cell {
        match s {
            Standing::Anonymous => self.anonymous,
            Standing::Member => self.member,
            Standing::Prc => self.prc,
            Standing::Apa => self.apa,
            Standing::SitePrimary => self.site_primary,
            Standing::IbmChannel => self.ibm_channel,
        }
    }
}

use Cell::{AtHeadquarters as HQ, No, WithReporting as REP, Yes};

/// Declares the matrix once: `rule` is an exhaustive `match` (an action without a row, or
/// with two, does not compile), and `MATRIX` lists the same rows in order for tests and docs.
macro_rules! rules {
    ($($action:ident: $anon:expr, $member:expr, $prc:expr, $apa:expr, $site:expr, $ibm:expr;)*) => {
        /// The row of `action`. There is no fallback: a new action without a row is a
        /// compile error, so nothing ships unguarded.
        pub const fn rule(action: Action) -> Rule {
            match action {
                $(Action::$action => Rule { action: Action::$action, anonymous: $anon,
                    member: $member, prc: $prc, apa: $apa, site_primary: $site,
                    ibm_channel: $ibm },)*
            }
        }

        /// Every row, in the order of domain.md §7.
        pub static MATRIX: &[Rule] = &[$(rule(Action::$action)),*];
    };
}

// domain.md §7, column for column:
// anonymous | member of company | PRC (own) | APA (own) | Site Primary (own site) | IBM_CHANNEL
rules! {
    ReadPublicProfile:             Yes, Yes, Yes, Yes, Yes, Yes;
    ReadCompanyToken:              No,  No,  Yes, Yes, No,  No;
    ReadLevelExplanation:          No,  No,  No,  Yes, No,  Yes;
    ReadLevel:                     Yes, Yes, Yes, Yes, Yes, Yes;
    ReadEmployees:                 No,  Yes, Yes, Yes, No,  Yes;
    UpdateCompanyProfile:          No,  No,  No,  Yes, No,  No;
    ReviewPendingPeople:           No,  No,  Yes, No,  No,  No;
    ReadRevenueReports:            No,  No,  Yes, Yes, No,  Yes;
    SubmitRelationshipApplication: No,  No,  No,  HQ,  No,  No;
    DecideApplications:            No,  No,  No,  No,  No,  Yes;
    ReadRelationshipApplications:  No,  No,  Yes, Yes, No,  Yes;
    PassOpportunities:             No,  No,  No,  No,  No,  Yes;
    ReadAuditLog:                  No,  No,  No,  No,  No,  Yes;
    ReadSiteAdministration:        No,  No,  No,  No,  Yes, Yes;
    ManageSite:                    No,  No,  No,  No,  Yes, No;
    ReadSiteReports:               No,  REP, REP, REP, Yes, Yes;
}

/// What an action is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Not tied to one company or site (the points table): "own" means any of the caller's.
    Global,
    Company(i64),
    /// A company together with its headquarters location, for headquarters-only cells.
    CompanyAt {
        company_id: i64,
        headquarters_location_id: Option<i64>,
    },
    Site(i64),
}

impl Target {
    /// A company, by any id that is one (a typed domain id or a row number).
    pub fn company(id: impl Into<i64>) -> Self {
        Target::Company(id.into())
    }

    pub fn site(id: impl Into<i64>) -> Self {
        Target::Site(id.into())
    }
}

impl Viewer {
    /// Does the caller hold this column of the matrix toward the target?
    pub fn holds(&self, standing: Standing, target: Target) -> bool {
        let person = self.person.as_ref().filter(|p| p.active);
        let own_company = |company_id: i64| person.is_some_and(|p| p.company_id == company_id);
        let site = |site_id: i64| self.sites.iter().find(|s| s.site_id == site_id);
        match (standing, target) {
            (Standing::Anonymous, _) => true,
            (Standing::IbmChannel, _) => self.ibm_channel,
            (Standing::Member, Target::Global) => person.is_some(),
            (Standing::Prc, Target::Global) => person.is_some_and(|p| p.is_prc),
            (Standing::Apa, Target::Global) => person.is_some_and(|p| p.is_apa),
            (Standing::SitePrimary, Target::Global) => self.sites.iter().any(SiteRole::manages),
            (Standing::Member, Target::Company(c) | Target::CompanyAt { company_id: c, .. }) => {
                own_company(c)
            }
            (Standing::Prc, Target::Company(c) | Target::CompanyAt { company_id: c, .. }) => {
                own_company(c) && person.is_some_and(|p| p.is_prc)
            }
            (Standing::Apa, Target::Company(c) | Target::CompanyAt { company_id: c, .. }) => {
                own_company(c) && person.is_some_and(|p| p.is_apa)
            }
            (Standing::SitePrimary, Target::Company(_) | Target::CompanyAt { .. }) => false,
            // Toward a site, the company columns stand for the site's own users.
            (Standing::Member, Target::Site(s)) => site(s).is_some(),
            (Standing::Prc, Target::Site(s)) => {
                site(s).is_some() && person.is_some_and(|p| p.is_prc)
            }
            (Standing::Apa, Target::Site(s)) => {
                site(s).is_some() && person.is_some_and(|p| p.is_apa)
            }
            (Standing::SitePrimary, Target::Site(s)) => site(s).is_some_and(SiteRole::manages),
        }
    }

    fn satisfies(&self, cell: Cell, target: Target) -> bool {
        match (cell, target) {
            (Cell::No, _) => false,
            (Cell::Yes, _) => true,
            (
                Cell::AtHeadquarters,
                Target::CompanyAt {
                    headquarters_location_id: Some(hq),
                    ..
                },
            ) => self
                .person
                .as_ref()
                .is_some_and(|p| p.active && p.location_id == hq),
            (Cell::AtHeadquarters, _) => false,
            (Cell::WithReporting, Target::Site(s)) => self
                .sites
                .iter()
                .any(|r| r.site_id == s && r.privileges.iter().any(|p| p == "REPORTING")),
            (Cell::WithReporting, _) => false,
        }
    }

    /// Could the caller perform `action` on anything at all (some company or site of
    /// theirs)? False means no id can change the answer, so it is FORBIDDEN for every id.
    pub fn may_somewhere(&self, action: Action) -> bool {
        let rule = rule(action);
        <Standing as strum::IntoEnumIterator>::iter()
            .any(|s| rule.cell(s) != Cell::No && self.holds(s, Target::Global))
    }

    /// May the caller perform `action` on `target`?
    pub fn may(&self, action: Action, target: Target) -> bool {
        let rule = rule(action);
        <Standing as strum::IntoEnumIterator>::iter()
            .any(|s| self.holds(s, target) && self.satisfies(rule.cell(s), target))
    }
}

/// The one check every guarded field, mutation and row scope goes through.
pub fn ensure(viewer: &Viewer, action: Action, target: Target) -> AppResult<()> {
    if viewer.may(action, target) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// How each field of a guarded GraphQL type is protected. A test compares this with the
/// schema, so a field added to one of these types without a declared policy fails CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldPolicy {
    /// Visible to whoever may reach the object.
    Public,
    /// Checked against the matrix for the object's company or site.
    Guarded(Action),
    /// Visible to the person themself, or under the action for their company.
    SelfOr(Action),
}

pub struct TypePolicy {
    pub type_name: &'static str,
    pub fields: &'static [(&'static str, FieldPolicy)],
}

use FieldPolicy::{Guarded, Public, SelfOr};

pub static GUARDED_FIELDS: &[TypePolicy] = &[
    TypePolicy {
        type_name: "Company",
        fields: &[
            ("id", Public),
            ("partnerWorldId", Public),
            ("name", Public),
            ("description", Public),
            ("partnerTypes", Public),
            ("goodStanding", Public),
            ("countryEnterprises", Public),
            ("headquarters", Public),
            ("achievedLevel", Guarded(Action::ReadLevel)),
            ("partnerWorldLevel", Guarded(Action::ReadLevel)),
            ("companyToken", Guarded(Action::ReadCompanyToken)),
            ("levelExplanation", Guarded(Action::ReadLevelExplanation)),
            ("partnerPlan", Guarded(Action::ReadLevelExplanation)),
            ("employees", Guarded(Action::ReadEmployees)),
            (
                "relationshipApplications",
                Guarded(Action::ReadRelationshipApplications),
            ),
            ("authorizations", Public),
            ("solutions", Public),
            ("valueNetRegistration", Public),
            ("valueNets", Public),
            ("version", Public),
        ],
    },
    TypePolicy {
        type_name: "CountryEnterprise",
        fields: &[
            ("id", Public),
            ("countryEnterpriseId", Public),
            ("country", Public),
            ("passportAdvantageId", Public),
            ("publishToPartners", Public),
            ("publishToCustomers", Public),
            ("marketingDescription", Public),
            ("company", Public),
            ("locations", Public),
            ("revenueReports", Guarded(Action::ReadRevenueReports)),
        ],
    },
    TypePolicy {
        type_name: "Location",
        fields: &[
            ("id", Public),
            ("name", Public),
            ("addressLine", Public),
            ("city", Public),
            ("postalCode", Public),
            ("country", Public),
            ("isHeadquarters", Public),
            ("company", Public),
            ("countryEnterprise", Public),
            ("people", Guarded(Action::ReadEmployees)),
            ("agreements", Guarded(Action::ReadEmployees)),
            ("benefits", Guarded(Action::ReadEmployees)),
        ],
    },
    TypePolicy {
        type_name: "Person",
        fields: &[
            ("id", Public),
            ("givenName", Public),
            ("familyName", Public),
            ("jobTitle", Public),
            ("status", Public),
            ("version", Public),
            ("ibmId", SelfOr(Action::ReadEmployees)),
            ("companyRoles", SelfOr(Action::ReadEmployees)),
            ("candidateIds", SelfOr(Action::ReadEmployees)),
            ("certifications", SelfOr(Action::ReadEmployees)),
            ("location", SelfOr(Action::ReadEmployees)),
            ("company", Public),
        ],
    },
    TypePolicy {
        type_name: "Site",
        fields: &[
            ("id", Public),
            ("siteNumber", Public),
            ("name", Public),
            ("country", Public),
            ("agreementType", Public),
            ("version", Public),
            ("resellerCompany", Public),
            ("users", Guarded(Action::ReadSiteAdministration)),
            ("accessRequests", Guarded(Action::ReadSiteAdministration)),
            ("customers", Guarded(Action::ReadSiteReports)),
            ("renewalLineItems", Guarded(Action::ReadSiteReports)),
            ("orders", Guarded(Action::ReadSiteReports)),
        ],
    },
    TypePolicy {
        type_name: "Solution",
        fields: &[
            ("id", Public),
            ("name", Public),
            ("description", Public),
            ("inShowcase", Public),
            ("version", Public),
            ("industries", Public),
            ("middleware", Public),
            ("hardware", Public),
            ("approved", Public),
            ("company", Public),
            // Approved ones for everyone, all for the company (filtered, not refused).
            ("customerExperiences", Public),
            ("nominations", Guarded(Action::ReadEmployees)),
            ("responseCards", Guarded(Action::ReadEmployees)),
        ],
    },
];

impl Standing {
    /// The OAuth scope naming this standing, for a router that enforces `@requiresScopes`.
    pub fn scope(self) -> &'static str {
        match self {
            Standing::Anonymous => "partnerworld:anonymous",
            Standing::Member => "partnerworld:member",
            Standing::Prc => "partnerworld:prc",
            Standing::Apa => "partnerworld:apa",
            Standing::SitePrimary => "partnerworld:site-primary",
            Standing::IbmChannel => "partnerworld:ibm-channel",
        }
    }
}

/// The person themself, for [`FieldPolicy::SelfOr`] fields.
pub const SELF_SCOPE: &str = "partnerworld:person";

/// The scopes a guarded field carries as `@requiresScopes` (any one suffices): every
/// standing that some cell of its row grants, so a router can refuse callers who could
/// never see the field. Row-level checks (own company, headquarters, REPORTING) stay here.
/// Empty for fields anonymous callers may read. A test holds the schema to this.
pub fn required_scopes(policy: FieldPolicy) -> Vec<&'static str> {
    let (action, own) = match policy {
        FieldPolicy::Public => return Vec::new(),
        FieldPolicy::Guarded(a) => (a, None),
        FieldPolicy::SelfOr(a) => (a, Some(SELF_SCOPE)),
    };
    let row = rule(action);
    if row.anonymous != Cell::No {
        return Vec::new();
    }
    own.into_iter()
        .chain(
            <Standing as strum::IntoEnumIterator>::iter()
                .filter(|s| row.cell(*s) != Cell::No)
                .map(Standing::scope),
        )
        .collect()
}

//! The access matrix of domain.md §7, declared once, with nothing else in this crate: the
//! gateway checks every guarded field and action against it, and `access-macros` derives
//! each guarded field's `@requiresScopes` from it while the gateway compiles, so the
//! matrix, the checks and the published scopes cannot drift apart.

use strum::{EnumIter, EnumString, IntoStaticStr};

/// The matrix's columns: how the caller stands toward the thing asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, IntoStaticStr)]
pub enum Standing {
    Anonymous,
    /// Any caller with a valid token, whatever else they are (domain.md §8's "signed in").
    SignedIn,
    /// The person the row is about, when active (domain.md §8's "self"). In §7's rows a
    /// person's own fields are `FieldPolicy::SelfOr`, so there the column is always No.
    Person,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, EnumString, IntoStaticStr)]
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
    // domain.md §8, the lifecycle actions:
    /// Register a new company and become its first APA (the service also requires that
    /// the caller is in no company yet).
    RegisterCompany,
    /// Join a location with the company token, as a PENDING person (the token is the
    /// service's check).
    JoinCompany,
    /// See who a company's APA and PRC are, by name only.
    ReadCompanyContacts,
    /// Assign or remove the APA and PRC roles.
    AssignCompanyRoles,
    /// Add one's own candidate id, request a candidate id merge (the APA adds one for an
    /// employee under `UpdateCompanyProfile`).
    ManageOwnSkills,
    /// The testing vendors' certification feed, and deciding candidate id merges.
    ManageCertifications,
    /// IBM's work queues: submitted applications, customer experiences, nominations,
    /// candidate id merges, revenue corrections.
    ReadChannelQueues,
    /// Create an opportunity (a lead) for IBM's queue.
    CreateOpportunities,
    /// Read, accept, decline and progress the opportunities passed to the company, and
    /// register the company's own deals.
    WorkOpportunities,
    /// Name the company's Focal ID: its prime contact for opportunity passing.
    SetFocalId,
    /// Submit the company's PartnerPlan for IBM to verify.
    SubmitPartnerPlan,
    /// Set good standing and sales-activity registration (MySA), verify a PartnerPlan,
    /// invite an ISV to Premier, record revenue attainment and customer satisfaction.
    SetProgramStanding,
    /// Decide a technical-validation nomination.
    DecideNominations,
    /// Edit the company's partner types, country enterprises (publishing, marketing text,
    /// Passport Advantage reseller id) and locations.
    EditCompanyDetails,
    /// Confirm (or decline) the company's membership of a value net another company
    /// registered.
    ConfirmValueNet,
    /// Request a Technical Advocate for the company (IBM decides under
    /// `DecideApplications`).
    RequestTechnicalAdvocate,
    /// Appoint a site's primary contact when it has none, and decide "I believe I am the
    /// primary contact" requests.
    AppointSitePrimary,
    /// Request a correction of a country enterprise's reported revenue (read under
    /// `ReadRevenueReports`, as the reports themselves).
    RequestRevenueCorrection,
    /// Decide revenue correction requests (the queue is `ReadChannelQueues`).
    DecideRevenueCorrections,
    /// Enroll a location in Value Package / Value Option benefits, renew, move or cancel them.
    ManageBenefits,
    /// Generate a renewal quote from a site's renewal line items (not a row of domain.md:
    /// whoever reads the site's reports may quote from them, IBM_CHANNEL only reads).
    GenerateRenewalQuotes,
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
    /// Only the company's Focal ID person (its prime contact for leads).
    AsFocalId,
}

/// One row of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub action: Action,
    pub anonymous: Cell,
    pub signed_in: Cell,
    pub person: Cell,
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
            Standing::SignedIn => self.signed_in,
            Standing::Person => self.person,
            Standing::Member => self.member,
            Standing::Prc => self.prc,
            Standing::Apa => self.apa,
            Standing::SitePrimary => self.site_primary,
            Standing::IbmChannel => self.ibm_channel,
        }
    }
}

use Cell::{AsFocalId as FOC, AtHeadquarters as HQ, No, WithReporting as REP, Yes};

/// Declares the matrix once: `rule` is an exhaustive `match` (an action without a row, or
/// with two, does not compile), and `MATRIX` lists the same rows in order for tests and docs.
macro_rules! rules {
    ($($action:ident: $anon:expr, $signed:expr, $person:expr, $member:expr, $prc:expr, $apa:expr, $site:expr, $ibm:expr;)*) => {
        /// The row of `action`. There is no fallback: a new action without a row is a
        /// compile error, so nothing ships unguarded.
        pub const fn rule(action: Action) -> Rule {
            match action {
                $(Action::$action => Rule { action: Action::$action, anonymous: $anon,
                    signed_in: $signed, person: $person, member: $member, prc: $prc, apa: $apa, site_primary: $site,
                    ibm_channel: $ibm },)*
            }
        }

        /// Every row, in the order of domain.md §7.
        pub static MATRIX: &[Rule] = &[$(rule(Action::$action)),*];
    };
}

// domain.md §7, column for column, with two columns added for §8's rows: "signed in" (in
// §7 it repeats the anonymous column: a token adds nothing to what everyone may see) and
// "self" (in §7 always No: a person's own fields are `SelfOr`); then §8's rows, as
// docs/access-matrix.md translates them into these columns.
// anonymous | signed in | self | member of company | PRC (own) | APA (own) | Site Primary (own site) | IBM_CHANNEL
rules! {
    ReadPublicProfile:             Yes, Yes, No,  Yes, Yes, Yes, Yes, Yes;
    ReadCompanyToken:              No,  No,  No,  No,  Yes, Yes, No,  No;
    ReadLevelExplanation:          No,  No,  No,  No,  No,  Yes, No,  Yes;
    ReadLevel:                     Yes, Yes, No,  Yes, Yes, Yes, Yes, Yes;
    ReadEmployees:                 No,  No,  No,  Yes, Yes, Yes, No,  Yes;
    UpdateCompanyProfile:          No,  No,  No,  No,  No,  Yes, No,  No;
    ReviewPendingPeople:           No,  No,  No,  No,  Yes, No,  No,  No;
    ReadRevenueReports:            No,  No,  No,  No,  Yes, Yes, No,  Yes;
    SubmitRelationshipApplication: No,  No,  No,  No,  No,  HQ,  No,  No;
    DecideApplications:            No,  No,  No,  No,  No,  No,  No,  Yes;
    ReadRelationshipApplications:  No,  No,  No,  No,  Yes, Yes, No,  Yes;
    PassOpportunities:             No,  No,  No,  No,  No,  No,  No,  Yes;
    ReadAuditLog:                  No,  No,  No,  No,  No,  No,  No,  Yes;
    ReadSiteAdministration:        No,  No,  No,  No,  No,  No,  Yes, Yes;
    ManageSite:                    No,  No,  No,  No,  No,  No,  Yes, No;
    ReadSiteReports:               No,  No,  No,  REP, REP, REP, Yes, Yes;
    RegisterCompany:               No,  Yes, No,  No,  No,  No,  No,  No;
    JoinCompany:                   No,  Yes, No,  No,  No,  No,  No,  No;
    ReadCompanyContacts:           No,  Yes, No,  No,  No,  No,  No,  No;
    AssignCompanyRoles:            No,  No,  No,  No,  No,  Yes, No,  No;
    ManageOwnSkills:               No,  No,  Yes, No,  No,  No,  No,  No;
    ManageCertifications:          No,  No,  No,  No,  No,  No,  No,  Yes;
    ReadChannelQueues:             No,  No,  No,  No,  No,  No,  No,  Yes;
    CreateOpportunities:           No,  No,  No,  No,  No,  No,  No,  Yes;
    WorkOpportunities:             No,  No,  No,  FOC, Yes, Yes, No,  No;
    SetFocalId:                    No,  No,  No,  No,  No,  Yes, No,  No;
    SubmitPartnerPlan:             No,  No,  No,  No,  No,  Yes, No,  No;
    SetProgramStanding:            No,  No,  No,  No,  No,  No,  No,  Yes;
    DecideNominations:             No,  No,  No,  No,  No,  No,  No,  Yes;
    EditCompanyDetails:            No,  No,  No,  No,  No,  Yes, No,  No;
    ConfirmValueNet:               No,  No,  No,  No,  No,  Yes, No,  No;
    RequestTechnicalAdvocate:      No,  No,  No,  No,  No,  HQ,  No,  No;
    AppointSitePrimary:            No,  No,  No,  No,  No,  No,  No,  Yes;
    RequestRevenueCorrection:      No,  No,  No,  No,  Yes, Yes, No,  No;
    DecideRevenueCorrections:      No,  No,  No,  No,  No,  No,  No,  Yes;
    ManageBenefits:                No,  No,  No,  No,  No,  Yes, No,  No;
    GenerateRenewalQuotes:         No,  No,  No,  REP, REP, REP, Yes, No;
}

/// How one field of a guarded GraphQL type is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldPolicy {
    /// Visible to whoever may reach the object.
    Public,
    /// Checked against the matrix for the object's company or site.
    Guarded(Action),
    /// Visible to the person themself, or under the action for their company.
    SelfOr(Action),
}

/// The declared policy of every field of one guarded GraphQL type, generated by
/// `access_macros::guarded` from the type's resolvers.
#[derive(Debug, Clone, Copy)]
pub struct TypePolicy {
    pub type_name: &'static str,
    pub fields: &'static [(&'static str, FieldPolicy)],
}

impl Standing {
    /// The OAuth scope naming this standing, for a router that enforces `@requiresScopes`.
    pub fn scope(self) -> &'static str {
        match self {
            Standing::Anonymous => "partnerworld:anonymous",
            Standing::SignedIn => "partnerworld:signed-in",
            Standing::Person => SELF_SCOPE,
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

//! Which rows a caller may see at all, one rule per kind of object, declared once.
//!
//! Two places read these rules, so no path can skip them:
//! - the GraphQL types' constructors: a guarded object is built only through its
//!   `visible` constructor, so lists, nested edges, mutation payloads, `node`,
//!   `_entities` and subscription events all hand out only what the caller may see;
//! - the services, when they load the target of an action: a row the caller may not see
//!   answers NOT_FOUND exactly as an id that names nothing, so ids reveal nothing.
//!
//! Fields of a visible object that the caller may not read are a different matter: they
//! answer FORBIDDEN on the field (the matrix, `policy`).

use super::Viewer;
use super::policy::{Action, Target};
use crate::error::{AppError, AppResult};
use entities::{
    access_requests, audit_log, candidate_merge_requests, opportunities, people,
    relationship_applications, site_users, sites,
};

/// The guarded object types of the graph (GraphQL names), for the tests that walk every
/// field returning one of them.
pub const GUARDED_OBJECTS: &[&str] = &[
    "Person",
    "Site",
    "SiteUser",
    "AccessRequest",
    "RelationshipApplication",
    "Opportunity",
    "AuditRecord",
    "CustomerExperience",
    "Membership",
    "CandidateIdMerge",
    "TechnicalAdvocateRequest",
    "RevenueCorrection",
];

/// The target of `action`, loaded by id (`found`), as the caller may know it:
/// - FORBIDDEN when the caller could do this action on nothing at all (whatever the id);
/// - NOT_FOUND for an id that names nothing *and* for a row the caller may not see (the
///   same answer, so ids reveal nothing);
/// - the row otherwise: the caller then checks the matrix for it, and a refusal there is
///   FORBIDDEN (the caller can see the row, so saying so reveals nothing).
pub fn target<T>(
    viewer: &Viewer,
    action: Action,
    found: Option<T>,
    what: &'static str,
    visible: impl FnOnce(&Viewer, &T) -> bool,
) -> AppResult<T> {
    if !viewer.may_somewhere(action) {
        return Err(AppError::Forbidden);
    }
    found
        .filter(|row| visible(viewer, row))
        .ok_or(AppError::NotFound(what))
}

/// The person themself, or whoever may read their company's employee list.
pub fn person(viewer: &Viewer, row: &people::Model) -> bool {
    is_self(viewer, row) || viewer.may(Action::ReadEmployees, Target::Company(row.company_id))
}

/// Is this the caller's own profile? By IBMid as well as by the viewer's person, so a
/// profile the caller created in this very request (joining, registering) is theirs.
pub fn is_self(viewer: &Viewer, row: &people::Model) -> bool {
    viewer.person_id() == Some(row.id)
        || viewer
            .subject
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(&row.ibm_id))
}

/// Site basics are for signed-in callers: they need them to ask for access.
pub fn site(viewer: &Viewer, _row: &sites::Model) -> bool {
    viewer.is_signed_in()
}

/// The user themself, or whoever may read the site's administration.
pub fn site_user(viewer: &Viewer, row: &site_users::Model) -> bool {
    viewer.subject.as_deref() == Some(row.ibm_id.as_str())
        || viewer.may(Action::ReadSiteAdministration, Target::Site(row.site_id))
}

/// The requester themself, or whoever may read the site's administration; a request
/// that claims the primary role goes to IBM's channel team instead of the current primary
/// (domain.md §8), so only they and the requester see it.
pub fn access_request(viewer: &Viewer, row: &access_requests::Model) -> bool {
    viewer.subject.as_deref() == Some(row.requester_ibm_id.as_str())
        || if row.believes_primary {
            viewer.may(Action::AppointSitePrimary, Target::Site(row.site_id))
        } else {
            viewer.may(Action::ReadSiteAdministration, Target::Site(row.site_id))
        }
}

pub fn relationship_application(viewer: &Viewer, row: &relationship_applications::Model) -> bool {
    viewer.may(
        Action::ReadRelationshipApplications,
        Target::Company(row.company_id),
    )
}

/// Leads are IBM's work queue; a lead passed to a company (or registered by it) is also
/// for those who work the company's leads, while it is theirs.
pub fn opportunity(viewer: &Viewer, row: &opportunities::Model) -> bool {
    viewer.may(Action::PassOpportunities, Target::Global)
        || row
            .passed_to_company_id
            .is_some_and(|c| viewer.may(Action::WorkOpportunities, Target::Company(c)))
}

/// A Technical Advocate request: the company's PRC and APA, and IBM_CHANNEL (as its
/// relationship applications).
pub fn technical_advocate_request(
    viewer: &Viewer,
    row: &entities::technical_advocate_requests::Model,
) -> bool {
    viewer.may(
        Action::ReadRelationshipApplications,
        Target::Company(row.company_id),
    )
}

/// IBM's work queues: entries of every company, for IBM's channel team only.
pub fn channel_queue(viewer: &Viewer) -> bool {
    viewer.may(Action::ReadChannelQueues, Target::Global)
}

/// The person who asked, and IBM's channel team (whose queue it is).
pub fn candidate_id_merge(viewer: &Viewer, row: &candidate_merge_requests::Model) -> bool {
    viewer.person_id() == Some(row.person_id)
        || viewer.may(Action::ReadChannelQueues, Target::Global)
}

/// A revenue correction request: whoever may read the company's revenue reports (its PRC
/// and APA, IBM_CHANNEL).
pub fn revenue_correction(viewer: &Viewer, row: &entities::revenue_corrections::Model) -> bool {
    viewer.may(Action::ReadRevenueReports, Target::Company(row.company_id))
}

/// A location's benefits: the company's members and IBM_CHANNEL, as the location's other
/// member-only details.
pub fn benefit(viewer: &Viewer, company: i64) -> bool {
    viewer.may(Action::ReadEmployees, Target::Company(company))
}

pub fn audit_record(viewer: &Viewer, _row: &audit_log::Model) -> bool {
    viewer.may(Action::ReadAuditLog, Target::Global)
}

/// Approved experiences are published; the others are for the solution's company and
/// IBM_CHANNEL (`solution_company`: the company that owns the experience's solution).
pub fn customer_experience(viewer: &Viewer, status: &str, solution_company: i64) -> bool {
    status == "APPROVED"
        || viewer.ibm_channel
        || viewer.may(Action::ReadEmployees, Target::Company(solution_company))
}

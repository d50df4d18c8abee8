//! PAO account management. Every change runs the matrix check for the site, validation,
//! one transaction with a version check and an audit record. The one-primary-contact
//! invariant is held twice: a primary hand-over bumps the site's version (so concurrent
//! hand-overs serialize and all but one get CONFLICT) and a partial unique index refuses
//! a second primary whatever the code does.

use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::Stored;
use crate::domain::pao::model::{AccessRequestId, SiteId, SiteUserId};
use crate::domain::pao::model::{AccessRequestStatus, NotificationKind};
use crate::domain::pao::model::{SitePrivilege, SiteRole};
use crate::domain::pao::notifications;
use crate::domain::write::{Write, email, record_decision, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{access_requests, people, site_user_privileges, site_users, sites};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

const PRIMARY: SiteRole = SiteRole::SitePrimaryContact;

pub async fn site(state: &AppState, id: SiteId) -> AppResult<sites::Model> {
    sites::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("site"))
}

/// The site an action names, as `visibility::target` lets the caller know it.
async fn site_target(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    id: SiteId,
) -> AppResult<sites::Model> {
    let found = sites::Entity::find_by_id(id).one(&state.db).await?;
    visibility::target(viewer, action, found, "site", visibility::site)
}

/// The site user an action names, as `visibility::target` lets the caller know them.
async fn site_user(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    id: SiteUserId,
) -> AppResult<site_users::Model> {
    let found = site_users::Entity::find_by_id(id).one(&state.db).await?;
    visibility::target(viewer, action, found, "site user", visibility::site_user)
}

/// A site user just written by the caller.
async fn reload_user(state: &AppState, id: SiteUserId) -> AppResult<site_users::Model> {
    site_users::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("site user"))
}

/// Roles account management may assign; the primary role only moves by hand-over.
fn assignable(field: &str, role: SiteRole) -> AppResult<SiteRole> {
    match role {
        SiteRole::SitePrimaryContact => Err(AppError::bad_input(
            field,
            "the primary contact changes only by transferPrimaryContact",
        )),
        other => Ok(other),
    }
}

async fn replace_privileges(
    w: &Write<'_>,
    site_user_id: SiteUserId,
    privileges: &[SitePrivilege],
) -> AppResult<Vec<&'static str>> {
    let mut names: Vec<&'static str> = privileges.iter().map(|p| p.as_db()).collect();
    names.sort_unstable();
    names.dedup();
    site_user_privileges::Entity::delete_many()
        .filter(site_user_privileges::Column::SiteUserId.eq(site_user_id))
        .exec(&w.txn)
        .await?;
    if !names.is_empty() {
        site_user_privileges::Entity::insert_many(names.iter().map(|p| {
            site_user_privileges::ActiveModel {
                site_user_id: Set(site_user_id.0),
                privilege: Set((*p).to_owned()),
            }
        }))
        .exec(&w.txn)
        .await?;
    }
    Ok(names)
}

pub struct NewSiteUser {
    pub ibm_id: String,
    pub name: String,
    pub role: SiteRole,
    pub account_management: bool,
    pub privileges: Vec<SitePrivilege>,
}

async fn insert_user(
    w: &Write<'_>,
    site_id: SiteId,
    user: &NewSiteUser,
) -> AppResult<site_users::Model> {
    let email = email("input.ibmId", &user.ibm_id)?;
    let name = text("input.name", &user.name, 200)?;
    let role = assignable("input.role", user.role)?;
    let person = people::Entity::find()
        .filter(people::Column::IbmId.eq(email.as_str()))
        .one(&w.txn)
        .await?;
    let row = site_users::Entity::insert(site_users::ActiveModel {
        site_id: Set(site_id.0),
        person_id: Set(person.map(|p| p.id)),
        ibm_id: Set(email.clone()),
        name: Set(name),
        role: Set(role.into()),
        account_management: Set(user.account_management && role == SiteRole::SecondaryContact),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict("that person already has access to the site"),
        other => other,
    })?;
    let privileges = replace_privileges(w, SiteUserId(row.id), &user.privileges).await?;
    w.audit(
        "addSiteUser",
        "SiteUser",
        row.id,
        None,
        Some(json!({ "site": site_id, "ibmId": email, "role": role, "privileges": privileges })),
    )
    .await?;
    Ok(row)
}

pub async fn add_user(
    state: &AppState,
    viewer: &Viewer,
    site_id: SiteId,
    user: NewSiteUser,
) -> AppResult<site_users::Model> {
    site_target(state, viewer, Action::ManageSite, site_id).await?;
    ensure(viewer, Action::ManageSite, Target::site(site_id))?;
    let mut w = Write::begin(state, viewer).await?;
    let row = insert_user(&w, site_id, &user).await?;
    w.forget_roles_of(row.ibm_id.clone());
    w.commit().await?;
    Ok(row)
}

pub struct SiteUserChanges {
    pub name: Option<String>,
    pub role: Option<SiteRole>,
    pub account_management: Option<bool>,
    pub privileges: Option<Vec<SitePrivilege>>,
}

pub async fn update_user(
    state: &AppState,
    viewer: &Viewer,
    id: SiteUserId,
    version: i32,
    changes: SiteUserChanges,
) -> AppResult<site_users::Model> {
    let before = site_user(state, viewer, Action::ManageSite, id).await?;
    ensure(viewer, Action::ManageSite, Target::site(before.site_id))?;
    let mut sets = Vec::new();
    if let Some(n) = &changes.name {
        sets.push((
            site_users::Column::Name,
            Expr::value(text("input.name", n, 200)?),
        ));
    }
    let role = match changes.role {
        Some(_) if before.role == PRIMARY => {
            return Err(AppError::bad_input(
                "input.role",
                "the primary contact changes only by transferPrimaryContact",
            ));
        }
        Some(r) => assignable("input.role", r)?,
        None => Stored::from_db("site_users.role", &before.role)?,
    };
    if changes.role.is_some() {
        sets.push((site_users::Column::Role, Expr::value(role)));
    }
    let account_management = changes
        .account_management
        .unwrap_or(before.account_management)
        && role == SiteRole::SecondaryContact;
    sets.push((
        site_users::Column::AccountManagement,
        Expr::value(account_management),
    ));
    let mut w = Write::begin(state, viewer).await?;
    update_versioned::<site_users::Entity>(
        &w.txn,
        (id, version),
        sets,
        "the site user was changed by someone else; reload and retry",
    )
    .await?;
    let privileges = match &changes.privileges {
        Some(p) => Some(replace_privileges(&w, id, p).await?),
        None => None,
    };
    w.audit(
        "updateSiteUser",
        "SiteUser",
        id,
        Some(json!({ "name": before.name, "role": before.role, "accountManagement": before.account_management })),
        Some(json!({ "name": changes.name, "role": role, "accountManagement": account_management, "privileges": privileges })),
    )
    .await?;
    w.forget_roles_of(before.ibm_id.clone());
    w.commit().await?;
    reload_user(state, id).await
}

pub async fn remove_user(
    state: &AppState,
    viewer: &Viewer,
    id: SiteUserId,
    version: i32,
) -> AppResult<()> {
    let before = site_user(state, viewer, Action::ManageSite, id).await?;
    ensure(viewer, Action::ManageSite, Target::site(before.site_id))?;
    if before.role == PRIMARY {
        return Err(AppError::Conflict(
            "a site always keeps its primary contact: hand the role to someone else first",
        ));
    }
    let mut w = Write::begin(state, viewer).await?;
    let deleted = site_users::Entity::delete_many()
        .filter(site_users::Column::Id.eq(id))
        .filter(site_users::Column::Version.eq(version))
        .exec(&w.txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the site user was changed by someone else; reload and retry",
        ));
    }
    w.audit(
        "removeSiteUser",
        "SiteUser",
        id,
        Some(json!({ "site": before.site_id, "ibmId": before.ibm_id, "role": before.role })),
        None,
    )
    .await?;
    w.forget_roles_of(before.ibm_id);
    w.commit().await
}

/// Hands the primary role to another user of the site; the previous primary becomes a
/// secondary contact with account management.
pub async fn transfer_primary(
    state: &AppState,
    viewer: &Viewer,
    site_id: SiteId,
    site_version: i32,
    to_user: SiteUserId,
) -> AppResult<sites::Model> {
    site_target(state, viewer, Action::ManageSite, site_id).await?;
    ensure(viewer, Action::ManageSite, Target::site(site_id))?;
    // domain.md §8: a secondary contact with account management manages users, requests
    // and privileges, but never takes or hands over the primary role.
    let is_primary = viewer
        .sites
        .iter()
        .any(|s| s.site_id == site_id.0 && s.role == PRIMARY.as_db());
    if !is_primary {
        return Err(AppError::Forbidden);
    }
    let target = site_user(state, viewer, Action::ManageSite, to_user).await?;
    if target.site_id != site_id.0 {
        return Err(AppError::bad_input(
            "input.toSiteUserId",
            "not a user of this site",
        ));
    }
    if target.role == PRIMARY {
        return Err(AppError::bad_input(
            "input.toSiteUserId",
            "already the primary contact",
        ));
    }
    let mut w = Write::begin(state, viewer).await?;
    serialize_on_site(&w, site_id, site_version).await?;
    let previous = demote_primary(&mut w, site_id).await?;
    set_role(&w, to_user, PRIMARY, false).await?;
    w.forget_roles_of(target.ibm_id.clone());
    w.audit(
        "transferPrimaryContact",
        "Site",
        site_id,
        Some(json!({ "primary": previous })),
        Some(json!({ "primary": target.ibm_id })),
    )
    .await?;
    w.commit().await?;
    site(state, site_id).await
}

/// Bumps the site's version against the one the caller read: changes of the primary role
/// serialize on it, and the loser of a race gets CONFLICT.
async fn serialize_on_site(w: &Write<'_>, site_id: SiteId, version: i32) -> AppResult<()> {
    update_versioned::<sites::Entity>(
        &w.txn,
        (site_id, version),
        Vec::new(),
        "the site was changed by someone else; reload and retry",
    )
    .await
}

/// The site's current primary contact, if any, becomes a secondary contact with account
/// management (inside the caller's write).
async fn demote_primary(w: &mut Write<'_>, site_id: SiteId) -> AppResult<Option<String>> {
    let previous = site_users::Entity::find()
        .filter(site_users::Column::SiteId.eq(site_id))
        .filter(site_users::Column::Role.eq(PRIMARY))
        .one(&w.txn)
        .await?;
    if let Some(p) = &previous {
        set_role(w, SiteUserId(p.id), SiteRole::SecondaryContact, true).await?;
        w.forget_roles_of(p.ibm_id.clone());
    }
    Ok(previous.map(|p| p.ibm_id))
}

/// IBM appoints a primary contact for a site that has none, from its users.
pub async fn appoint_primary(
    state: &AppState,
    viewer: &Viewer,
    site_id: SiteId,
    site_version: i32,
    user: SiteUserId,
) -> AppResult<sites::Model> {
    ensure(viewer, Action::AppointSitePrimary, Target::site(site_id))?;
    site(state, site_id).await?;
    let target = site_users::Entity::find_by_id(user.0)
        .one(&state.db)
        .await?
        .filter(|u| u.site_id == site_id.0)
        .ok_or_else(|| AppError::bad_input("input.siteUserId", "not a user of this site"))?;
    let mut w = Write::begin(state, viewer).await?;
    serialize_on_site(&w, site_id, site_version).await?;
    let has_primary = site_users::Entity::find()
        .filter(site_users::Column::SiteId.eq(site_id))
        .filter(site_users::Column::Role.eq(PRIMARY))
        .count(&w.txn)
        .await?
        > 0;
    if has_primary {
        return Err(AppError::Conflict(
            "the site has a primary contact: it hands the role over itself",
        ));
    }
    set_role(&w, user, PRIMARY, false).await?;
    w.forget_roles_of(target.ibm_id.clone());
    w.audit(
        "appointSitePrimary",
        "Site",
        site_id,
        Some(json!({ "primary": null })),
        Some(json!({ "primary": target.ibm_id })),
    )
    .await?;
    w.commit().await?;
    site(state, site_id).await
}

async fn set_role(
    w: &Write<'_>,
    id: SiteUserId,
    role: SiteRole,
    account_management: bool,
) -> AppResult<()> {
    site_users::Entity::update_many()
        .col_expr(site_users::Column::Role, Expr::value(role))
        .col_expr(
            site_users::Column::AccountManagement,
            Expr::value(account_management),
        )
        .col_expr(
            site_users::Column::Version,
            Expr::col(site_users::Column::Version).add(1),
        )
        .filter(site_users::Column::Id.eq(id))
        .exec(&w.txn)
        .await?;
    Ok(())
}

/// A signed-in person asks for access to a site by its number.
pub async fn request_access(
    state: &AppState,
    viewer: &Viewer,
    site_number: &str,
    believes_primary: bool,
) -> AppResult<access_requests::Model> {
    let Some(subject) = viewer.subject.clone() else {
        return Err(AppError::Unauthenticated);
    };
    let site = sites::Entity::find()
        .filter(sites::Column::SiteNumber.eq(site_number.trim()))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("site"))?;
    let already_user = site_users::Entity::find()
        .filter(site_users::Column::SiteId.eq(site.id))
        .filter(site_users::Column::IbmId.eq(subject.as_str()))
        .count(&state.db)
        .await?;
    if already_user > 0 {
        return Err(AppError::Conflict("you already have access to this site"));
    }
    let person = match viewer.person_id() {
        Some(id) => people::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    let mut w = Write::begin(state, viewer).await?;
    let pending = access_requests::Entity::find()
        .filter(access_requests::Column::SiteId.eq(site.id))
        .filter(access_requests::Column::RequesterIbmId.eq(subject.as_str()))
        .filter(access_requests::Column::Status.eq(AccessRequestStatus::Pending))
        .count(&w.txn)
        .await?;
    if pending > 0 {
        return Err(AppError::Conflict(
            "you already have a pending request for this site",
        ));
    }
    let row = access_requests::Entity::insert(access_requests::ActiveModel {
        site_id: Set(site.id),
        requester_person_id: Set(person.as_ref().map(|p| p.id)),
        requester_ibm_id: Set(subject.clone()),
        requester_name: Set(person
            .map(|p| format!("{} {}", p.given_name, p.family_name))
            .unwrap_or_else(|| subject.clone())),
        believes_primary: Set(believes_primary),
        status: Set(AccessRequestStatus::Pending.into()),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.audit(
        "requestSiteAccess",
        "AccessRequest",
        row.id,
        None,
        Some(json!({ "site": site.site_number, "believesPrimary": believes_primary })),
    )
    .await?;
    // The site's managers learn of it; a claim of the primary role goes to IBM's queue
    // instead (domain.md §8), not to the contact it would replace.
    if !believes_primary {
        let managers: Vec<String> = site_users::Entity::find()
            .filter(site_users::Column::SiteId.eq(site.id))
            .all(&w.txn)
            .await?
            .into_iter()
            .filter(|u| {
                u.role == PRIMARY || (u.role == SiteRole::SecondaryContact && u.account_management)
            })
            .map(|u| u.ibm_id)
            .collect();
        for manager in &managers {
            notifications::notify(
                &mut w,
                notifications::Notice {
                    kind: NotificationKind::AccessRequestWaiting,
                    title: format!("Access request for site {}", site.site_number),
                    body: format!(
                        "{} asks for access to {} ({}).",
                        row.requester_name, site.name, site.site_number
                    ),
                    site_id: Some(site.id),
                    about_id: Some(row.id),
                    recipient: manager,
                },
            )
            .await?;
        }
    }
    w.publish(crate::events::Event::AccessRequested {
        site_id: site.id,
        request_id: row.id,
    });
    w.commit().await?;
    Ok(row)
}

pub enum Decision {
    Approve(NewSiteUser),
    Reject(String),
}

/// The site's primary contact approves (creating the site user) or rejects a request.
pub async fn decide_request(
    state: &AppState,
    viewer: &Viewer,
    id: AccessRequestId,
    version: i32,
    decision: Decision,
) -> AppResult<access_requests::Model> {
    let found = access_requests::Entity::find_by_id(id)
        .one(&state.db)
        .await?;
    // A request claiming the primary role is IBM's to decide (domain.md §8). Whoever may
    // decide some request passes the first check; a row the caller may not see (a claim,
    // for a site's primary) then answers exactly as an unknown id.
    if !(viewer.may_somewhere(Action::ManageSite)
        || viewer.may_somewhere(Action::AppointSitePrimary))
    {
        return Err(AppError::Forbidden);
    }
    let request = found
        .filter(|r| visibility::access_request(viewer, r))
        .ok_or(AppError::NotFound("access request"))?;
    let claims_primary = request.believes_primary;
    let action = if claims_primary {
        Action::AppointSitePrimary
    } else {
        Action::ManageSite
    };
    ensure(viewer, action, Target::site(request.site_id))?;
    if request.status != AccessRequestStatus::Pending {
        return Err(AppError::Conflict("the request was already decided"));
    }
    let (status, reason) = match &decision {
        Decision::Approve(_) => (AccessRequestStatus::Approved, None),
        Decision::Reject(reason) => (
            AccessRequestStatus::Rejected,
            Some(text("input.reason", reason, 1000)?),
        ),
    };
    let mut w = Write::begin(state, viewer).await?;
    record_decision::<access_requests::Entity>(
        &w.txn,
        (id, version),
        status,
        reason.clone(),
        vec![(
            access_requests::Column::DecidedByIbmId,
            Expr::value(viewer.subject.clone()),
        )],
        "the request was changed by someone else; reload and retry",
    )
    .await?;
    if let Decision::Approve(user) = &decision {
        // IBM approving a primary claim makes the requester the primary contact; the
        // previous primary, if any, stays on as a secondary contact with account
        // management.
        if claims_primary {
            demote_primary(&mut w, SiteId(request.site_id)).await?;
        }
        let user = NewSiteUser {
            ibm_id: request.requester_ibm_id.clone(),
            name: request.requester_name.clone(),
            role: user.role,
            account_management: user.account_management,
            privileges: user.privileges.clone(),
        };
        let row = insert_user(&w, SiteId(request.site_id), &user).await?;
        if claims_primary {
            set_role(&w, SiteUserId(row.id), PRIMARY, false).await?;
        }
        w.forget_roles_of(request.requester_ibm_id.clone());
    }
    w.audit(
        if reason.is_none() {
            "approveAccessRequest"
        } else {
            "rejectAccessRequest"
        },
        "AccessRequest",
        id,
        Some(json!({ "status": request.status })),
        Some(json!({ "status": status, "reason": reason })),
    )
    .await?;
    let site = sites::Entity::find_by_id(request.site_id)
        .one(&w.txn)
        .await?
        .ok_or(AppError::NotFound("site"))?;
    let (kind, title, body) = match &reason {
        None => (
            NotificationKind::AccessRequestApproved,
            format!("Access to site {} approved", site.site_number),
            format!(
                "You now have access to {} ({}).",
                site.name, site.site_number
            ),
        ),
        Some(why) => (
            NotificationKind::AccessRequestRejected,
            format!("Access to site {} rejected", site.site_number),
            format!(
                "Your request for {} ({}) was rejected: {why}",
                site.name, site.site_number
            ),
        ),
    };
    notifications::notify(
        &mut w,
        notifications::Notice {
            kind,
            title,
            body,
            site_id: Some(site.id),
            about_id: Some(request.id),
            recipient: &request.requester_ibm_id,
        },
    )
    .await?;
    w.commit().await?;
    access_requests::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("access request"))
}

/// Access requests the caller made, newest first.
pub async fn my_requests(
    state: &AppState,
    viewer: &Viewer,
) -> AppResult<Vec<access_requests::Model>> {
    let Some(subject) = &viewer.subject else {
        return Err(AppError::Unauthenticated);
    };
    Ok(access_requests::Entity::find()
        .filter(access_requests::Column::RequesterIbmId.eq(subject.as_str()))
        .order_by_desc(access_requests::Column::Id)
        .all(&state.db)
        .await?)
}

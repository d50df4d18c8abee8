//! Community membership rules. Community roles are not rows of the access matrix: they are
//! checked here, against the community's own owners and members.

use crate::auth::Viewer;
use crate::domain::communities::model::CommunityId;
use crate::domain::communities::model::CommunityVisibility;
use crate::domain::communities::model::{CommunityRole, MembershipStatus};
use crate::domain::profiles::model::PersonId;
use crate::domain::write::{Write, text};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{communities, community_members as members};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;

pub async fn community(state: &AppState, id: CommunityId) -> AppResult<communities::Model> {
    communities::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("community"))
}

/// The caller as an active person: communities are for people of a company.
pub fn person_of(viewer: &Viewer) -> AppResult<PersonId> {
    match (
        viewer.is_signed_in(),
        viewer.person.as_ref().filter(|p| p.active),
    ) {
        (false, _) => Err(AppError::Unauthenticated),
        (true, Some(p)) => Ok(PersonId(p.person_id)),
        (true, None) => Err(AppError::Forbidden),
    }
}

async fn membership<C: ConnectionTrait>(
    db: &C,
    community: CommunityId,
    person: PersonId,
) -> AppResult<Option<members::Model>> {
    Ok(members::Entity::find()
        .filter(members::Column::CommunityId.eq(community))
        .filter(members::Column::PersonId.eq(person))
        .one(db)
        .await?)
}

async fn require_owner<C: ConnectionTrait>(
    db: &C,
    community: CommunityId,
    viewer: &Viewer,
) -> AppResult<PersonId> {
    let me = person_of(viewer)?;
    match membership(db, community, me).await? {
        Some(m) if m.role == CommunityRole::Owner && m.status == MembershipStatus::Active => Ok(me),
        _ => Err(AppError::Forbidden),
    }
}

/// May the viewer see the member list? Public: any signed-in caller. Private: its active
/// members (`insider`) and IBM_CHANNEL.
pub fn may_list_members(viewer: &Viewer, c: &communities::Model, insider: bool) -> bool {
    viewer.ibm_channel
        || insider
        || (c.visibility == CommunityVisibility::Public && viewer.is_signed_in())
}

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
    name: &str,
    description: &str,
    visibility: CommunityVisibility,
) -> AppResult<communities::Model> {
    let me = person_of(viewer)?;
    let slug = text("input.slug", slug, 64)?.to_ascii_lowercase();
    if !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(AppError::bad_input(
            "input.slug",
            "letters, digits and - only",
        ));
    }
    let name = text("input.name", name, 200)?;
    let description = text("input.description", description, 5000)?;
    let w = Write::begin(state, viewer).await?;
    let row = communities::Entity::insert(communities::ActiveModel {
        slug: Set(slug.clone()),
        name: Set(name),
        description: Set(description),
        visibility: Set(visibility.as_db().to_owned()),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict("a community with that slug already exists"),
        other => other,
    })?;
    members::Entity::insert(members::ActiveModel {
        community_id: Set(row.id),
        person_id: Set(me.0),
        role: Set(CommunityRole::Owner.into()),
        status: Set(MembershipStatus::Active.into()),
        ..Default::default()
    })
    .exec(&w.txn)
    .await?;
    w.audit(
        "createCommunity",
        "Community",
        row.id,
        None,
        Some(json!({ "slug": slug })),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// Public: join at once. Private: ask (PENDING), or accept an invitation.
pub async fn join(state: &AppState, viewer: &Viewer, id: CommunityId) -> AppResult<members::Model> {
    let c = community(state, id).await?;
    let me = person_of(viewer)?;
    let w = Write::begin(state, viewer).await?;
    let existing = membership(&w.txn, id, me).await?;
    let public = c.visibility == CommunityVisibility::Public;
    let status = match (&existing, public) {
        (Some(m), _)
            if m.status == MembershipStatus::Active || m.status == MembershipStatus::Pending =>
        {
            return Err(AppError::Conflict(
                "already a member, or already asked to join",
            ));
        }
        (Some(_), _) | (None, true) => MembershipStatus::Active,
        (None, _) => MembershipStatus::Pending,
    };
    match existing {
        Some(m) => {
            members::Entity::update_many()
                .col_expr(members::Column::Status, Expr::value(status))
                .col_expr(members::Column::Version, Expr::value(m.version + 1))
                .filter(members::Column::Id.eq(m.id))
                .filter(members::Column::Version.eq(m.version))
                .exec(&w.txn)
                .await?;
        }
        None => {
            members::Entity::insert(members::ActiveModel {
                community_id: Set(id.0),
                person_id: Set(me.0),
                role: Set(CommunityRole::Member.into()),
                status: Set(status.into()),
                ..Default::default()
            })
            .exec(&w.txn)
            .await?;
        }
    }
    w.audit(
        "joinCommunity",
        "Community",
        id,
        None,
        Some(json!({ "person": me, "status": status })),
    )
    .await?;
    let row = membership(&w.txn, id, me)
        .await?
        .ok_or(AppError::NotFound("membership"))?;
    w.commit().await?;
    Ok(row)
}

/// An owner invites a person (INVITED) or approves a pending request (ACTIVE).
pub async fn invite_or_approve(
    state: &AppState,
    viewer: &Viewer,
    id: CommunityId,
    person: PersonId,
) -> AppResult<members::Model> {
    community(state, id).await?;
    let w = Write::begin(state, viewer).await?;
    require_owner(&w.txn, id, viewer).await?;
    let action = match membership(&w.txn, id, person).await? {
        Some(m) if m.status == MembershipStatus::Pending => {
            members::Entity::update_many()
                .col_expr(
                    members::Column::Status,
                    Expr::value(MembershipStatus::Active),
                )
                .col_expr(members::Column::Version, Expr::value(m.version + 1))
                .filter(members::Column::Id.eq(m.id))
                .exec(&w.txn)
                .await?;
            "approveMembership"
        }
        Some(_) => return Err(AppError::Conflict("already a member or invited")),
        None => {
            // Only people the owner may see can be invited: an id of anyone else answers
            // as an id of nobody (and never reaches the database as a dangling key).
            let invitee = entities::people::Entity::find_by_id(person)
                .one(&w.txn)
                .await?;
            if !invitee.is_some_and(|p| crate::auth::visibility::person(viewer, &p)) {
                return Err(AppError::NotFound("person"));
            }
            members::Entity::insert(members::ActiveModel {
                community_id: Set(id.0),
                person_id: Set(person.0),
                role: Set(CommunityRole::Member.into()),
                status: Set(MembershipStatus::Invited.into()),
                ..Default::default()
            })
            .exec(&w.txn)
            .await?;
            "inviteToCommunity"
        }
    };
    w.audit(
        action,
        "Community",
        id,
        None,
        Some(json!({ "person": person })),
    )
    .await?;
    let row = membership(&w.txn, id, person)
        .await?
        .ok_or(AppError::NotFound("membership"))?;
    w.commit().await?;
    Ok(row)
}

async fn active_owners<C: ConnectionTrait>(db: &C, id: CommunityId) -> AppResult<u64> {
    Ok(members::Entity::find()
        .filter(members::Column::CommunityId.eq(id))
        .filter(members::Column::Role.eq(CommunityRole::Owner))
        .filter(members::Column::Status.eq(MembershipStatus::Active))
        .count(db)
        .await?)
}

/// Leave; the last owner must hand ownership on first.
pub async fn leave(state: &AppState, viewer: &Viewer, id: CommunityId) -> AppResult<()> {
    let me = person_of(viewer)?;
    let w = Write::begin(state, viewer).await?;
    let m = membership(&w.txn, id, me)
        .await?
        .ok_or(AppError::NotFound("membership"))?;
    if m.role == CommunityRole::Owner && active_owners(&w.txn, id).await? <= 1 {
        return Err(AppError::Conflict(
            "the last owner cannot leave; make someone else an owner first",
        ));
    }
    members::Entity::delete_by_id(m.id).exec(&w.txn).await?;
    w.audit(
        "leaveCommunity",
        "Community",
        id,
        Some(json!({ "person": me, "role": m.role })),
        None,
    )
    .await?;
    w.commit().await
}

/// An owner makes an active member an owner, or an owner a member again.
pub async fn set_owner(
    state: &AppState,
    viewer: &Viewer,
    id: CommunityId,
    person: PersonId,
    owner: bool,
) -> AppResult<members::Model> {
    let w = Write::begin(state, viewer).await?;
    require_owner(&w.txn, id, viewer).await?;
    let m = membership(&w.txn, id, person)
        .await?
        .ok_or(AppError::NotFound("membership"))?;
    if m.status != MembershipStatus::Active {
        return Err(AppError::Conflict("only an active member can be an owner"));
    }
    if !owner && m.role == CommunityRole::Owner && active_owners(&w.txn, id).await? <= 1 {
        return Err(AppError::Conflict("a community keeps at least one owner"));
    }
    let role = if owner {
        CommunityRole::Owner
    } else {
        CommunityRole::Member
    };
    members::Entity::update_many()
        .col_expr(members::Column::Role, Expr::value(role))
        .col_expr(members::Column::Version, Expr::value(m.version + 1))
        .filter(members::Column::Id.eq(m.id))
        .exec(&w.txn)
        .await?;
    w.audit(
        "setCommunityOwner",
        "Community",
        id,
        Some(json!({ "person": person, "role": m.role })),
        Some(json!({ "role": role })),
    )
    .await?;
    let row = membership(&w.txn, id, person)
        .await?
        .ok_or(AppError::NotFound("membership"))?;
    w.commit().await?;
    Ok(row)
}

/// An owner declines a request to join (PENDING), withdraws an invitation (INVITED) or
/// removes a member (ACTIVE); owners are made members first (`set_owner`), so a
/// community never loses its owners this way. Returns what the membership was.
pub async fn remove_member(
    state: &AppState,
    viewer: &Viewer,
    id: CommunityId,
    person: PersonId,
    reason: Option<String>,
) -> AppResult<MembershipStatus> {
    community(state, id).await?;
    let reason = reason.map(|r| text("input.reason", &r, 1000)).transpose()?;
    let w = Write::begin(state, viewer).await?;
    require_owner(&w.txn, id, viewer).await?;
    let m = membership(&w.txn, id, person)
        .await?
        .ok_or(AppError::NotFound("membership"))?;
    if m.role == CommunityRole::Owner {
        return Err(AppError::Conflict(
            "an owner is not removed: make them a member first",
        ));
    }
    let status: MembershipStatus =
        crate::domain::Stored::from_db("community_members.status", &m.status)?;
    members::Entity::delete_by_id(m.id).exec(&w.txn).await?;
    w.audit(
        match status {
            MembershipStatus::Pending => "declineCommunityRequest",
            MembershipStatus::Invited => "withdrawCommunityInvitation",
            MembershipStatus::Active => "removeCommunityMember",
        },
        "Community",
        id,
        Some(json!({ "person": person, "status": status })),
        Some(json!({ "reason": reason })),
    )
    .await?;
    w.commit().await?;
    Ok(status)
}

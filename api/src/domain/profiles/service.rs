//! Profile writes: update the company profile, add a candidate id, review a pending person.
//! Each runs the matrix check, validation, one transaction with a version check and an
//! audit record.

use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::cache::entity::{ComputedKind, RowKind};
use crate::domain::profiles::model::PersonStatus;
use crate::domain::profiles::model::{CompanyId, PersonId};
use crate::domain::write::{Write, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{candidate_ids, companies, people};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

pub struct CompanyChanges {
    pub name: Option<String>,
    pub description: Option<String>,
}

async fn company(state: &AppState, id: i64) -> AppResult<companies::Model> {
    companies::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("company"))
}

/// The person an action names, as `visibility::target` lets the caller know them.
async fn person(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    id: i64,
) -> AppResult<people::Model> {
    let found = people::Entity::find_by_id(id).one(&state.db).await?;
    visibility::target(viewer, action, found, "person", visibility::person)
}

/// A person just written by the caller.
async fn reload(state: &AppState, id: i64) -> AppResult<people::Model> {
    people::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("person"))
}

pub async fn update_company_profile(
    state: &AppState,
    viewer: &Viewer,
    id: CompanyId,
    version: i32,
    changes: CompanyChanges,
) -> AppResult<companies::Model> {
    let before = company(state, id.0).await?;
    ensure(viewer, Action::UpdateCompanyProfile, Target::company(id))?;
    let name = changes
        .name
        .map(|n| text("input.name", &n, 200))
        .transpose()?;
    let description = changes
        .description
        .map(|d| text("input.description", &d, 2000))
        .transpose()?;
    if name.is_none() && description.is_none() {
        return Err(AppError::bad_input("input", "nothing to change"));
    }
    let mut sets = Vec::new();
    if let Some(n) = &name {
        sets.push((companies::Column::Name, Expr::value(n.clone())));
    }
    if let Some(d) = &description {
        sets.push((companies::Column::Description, Expr::value(d.clone())));
    }
    let w = Write::begin(state, viewer).await?;
    update_versioned::<companies::Entity>(
        &w.txn,
        [
            companies::Column::Id,
            companies::Column::Version,
            companies::Column::UpdatedAt,
        ],
        (id, version),
        sets,
        "the company was changed by someone else; reload it and retry",
    )
    .await?;
    w.audit(
        "updateCompanyProfile",
        "Company",
        id,
        Some(json!({ "name": before.name, "description": before.description, "version": before.version })),
        Some(json!({ "name": name.unwrap_or(before.name), "description": description.or(before.description), "version": version + 1 })),
    )
    .await?;
    w.commit().await?;
    let after = company(state, id.0).await?;
    // Write-through: every reader sees the committed row at once; older loads in flight
    // cannot overwrite it (they carry a lower version).
    state
        .entities
        .put_row(RowKind::Company, id.0, i64::from(after.version), &after)
        .await;
    Ok(after)
}

pub async fn add_candidate_id(
    state: &AppState,
    viewer: &Viewer,
    person_id: PersonId,
    candidate_id: &str,
) -> AppResult<people::Model> {
    let p = person(state, viewer, Action::UpdateCompanyProfile, person_id.0).await?;
    ensure(
        viewer,
        Action::UpdateCompanyProfile,
        Target::company(p.company_id),
    )?;
    let candidate_id = candidate_id.trim().to_ascii_uppercase();
    if !(4..=32).contains(&candidate_id.len())
        || !candidate_id.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(AppError::bad_input(
            "input.candidateId",
            "4 to 32 letters and digits",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    let row = candidate_ids::Entity::insert(candidate_ids::ActiveModel {
        person_id: Set(person_id.0),
        candidate_id: Set(candidate_id.clone()),
        ..Default::default()
    })
    .exec(&w.txn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => {
            AppError::Conflict("that candidate id already belongs to a person")
        }
        other => other,
    })?;
    w.audit(
        "addCandidateId",
        "Person",
        person_id,
        None,
        Some(json!({ "candidateId": candidate_id, "row": row.last_insert_id })),
    )
    .await?;
    w.commit().await?;
    reload(state, person_id.0).await
}

/// Approves (ACTIVE) or rejects (REJECTED) a PENDING person profile.
pub async fn review_person(
    state: &AppState,
    viewer: &Viewer,
    person_id: PersonId,
    version: i32,
    approve: bool,
) -> AppResult<people::Model> {
    let p = person(state, viewer, Action::ReviewPendingPeople, person_id.0).await?;
    ensure(
        viewer,
        Action::ReviewPendingPeople,
        Target::company(p.company_id),
    )?;
    if p.status != PersonStatus::Pending {
        return Err(AppError::Conflict(
            "only a PENDING person can be approved or rejected",
        ));
    }
    let status = if approve {
        PersonStatus::Active
    } else {
        PersonStatus::Rejected
    };
    let mut w = Write::begin(state, viewer).await?;
    update_versioned::<people::Entity>(
        &w.txn,
        [
            people::Column::Id,
            people::Column::Version,
            people::Column::UpdatedAt,
        ],
        (person_id, version),
        vec![(people::Column::Status, Expr::value(status))],
        "the person was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        if approve {
            "approvePerson"
        } else {
            "rejectPerson"
        },
        "Person",
        person_id,
        Some(json!({ "status": p.status })),
        Some(json!({ "status": status })),
    )
    .await?;
    // The person's standing toward the company changed: their cached roles go.
    w.forget_roles_of(p.ibm_id);
    w.commit().await?;
    // Only active people's skills count toward the level.
    state.entities.bump(ComputedKind::Level, p.company_id).await;
    reload(state, person_id.0).await
}

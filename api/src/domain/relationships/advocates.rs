//! Technical Advocates (domain.md §2): a CVR participant (a company with an approved
//! relationship including a CVR product group) asks, through the APA of its headquarters,
//! for one of its people to be its Technical Advocate; IBM's channel team grants it when
//! the skill and technical requirements are met: the person is active and holds a current
//! TECHNICAL skill of the points table. Granting without them is refused with the list of
//! what is missing.

use super::model::{AdvocateRequestId, AdvocateStatus, ApplicationStatus, ProductProgram};
use super::service::at_headquarters;
use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::profiles::model::{CompanyId, PersonId, PersonStatus, SkillTrack};
use crate::domain::write::{Write, record_decision, text};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{
    application_product_groups, certifications, people, relationship_applications as apps,
    skill_points, technical_advocate_requests as requests,
};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

/// Is the company a CVR participant: an approved application with a CVR product group?
async fn cvr_participant(state: &AppState, company: i64) -> AppResult<bool> {
    Ok(apps::Entity::find()
        .filter(apps::Column::CompanyId.eq(company))
        .filter(apps::Column::Status.eq(ApplicationStatus::Approved))
        .filter(
            apps::Column::Id.in_subquery(
                Query::select()
                    .column(application_product_groups::Column::ApplicationId)
                    .from(application_product_groups::Entity)
                    .and_where(application_product_groups::Column::Program.eq(ProductProgram::Cvr))
                    .take(),
            ),
        )
        .count(&state.db)
        .await?
        > 0)
}

/// What the person still lacks to be a Technical Advocate; empty when they qualify.
async fn unmet(state: &AppState, person: &people::Model) -> AppResult<Vec<String>> {
    let mut missing = Vec::new();
    if person.status != PersonStatus::Active {
        missing.push("the advocate must be an active person of the company".to_owned());
    }
    let today = crate::domain::profiles::level::today();
    let technical = certifications::Entity::find()
        .filter(certifications::Column::PersonId.eq(person.id))
        .filter(
            certifications::Column::Name.in_subquery(
                Query::select()
                    .column(skill_points::Column::Name)
                    .from(skill_points::Entity)
                    .and_where(skill_points::Column::Track.eq(SkillTrack::Technical))
                    .take(),
            ),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .any(|c| c.expires_on.is_none_or(|e| e >= today));
    if !technical {
        missing.push(
            "a current TECHNICAL skill of the points table (a technical certification or mastery)"
                .to_owned(),
        );
    }
    Ok(missing)
}

/// The APA of the headquarters asks for `person` to be the company's Technical Advocate.
pub async fn request(
    state: &AppState,
    viewer: &Viewer,
    company: CompanyId,
    person: PersonId,
    note: Option<String>,
) -> AppResult<requests::Model> {
    ensure(
        viewer,
        Action::RequestTechnicalAdvocate,
        at_headquarters(state, company.0).await?,
    )?;
    let note = note.map(|n| text("input.note", &n, 1000)).transpose()?;
    let advocate = people::Entity::find_by_id(person.0)
        .one(&state.db)
        .await?
        .filter(|p| p.company_id == company.0 && p.status == PersonStatus::Active)
        .ok_or_else(|| AppError::bad_input("input.personId", "an active person of the company"))?;
    if !cvr_participant(state, company.0).await? {
        return Err(AppError::Conflict(
            "only a CVR participant (an approved relationship with a CVR product group) requests a Technical Advocate",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    let open = requests::Entity::find()
        .filter(requests::Column::CompanyId.eq(company.0))
        .filter(requests::Column::Status.eq(AdvocateStatus::Submitted))
        .count(&w.txn)
        .await?;
    if open > 0 {
        return Err(AppError::Conflict(
            "a Technical Advocate request of the company is still waiting for IBM's decision",
        ));
    }
    let row = requests::Entity::insert(requests::ActiveModel {
        company_id: Set(company.0),
        advocate_person_id: Set(advocate.id),
        status: Set(AdvocateStatus::Submitted.into()),
        note: Set(note),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.audit(
        "requestTechnicalAdvocate",
        "Company",
        company,
        None,
        Some(json!({ "request": row.id, "advocate": advocate.id })),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// IBM's decision: granted (only when the requirements are met) or declined with a reason.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    id: AdvocateRequestId,
    version: i32,
    approve: bool,
    reason: Option<String>,
) -> AppResult<requests::Model> {
    let found = requests::Entity::find_by_id(id.0).one(&state.db).await?;
    let r = visibility::target(
        viewer,
        Action::DecideApplications,
        found,
        "technical advocate request",
        visibility::technical_advocate_request,
    )?;
    ensure(
        viewer,
        Action::DecideApplications,
        Target::company(r.company_id),
    )?;
    if r.status != AdvocateStatus::Submitted {
        return Err(AppError::Conflict("the request was already decided"));
    }
    let reason = reason.map(|n| text("input.reason", &n, 1000)).transpose()?;
    if approve {
        let person = people::Entity::find_by_id(r.advocate_person_id)
            .one(&state.db)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        let missing = unmet(state, &person).await?;
        if !missing.is_empty() {
            return Err(AppError::Incomplete {
                field: "input.approve",
                missing,
            });
        }
    } else if reason.is_none() {
        return Err(AppError::bad_input(
            "input.reason",
            "a declined request needs a reason",
        ));
    }
    let status = if approve {
        AdvocateStatus::Approved
    } else {
        AdvocateStatus::Declined
    };
    let w = Write::begin(state, viewer).await?;
    record_decision::<requests::Entity>(
        &w.txn,
        (id, version),
        status,
        reason.clone(),
        Vec::new(),
        "the request was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        if approve {
            "approveTechnicalAdvocate"
        } else {
            "declineTechnicalAdvocate"
        },
        "Company",
        r.company_id,
        Some(json!({ "request": r.id, "status": r.status })),
        Some(json!({ "status": status, "reason": reason })),
    )
    .await?;
    w.commit().await?;
    requests::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("technical advocate request"))
}

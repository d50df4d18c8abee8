//! Directory writes. The company's APA manages its solutions (the "update company
//! profile" row of the matrix); readers send response cards; IBM_CHANNEL decides customer
//! experiences. Levels are computed from the rows, so an approval changes the company's
//! achieved level with the commit.

use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::cache::entity::ComputedKind;
use crate::domain::gsd::model::{ExperienceId, NominationId, SolutionId};
use crate::domain::gsd::model::{ExperienceStatus, NominationStatus, TagKind};
use crate::domain::profiles::model::CompanyId;
use crate::domain::profiles::model::PartnerType;
use crate::domain::profiles::{level, level_in_force};
use crate::domain::write::{Write, email, record_decision, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{
    company_partner_types, customer_experiences as cx, response_cards, solution_tags, solutions,
    validation_nominations,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

pub async fn solution(state: &AppState, id: SolutionId) -> AppResult<solutions::Model> {
    solutions::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("solution"))
}

/// Industry, middleware and hardware tags, validated.
#[derive(Default)]
pub struct Tags {
    pub industries: Option<Vec<String>>,
    pub middleware: Option<Vec<String>>,
    pub hardware: Option<Vec<String>>,
}

fn tag_values(field: &str, values: &[String]) -> AppResult<Vec<String>> {
    if values.len() > 20 {
        return Err(AppError::bad_input(field, "at most 20 values"));
    }
    let mut out = Vec::new();
    for v in values {
        let v = text(field, v, 64)?
            .to_ascii_uppercase()
            .replace([' ', '-'], "_");
        if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(AppError::bad_input(
                field,
                "letters, digits, spaces, - and _ only",
            ));
        }
        out.push(v);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

async fn write_tags(w: &Write<'_>, solution_id: SolutionId, tags: &Tags) -> AppResult<()> {
    for (kind, field, values) in [
        (TagKind::Industry, "input.industries", &tags.industries),
        (TagKind::Middleware, "input.middleware", &tags.middleware),
        (TagKind::Hardware, "input.hardware", &tags.hardware),
    ] {
        let Some(values) = values else { continue };
        let values = tag_values(field, values)?;
        solution_tags::Entity::delete_many()
            .filter(solution_tags::Column::SolutionId.eq(solution_id))
            .filter(solution_tags::Column::Kind.eq(kind))
            .exec(&w.txn)
            .await?;
        if !values.is_empty() {
            solution_tags::Entity::insert_many(values.into_iter().map(|value| {
                solution_tags::ActiveModel {
                    solution_id: Set(solution_id.0),
                    kind: Set(kind.into()),
                    value: Set(value),
                }
            }))
            .exec(&w.txn)
            .await?;
        }
    }
    Ok(())
}

pub async fn create_solution(
    state: &AppState,
    viewer: &Viewer,
    company_id: CompanyId,
    name: &str,
    description: &str,
    tags: Tags,
) -> AppResult<solutions::Model> {
    ensure(
        viewer,
        Action::UpdateCompanyProfile,
        Target::company(company_id),
    )?;
    let isv = company_partner_types::Entity::find()
        .filter(company_partner_types::Column::CompanyId.eq(company_id))
        .filter(company_partner_types::Column::PartnerType.eq(PartnerType::Isv))
        .count(&state.db)
        .await?;
    if isv == 0 {
        return Err(AppError::bad_input(
            "input.companyId",
            "only an ISV lists solutions in the directory",
        ));
    }
    let name = text("input.name", name, 200)?;
    let description = text("input.description", description, 5000)?;
    let w = Write::begin(state, viewer).await?;
    let row = solutions::Entity::insert(solutions::ActiveModel {
        company_id: Set(company_id.0),
        name: Set(name.clone()),
        description: Set(description),
        in_showcase: Set(false),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    write_tags(&w, SolutionId(row.id), &tags).await?;
    w.audit(
        "createSolution",
        "Solution",
        row.id,
        None,
        Some(json!({ "name": name })),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

pub struct SolutionChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub in_showcase: Option<bool>,
    pub tags: Tags,
}

pub async fn update_solution(
    state: &AppState,
    viewer: &Viewer,
    id: SolutionId,
    version: i32,
    c: SolutionChanges,
) -> AppResult<solutions::Model> {
    let before = solution(state, id).await?;
    ensure(
        viewer,
        Action::UpdateCompanyProfile,
        Target::company(before.company_id),
    )?;
    let mut sets = Vec::new();
    if let Some(n) = &c.name {
        sets.push((
            solutions::Column::Name,
            Expr::value(text("input.name", n, 200)?),
        ));
    }
    if let Some(d) = &c.description {
        sets.push((
            solutions::Column::Description,
            Expr::value(text("input.description", d, 5000)?),
        ));
    }
    if let Some(s) = c.in_showcase {
        sets.push((solutions::Column::InShowcase, Expr::value(s)));
    }
    let w = Write::begin(state, viewer).await?;
    update_versioned::<solutions::Entity>(
        &w.txn,
        (id, version),
        sets,
        "the solution was changed by someone else; reload and retry",
    )
    .await?;
    write_tags(&w, id, &c.tags).await?;
    w.audit(
        "updateSolution",
        "Solution",
        id,
        Some(json!({ "name": before.name, "inShowcase": before.in_showcase })),
        Some(json!({ "name": c.name, "inShowcase": c.in_showcase, "industries": c.tags.industries, "middleware": c.tags.middleware, "hardware": c.tags.hardware })),
    )
    .await?;
    w.commit().await?;
    // An approved solution's name appears in the level explanation.
    state
        .entities
        .bump(ComputedKind::Level, before.company_id)
        .await;
    solution(state, id).await
}

pub async fn nominate(
    state: &AppState,
    viewer: &Viewer,
    id: SolutionId,
    notes: Option<String>,
) -> AppResult<solutions::Model> {
    let s = solution(state, id).await?;
    ensure(
        viewer,
        Action::UpdateCompanyProfile,
        Target::company(s.company_id),
    )?;
    let notes = notes.map(|n| text("input.notes", &n, 2000)).transpose()?;
    let w = Write::begin(state, viewer).await?;
    let open = validation_nominations::Entity::find()
        .filter(validation_nominations::Column::SolutionId.eq(id))
        .filter(validation_nominations::Column::Status.eq(NominationStatus::Nominated))
        .count(&w.txn)
        .await?;
    if open > 0 {
        return Err(AppError::Conflict(
            "the solution already has an open nomination",
        ));
    }
    let row = validation_nominations::Entity::insert(validation_nominations::ActiveModel {
        solution_id: Set(id.0),
        nominated_by_person_id: Set(viewer.person_id()),
        status: Set(NominationStatus::Nominated.into()),
        notes: Set(notes),
        ..Default::default()
    })
    .exec(&w.txn)
    .await?;
    w.audit(
        "nominateForTechnicalValidation",
        "Solution",
        id,
        None,
        Some(json!({ "nomination": row.last_insert_id })),
    )
    .await?;
    w.commit().await?;
    Ok(s)
}

pub struct Card {
    pub reader_name: String,
    pub reader_email: String,
    pub reader_company: Option<String>,
    pub message: String,
}

/// A reader of the directory asks the ISV to get in touch; no sign-in needed.
pub async fn submit_response_card(
    state: &AppState,
    viewer: &Viewer,
    id: SolutionId,
    card: Card,
) -> AppResult<response_cards::Model> {
    solution(state, id).await?;
    let name = text("input.readerName", &card.reader_name, 200)?;
    let email = email("input.readerEmail", &card.reader_email)?;
    let company = card
        .reader_company
        .map(|c| text("input.readerCompany", &c, 200))
        .transpose()?;
    let message = text("input.message", &card.message, 5000)?;
    let w = Write::begin(state, viewer).await?;
    let row = response_cards::Entity::insert(response_cards::ActiveModel {
        solution_id: Set(id.0),
        reader_name: Set(name),
        reader_email: Set(email),
        reader_company: Set(company),
        message: Set(message),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.audit(
        "submitResponseCard",
        "Solution",
        id,
        None,
        Some(json!({ "card": row.id })),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

pub async fn submit_experience(
    state: &AppState,
    viewer: &Viewer,
    id: SolutionId,
    customer_name: &str,
    summary: &str,
) -> AppResult<(cx::Model, i64)> {
    let s = solution(state, id).await?;
    ensure(
        viewer,
        Action::UpdateCompanyProfile,
        Target::company(s.company_id),
    )?;
    let customer = text("input.customerName", customer_name, 200)?;
    let summary = text("input.summary", summary, 5000)?;
    let w = Write::begin(state, viewer).await?;
    let row = cx::Entity::insert(cx::ActiveModel {
        solution_id: Set(id.0),
        customer_name: Set(customer.clone()),
        summary: Set(summary),
        status: Set(ExperienceStatus::Submitted.into()),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.audit(
        "submitCustomerExperience",
        "CustomerExperience",
        row.id,
        None,
        Some(json!({ "solution": id, "customer": customer })),
    )
    .await?;
    w.commit().await?;
    Ok((row, s.company_id))
}

/// IBM_CHANNEL approves or denies (with a reason) a submitted customer experience.
pub async fn decide_experience(
    state: &AppState,
    viewer: &Viewer,
    id: ExperienceId,
    version: i32,
    approve: bool,
    reason: Option<String>,
) -> AppResult<(cx::Model, i64)> {
    if !viewer.may_somewhere(Action::DecideApplications) {
        return Err(AppError::Forbidden);
    }
    let found = cx::Entity::find_by_id(id).one(&state.db).await?;
    let Some((before, s)) = (match found {
        Some(row) => Some((
            row.clone(),
            solution(state, SolutionId(row.solution_id)).await?,
        )),
        None => None,
    })
    .filter(|(row, s)| visibility::customer_experience(viewer, &row.status, s.company_id)) else {
        return Err(AppError::NotFound("customer experience"));
    };
    ensure(
        viewer,
        Action::DecideApplications,
        Target::company(s.company_id),
    )?;
    if before.status != ExperienceStatus::Submitted {
        return Err(AppError::Conflict(
            "only a SUBMITTED customer experience can be decided",
        ));
    }
    let reason = reason.map(|r| text("input.reason", &r, 1000)).transpose()?;
    if !approve && reason.is_none() {
        return Err(AppError::bad_input(
            "input.reason",
            "a denial needs a reason",
        ));
    }
    let status = if approve {
        ExperienceStatus::Approved
    } else {
        ExperienceStatus::Denied
    };
    let w = Write::begin(state, viewer).await?;
    record_decision::<cx::Entity>(
        &w.txn,
        (id, version),
        status,
        reason.clone(),
        Vec::new(),
        "the customer experience was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        if approve {
            "approveCustomerExperience"
        } else {
            "denyCustomerExperience"
        },
        "CustomerExperience",
        id,
        Some(json!({ "status": before.status })),
        Some(json!({ "status": status, "reason": reason, "company": s.company_id })),
    )
    .await?;
    // An approved experience makes its solution approved: 7 points, and the level in
    // force follows at once.
    let changes = level_in_force::refresh(
        &w.txn,
        &[s.company_id],
        level::today(),
        "customer experience decided",
    )
    .await?;
    w.commit().await?;
    state.entities.bump(ComputedKind::Level, s.company_id).await;
    level_in_force::publish(state, &changes).await;
    let row = cx::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("customer experience"))?;
    Ok((row, s.company_id))
}

/// IBM_CHANNEL decides a technical-validation nomination: VALIDATED (the solution shows
/// the validated badge in the directory) or DECLINED, with a reason.
pub async fn decide_nomination(
    state: &AppState,
    viewer: &Viewer,
    id: NominationId,
    version: i32,
    validate: bool,
    reason: Option<String>,
) -> AppResult<validation_nominations::Model> {
    ensure(viewer, Action::DecideNominations, Target::Global)?;
    let before = validation_nominations::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("nomination"))?;
    if before.status != NominationStatus::Nominated {
        return Err(AppError::Conflict("the nomination was already decided"));
    }
    let reason = reason.map(|r| text("input.reason", &r, 1000)).transpose()?;
    if !validate && reason.is_none() {
        return Err(AppError::bad_input(
            "input.reason",
            "a declined nomination needs a reason",
        ));
    }
    let status = if validate {
        NominationStatus::Validated
    } else {
        NominationStatus::Declined
    };
    let w = Write::begin(state, viewer).await?;
    record_decision::<validation_nominations::Entity>(
        &w.txn,
        (id, version),
        status,
        reason.clone(),
        Vec::new(),
        "the nomination was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        if validate {
            "validateNomination"
        } else {
            "declineNomination"
        },
        "Solution",
        before.solution_id,
        Some(json!({ "nomination": id, "status": before.status })),
        Some(json!({ "status": status, "reason": reason })),
    )
    .await?;
    w.commit().await?;
    validation_nominations::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("nomination"))
}

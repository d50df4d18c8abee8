//! What IBM's channel team sets about a company's standing in the program (domain.md §8),
//! and the PartnerPlan the APA submits for IBM to verify. Each change is a versioned write
//! of the company with an audit record; where the level rules read what changed (the
//! PartnerPlan, the ISV Premier invitation, attainment and satisfaction points), the level
//! in force follows in the same transaction.

use super::level::today;
use super::level_in_force;
use super::model::{CompanyId, CriterionKind, PartnerPlanStatus, PartnerType};
use crate::auth::{Action, Target, Viewer, ensure};
use crate::cache::entity::{ComputedKind, RowKind};
use crate::domain::write::{Write, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use entities::{companies, company_attainments, company_partner_types};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

/// One change IBM (or, for the plan's submission, the APA) makes.
pub enum StandingChange {
    GoodStanding(bool),
    /// Registered for sales activity (MySA): a lead eligibility criterion.
    RegisteredForSales(bool),
    /// Only ISVs; Premier for ISVs is by invitation.
    IsvPremierInvited(bool),
    /// The APA submits the plan: a summary and the day it should run to.
    SubmitPartnerPlan {
        summary: String,
        until: NaiveDate,
    },
    /// IBM verifies (approved until a day) or returns a submitted plan.
    VerifyPartnerPlan {
        approve: bool,
        until: Option<NaiveDate>,
    },
}

impl StandingChange {
    fn action(&self) -> Action {
        match self {
            Self::SubmitPartnerPlan { .. } => Action::SubmitPartnerPlan,
            _ => Action::SetProgramStanding,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::GoodStanding(_) => "setGoodStanding",
            Self::RegisteredForSales(_) => "setSalesActivityRegistration",
            Self::IsvPremierInvited(_) => "inviteIsvToPremier",
            Self::SubmitPartnerPlan { .. } => "submitPartnerPlan",
            Self::VerifyPartnerPlan { .. } => "verifyPartnerPlan",
        }
    }

    /// Whether the level rules read what changes.
    fn moves_level(&self) -> bool {
        matches!(
            self,
            Self::IsvPremierInvited(_) | Self::VerifyPartnerPlan { .. }
        )
    }
}

async fn company(state: &AppState, id: CompanyId) -> AppResult<companies::Model> {
    companies::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("company"))
}

/// Applies one change to a company, against the `version` the caller read.
pub async fn set(
    state: &AppState,
    viewer: &Viewer,
    id: CompanyId,
    version: i32,
    note: Option<String>,
    change: StandingChange,
) -> AppResult<companies::Model> {
    ensure(viewer, change.action(), Target::company(id))?;
    let before = company(state, id).await?;
    let note = note.map(|n| text("input.note", &n, 1000)).transpose()?;
    use companies::Column as C;
    let plan: PartnerPlanStatus = crate::domain::Stored::from_db(
        "companies.partner_plan_status",
        &before.partner_plan_status,
    )?;
    let (sets, after): (Vec<(C, SimpleExpr)>, serde_json::Value) = match &change {
        StandingChange::GoodStanding(v) => (
            vec![(C::GoodStanding, Expr::value(*v))],
            json!({ "goodStanding": v }),
        ),
        StandingChange::RegisteredForSales(v) => (
            vec![(C::RegisteredForSales, Expr::value(*v))],
            json!({ "registeredForSales": v }),
        ),
        StandingChange::IsvPremierInvited(v) => {
            let isv = company_partner_types::Entity::find()
                .filter(company_partner_types::Column::CompanyId.eq(id.0))
                .filter(company_partner_types::Column::PartnerType.eq(PartnerType::Isv))
                .count(&state.db)
                .await?
                > 0;
            if !isv {
                return Err(AppError::Conflict(
                    "only an ISV is invited to Premier (other partners reach it by the rules)",
                ));
            }
            (
                vec![(C::IsvPremierInvited, Expr::value(*v))],
                json!({ "isvPremierInvited": v }),
            )
        }
        StandingChange::SubmitPartnerPlan { summary, until } => {
            let summary = text("input.summary", summary, 4000)?;
            if *until <= today() {
                return Err(AppError::bad_input(
                    "input.validUntil",
                    "a plan runs to a day after today",
                ));
            }
            if plan == PartnerPlanStatus::Submitted {
                return Err(AppError::Conflict(
                    "a PartnerPlan is already waiting for IBM's verification",
                ));
            }
            (
                vec![
                    (
                        C::PartnerPlanStatus,
                        Expr::value(PartnerPlanStatus::Submitted),
                    ),
                    (C::PartnerPlanSummary, Expr::value(summary.clone())),
                    (C::PartnerPlanValidUntil, Expr::value(*until)),
                    (C::PartnerPlanSubmittedAt, Expr::current_timestamp()),
                ],
                json!({ "partnerPlan": "SUBMITTED", "validUntil": until }),
            )
        }
        StandingChange::VerifyPartnerPlan { approve, until } => {
            if plan != PartnerPlanStatus::Submitted {
                return Err(AppError::Conflict(
                    "only a submitted PartnerPlan can be verified",
                ));
            }
            let until = until.or(before.partner_plan_valid_until);
            if *approve && until.is_none_or(|d| d <= today()) {
                return Err(AppError::bad_input(
                    "input.validUntil",
                    "a verified plan runs to a day after today",
                ));
            }
            let status = if *approve {
                PartnerPlanStatus::Verified
            } else {
                PartnerPlanStatus::Returned
            };
            (
                vec![
                    (C::PartnerPlanStatus, Expr::value(status)),
                    (C::PartnerPlanApproved, Expr::value(*approve)),
                    (C::PartnerPlanValidUntil, Expr::value(until)),
                ],
                json!({ "partnerPlan": status, "validUntil": until }),
            )
        }
    };
    let w = Write::begin(state, viewer).await?;
    update_versioned::<companies::Entity>(
        &w.txn,
        (id, version),
        sets,
        "the company was changed by someone else; reload it and retry",
    )
    .await?;
    w.audit(
        change.name(),
        "Company",
        id,
        Some(json!({
            "goodStanding": before.good_standing,
            "registeredForSales": before.registered_for_sales,
            "isvPremierInvited": before.isv_premier_invited,
            "partnerPlan": before.partner_plan_status,
        })),
        Some(json!({ "change": after, "note": note })),
    )
    .await?;
    let changes = if change.moves_level() {
        level_in_force::refresh(&w.txn, &[id.0], today(), change.name()).await?
    } else {
        Vec::new()
    };
    w.commit().await?;
    let after = company(state, id).await?;
    state
        .entities
        .put_row(RowKind::Company, id.0, i64::from(after.version), &after)
        .await;
    state.entities.bump(ComputedKind::Level, id.0).await;
    level_in_force::publish(state, &changes).await;
    Ok(after)
}

/// Revenue attainment or customer satisfaction points IBM records for a company: they
/// count toward the level from the day earned until they expire, like skills.
pub struct Attainment {
    pub kind: CriterionKind,
    pub description: String,
    pub points: i32,
    pub earned_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

pub async fn record_attainment(
    state: &AppState,
    viewer: &Viewer,
    id: CompanyId,
    a: Attainment,
) -> AppResult<companies::Model> {
    ensure(viewer, Action::SetProgramStanding, Target::company(id))?;
    company(state, id).await?;
    if !matches!(
        a.kind,
        CriterionKind::RevenueAttainment | CriterionKind::CustomerSatisfaction
    ) {
        return Err(AppError::bad_input(
            "input.kind",
            "REVENUE_ATTAINMENT or CUSTOMER_SATISFACTION (skills arrive by the vendors' feed, solutions by approved customer experiences)",
        ));
    }
    let description = text("input.description", &a.description, 200)?;
    if !(1..=25).contains(&a.points) {
        return Err(AppError::bad_input("input.points", "1 to 25 points"));
    }
    if a.earned_on > today() || a.expires_on.is_some_and(|e| e <= a.earned_on) {
        return Err(AppError::bad_input(
            "input.expiresOn",
            "earned by today, and expiring after it was earned",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    let row = company_attainments::Entity::insert(company_attainments::ActiveModel {
        company_id: Set(id.0),
        criterion: Set(a.kind.into()),
        description: Set(description.clone()),
        points: Set(a.points),
        earned_on: Set(a.earned_on),
        expires_on: Set(a.expires_on),
        ..Default::default()
    })
    .exec(&w.txn)
    .await?;
    w.audit(
        "recordAttainment",
        "Company",
        id,
        None,
        Some(json!({ "row": row.last_insert_id, "kind": a.kind, "description": description, "points": a.points, "earnedOn": a.earned_on, "expiresOn": a.expires_on })),
    )
    .await?;
    // Bump the company's version so readers holding it see the change.
    companies::Entity::update_many()
        .col_expr(
            companies::Column::Version,
            Expr::col(companies::Column::Version).add(1),
        )
        .filter(companies::Column::Id.eq(id.0))
        .exec(&w.txn)
        .await?;
    let changes = level_in_force::refresh(&w.txn, &[id.0], today(), "points recorded").await?;
    w.commit().await?;
    let after = company(state, id).await?;
    state
        .entities
        .put_row(RowKind::Company, id.0, i64::from(after.version), &after)
        .await;
    state.entities.bump(ComputedKind::Level, id.0).await;
    level_in_force::publish(state, &changes).await;
    Ok(after)
}

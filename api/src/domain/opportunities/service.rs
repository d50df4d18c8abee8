//! Opportunity passing: IBM_CHANNEL's reads and the pass itself, each checked against the
//! matrix first. A pass is one transaction: it moves the lead from OPEN to PASSED only if
//! it is still OPEN (two passes of one lead: one wins, the other gets CONFLICT) and
//! records who got it and why.

use super::eligibility::{Candidate, Criterion, assess, recommend};
use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::opportunities::model::OpportunityId;
use crate::domain::opportunities::model::OpportunityStatus;
use crate::domain::profiles::model::CompanyId;
use crate::domain::write::Write;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::opportunities;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// The lead an action names, as `visibility::target` lets the caller know it.
async fn lead(
    state: &AppState,
    viewer: &Viewer,
    id: OpportunityId,
) -> AppResult<opportunities::Model> {
    let found = opportunities::Entity::find_by_id(id).one(&state.db).await?;
    visibility::target(
        viewer,
        Action::PassOpportunities,
        found,
        "opportunity",
        visibility::opportunity,
    )
}

/// Why the fairest partner gets a lead.
pub fn fairness(c: &Candidate, eligible: usize) -> String {
    format!(
        "eligible; {} lead(s) passed so far, the fewest among {eligible} eligible partner(s)",
        c.leads_passed
    )
}

/// Each criterion of lead eligibility for a company, with the reason it is not met.
/// The company's PRC and APA, and IBM_CHANNEL.
pub async fn eligibility(
    state: &AppState,
    viewer: &Viewer,
    company: CompanyId,
    product_group: &str,
    country: &str,
) -> AppResult<Vec<(Criterion, Option<String>)>> {
    ensure(
        viewer,
        Action::ReadRelationshipApplications,
        Target::company(company),
    )?;
    let (pg, country) = (
        product_group.trim().to_ascii_uppercase(),
        country.trim().to_ascii_uppercase(),
    );
    let failed = assess(&state.db, &[company.0], &pg, &country)
        .await?
        .remove(&company.0)
        .ok_or(AppError::NotFound("company"))?;
    Ok(<Criterion as strum::IntoEnumIterator>::iter()
        .map(|c| (c, failed.contains(&c).then(|| c.reason(&pg, &country))))
        .collect())
}

/// The eligible partners for a lead, fairest first, and how many are eligible in all.
pub async fn recommendations(
    state: &AppState,
    viewer: &Viewer,
    id: OpportunityId,
    count: i32,
) -> AppResult<(Vec<Candidate>, usize)> {
    ensure(viewer, Action::PassOpportunities, Target::Global)?;
    if !(1..=50).contains(&count) {
        return Err(AppError::bad_input("count", "between 1 and 50"));
    }
    let o = lead(state, viewer, id).await?;
    let mut ranked = recommend(&state.db, o.id, &o.product_group, &o.country).await?;
    let eligible = ranked.len();
    ranked.truncate(usize::try_from(count).unwrap_or(0));
    Ok((ranked, eligible))
}

/// Passes an open lead to `company` (which must be eligible) or, left out, to the fairest
/// eligible partner.
pub async fn pass(
    state: &AppState,
    viewer: &Viewer,
    id: OpportunityId,
    company: Option<CompanyId>,
) -> AppResult<opportunities::Model> {
    ensure(viewer, Action::PassOpportunities, Target::Global)?;
    let o = lead(state, viewer, id).await?;
    if o.status != OpportunityStatus::Open {
        return Err(AppError::Conflict("the opportunity was already passed"));
    }
    let (company, reason) = match company {
        Some(company) => {
            let failed = assess(&state.db, &[company.0], &o.product_group, &o.country)
                .await?
                .remove(&company.0)
                .ok_or(AppError::NotFound("company"))?;
            if !failed.is_empty() {
                return Err(AppError::Incomplete {
                    field: "input.companyId",
                    missing: failed
                        .iter()
                        .map(|c| c.reason(&o.product_group, &o.country))
                        .collect(),
                });
            }
            (company, "chosen by IBM; eligible".to_owned())
        }
        None => {
            let ranked = recommend(&state.db, o.id, &o.product_group, &o.country).await?;
            let best = ranked.first().ok_or(AppError::Conflict(
                "no eligible partner for this opportunity",
            ))?;
            (CompanyId(best.company_id), fairness(best, ranked.len()))
        }
    };
    let w = Write::begin(state, viewer).await?;
    let updated = opportunities::Entity::update_many()
        .col_expr(
            opportunities::Column::Status,
            Expr::value(OpportunityStatus::Passed),
        )
        .col_expr(
            opportunities::Column::PassedToCompanyId,
            Expr::value(company),
        )
        .col_expr(opportunities::Column::PassedAt, Expr::current_timestamp())
        .col_expr(
            opportunities::Column::PassReason,
            Expr::value(reason.clone()),
        )
        .col_expr(opportunities::Column::Version, Expr::value(o.version + 1))
        .filter(opportunities::Column::Id.eq(o.id))
        .filter(opportunities::Column::Status.eq(OpportunityStatus::Open))
        .exec(&w.txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::Conflict("the opportunity was already passed"));
    }
    w.audit(
        "passOpportunity",
        "Opportunity",
        o.id,
        Some(json!({ "status": OpportunityStatus::Open })),
        Some(json!({ "company": company, "reason": reason })),
    )
    .await?;
    w.commit().await?;
    opportunities::Entity::find_by_id(o.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("opportunity"))
}

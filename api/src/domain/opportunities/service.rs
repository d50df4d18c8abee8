//! Opportunity passing: IBM_CHANNEL's reads and the pass itself, each checked against the
//! matrix first. A pass is one transaction: it moves the lead from OPEN to PASSED only if
//! it is still OPEN (two passes of one lead: one wins, the other gets CONFLICT) and
//! records who got it and why.

use super::eligibility::{Candidate, Criterion, assess, recommend};
use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::opportunities::model::{
    OpportunityEvent, OpportunityId, OpportunityOrigin, OpportunityStatus,
};
use crate::domain::profiles::model::CompanyId;
use crate::domain::write::{Write, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{opportunities, opportunity_events};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
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
    record(
        &w,
        o.id,
        OpportunityEvent::Passed,
        (Some(OpportunityStatus::Open), OpportunityStatus::Passed),
        Some(company.0),
        Some(reason),
    )
    .await?;
    w.commit().await?;
    reload(state, o.id).await
}

async fn reload(state: &AppState, id: i64) -> AppResult<opportunities::Model> {
    opportunities::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("opportunity"))
}

/// Adds a line to the opportunity's history, in the write's transaction.
async fn record(
    w: &Write<'_>,
    opportunity: i64,
    event: OpportunityEvent,
    (from, to): (Option<OpportunityStatus>, OpportunityStatus),
    company: Option<i64>,
    note: Option<String>,
) -> AppResult<()> {
    opportunity_events::Entity::insert(opportunity_events::ActiveModel {
        opportunity_id: Set(opportunity),
        event: Set(event.into()),
        from_status: Set(from.map(Into::into)),
        to_status: Set(to.into()),
        company_id: Set(company),
        actor: Set(w.viewer.subject.clone().unwrap_or_default()),
        note: Set(note),
        ..Default::default()
    })
    .exec(&w.txn)
    .await?;
    Ok(())
}

/// What a lead says, as IBM creates it or a partner registers it.
pub struct NewLead {
    pub product_group: String,
    pub country: String,
    pub customer_name: String,
    pub description: Option<String>,
    /// Estimated value in minor units of `currency` (see `domain::money`).
    pub value: Option<crate::domain::money::Money>,
}

fn validated(l: NewLead) -> AppResult<NewLead> {
    let product_group = text("input.productGroup", &l.product_group, 40)?.to_ascii_uppercase();
    if !product_group
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(AppError::bad_input(
            "input.productGroup",
            "capital letters, digits and underscores, e.g. `SECURITY`",
        ));
    }
    Ok(NewLead {
        product_group,
        country: crate::domain::profiles::service::country("input.country", &l.country)?,
        customer_name: text("input.customerName", &l.customer_name, 200)?,
        description: l
            .description
            .map(|d| text("input.description", &d, 2000))
            .transpose()?,
        value: l.value,
    })
}

async fn insert_lead(
    w: &Write<'_>,
    l: NewLead,
    origin: OpportunityOrigin,
    status: OpportunityStatus,
    company: Option<i64>,
) -> AppResult<opportunities::Model> {
    let row = opportunities::Entity::insert(opportunities::ActiveModel {
        product_group: Set(l.product_group),
        country: Set(l.country),
        customer_name: Set(l.customer_name),
        description: Set(l.description),
        status: Set(status.into()),
        origin: Set(origin.into()),
        passed_to_company_id: Set(company),
        passed_at: Set(company.map(|_| chrono::Utc::now().fixed_offset())),
        amount_minor: Set(l.value.as_ref().map(|m| m.minor)),
        currency: Set(l.value.map(|m| m.currency)),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    Ok(row)
}

/// IBM's channel team creates a lead; it waits OPEN in the queue to be passed.
pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    lead: NewLead,
) -> AppResult<opportunities::Model> {
    ensure(viewer, Action::CreateOpportunities, Target::Global)?;
    let lead = validated(lead)?;
    let w = Write::begin(state, viewer).await?;
    let row = insert_lead(
        &w,
        lead,
        OpportunityOrigin::Ibm,
        OpportunityStatus::Open,
        None,
    )
    .await?;
    w.audit("createOpportunity", "Opportunity", row.id, None, Some(json!({ "customer": row.customer_name, "productGroup": row.product_group, "country": row.country })))
        .await?;
    record(
        &w,
        row.id,
        OpportunityEvent::Created,
        (None, OpportunityStatus::Open),
        None,
        None,
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// A partner registers its own deal (MySA's deal registration): an accepted opportunity of
/// the company from the start.
pub async fn register_deal(
    state: &AppState,
    viewer: &Viewer,
    company: CompanyId,
    lead: NewLead,
) -> AppResult<opportunities::Model> {
    ensure(viewer, Action::WorkOpportunities, Target::company(company))?;
    let lead = validated(lead)?;
    let w = Write::begin(state, viewer).await?;
    let row = insert_lead(
        &w,
        lead,
        OpportunityOrigin::Partner,
        OpportunityStatus::Accepted,
        Some(company.0),
    )
    .await?;
    w.audit(
        "registerDeal",
        "Opportunity",
        row.id,
        None,
        Some(json!({ "company": company, "customer": row.customer_name })),
    )
    .await?;
    record(
        &w,
        row.id,
        OpportunityEvent::Registered,
        (None, OpportunityStatus::Accepted),
        Some(company.0),
        None,
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// A lead passed to the caller's company, as `visibility::opportunity` lets them know it,
/// once they may work the company's leads.
async fn partners_lead(
    state: &AppState,
    viewer: &Viewer,
    id: OpportunityId,
) -> AppResult<(opportunities::Model, i64)> {
    let found = opportunities::Entity::find_by_id(id).one(&state.db).await?;
    let o = visibility::target(
        viewer,
        Action::WorkOpportunities,
        found,
        "opportunity",
        visibility::opportunity,
    )?;
    let company = o
        .passed_to_company_id
        .ok_or(AppError::NotFound("opportunity"))?;
    ensure(viewer, Action::WorkOpportunities, Target::company(company))?;
    Ok((o, company))
}

/// The partner accepts a lead passed to it, or declines it (with a reason): a declined
/// lead goes back to IBM's queue, OPEN, for another partner.
pub async fn respond(
    state: &AppState,
    viewer: &Viewer,
    id: OpportunityId,
    version: i32,
    accept: bool,
    reason: Option<String>,
) -> AppResult<opportunities::Model> {
    let (o, company) = partners_lead(state, viewer, id).await?;
    let reason = reason.map(|r| text("input.reason", &r, 1000)).transpose()?;
    if o.status != OpportunityStatus::Passed {
        return Err(AppError::Conflict(
            "only a lead waiting for the partner's answer (PASSED) can be accepted or declined",
        ));
    }
    if !accept && reason.is_none() {
        return Err(AppError::bad_input(
            "input.reason",
            "say why the lead is declined, so IBM can pass it on well",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    let (to, changes) = if accept {
        (
            OpportunityStatus::Accepted,
            vec![(
                opportunities::Column::Status,
                Expr::value(OpportunityStatus::Accepted),
            )],
        )
    } else {
        (
            OpportunityStatus::Open,
            vec![
                (
                    opportunities::Column::Status,
                    Expr::value(OpportunityStatus::Open),
                ),
                (
                    opportunities::Column::PassedToCompanyId,
                    Expr::value(Option::<i64>::None),
                ),
                (
                    opportunities::Column::PassedAt,
                    Expr::value(Option::<chrono::DateTime<chrono::FixedOffset>>::None),
                ),
            ],
        )
    };
    update_versioned::<opportunities::Entity>(
        &w.txn,
        (id, version),
        changes,
        "the opportunity was changed by someone else; reload it and retry",
    )
    .await?;
    let event = if accept {
        OpportunityEvent::Accepted
    } else {
        OpportunityEvent::Declined
    };
    w.audit(
        if accept {
            "acceptOpportunity"
        } else {
            "declineOpportunity"
        },
        "Opportunity",
        o.id,
        Some(json!({ "status": o.status, "company": company })),
        Some(json!({ "status": to, "reason": reason })),
    )
    .await?;
    record(
        &w,
        o.id,
        event,
        (Some(OpportunityStatus::Passed), to),
        Some(company),
        reason,
    )
    .await?;
    w.commit().await?;
    reload(state, o.id).await
}

/// The partner moves an accepted lead forward: QUALIFIED, PROPOSAL, then WON or LOST.
pub async fn progress(
    state: &AppState,
    viewer: &Viewer,
    id: OpportunityId,
    version: i32,
    to: OpportunityStatus,
    note: Option<String>,
) -> AppResult<opportunities::Model> {
    let (o, company) = partners_lead(state, viewer, id).await?;
    let note = note.map(|r| text("input.note", &r, 1000)).transpose()?;
    let from: OpportunityStatus =
        crate::domain::Stored::from_db("opportunities.status", &o.status)?;
    if !from.may_progress_to(to) {
        return Err(AppError::Conflict(
            "a lead moves forward only, from ACCEPTED through QUALIFIED and PROPOSAL to WON or LOST",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    update_versioned::<opportunities::Entity>(
        &w.txn,
        (id, version),
        vec![(opportunities::Column::Status, Expr::value(to))],
        "the opportunity was changed by someone else; reload it and retry",
    )
    .await?;
    w.audit(
        "progressOpportunity",
        "Opportunity",
        o.id,
        Some(json!({ "status": from })),
        Some(json!({ "status": to, "note": note })),
    )
    .await?;
    record(
        &w,
        o.id,
        OpportunityEvent::Progressed,
        (Some(from), to),
        Some(company),
        note,
    )
    .await?;
    w.commit().await?;
    reload(state, o.id).await
}

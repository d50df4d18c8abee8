//! Revenue correction requests (domain.md §1, §8). The APA or PRC of a company asks for its
//! reported revenue of one period in one country enterprise to be corrected, with the
//! fields the FAQ lists (country, company and CE id come with the country enterprise; a
//! contact; the distributor; the amount per brand; anything else); IBM's channel team
//! approves it, and the period's revenue reports of those brands take the corrected
//! amounts, or rejects it with a reason.
//!
//! Reported revenue does not move the level by itself: revenue attainment points are what
//! IBM records (`recordAttainment`), so a correction leaves the level in force alone.

use super::model::{
    Brand, CorrectionStatus, CountryEnterpriseId, RevenueCorrectionId, RevenueSource,
};
use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::money::Money;
use crate::domain::write::{Write, email, record_decision, text};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{
    country_enterprises, revenue_correction_amounts as amounts, revenue_corrections as corrections,
    revenue_reports as reports,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::collections::BTreeMap;

/// What the requester states, as the FAQ lists it.
pub struct CorrectionRequest {
    pub country_enterprise: CountryEnterpriseId,
    /// The reporting period, as the reports name it (`2026-Q3`).
    pub period: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: Option<String>,
    /// The distributor the revenue went through, if any.
    pub distributor: Option<String>,
    /// The corrected amount per brand, all in one currency.
    pub amounts: Vec<(Brand, Money)>,
    /// Anything else IBM should know.
    pub other: Option<String>,
}

/// `YYYY-Qn`, the form of every reporting period.
fn period(value: &str) -> AppResult<String> {
    let v = value.trim();
    let ok = v.len() == 7
        && v[..4].bytes().all(|b| b.is_ascii_digit())
        && &v[4..6] == "-Q"
        && matches!(&v[6..], "1" | "2" | "3" | "4");
    if ok {
        Ok(v.to_owned())
    } else {
        Err(AppError::bad_input(
            "input.period",
            "a reporting period such as 2026-Q3",
        ))
    }
}

/// One amount per brand, in one currency, none negative.
fn amounts(list: &[(Brand, Money)]) -> AppResult<(String, BTreeMap<&'static str, i64>)> {
    let first = list
        .first()
        .ok_or_else(|| AppError::bad_input("input.amounts", "at least one brand's amount"))?;
    let mut by_brand = BTreeMap::new();
    for (brand, money) in list {
        if money.currency != first.1.currency {
            return Err(AppError::bad_input(
                "input.amounts",
                "every amount in the same currency",
            ));
        }
        if money.minor < 0 {
            return Err(AppError::bad_input(
                "input.amounts",
                "an amount is never negative",
            ));
        }
        if by_brand.insert(brand.as_db(), money.minor).is_some() {
            return Err(AppError::bad_input(
                "input.amounts",
                format!("{} appears twice", brand.as_db()),
            ));
        }
    }
    Ok((first.1.currency.clone(), by_brand))
}

fn optional(field: &str, value: Option<String>, max: usize) -> AppResult<Option<String>> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| text(field, &v, max))
        .transpose()
}

/// The APA or PRC of the country enterprise's company asks for a correction.
pub async fn request(
    state: &AppState,
    viewer: &Viewer,
    r: CorrectionRequest,
) -> AppResult<corrections::Model> {
    // Country enterprises are public: an unknown one is NOT_FOUND for everyone alike.
    let ce = country_enterprises::Entity::find_by_id(r.country_enterprise.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("country enterprise"))?;
    ensure(
        viewer,
        Action::RequestRevenueCorrection,
        Target::company(ce.company_id),
    )?;
    let requester = viewer.person_id().ok_or(AppError::Forbidden)?;
    let period = period(&r.period)?;
    let contact_name = text("input.contact.name", &r.contact_name, 200)?;
    let contact_email = email("input.contact.email", &r.contact_email)?;
    let contact_phone = optional("input.contact.phone", r.contact_phone, 40)?;
    let distributor = optional("input.distributor", r.distributor, 200)?;
    let other = optional("input.other", r.other, 4000)?;
    let (currency, by_brand) = amounts(&r.amounts)?;

    let w = Write::begin(state, viewer).await?;
    let waiting = corrections::Entity::find()
        .filter(corrections::Column::CountryEnterpriseId.eq(ce.id))
        .filter(corrections::Column::Period.eq(period.as_str()))
        .filter(corrections::Column::Status.eq(CorrectionStatus::Submitted))
        .count(&w.txn)
        .await?;
    if waiting > 0 {
        return Err(AppError::Conflict(
            "a correction of this period is waiting for IBM's decision",
        ));
    }
    let row = corrections::Entity::insert(corrections::ActiveModel {
        company_id: Set(ce.company_id),
        country_enterprise_id: Set(ce.id),
        requested_by_person_id: Set(requester),
        period: Set(period),
        contact_name: Set(contact_name),
        contact_email: Set(contact_email),
        contact_phone: Set(contact_phone),
        distributor: Set(distributor),
        other: Set(other),
        currency: Set(currency.clone()),
        status: Set(CorrectionStatus::Submitted.into()),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    amounts::Entity::insert_many(by_brand.iter().map(|(brand, minor)| amounts::ActiveModel {
        correction_id: Set(row.id),
        brand: Set((*brand).to_owned()),
        amount_minor: Set(*minor),
        ..Default::default()
    }))
    .exec(&w.txn)
    .await?;
    w.audit(
        "requestRevenueCorrection",
        "CountryEnterprise",
        ce.id,
        None,
        Some(json!({ "correction": row.id, "period": row.period, "currency": currency, "amounts": by_brand })),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// IBM's decision. Approved: each brand's report of the period takes the corrected amount
/// (a brand without a report gets one, sourced from the distributor named, else from the
/// sales rep). Rejected: with a reason, nothing else changes.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    id: RevenueCorrectionId,
    version: i32,
    approve: bool,
    reason: Option<String>,
) -> AppResult<corrections::Model> {
    let found = corrections::Entity::find_by_id(id.0).one(&state.db).await?;
    let c = visibility::target(
        viewer,
        Action::DecideRevenueCorrections,
        found,
        "revenue correction",
        visibility::revenue_correction,
    )?;
    ensure(viewer, Action::DecideRevenueCorrections, Target::Global)?;
    if c.status != CorrectionStatus::Submitted {
        return Err(AppError::Conflict("the correction was already decided"));
    }
    let reason = optional("input.reason", reason, 1000)?;
    if !approve && reason.is_none() {
        return Err(AppError::bad_input(
            "input.reason",
            "a rejected correction needs a reason",
        ));
    }
    let status = if approve {
        CorrectionStatus::Approved
    } else {
        CorrectionStatus::Rejected
    };
    let w = Write::begin(state, viewer).await?;
    record_decision::<corrections::Entity>(
        &w.txn,
        (id, version),
        status,
        reason.clone(),
        Vec::new(),
        "the correction was changed by someone else; reload it and retry",
    )
    .await?;
    let mut before = BTreeMap::new();
    if approve {
        let lines = amounts::Entity::find()
            .filter(amounts::Column::CorrectionId.eq(c.id))
            .all(&w.txn)
            .await?;
        let existing: BTreeMap<String, reports::Model> = reports::Entity::find()
            .filter(reports::Column::CountryEnterpriseId.eq(c.country_enterprise_id))
            .filter(reports::Column::Period.eq(c.period.as_str()))
            .all(&w.txn)
            .await?
            .into_iter()
            .map(|r| (r.brand.clone(), r))
            .collect();
        for line in lines {
            match existing.get(&line.brand) {
                Some(report) => {
                    before.insert(
                        line.brand.clone(),
                        json!({ "amountMinor": report.amount_cents, "currency": report.currency }),
                    );
                    reports::Entity::update_many()
                        .col_expr(reports::Column::AmountCents, Expr::value(line.amount_minor))
                        .col_expr(reports::Column::Currency, Expr::value(c.currency.clone()))
                        .col_expr(
                            reports::Column::Version,
                            Expr::col(reports::Column::Version).add(1),
                        )
                        .col_expr(reports::Column::UpdatedAt, Expr::current_timestamp())
                        .filter(reports::Column::Id.eq(report.id))
                        .exec(&w.txn)
                        .await?;
                }
                None => {
                    let source = if c.distributor.is_some() {
                        RevenueSource::Distributor
                    } else {
                        RevenueSource::SalesRep
                    };
                    reports::Entity::insert(reports::ActiveModel {
                        country_enterprise_id: Set(c.country_enterprise_id),
                        brand: Set(line.brand.clone()),
                        period: Set(c.period.clone()),
                        amount_cents: Set(line.amount_minor),
                        currency: Set(c.currency.clone()),
                        source: Set(source.into()),
                        ..Default::default()
                    })
                    .exec(&w.txn)
                    .await?;
                }
            }
        }
    }
    w.audit(
        if approve {
            "approveRevenueCorrection"
        } else {
            "rejectRevenueCorrection"
        },
        "CountryEnterprise",
        c.country_enterprise_id,
        Some(json!({ "correction": c.id, "status": c.status, "reports": before })),
        Some(json!({ "status": status, "reason": reason })),
    )
    .await?;
    w.commit().await?;
    corrections::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("revenue correction"))
}

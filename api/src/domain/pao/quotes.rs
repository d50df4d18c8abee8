//! Renewal quotes (domain.md §6): generated from a site's active renewal line items by
//! whoever may read the site's reports (REPORTING on it, or its primary contact). A quote
//! copies each line as it stands (part, description, quantity, renewal date, amount), so
//! it stays what was quoted when the line items change; it has a number, a total in the
//! lines' one currency, and is valid for `VALIDITY_DAYS`.

use super::model::{QuoteStatus, RenewalLineItemId, RenewalStatus, SiteId};
use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::write::Write;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{
    renewal_line_items as items, renewal_quote_lines as lines, renewal_quotes as quotes, sites,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::collections::BTreeSet;

/// How long a generated quote holds.
pub const VALIDITY_DAYS: i64 = 30;

/// The most line items one quote takes.
pub const MAX_LINES: usize = 200;

/// A quote's number: `RQ` and its row id, so it is unique without a counter of its own.
pub fn quote_number(id: i64) -> String {
    format!("RQ{id:08}")
}

/// The row id a quote number names, if it is one.
pub fn quote_id(number: &str) -> Option<i64> {
    number
        .trim()
        .strip_prefix("RQ")
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

/// A quote of `chosen` line items of the site.
pub async fn generate(
    state: &AppState,
    viewer: &Viewer,
    site: SiteId,
    chosen: Vec<RenewalLineItemId>,
) -> AppResult<quotes::Model> {
    let found = sites::Entity::find_by_id(site.0).one(&state.db).await?;
    let site_row = visibility::target(
        viewer,
        Action::GenerateRenewalQuotes,
        found,
        "site",
        visibility::site,
    )?;
    ensure(
        viewer,
        Action::GenerateRenewalQuotes,
        Target::site(site_row.id),
    )?;
    let ids: BTreeSet<i64> = chosen.iter().map(|i| i.0).collect();
    if ids.is_empty() || ids.len() > MAX_LINES || ids.len() != chosen.len() {
        return Err(AppError::bad_input(
            "input.lineItemIds",
            format!("1 to {MAX_LINES} distinct renewal line items"),
        ));
    }
    let mut w = Write::begin(state, viewer).await?;
    let mut rows = items::Entity::find()
        .filter(items::Column::Id.is_in(ids.iter().copied()))
        .filter(items::Column::SiteId.eq(site_row.id))
        .filter(items::Column::Status.eq(RenewalStatus::Active))
        .all(&w.txn)
        .await?;
    // Another site's line item, an inactive one and an unknown id answer alike.
    if rows.len() != ids.len() {
        return Err(AppError::bad_input(
            "input.lineItemIds",
            "active renewal line items of this site",
        ));
    }
    // Lines in line-item order, whatever order the ids came in.
    rows.sort_by_key(|r| r.id);
    let currency = rows[0].currency.clone();
    if rows.iter().any(|r| r.currency != currency) {
        return Err(AppError::bad_input(
            "input.lineItemIds",
            "line items of one currency (quote each currency apart)",
        ));
    }
    let total = rows
        .iter()
        .try_fold(0_i64, |sum, r| sum.checked_add(r.amount_cents))
        .ok_or_else(|| AppError::bad_input("input.lineItemIds", "the total is too large"))?;
    let valid_until =
        crate::domain::profiles::level::today() + chrono::Duration::days(VALIDITY_DAYS);
    let row = quotes::Entity::insert(quotes::ActiveModel {
        site_id: Set(site_row.id),
        status: Set(QuoteStatus::Issued.into()),
        currency: Set(currency.clone()),
        total_minor: Set(total),
        valid_until: Set(valid_until),
        created_by: Set(viewer.subject.clone().unwrap_or_default()),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    let number = quote_number(row.id);
    lines::Entity::insert_many(rows.iter().map(|r| lines::ActiveModel {
        quote_id: Set(row.id),
        line_item_id: Set(r.id),
        part_number: Set(r.part_number.clone()),
        description: Set(r.description.clone()),
        quantity: Set(r.quantity),
        renewal_date: Set(r.renewal_date),
        amount_minor: Set(r.amount_cents),
        ..Default::default()
    }))
    .exec(&w.txn)
    .await?;
    w.audit(
        "generateRenewalQuote",
        "Site",
        site_row.id,
        None,
        Some(json!({ "quote": number, "lineItems": ids, "total": total, "currency": currency })),
    )
    .await?;
    if let Some(me) = viewer.subject.as_deref() {
        let total = crate::domain::money::Money::stored(total, &currency)?;
        super::notifications::notify(
            &mut w,
            super::notifications::Notice {
                kind: super::model::NotificationKind::QuoteReady,
                title: format!("Renewal quote {number} is ready"),
                body: format!(
                    "{} line items, {} {}, valid until {valid_until}, for site {}.",
                    rows.len(),
                    total.amount(),
                    total.currency,
                    site_row.site_number
                ),
                site_id: Some(site_row.id),
                about_id: Some(row.id),
                recipient: me,
            },
        )
        .await?;
    }
    w.commit().await?;
    quotes::Entity::find_by_id(row.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("renewal quote"))
}

//! The level in force (`partnerWorldLevel`) and how it follows the rules.
//!
//! The policy, as domain.md §1 and the FAQ state it ("qualification is dynamic";
//! "expirations can lose the higher level"): the level in force is the level the rules
//! give. It is set again whenever what the rules read changes (a person approved, a
//! customer experience decided, certifications arriving), so a higher achieved level
//! takes effect the same day, and by the daily review (`sweep`), which lowers the level of
//! a company whose criteria expired. Every change is recorded in `level_changes`, with the
//! day it took effect and why. A change is applied only if the level is still the one it
//! was read as, so replicas reviewing at once record it once.

use super::level::{Assessment, assess};
use super::model::MembershipLevel;
use super::reads::level_inputs;
use crate::cache::entity::{ComputedKind, RowKind};
use crate::domain::Stored;
use crate::error::AppResult;
use crate::state::AppState;
use chrono::NaiveDate;
use entities::{companies, level_changes};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

/// One company's level in force, changed.
#[derive(Debug, Clone)]
pub struct LevelChange {
    pub from: MembershipLevel,
    pub to: MembershipLevel,
    /// The company row as changed, for the caches.
    pub company: companies::Model,
}

/// Sets the level in force of `ids` to what the rules give on `today`, recording each
/// change with `cause`. Runs inside the caller's transaction; the caller publishes the
/// changes after commit ([`publish`]).
pub async fn refresh<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    today: NaiveDate,
    cause: &str,
) -> AppResult<Vec<LevelChange>> {
    let inputs = level_inputs(db, ids).await?;
    let rows = companies::Entity::find()
        .filter(companies::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(companies::Column::Id)
        .all(db)
        .await?;
    let mut changes = Vec::new();
    for c in rows {
        let Some(i) = inputs.get(&c.id) else { continue };
        let a = assess(i, today);
        let to = MembershipLevel::from(a.level);
        let from: MembershipLevel =
            Stored::from_db("companies.partner_world_level", &c.partner_world_level)?;
        if to == from {
            continue;
        }
        let applied = companies::Entity::update_many()
            .col_expr(companies::Column::PartnerWorldLevel, Expr::value(to))
            .col_expr(
                companies::Column::Version,
                Expr::col(companies::Column::Version).add(1),
            )
            .col_expr(companies::Column::UpdatedAt, Expr::current_timestamp())
            .filter(companies::Column::Id.eq(c.id))
            .filter(companies::Column::PartnerWorldLevel.eq(from))
            .exec(db)
            .await?;
        if applied.rows_affected != 1 {
            // Someone else moved it first; their change is the recorded one.
            continue;
        }
        level_changes::Entity::insert(level_changes::ActiveModel {
            company_id: Set(c.id),
            from_level: Set(from.into()),
            to_level: Set(to.into()),
            effective_on: Set(today),
            reason: Set(reason(cause, &a, from, to)),
            ..Default::default()
        })
        .exec(db)
        .await?;
        if let Some(company) = companies::Entity::find_by_id(c.id).one(db).await? {
            changes.push(LevelChange { from, to, company });
        }
    }
    Ok(changes)
}

/// After commit: readers see the new level at once, and the computed level explanation
/// is read again.
pub async fn publish(state: &AppState, changes: &[LevelChange]) {
    for c in changes {
        state
            .entities
            .put_row(
                RowKind::Company,
                c.company.id,
                i64::from(c.company.version),
                &c.company,
            )
            .await;
        state.entities.bump(ComputedKind::Level, c.company.id).await;
    }
}

/// Why the level moved, in words an APA reads in the history.
fn reason(cause: &str, a: &Assessment, from: MembershipLevel, to: MembershipLevel) -> String {
    let held = format!("{} points, {} skills", a.points, a.skills);
    let text = if to.rank() > from.rank() {
        format!("{cause}: the rules give {} ({held})", to.as_db())
    } else {
        // The most recent expiries are what moved the level; older ones are named by count.
        let mut expired: Vec<_> = a.expired.iter().collect();
        expired.sort_by_key(|c| std::cmp::Reverse(c.expires_on));
        let named: Vec<String> = expired
            .iter()
            .take(3)
            .map(|c| match c.expires_on {
                Some(d) => format!("{} (expired {d})", c.description),
                None => c.description.clone(),
            })
            .collect();
        let more = match expired.len().saturating_sub(named.len()) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        if named.is_empty() {
            format!("{cause}: the rules give {} ({held})", to.as_db())
        } else {
            format!(
                "{cause}: {}{more} no longer count; the rules give {} ({held})",
                named.join(", "),
                to.as_db()
            )
        }
    };
    text.chars().take(500).collect()
}

/// The daily review: every company's level in force set to what the rules give on
/// `today`, a batch of companies per transaction. Returns the changes made.
pub async fn sweep(state: &AppState, today: NaiveDate) -> AppResult<Vec<LevelChange>> {
    const BATCH: u64 = 500;
    let mut after = 0i64;
    let mut all = Vec::new();
    loop {
        let ids: Vec<i64> = companies::Entity::find()
            .select_only()
            .column(companies::Column::Id)
            .filter(companies::Column::Id.gt(after))
            .order_by_asc(companies::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&state.db)
            .await?;
        let Some(&last) = ids.last() else { break };
        after = last;
        let txn = state.db.begin().await?;
        let changes = refresh(&txn, &ids, today, "daily review").await?;
        txn.commit().await?;
        state
            .responses
            .invalidate(crate::cache::footprint::take_written())
            .await;
        publish(state, &changes).await;
        all.extend(changes);
    }
    Ok(all)
}

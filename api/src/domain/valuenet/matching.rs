//! Partner matching: the database joins the caller's focus areas with everyone else's on
//! the `(kind, value)` index and ranks by weighted overlap; the reasons for the page's
//! matches are read in one more statement. Deterministic: ties go to the older company.

use crate::error::AppResult;
use entities::{value_net_focus as focus, value_net_registrations as regs};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, StatementBuilder,
};
use std::collections::HashMap;

/// Weights: a shared technology counts most, a shared geography least.
pub const WEIGHT_SQL: &str =
    "SUM(CASE theirs.kind WHEN 'TECHNOLOGY' THEN 3 WHEN 'INDUSTRY' THEN 2 ELSE 1 END)";

#[derive(Debug, Clone)]
pub struct Match {
    pub company_id: i64,
    pub score: i64,
    /// (kind, value) pairs both companies registered.
    pub shared: Vec<(String, String)>,
}

#[derive(FromQueryResult)]
struct Ranked {
    company_id: i64,
    score: i64,
}

/// Matches for `company_id` ranked from `offset`, at most `limit` of them.
pub async fn matches<C: ConnectionTrait>(
    db: &C,
    company_id: i64,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<Match>> {
    let Some(mine) = regs::Entity::find()
        .filter(regs::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let (f1, f2, r2) = ("mine", "theirs", "them");
    // Aliased tables take plain column names (an entity column would re-qualify them).
    let col = |table: &'static str, column: &'static str| {
        Expr::col((Alias::new(table), Alias::new(column)))
    };
    let mut q = Query::select();
    q.expr_as(col(r2, "company_id"), Alias::new("company_id"))
        .expr_as(Expr::cust(WEIGHT_SQL), Alias::new("score"))
        .from_as(focus::Entity, Alias::new(f1))
        .join_as(
            JoinType::InnerJoin,
            focus::Entity,
            Alias::new(f2),
            col(f2, "kind")
                .eq(col(f1, "kind"))
                .and(col(f2, "value").eq(col(f1, "value")))
                .and(col(f2, "registration_id").ne(mine.id)),
        )
        .join_as(
            JoinType::InnerJoin,
            regs::Entity,
            Alias::new(r2),
            col(r2, "id").eq(col(f2, "registration_id")),
        )
        .and_where(col(f1, "registration_id").eq(mine.id))
        .group_by_col((Alias::new(r2), Alias::new("company_id")))
        .order_by_expr(Expr::cust(WEIGHT_SQL), Order::Desc)
        .order_by((Alias::new(r2), Alias::new("company_id")), Order::Asc)
        .limit(limit)
        .offset(offset);
    let stmt = StatementBuilder::build(&q, &db.get_database_backend());
    let ranked = Ranked::find_by_statement(stmt).all(db).await?;
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let my_focus: Vec<(String, String)> = focus::Entity::find()
        .filter(focus::Column::RegistrationId.eq(mine.id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.kind, f.value))
        .collect();
    let their_regs = regs::Entity::find()
        .filter(regs::Column::CompanyId.is_in(ranked.iter().map(|r| r.company_id)))
        .all(db)
        .await?;
    let company_of: HashMap<i64, i64> = their_regs.iter().map(|r| (r.id, r.company_id)).collect();
    let mut shared: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for f in focus::Entity::find()
        .filter(focus::Column::RegistrationId.is_in(company_of.keys().copied()))
        .all(db)
        .await?
    {
        let pair = (f.kind, f.value);
        if my_focus.contains(&pair)
            && let Some(c) = company_of.get(&f.registration_id)
        {
            shared.entry(*c).or_default().push(pair);
        }
    }
    Ok(ranked
        .into_iter()
        .map(|r| Match {
            company_id: r.company_id,
            score: r.score,
            shared: shared.remove(&r.company_id).unwrap_or_default(),
        })
        .collect())
}

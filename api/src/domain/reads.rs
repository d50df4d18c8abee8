//! What every area's reads share: keyset pages in row-id order, and a literal
//! "name contains" filter. The graph turns a page into a connection; the SQL is built here.

use crate::error::{AppError, AppResult};
use sea_orm::sea_query::{Expr, Func, LikeExpr, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sea_orm::{FromQueryResult, Select};

/// One page of `select` in ascending row-id order after `after`: at most `first` rows, and
/// whether another page follows.
pub async fn page<E, C>(
    db: &C,
    select: Select<E>,
    id_col: E::Column,
    after: i64,
    first: u32,
) -> AppResult<(Vec<E::Model>, bool)>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    first_of(
        db,
        select.filter(id_col.gt(after)).order_by_asc(id_col),
        first,
    )
    .await
}

/// The first `first` rows of an ordered `select`, and whether more follow: fetched as
/// `first + 1` rows, so no count is needed.
pub async fn first_of<E, C>(
    db: &C,
    select: Select<E>,
    first: u32,
) -> AppResult<(Vec<E::Model>, bool)>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    let mut rows = select.limit(u64::from(first) + 1).all(db).await?;
    let has_next = rows.len() > first as usize;
    rows.truncate(first as usize);
    Ok((rows, has_next))
}

/// The text with LIKE's wildcards (and its escape) escaped by `\`: a literal.
fn literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn bounded(text: &str, field: &'static str) -> AppResult<()> {
    if text.chars().count() > 100 {
        return Err(AppError::bad_input(field, "at most 100 characters"));
    }
    Ok(())
}

/// A case-insensitive "contains" on a text column, with the LIKE wildcards of the text
/// escaped: the filter is always a literal, never a pattern.
pub fn name_contains<C: ColumnTrait>(
    col: C,
    text: &str,
    field: &'static str,
) -> AppResult<SimpleExpr> {
    // Scoped: ExprTrait's `min`/`max` would shadow the integers' own elsewhere here.
    use sea_orm::sea_query::ExprTrait;
    bounded(text, field)?;
    let escaped = literal(&text.to_lowercase());
    Ok(Expr::expr(Func::lower(Expr::col(col)))
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')))
}

/// "Starts with", wildcards literal: a prefix LIKE its index serves. For columns held in
/// one case (SQLite's LIKE ignores ASCII case, PostgreSQL's does not): callers fold the
/// text to the column's case first.
pub fn prefix<C: ColumnTrait>(col: C, text: &str, field: &'static str) -> AppResult<SimpleExpr> {
    use sea_orm::sea_query::ExprTrait;
    bounded(text, field)?;
    Ok(Expr::col(col).like(LikeExpr::new(format!("{}%", literal(text))).escape('\\')))
}

/// "Starts with, ignoring case and accents" on a column that holds the folded form of a
/// name (`migration::search_key::search_key`): a prefix LIKE its index serves.
pub fn folded_prefix<C: ColumnTrait>(
    col: C,
    text: &str,
    field: &'static str,
) -> AppResult<SimpleExpr> {
    use sea_orm::sea_query::ExprTrait;
    bounded(text, field)?;
    let escaped = literal(&migration::search_key::search_key(text));
    Ok(Expr::col(col).like(LikeExpr::new(format!("{escaped}%")).escape('\\')))
}

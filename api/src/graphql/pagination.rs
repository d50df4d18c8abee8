//! Relay cursor pagination: opaque keyset cursors over row ids and a bounded page size.

use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use async_graphql::Context;
use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use sea_orm::{EntityTrait, Select};

pub type Cursor = OpaqueCursor<i64>;

pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// Validates `first` against the configured maximum: a negative or oversized page is
/// refused, not silently clamped, so clients learn the bound.
pub fn page_size(first: Option<i32>, max: u32) -> AppResult<u32> {
    match first {
        None => Ok(DEFAULT_PAGE_SIZE.min(max)),
        Some(n) if n < 0 => Err(AppError::bad_input("first", "must not be negative")),
        Some(n) if n as u32 > max => Err(AppError::bad_input(
            "first",
            format!("must be at most {max}"),
        )),
        Some(n) => Ok(n as u32),
    }
}

/// The row id after which a page starts.
pub fn after_id(after: Option<&str>) -> AppResult<i64> {
    match after {
        None => Ok(0),
        Some(s) => Cursor::decode_cursor(s)
            .map(|c| c.0)
            .map_err(|_| AppError::bad_input("after", "not a valid cursor")),
    }
}

/// One page of `select` in row-id order after the `after` cursor: `first` rows, fetched
/// as `first + 1` to know whether another page follows.
pub async fn keyset_page<E, M, T>(
    ctx: &Context<'_>,
    select: Select<E>,
    id_col: E::Column,
    first: Option<i32>,
    after: Option<String>,
    wrap: impl Fn(M) -> Option<(i64, T)>,
) -> AppResult<Connection<Cursor, T>>
where
    E: EntityTrait<Model = M>,
    M: sea_orm::FromQueryResult + Sized + Send + Sync,
    T: async_graphql::OutputType,
{
    let app = ctx.app()?;
    let first = page_size(first, app.config.max_page_size)?;
    let after = after_id(after.as_deref())?;
    let (rows, has_next) =
        crate::domain::reads::page(&app.db, select, id_col, after, first).await?;
    let mut conn = Connection::new(after > 0, has_next);
    // `wrap` is the node type's constructor: a row the caller may not see is left out.
    conn.edges.extend(rows.into_iter().filter_map(|m| {
        let (id, node) = wrap(m)?;
        Some(Edge::new(OpaqueCursor(id), node))
    }));
    Ok(conn)
}

/// The extra field of a work queue's connection: how many entries match its filter,
/// counted only when asked for.
pub struct QueueFields {
    count: Box<
        dyn Fn(sea_orm::DatabaseConnection) -> futures::future::BoxFuture<'static, AppResult<u64>>
            + Send
            + Sync,
    >,
}

impl QueueFields {
    fn of<E>(select: Select<E>) -> Self
    where
        E: EntityTrait,
        E::Model: sea_orm::FromQueryResult + Sized + Send + Sync,
    {
        Self {
            count: Box::new(move |db| {
                let select = select.clone();
                Box::pin(async move {
                    use sea_orm::PaginatorTrait;
                    Ok(select.count(&db).await?)
                })
            }),
        }
    }
}

#[async_graphql::Object]
impl QueueFields {
    /// How many entries match the filter, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> AppResult<u64> {
        (self.count)(ctx.app()?.db.clone()).await
    }
}

/// One page of a work queue: [`keyset_page`] with the queue's `totalCount`.
pub async fn queue_page<E, T>(
    ctx: &Context<'_>,
    select: Select<E>,
    id_col: E::Column,
    first: Option<i32>,
    after: Option<String>,
    wrap: impl Fn(E::Model) -> Option<(i64, T)>,
) -> AppResult<Connection<Cursor, T, QueueFields>>
where
    E: EntityTrait,
    E::Model: sea_orm::FromQueryResult + Sized + Send + Sync,
    T: async_graphql::OutputType,
{
    let page = keyset_page(ctx, select.clone(), id_col, first, after, wrap).await?;
    let mut conn = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        QueueFields::of(select),
    );
    conn.edges = page.edges;
    Ok(conn)
}

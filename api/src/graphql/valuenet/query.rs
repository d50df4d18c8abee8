//! Value Net root queries: partners matched by focus.

use crate::auth::{Action, Target, ensure};
use crate::domain::valuenet::matching::matches;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::ids::{Kind, decode};
use crate::graphql::pagination::{Cursor, page_size};
use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object};

use super::types::ValueNetMatch;

#[derive(Default)]
pub struct ValueNetQuery;

#[Object]
impl ValueNetQuery {
    /// Partners ranked by shared technology (3), industry (2) and geography (1), with the
    /// reasons; for the company's people and IBM_CHANNEL. No match is guaranteed.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    async fn value_net_matches(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, ValueNetMatch>> {
        let id = decode(&company_id, Kind::Company, "companyId")?;
        ensure(&ctx.viewer(), Action::ReadEmployees, Target::Company(id))?;
        let app = ctx.app()?;
        let first = page_size(first, app.config.max_page_size)?;
        // The cursor is the rank position: the order is by score, not by id.
        let offset = match after {
            None => 0,
            Some(c) => OpaqueCursor::<i64>::decode_cursor(&c)
                .map(|c| c.0 + 1)
                .map_err(|_| AppError::bad_input("after", "not a valid cursor"))?,
        };
        let offset = u64::try_from(offset)
            .map_err(|_| AppError::bad_input("after", "not a valid cursor"))?;
        let mut rows = matches(&app.db, id, offset, u64::from(first) + 1).await?;
        let has_next = rows.len() > first as usize;
        rows.truncate(first as usize);
        let mut conn = Connection::new(offset > 0, has_next);
        for (i, m) in rows.into_iter().enumerate() {
            let rank = i64::try_from(offset)
                .unwrap_or(i64::MAX)
                .saturating_add(i as i64);
            conn.edges
                .push(Edge::new(OpaqueCursor(rank), ValueNetMatch::from(m)));
        }
        Ok(conn)
    }
}

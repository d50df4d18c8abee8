//! The audit log: who changed what and when. IBM_CHANNEL reads it.

use crate::auth::{Action, Target, ensure};
use crate::error::AppResult;
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::pagination::{Cursor, page_size};
use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, FixedOffset};
use entities::audit_log;

/// Built only by [`AuditRecord::visible`] (`auth::visibility`).
pub struct AuditRecord(audit_log::Model);

impl AuditRecord {
    pub fn visible(viewer: &crate::auth::Viewer, row: audit_log::Model) -> Option<Self> {
        crate::auth::visibility::audit_record(viewer, &row).then_some(Self(row))
    }
}

#[Object]
impl AuditRecord {
    async fn id(&self) -> ID {
        encode(Kind::AuditRecord, self.0.id)
    }
    async fn at(&self) -> DateTime<FixedOffset> {
        self.0.at
    }
    /// The IBMid of whoever made the change.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The mutation, e.g. `updateCompanyProfile`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The changed entity's global id.
    async fn entity_id(&self) -> ID {
        match self.0.entity_type.parse::<Kind>() {
            Ok(kind) => encode(kind, self.0.entity_id),
            Err(_) => ID(self.0.entity_id.to_string()),
        }
    }
    /// The changed values before, as JSON.
    async fn before(&self) -> Option<&str> {
        self.0.before_json.as_deref()
    }
    /// The changed values after, as JSON.
    async fn after(&self) -> Option<&str> {
        self.0.after_json.as_deref()
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Changes, newest first, optionally of one entity type (e.g. `Company`). IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity_type: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, AuditRecord>> {
        ensure(&ctx.viewer(), Action::ReadAuditLog, Target::Global)?;
        let app = ctx.app()?;
        let first = page_size(first, app.config.max_page_size)?;
        let before = after
            .map(|c| {
                Cursor::decode_cursor(&c)
                    .map(|c| c.0)
                    .map_err(|_| crate::error::AppError::bad_input("after", "not a valid cursor"))
            })
            .transpose()?;
        let (rows, has_next) =
            crate::domain::audit::newest_first(&app.db, entity_type, before, first).await?;
        let mut conn = Connection::new(false, has_next);
        let viewer = ctx.viewer();
        conn.edges.extend(rows.into_iter().filter_map(|r| {
            let id = r.id;
            AuditRecord::visible(&viewer, r).map(|r| Edge::new(OpaqueCursor(id), r))
        }));
        Ok(conn)
    }
}

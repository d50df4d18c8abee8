//! The audit log every write appends to (see `write::Write::audit`), read newest first.

use crate::error::AppResult;
use entities::audit_log;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// At most `first` records older than `before` (row id), newest first, optionally of one
/// entity type, and whether older ones follow.
pub async fn newest_first<C: ConnectionTrait>(
    db: &C,
    entity_type: Option<String>,
    before: Option<i64>,
    first: u32,
) -> AppResult<(Vec<audit_log::Model>, bool)> {
    let mut q = audit_log::Entity::find();
    if let Some(t) = entity_type {
        q = q.filter(audit_log::Column::EntityType.eq(t));
    }
    if let Some(before) = before {
        q = q.filter(audit_log::Column::Id.lt(before));
    }
    super::reads::first_of(db, q.order_by_desc(audit_log::Column::Id), first).await
}

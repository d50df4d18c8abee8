//! The audit log every write appends to (see `write::Write::audit`), read newest first.

use crate::error::AppResult;
use entities::audit_log;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

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
    let mut rows = q
        .order_by_desc(audit_log::Column::Id)
        .limit(u64::from(first) + 1)
        .all(db)
        .await?;
    let has_next = rows.len() > first as usize;
    rows.truncate(first as usize);
    Ok((rows, has_next))
}

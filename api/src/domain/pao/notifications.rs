//! The notifications feed: what happened that a person should know of, per IBMid, read or
//! unread. Written by the services, in the transaction of the change they report (a
//! notification of a decision that rolled back never exists), and published after commit
//! to the person's open subscriptions.

use super::model::NotificationKind;
use crate::auth::Viewer;
use crate::domain::write::Write;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::state::AppState;
use entities::notifications;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use serde_json::json;

/// The key a person's events travel under: a hash of their (lowercase) IBMid, so a
/// subscriber's stream loads only the rows addressed to it, and an event names nobody.
pub fn recipient_key(ibm_id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same on every replica and every run.
    let mut h = std::hash::DefaultHasher::new();
    ibm_id.trim().to_ascii_lowercase().hash(&mut h);
    h.finish()
}

/// What a notification says and what it is about.
pub struct Notice<'a> {
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub site_id: Option<i64>,
    pub about_id: Option<i64>,
    pub recipient: &'a str,
}

/// Writes `notice` in the write's transaction and publishes it after commit.
pub async fn notify(w: &mut Write<'_>, notice: Notice<'_>) -> AppResult<()> {
    let recipient = notice.recipient.trim().to_ascii_lowercase();
    let row = notifications::Entity::insert(notifications::ActiveModel {
        recipient: Set(recipient.clone()),
        kind: Set(notice.kind.into()),
        title: Set(notice.title),
        body: Set(notice.body),
        site_id: Set(notice.site_id),
        about_id: Set(notice.about_id),
        read_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.publish(Event::Notified {
        id: row.id,
        recipient: recipient_key(&recipient),
    });
    Ok(())
}

fn subject(viewer: &Viewer) -> AppResult<&str> {
    viewer.subject.as_deref().ok_or(AppError::Unauthenticated)
}

/// The caller's notifications (only unread ones when asked), for a newest-first page.
pub fn mine(viewer: &Viewer, unread_only: bool) -> AppResult<Select<notifications::Entity>> {
    let mut q = notifications::Entity::find()
        .filter(notifications::Column::Recipient.eq(subject(viewer)?.to_ascii_lowercase()));
    if unread_only {
        q = q.filter(notifications::Column::ReadAt.is_null());
    }
    Ok(q)
}

/// How many of the caller's notifications are unread.
pub async fn unread<C: ConnectionTrait>(db: &C, viewer: &Viewer) -> AppResult<u64> {
    Ok(mine(viewer, true)?.count(db).await?)
}

/// Whether `row` is the caller's: a notification is only ever its recipient's.
pub fn is_mine(viewer: &Viewer, row: &notifications::Model) -> bool {
    viewer
        .subject
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case(&row.recipient))
}

/// Which notifications to mark read.
pub enum Marking {
    These(Vec<i64>),
    All,
}

/// Marks the caller's notifications read and answers with how many are still unread.
/// Reading is idempotent (a notification read twice stays read at its first time), so no
/// `version` is asked for: two devices marking the same notification cannot lose an
/// update. An id that is not the caller's answers exactly as an unknown one.
pub async fn mark_read(state: &AppState, viewer: &Viewer, which: Marking) -> AppResult<u64> {
    let me = subject(viewer)?.to_ascii_lowercase();
    let w = Write::begin(state, viewer).await?;
    let mut target = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::current_timestamp())
        .col_expr(
            notifications::Column::Version,
            Expr::col(notifications::Column::Version).add(1),
        )
        .col_expr(notifications::Column::UpdatedAt, Expr::current_timestamp())
        .filter(notifications::Column::Recipient.eq(me.clone()))
        .filter(notifications::Column::ReadAt.is_null());
    let ids = match &which {
        Marking::These(ids) => {
            if ids.len() > 100 {
                return Err(AppError::bad_input("input.ids", "at most 100 at once"));
            }
            let owned: Vec<i64> = notifications::Entity::find()
                .select_only()
                .column(notifications::Column::Id)
                .filter(notifications::Column::Recipient.eq(me.clone()))
                .filter(notifications::Column::Id.is_in(ids.clone()))
                .into_tuple()
                .all(&w.txn)
                .await?;
            if owned.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
                return Err(AppError::NotFound("notification"));
            }
            target = target.filter(notifications::Column::Id.is_in(ids.clone()));
            json!(ids)
        }
        Marking::All => json!("all"),
    };
    let changed = target.exec(&w.txn).await?.rows_affected;
    // One record per marking, on the first notification it names (0: all of them).
    let first = match &which {
        Marking::These(ids) => ids.first().copied().unwrap_or(0),
        Marking::All => 0,
    };
    w.audit(
        "markNotificationsRead",
        "Notification",
        first,
        None,
        Some(json!({ "ids": ids, "marked": changed })),
    )
    .await?;
    w.commit().await?;
    unread(&state.db, viewer).await
}

/// The newest `first` of `select` older than `before` (0: from the newest), and whether
/// more follow.
pub async fn newest_first<C: ConnectionTrait>(
    db: &C,
    select: Select<notifications::Entity>,
    before: i64,
    first: u32,
) -> AppResult<(Vec<notifications::Model>, bool)> {
    let mut q = select.order_by_desc(notifications::Column::Id);
    if before > 0 {
        q = q.filter(notifications::Column::Id.lt(before));
    }
    crate::domain::reads::first_of(db, q, first).await
}

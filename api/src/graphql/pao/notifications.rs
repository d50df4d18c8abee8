//! The caller's notifications feed: newest first, read or unread, and a subscription that
//! delivers each new one as it is written (the requester learns of a decision on their
//! access request without polling). A notification is only ever its recipient's: no id,
//! list or event hands one to anybody else.

use super::loader::SiteKey;
use super::types::Site;
use crate::domain::Stored;
use crate::domain::pao::model::NotificationKind;
use crate::domain::pao::notifications::{self as feed, Marking};
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::ids::{Kind, decode, encode};
use crate::graphql::pagination::{Cursor, after_id, page_size};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, FixedOffset};
use entities::notifications;
use futures::{Stream, StreamExt};
use sea_orm::EntityTrait;

/// Something that happened that the recipient should know of.
pub struct Notification(notifications::Model);

impl Notification {
    /// Only the recipient's own notifications are ever built.
    fn mine(viewer: &crate::auth::Viewer, row: notifications::Model) -> Option<Self> {
        feed::is_mine(viewer, &row).then_some(Self(row))
    }
}

#[Object]
impl Notification {
    async fn id(&self) -> ID {
        encode(Kind::Notification, self.0.id)
    }
    async fn kind(&self) -> AppResult<NotificationKind> {
        Stored::from_db("notifications.kind", &self.0.kind)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// The site it is about, if any.
    async fn site(&self, ctx: &Context<'_>) -> AppResult<Option<Site>> {
        let Some(id) = self.0.site_id else {
            return Ok(None);
        };
        let row = ctx.loaders()?.load_one(SiteKey(id)).await?;
        Ok(row.and_then(|s| Site::visible(&ctx.viewer(), s)))
    }
    /// The id of what it is about: the access request (ACCESS_REQUEST_*), the renewal
    /// quote (QUOTE_READY); null for a renewal price notice (read it in the site's
    /// `renewalPriceNotices`).
    async fn about(&self) -> AppResult<Option<ID>> {
        let kind: NotificationKind = Stored::from_db("notifications.kind", &self.0.kind)?;
        let of = match kind {
            NotificationKind::AccessRequestApproved
            | NotificationKind::AccessRequestRejected
            | NotificationKind::AccessRequestWaiting => Kind::AccessRequest,
            NotificationKind::QuoteReady => Kind::RenewalQuote,
            NotificationKind::RenewalPriceNotice => return Ok(None),
        };
        Ok(self.0.about_id.map(|id| encode(of, id)))
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
    async fn read_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.read_at
    }
    async fn read(&self) -> bool {
        self.0.read_at.is_some()
    }
}

#[derive(Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// The caller's notifications, newest first; only the unread ones when asked.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    async fn my_notifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] unread_only: bool,
    ) -> AppResult<Connection<Cursor, Notification>> {
        let app = ctx.app()?;
        let viewer = ctx.viewer();
        let select = feed::mine(&viewer, unread_only)?;
        let first = page_size(first, app.config.max_page_size)?;
        let before = after_id(after.as_deref())?;
        let (rows, more) = feed::newest_first(&app.db, select, before, first).await?;
        let mut conn = Connection::new(before > 0, more);
        conn.edges.extend(rows.into_iter().filter_map(|r| {
            let id = r.id;
            Some(Edge::new(
                async_graphql::connection::OpaqueCursor(id),
                Notification::mine(&viewer, r)?,
            ))
        }));
        Ok(conn)
    }

    /// How many of the caller's notifications are unread.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> AppResult<u64> {
        feed::unread(&ctx.app()?.db, &ctx.viewer()).await
    }
}

#[derive(InputObject)]
pub struct MarkNotificationsReadInput {
    /// These notifications (at most 100) …
    pub ids: Option<Vec<ID>>,
    /// … or all of the caller's.
    #[graphql(default)]
    pub all: bool,
}

#[derive(SimpleObject)]
pub struct MarkNotificationsReadPayload {
    /// How many of the caller's notifications are still unread.
    pub unread_count: u64,
}

#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Marks notifications read: the ones named, or all. Reading twice changes nothing.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        input: MarkNotificationsReadInput,
    ) -> AppResult<MarkNotificationsReadPayload> {
        let which = match (input.ids, input.all) {
            (Some(ids), false) if !ids.is_empty() => Marking::These(
                ids.iter()
                    .map(|id| decode(id, Kind::Notification, "input.ids"))
                    .collect::<AppResult<_>>()?,
            ),
            (None, true) => Marking::All,
            _ => {
                return Err(AppError::bad_input(
                    "input",
                    "either `ids` (not empty) or `all: true`",
                ));
            }
        };
        let unread_count = feed::mark_read(ctx.app()?, &ctx.viewer(), which).await?;
        Ok(MarkNotificationsReadPayload { unread_count })
    }
}

#[derive(Default)]
pub struct NotificationSubscription;

#[Subscription]
impl NotificationSubscription {
    /// Each notification written for the caller from now on, as it is written. Signed-in
    /// callers only.
    async fn notification_received(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Notification>> + use<>>
    {
        let app = ctx.app()?.clone();
        let viewer = ctx.viewer();
        let me = viewer.subject.clone().ok_or(AppError::Unauthenticated)?;
        let key = feed::recipient_key(&me);
        let events = super::query::events(app.events.subscribe()).filter_map(move |event| {
            let db = app.db.clone();
            async move {
                match event {
                    Event::Notified { id, recipient } if recipient == key => {
                        notifications::Entity::find_by_id(id)
                            .one(&db)
                            .await
                            .ok()
                            .flatten()
                    }
                    _ => None,
                }
            }
        });
        Ok(crate::graphql::live::checked(
            ctx,
            events,
            |viewer, row| {
                // The subscriber as they stand now: the row must still be addressed to them.
                Notification::mine(viewer, row).ok_or(AppError::Forbidden)
            },
        )?)
    }
}

//! PAO root queries, entity lookups and the access-request subscription.

use super::loader::SiteKey;
use super::types::{AccessRequest, Site, SiteUser};
use crate::auth::{Action, Target, Viewer, ensure};
use crate::domain::pao::{reads, service};
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::entity::Entity;
use crate::graphql::ids::{Kind, decode};
use async_graphql::{Context, ID, Object, Subscription};
use entities::access_requests;
use futures::{Stream, StreamExt};
use sea_orm::EntityTrait;

#[derive(Default)]
pub struct PaoQuery;

#[Object]
impl PaoQuery {
    /// A PAO site by its site number.
    async fn site(&self, ctx: &Context<'_>, site_number: String) -> AppResult<Option<Site>> {
        let row = reads::site_by_number(&ctx.app()?.db, &site_number).await?;
        Ok(row.and_then(|s| Site::visible(&ctx.viewer(), s)))
    }

    /// IBM's queue of pending "I believe I am the primary contact" requests, oldest
    /// first: they go to IBM, not to the site's current primary. IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn primary_contact_requests(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<
        async_graphql::connection::Connection<
            crate::graphql::pagination::Cursor,
            AccessRequest,
            crate::graphql::pagination::QueueFields,
        >,
    > {
        use sea_orm::{ColumnTrait, QueryFilter};
        let viewer = ctx.viewer();
        ensure(&viewer, Action::AppointSitePrimary, Target::Global)?;
        let select = access_requests::Entity::find()
            .filter(access_requests::Column::BelievesPrimary.eq(true))
            .filter(
                access_requests::Column::Status
                    .eq(crate::domain::pao::model::AccessRequestStatus::Pending),
            );
        crate::graphql::pagination::queue_page(
            ctx,
            select,
            access_requests::Column::Id,
            first,
            after,
            |r: access_requests::Model| Some((r.id, AccessRequest::visible(&viewer, r)?)),
        )
        .await
    }

    /// Every site the caller holds a role on, with the role and privileges (the caller's
    /// own access, by their IBMid), ordered by site number.
    async fn my_sites(&self, ctx: &Context<'_>) -> AppResult<Vec<SiteUser>> {
        let viewer = ctx.viewer();
        let Some(subject) = viewer.subject.as_deref() else {
            return Err(AppError::Unauthenticated);
        };
        Ok(reads::sites_of(&ctx.app()?.db, subject)
            .await?
            .into_iter()
            .filter_map(|u| SiteUser::visible(&viewer, u))
            .collect())
    }

    /// The caller's own access requests, newest first.
    async fn my_access_requests(&self, ctx: &Context<'_>) -> AppResult<Vec<AccessRequest>> {
        Ok(service::my_requests(ctx.app()?, &ctx.viewer())
            .await?
            .into_iter()
            .filter_map(|r| AccessRequest::visible(&ctx.viewer(), r))
            .collect())
    }

    #[graphql(entity)]
    async fn find_site_by_id(&self, ctx: &Context<'_>, id: ID) -> Entity<Site> {
        let found: AppResult<Option<Site>> = async {
            let Ok(row) = decode(&id, Kind::Site, "id") else {
                return Ok(None);
            };
            let site = ctx.loaders()?.load_one(SiteKey(row)).await?;
            Ok(site.and_then(|s| Site::visible(&ctx.viewer(), s)))
        }
        .await;
        Entity::new(ctx, "id", id.as_str(), found)
    }
}

#[derive(Default)]
pub struct PaoSubscription;

#[Subscription]
impl PaoSubscription {
    /// New access requests for a site, as they arrive. For whoever may read the site's
    /// administration (its primary contact, IBM_CHANNEL), checked again before each event:
    /// a subscriber who loses that right receives FORBIDDEN and nothing more.
    async fn access_request_submitted(
        &self,
        ctx: &Context<'_>,
        site_number: String,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<AccessRequest>> + use<>>
    {
        let app = ctx.app()?.clone();
        let found = reads::site_by_number(&app.db, &site_number).await?;
        let site = crate::auth::visibility::target(
            &ctx.viewer(),
            Action::ReadSiteAdministration,
            found,
            "site",
            crate::auth::visibility::site,
        )?;
        let site_id = site.id;
        let events = events(app.events.subscribe()).filter_map(move |event| {
            let db = app.db.clone();
            async move {
                match event {
                    Event::AccessRequested {
                        site_id: s,
                        request_id,
                    } if s == site_id => access_requests::Entity::find_by_id(request_id)
                        .one(&db)
                        .await
                        .ok()
                        .flatten()
                        // Claims of the primary role are IBM's to decide, not the site's
                        // (domain.md §8): they are not this stream's events.
                        .filter(|r| !r.believes_primary),
                    _ => None,
                }
            }
        });
        let allowed = move |viewer: &Viewer| {
            ensure(
                viewer,
                Action::ReadSiteAdministration,
                Target::Site(site_id),
            )
        };
        allowed(&ctx.viewer())?;
        Ok(crate::graphql::live::checked(
            ctx,
            events,
            move |viewer, row| {
                allowed(viewer)?;
                AccessRequest::visible(viewer, row).ok_or(AppError::Forbidden)
            },
        )?)
    }
}

/// A broadcast receiver as a stream; a lagging subscriber skips what it missed.
pub(super) fn events(
    rx: tokio::sync::broadcast::Receiver<Event>,
) -> impl Stream<Item = Event> + use<> {
    futures::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(event) => return Some((event, rx)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

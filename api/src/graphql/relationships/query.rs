//! IBM's queue of relationship applications.

use super::types::{RelationshipApplication, TechnicalAdvocateRequest};
use crate::auth::{Action, Target, ensure};
use crate::domain::relationships::model::{AdvocateStatus, ApplicationStatus, RelationshipKind};
use crate::error::AppResult;
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::pagination::{Cursor, QueueFields, queue_page};
use async_graphql::connection::Connection;
use async_graphql::{Context, Object};
use entities::relationship_applications as apps;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[derive(Default)]
pub struct RelationshipsQuery;

#[Object]
impl RelationshipsQuery {
    /// IBM's queue of relationship applications, oldest first: SUBMITTED by default,
    /// optionally of one kind. IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn relationship_application_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "ApplicationStatus::Submitted")] status: ApplicationStatus,
        kind: Option<RelationshipKind>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, RelationshipApplication, QueueFields>> {
        let viewer = ctx.viewer();
        ensure(&viewer, Action::ReadChannelQueues, Target::Global)?;
        let mut select = apps::Entity::find().filter(apps::Column::Status.eq(status));
        if let Some(k) = kind {
            select = select.filter(apps::Column::Kind.eq(k));
        }
        queue_page(
            ctx,
            select,
            apps::Column::Id,
            first,
            after,
            |a: apps::Model| Some((a.id, RelationshipApplication::visible(&viewer, a)?)),
        )
        .await
    }

    /// IBM's queue of Technical Advocate requests, oldest first (SUBMITTED by default).
    /// IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn technical_advocate_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "AdvocateStatus::Submitted")] status: AdvocateStatus,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, TechnicalAdvocateRequest, QueueFields>> {
        use entities::technical_advocate_requests as requests;
        let viewer = ctx.viewer();
        ensure(&viewer, Action::ReadChannelQueues, Target::Global)?;
        let select = requests::Entity::find().filter(requests::Column::Status.eq(status));
        queue_page(
            ctx,
            select,
            requests::Column::Id,
            first,
            after,
            |r: requests::Model| Some((r.id, TechnicalAdvocateRequest::visible(&viewer, r)?)),
        )
        .await
    }
}

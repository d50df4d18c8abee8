//! Communities: the listing, a community by slug, entity lookups.

use super::loader::*;
use crate::domain::communities::reads;
use crate::error::AppResult;
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::entity::Entity;
use crate::graphql::ids::Kind;
use crate::graphql::pagination::{Cursor, keyset_page};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use entities::communities;

use super::types::Community;

#[derive(Default)]
pub struct CommunitiesQuery;

#[Object]
impl CommunitiesQuery {
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    async fn communities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only communities whose name holds this text (case-insensitive).")]
        search: Option<String>,
    ) -> AppResult<Connection<Cursor, Community>> {
        keyset_page(
            ctx,
            reads::all(search.as_deref())?,
            communities::Column::Id,
            first,
            after,
            |c: communities::Model| Some((c.id, Community(c))),
        )
        .await
    }

    /// The caller's communities: those they belong to, asked to join or are invited to
    /// (see `myMembership` on each). An active person.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    async fn my_communities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, Community>> {
        let viewer = ctx.viewer();
        let me = crate::domain::communities::service::person_of(&viewer)?;
        keyset_page(
            ctx,
            reads::of_person(me.0),
            communities::Column::Id,
            first,
            after,
            |c: communities::Model| Some((c.id, Community(c))),
        )
        .await
    }

    async fn community(&self, ctx: &Context<'_>, slug: String) -> AppResult<Option<Community>> {
        Ok(reads::by_slug(&ctx.app()?.db, &slug).await?.map(Community))
    }

    /// Communities are listed to everyone; their members stay behind `members`' check.
    #[graphql(entity)]
    async fn find_community_by_id(&self, ctx: &Context<'_>, id: ID) -> Entity<Community> {
        let found: AppResult<Option<Community>> = async {
            crate::graphql::by_global_id(ctx, &id, Kind::Community, CommunityKey, Community).await
        }
        .await;
        Entity::new(ctx, "id", id.as_str(), found)
    }
}

//! The directory search and entity lookups.

use super::loader::{ExperienceKey, SolutionKey};
use super::types::{CustomerExperience, Nomination, Solution};
use crate::auth::{Action, Target, ensure};
use crate::domain::gsd::model::{ExperienceStatus, NominationStatus};
use crate::domain::gsd::reads;
use crate::error::AppResult;
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::entity::Entity;
use crate::graphql::ids::{Kind, decode};
use crate::graphql::pagination::{Cursor, QueueFields, keyset_page, queue_page};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use entities::{customer_experiences, solutions, validation_nominations};

#[derive(Default)]
pub struct GsdQuery;

#[Object]
impl GsdQuery {
    /// Search the Global Solutions Directory.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    async fn solutions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<reads::SolutionFilter>,
    ) -> AppResult<Connection<Cursor, Solution>> {
        let select = reads::solutions(&filter.unwrap_or_default())?;
        keyset_page(
            ctx,
            select,
            solutions::Column::Id,
            first,
            after,
            |s: solutions::Model| Some((s.id, Solution(s))),
        )
        .await
    }

    /// IBM's queue of customer experiences, oldest first (SUBMITTED by default).
    /// IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn customer_experience_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "ExperienceStatus::Submitted")] status: ExperienceStatus,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, CustomerExperience, QueueFields>> {
        let viewer = ctx.viewer();
        ensure(&viewer, Action::ReadChannelQueues, Target::Global)?;
        queue_page(
            ctx,
            reads::experiences(status),
            customer_experiences::Column::Id,
            first,
            after,
            |e: customer_experiences::Model| Some((e.id, CustomerExperience::queued(&viewer, e)?)),
        )
        .await
    }

    /// IBM's queue of technical-validation nominations, oldest first (NOMINATED by
    /// default). IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn nomination_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "NominationStatus::Nominated")] status: NominationStatus,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, Nomination, QueueFields>> {
        let viewer = ctx.viewer();
        ensure(&viewer, Action::ReadChannelQueues, Target::Global)?;
        queue_page(
            ctx,
            reads::nominations(status),
            validation_nominations::Column::Id,
            first,
            after,
            |n: validation_nominations::Model| Some((n.id, Nomination(n))),
        )
        .await
    }

    #[graphql(entity)]
    async fn find_solution_by_id(&self, ctx: &Context<'_>, id: ID) -> Entity<Solution> {
        let found: AppResult<Option<Solution>> = async {
            crate::graphql::by_global_id(ctx, &id, Kind::Solution, SolutionKey, Solution).await
        }
        .await;
        Entity::new(ctx, "id", id.as_str(), found)
    }

    /// Approved experiences for everyone; the others only for the solution's company and
    /// IBM_CHANNEL, as on `Solution.customerExperiences` (null, not an error, otherwise).
    #[graphql(entity)]
    async fn find_customer_experience_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Entity<CustomerExperience> {
        let found: AppResult<Option<CustomerExperience>> = async {
            let Ok(row) = decode(&id, Kind::CustomerExperience, "id") else {
                return Ok(None);
            };
            let loaders = ctx.loaders()?;
            let Some(experience) = loaders.load_one(ExperienceKey(row)).await? else {
                return Ok(None);
            };
            let Some(solution) = loaders
                .load_one(SolutionKey(experience.solution_id))
                .await?
            else {
                return Ok(None);
            };
            Ok(CustomerExperience::visible(
                &ctx.viewer(),
                experience,
                solution.company_id,
            ))
        }
        .await;
        Entity::new(ctx, "id", id.as_str(), found)
    }
}

//! The directory search and entity lookups.

use super::loader::{ExperienceKey, SolutionKey};
use super::types::{CustomerExperience, Solution};
use crate::domain::gsd::reads;
use crate::error::AppResult;
use crate::graphql::ContextExt;
use crate::graphql::entity::Entity;
use crate::graphql::ids::{Kind, decode};
use crate::graphql::pagination::{Cursor, keyset_page};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use entities::solutions;

#[derive(Default)]
pub struct GsdQuery;

#[Object]
impl GsdQuery {
    /// Search the Global Solutions Directory.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
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

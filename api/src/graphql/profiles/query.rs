//! Root queries and federation entity lookups of the profiles graph.

use super::loader::*;
use super::types::*;
use crate::auth::{Action, Target, ensure};
use crate::domain::Stored;
use crate::domain::profiles::model::{CorrectionStatus, MergeStatus, SkillTrack};
use crate::domain::profiles::reads;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::by_global_id;
use crate::graphql::demand;
use crate::graphql::entity::Entity;
use crate::graphql::ids::{Kind, decode};
use crate::graphql::pagination::{Cursor, QueueFields, after_id, page_size, queue_page};
use async_graphql::connection::{Connection, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object, SimpleObject};
use entities::{candidate_merge_requests, companies};

/// Extra fields of the companies connection.
pub struct CompanyConnectionFields {
    matching: reads::Companies,
}

#[Object]
impl CompanyConnectionFields {
    /// How many companies match the filter (counted only when asked for).
    async fn total_count(&self, ctx: &Context<'_>) -> AppResult<u64> {
        self.matching.count(&ctx.app()?.db).await
    }
}

/// A row of the points table: only skills listed here count toward the level.
#[derive(SimpleObject)]
pub struct SkillPoints {
    pub name: String,
    pub track: SkillTrack,
    pub points: i32,
}

#[derive(Default)]
pub struct ProfilesQuery;

#[Object]
impl ProfilesQuery {
    /// IBM's queue of candidate id merge requests, oldest first (SUBMITTED by default).
    /// IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn candidate_id_merge_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "MergeStatus::Submitted")] status: MergeStatus,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, CandidateIdMerge, QueueFields>> {
        let viewer = ctx.viewer();
        ensure(&viewer, Action::ReadChannelQueues, Target::Global)?;
        queue_page(
            ctx,
            reads::merge_requests(status),
            candidate_merge_requests::Column::Id,
            first,
            after,
            |m: candidate_merge_requests::Model| {
                Some((m.id, CandidateIdMerge::visible(&viewer, m)?))
            },
        )
        .await
    }

    /// IBM's queue of revenue correction requests, oldest first (SUBMITTED by default).
    /// IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn revenue_correction_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "CorrectionStatus::Submitted")] status: CorrectionStatus,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, RevenueCorrection, QueueFields>> {
        use entities::revenue_corrections as corrections;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let viewer = ctx.viewer();
        ensure(&viewer, Action::ReadChannelQueues, Target::Global)?;
        queue_page(
            ctx,
            corrections::Entity::find().filter(corrections::Column::Status.eq(status)),
            corrections::Column::Id,
            first,
            after,
            |c: corrections::Model| Some((c.id, RevenueCorrection::visible(&viewer, c)?)),
        )
        .await
    }

    /// A company by its global id or its `partnerWorldId` (exactly one of the two).
    async fn company(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        partner_world_id: Option<String>,
    ) -> AppResult<Option<Company>> {
        match (id, partner_world_id) {
            (Some(id), None) => {
                let row = decode(&id, Kind::Company, "id")?;
                Ok(ctx.loaders()?.load_one(CompanyKey(row)).await?.map(Company))
            }
            (None, Some(pw)) => company_by_partner_world_id(ctx, &pw).await,
            _ => Err(AppError::bad_input(
                "id",
                "give exactly one of `id` and `partnerWorldId`",
            )),
        }
    }

    /// Companies in a stable order (by creation), filtered, a bounded page at a time.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    async fn companies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<reads::CompanyFilter>,
    ) -> AppResult<Connection<Cursor, Company, CompanyConnectionFields>> {
        let app = ctx.app()?;
        let first = page_size(first, app.config.max_page_size)?;
        let after = after_id(after.as_deref())?;
        let matching = reads::Companies::matching(&filter.unwrap_or_default())?;
        let (rows, has_next) = crate::domain::reads::page(
            &app.db,
            matching.select(),
            companies::Column::Id,
            after,
            first,
        )
        .await?;
        let mut conn = Connection::with_additional_fields(
            after > 0,
            has_next,
            CompanyConnectionFields { matching },
        );
        conn.edges.extend(
            rows.into_iter()
                .map(|c| Edge::new(OpaqueCursor(c.id), Company(c))),
        );
        Ok(conn)
    }

    /// The points table. APA (of any company) and IBM_CHANNEL.
    async fn points_table(&self, ctx: &Context<'_>) -> AppResult<Vec<SkillPoints>> {
        ensure(&ctx.viewer(), Action::ReadLevelExplanation, Target::Global)?;
        reads::points_table(&ctx.app()?.db)
            .await?
            .into_iter()
            .map(|r| {
                Ok(SkillPoints {
                    track: Stored::from_db("skill_points.track", &r.track)?,
                    name: r.name,
                    points: r.points,
                })
            })
            .collect()
    }

    /// The signed-in caller's own person profile, if they have one.
    async fn me(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        let Some(id) = ctx.viewer().person_id() else {
            return Ok(None);
        };
        let row = ctx.loaders()?.load_one(PersonKey(id)).await?;
        Ok(row.and_then(|p| Person::visible(&ctx.viewer(), p)))
    }

    #[graphql(entity)]
    async fn find_company_by_id(&self, ctx: &Context<'_>, id: ID) -> Entity<Company> {
        let found: AppResult<Option<Company>> =
            async { by_global_id(ctx, &id, Kind::Company, CompanyKey, Company).await }.await;
        Entity::new(ctx, "id", id.as_str(), found)
    }

    #[graphql(entity)]
    async fn find_company_by_partner_world_id(
        &self,
        ctx: &Context<'_>,
        partner_world_id: String,
    ) -> Entity<Company> {
        let found: AppResult<Option<Company>> =
            async { company_by_partner_world_id(ctx, &partner_world_id).await }.await;
        Entity::new(ctx, "partnerWorldId", partner_world_id.as_str(), found)
    }

    #[graphql(entity)]
    async fn find_country_enterprise_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Entity<CountryEnterprise> {
        let found: AppResult<Option<CountryEnterprise>> = async {
            by_global_id(
                ctx,
                &id,
                Kind::CountryEnterprise,
                CountryEnterpriseKey,
                CountryEnterprise,
            )
            .await
        }
        .await;
        Entity::new(ctx, "id", id.as_str(), found)
    }

    #[graphql(entity)]
    async fn find_location_by_id(&self, ctx: &Context<'_>, id: ID) -> Entity<Location> {
        let found: AppResult<Option<Location>> =
            async { by_global_id(ctx, &id, Kind::Location, LocationKey, Location).await }.await;
        Entity::new(ctx, "id", id.as_str(), found)
    }

    #[graphql(entity)]
    async fn find_person_by_id(&self, ctx: &Context<'_>, id: ID) -> Entity<Person> {
        let found: AppResult<Option<Person>> = async {
            let Ok(row) = decode(&id, Kind::Person, "id") else {
                return Ok(None);
            };
            person(ctx, row).await
        }
        .await;
        Entity::new(ctx, "id", id.as_str(), found)
    }
}

async fn company_by_partner_world_id(ctx: &Context<'_>, pw: &str) -> AppResult<Option<Company>> {
    if pw.len() > 16 {
        return Ok(None);
    }
    Ok(ctx
        .loaders()?
        .load_one(CompanyByPartnerWorldId(pw.to_owned()))
        .await?
        .map(Company))
}

pub use super::types::person;

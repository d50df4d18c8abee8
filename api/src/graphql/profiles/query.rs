//! Root queries and federation entity lookups of the profiles graph.

use super::loader::*;
use super::types::*;
use crate::auth::{Action, Target, ensure};
use crate::domain::Stored;
use crate::domain::profiles::model::{MembershipLevel, PartnerType, SkillTrack};
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::by_global_id;
use crate::graphql::entity::Entity;
use crate::graphql::ids::{Kind, decode};
use crate::graphql::pagination::{Cursor, after_id, name_contains, page_size};
use async_graphql::connection::{Connection, Edge, OpaqueCursor};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entities::{companies, company_partner_types, country_enterprises, people, skill_points};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Filters of the `companies` connection; all given filters must match.
#[derive(InputObject, Default, Clone)]
pub struct CompanyFilter {
    /// Case-insensitive substring of the company name (at most 100 characters).
    pub name_contains: Option<String>,
    /// ISO 3166 alpha-2: companies with a country enterprise there.
    pub country: Option<String>,
    pub partner_type: Option<PartnerType>,
    /// The level in force.
    pub level: Option<MembershipLevel>,
}

impl CompanyFilter {
    fn condition(&self) -> AppResult<Condition> {
        let mut cond = Condition::all();
        if let Some(name) = &self.name_contains {
            cond = cond.add(name_contains(
                companies::Column::Name,
                name,
                "filter.nameContains",
            )?);
        }
        if let Some(country) = &self.country {
            if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(AppError::bad_input(
                    "filter.country",
                    "an ISO 3166 alpha-2 code in capitals, e.g. `DE`",
                ));
            }
            cond = cond.add(
                companies::Column::Id.in_subquery(
                    Query::select()
                        .column(country_enterprises::Column::CompanyId)
                        .from(country_enterprises::Entity)
                        .and_where(country_enterprises::Column::Country.eq(country.as_str()))
                        .take(),
                ),
            );
        }
        if let Some(t) = self.partner_type {
            cond = cond.add(
                companies::Column::Id.in_subquery(
                    Query::select()
                        .column(company_partner_types::Column::CompanyId)
                        .from(company_partner_types::Entity)
                        .and_where(company_partner_types::Column::PartnerType.eq(t.as_db()))
                        .take(),
                ),
            );
        }
        if let Some(level) = self.level {
            cond = cond.add(companies::Column::PartnerWorldLevel.eq(level.as_db()));
        }
        Ok(cond)
    }
}

/// Extra fields of the companies connection.
pub struct CompanyConnectionFields {
    condition: Condition,
}

#[Object]
impl CompanyConnectionFields {
    /// How many companies match the filter (counted only when asked for).
    async fn total_count(&self, ctx: &Context<'_>) -> AppResult<u64> {
        Ok(companies::Entity::find()
            .filter(self.condition.clone())
            .count(&ctx.app()?.db)
            .await?)
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
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn companies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<CompanyFilter>,
    ) -> AppResult<Connection<Cursor, Company, CompanyConnectionFields>> {
        let app = ctx.app()?;
        let first = page_size(first, app.config.max_page_size)?;
        let after = after_id(after.as_deref())?;
        let condition = filter.unwrap_or_default().condition()?;
        let mut rows = companies::Entity::find()
            .filter(condition.clone())
            .filter(companies::Column::Id.gt(after))
            .order_by_asc(companies::Column::Id)
            .limit(u64::from(first) + 1)
            .all(&app.db)
            .await?;
        let has_next = rows.len() > first as usize;
        rows.truncate(first as usize);
        let mut conn = Connection::with_additional_fields(
            after > 0,
            has_next,
            CompanyConnectionFields { condition },
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
        skill_points::Entity::find()
            .order_by_asc(skill_points::Column::Name)
            .all(&ctx.app()?.db)
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

/// A person looked up by row id: None both for an id that names nobody and for a person
/// the caller may not see (the same answer, so ids reveal nothing).
pub async fn person(ctx: &Context<'_>, row: i64) -> AppResult<Option<Person>> {
    let found: Option<people::Model> = ctx.loaders()?.load_one(PersonKey(row)).await?;
    Ok(found.and_then(|p| Person::visible(&ctx.viewer(), p)))
}

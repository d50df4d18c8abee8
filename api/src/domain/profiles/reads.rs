//! The profile reads the graph filters and pages with.

use super::model::{MembershipLevel, PartnerType};
use crate::domain::reads::name_contains;
use crate::error::{AppError, AppResult};
use entities::{companies, company_partner_types, country_enterprises, skill_points};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Select,
};

/// Filters of the `companies` connection; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct CompanyFilter {
    /// Case-insensitive substring of the company name (at most 100 characters).
    pub name_contains: Option<String>,
    /// ISO 3166 alpha-2: companies with a country enterprise there.
    pub country: Option<String>,
    pub partner_type: Option<PartnerType>,
    /// The level in force.
    pub level: Option<MembershipLevel>,
}

/// Companies matching a filter, validated once: the page and its count read the same set.
#[derive(Debug, Clone)]
pub struct Companies(Condition);

impl Companies {
    pub fn matching(filter: &CompanyFilter) -> AppResult<Self> {
        let mut cond = Condition::all();
        if let Some(name) = &filter.name_contains {
            cond = cond.add(name_contains(
                companies::Column::Name,
                name,
                "filter.nameContains",
            )?);
        }
        if let Some(country) = &filter.country {
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
        if let Some(t) = filter.partner_type {
            cond = cond.add(
                companies::Column::Id.in_subquery(
                    Query::select()
                        .column(company_partner_types::Column::CompanyId)
                        .from(company_partner_types::Entity)
                        .and_where(company_partner_types::Column::PartnerType.eq(t))
                        .take(),
                ),
            );
        }
        if let Some(level) = filter.level {
            cond = cond.add(companies::Column::PartnerWorldLevel.eq(level));
        }
        Ok(Self(cond))
    }

    pub fn select(&self) -> Select<companies::Entity> {
        companies::Entity::find().filter(self.0.clone())
    }

    pub async fn count<C: ConnectionTrait>(&self, db: &C) -> AppResult<u64> {
        Ok(self.select().count(db).await?)
    }
}

/// The points table, by skill name.
pub async fn points_table<C: ConnectionTrait>(db: &C) -> AppResult<Vec<skill_points::Model>> {
    Ok(skill_points::Entity::find()
        .order_by_asc(skill_points::Column::Name)
        .all(db)
        .await?)
}

//! The profile reads the graph filters and pages with.

use super::level::{Criterion, CriterionKind, HeldSkill, LevelInputs, Track};
use super::model::{
    CriterionKind as ModelCriterionKind, MembershipLevel, PartnerType, PersonStatus, SkillTrack,
};
use crate::domain::gsd::model::ExperienceStatus;
use crate::domain::reads::name_contains;
use crate::error::{AppError, AppResult};
use entities::{
    companies, company_partner_types, country_enterprises, customer_experiences, people,
    skill_points, solutions,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};
use std::collections::HashMap;

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

#[derive(Debug, FromQueryResult)]
struct SkillRow {
    company_id: i64,
    person_id: i64,
    name: String,
    expires_on: Option<chrono::NaiveDate>,
    points: Option<i32>,
    table_track: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct SolutionRow {
    company_id: i64,
    name: String,
}

/// The points table's track, as the level rules name it. One source for the track shown
/// and the track counted: the points table's row (domain.md §1).
fn track(s: &str) -> Track {
    if s == SkillTrack::Sales {
        Track::Sales
    } else {
        Track::Technical
    }
}

/// Everything the level rules read, for a batch of companies: their flags, the skills of
/// their active people with each skill's row in the points table, their attainments, and
/// their solutions with an approved customer experience.
pub async fn level_inputs<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<HashMap<i64, LevelInputs>, sea_orm::DbErr> {
    use entities::{certifications as cert, company_attainments, skill_points};

    let companies = companies::Entity::find()
        .filter(companies::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let isv: Vec<i64> = company_partner_types::Entity::find()
        .filter(company_partner_types::Column::CompanyId.is_in(ids.iter().copied()))
        .filter(company_partner_types::Column::PartnerType.eq(PartnerType::Isv))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.company_id)
        .collect();
    // Skills of active people, with their row in the points table if listed.
    let skills = cert::Entity::find()
        .select_only()
        .column_as(people::Column::CompanyId, "company_id")
        .column(cert::Column::PersonId)
        .column(cert::Column::Name)
        .column(cert::Column::ExpiresOn)
        .column_as(skill_points::Column::Points, "points")
        .column_as(skill_points::Column::Track, "table_track")
        .join(JoinType::InnerJoin, cert::Relation::People.def())
        .join(
            JoinType::LeftJoin,
            sea_orm::RelationDef::from(
                cert::Entity::belongs_to(skill_points::Entity)
                    .from(cert::Column::Name)
                    .to(skill_points::Column::Name),
            ),
        )
        .filter(people::Column::CompanyId.is_in(ids.iter().copied()))
        .filter(people::Column::Status.eq(PersonStatus::Active))
        .order_by_asc(cert::Column::Id)
        .into_model::<SkillRow>()
        .all(db)
        .await?;
    let attainments = company_attainments::Entity::find()
        .filter(company_attainments::Column::CompanyId.is_in(ids.iter().copied()))
        .order_by_asc(company_attainments::Column::Id)
        .all(db)
        .await?;
    let solutions = solutions::Entity::find()
        .select_only()
        .column(solutions::Column::CompanyId)
        .column(solutions::Column::Name)
        .filter(solutions::Column::CompanyId.is_in(ids.iter().copied()))
        .filter(
            solutions::Column::Id.in_subquery(
                Query::select()
                    .column(customer_experiences::Column::SolutionId)
                    .from(customer_experiences::Entity)
                    .and_where(customer_experiences::Column::Status.eq(ExperienceStatus::Approved))
                    .take(),
            ),
        )
        .order_by_asc(solutions::Column::Id)
        .into_model::<SolutionRow>()
        .all(db)
        .await?;

    let mut out: HashMap<i64, LevelInputs> = HashMap::new();
    for c in companies {
        out.insert(
            c.id,
            LevelInputs {
                is_isv: isv.contains(&c.id),
                isv_premier_invited: c.isv_premier_invited,
                partner_plan_approved: c.partner_plan_approved,
                partner_plan_valid_until: c.partner_plan_valid_until,
                ..Default::default()
            },
        );
    }
    for s in skills {
        if let Some(i) = out.get_mut(&s.company_id) {
            let listed = match (s.points, s.table_track.as_deref().map(track)) {
                (Some(p), Some(t)) => Some((p, t)),
                _ => None,
            };
            i.skills.push(HeldSkill {
                person_id: s.person_id,
                name: s.name,
                expires_on: s.expires_on,
                listed,
            });
        }
    }
    for a in attainments {
        if let Some(i) = out.get_mut(&a.company_id) {
            let kind = if a.criterion == ModelCriterionKind::CustomerSatisfaction {
                CriterionKind::CustomerSatisfaction
            } else {
                CriterionKind::RevenueAttainment
            };
            i.attainments.push(Criterion {
                kind,
                description: a.description,
                points: a.points,
                track: None,
                expires_on: a.expires_on,
                person_id: None,
            });
        }
    }
    for s in solutions {
        if let Some(i) = out.get_mut(&s.company_id) {
            i.approved_solutions.push(s.name);
        }
    }
    Ok(out)
}

/// Candidate id merge requests in `status`, oldest first: IBM's queue.
pub fn merge_requests(
    status: super::model::MergeStatus,
) -> Select<entities::candidate_merge_requests::Entity> {
    use entities::candidate_merge_requests as m;
    m::Entity::find()
        .filter(m::Column::Status.eq(status))
        .order_by_asc(m::Column::Id)
}

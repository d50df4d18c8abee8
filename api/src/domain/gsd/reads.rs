//! The directory search.

use super::model::{NominationStatus, TagKind};
use crate::domain::reads::name_contains;
use crate::error::AppResult;
use entities::{solution_tags, solutions, validation_nominations};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};

/// Directory search filters; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct SolutionFilter {
    pub name_contains: Option<String>,
    pub industry: Option<String>,
    pub middleware: Option<String>,
    pub hardware: Option<String>,
    pub in_showcase: Option<bool>,
    /// Solutions IBM validated technically (a VALIDATED nomination), or those it did not.
    pub technically_validated: Option<bool>,
}

fn tagged(kind: TagKind, value: &str) -> Condition {
    Condition::all().add(
        solutions::Column::Id.in_subquery(
            Query::select()
                .column(solution_tags::Column::SolutionId)
                .from(solution_tags::Entity)
                .and_where(solution_tags::Column::Kind.eq(kind))
                .and_where(solution_tags::Column::Value.eq(value.trim().to_ascii_uppercase()))
                .take(),
        ),
    )
}

/// The solutions a search finds (every solution is public in the directory).
pub fn solutions(f: &SolutionFilter) -> AppResult<Select<solutions::Entity>> {
    let mut cond = Condition::all();
    if let Some(name) = &f.name_contains {
        cond = cond.add(name_contains(
            solutions::Column::Name,
            name,
            "filter.nameContains",
        )?);
    }
    for (kind, value) in [
        (TagKind::Industry, &f.industry),
        (TagKind::Middleware, &f.middleware),
        (TagKind::Hardware, &f.hardware),
    ] {
        if let Some(v) = value {
            cond = cond.add(tagged(kind, v));
        }
    }
    if let Some(s) = f.in_showcase {
        cond = cond.add(solutions::Column::InShowcase.eq(s));
    }
    if let Some(v) = f.technically_validated {
        let validated = Query::select()
            .column(validation_nominations::Column::SolutionId)
            .from(validation_nominations::Entity)
            .and_where(validation_nominations::Column::Status.eq(NominationStatus::Validated))
            .take();
        cond = cond.add(if v {
            solutions::Column::Id.in_subquery(validated)
        } else {
            solutions::Column::Id.not_in_subquery(validated)
        });
    }
    Ok(solutions::Entity::find().filter(cond))
}

/// Nominations in `status`, oldest first: IBM's queue.
pub fn nominations(status: NominationStatus) -> Select<validation_nominations::Entity> {
    validation_nominations::Entity::find().filter(validation_nominations::Column::Status.eq(status))
}

/// Customer experiences in `status`, oldest first: IBM's queue.
pub fn experiences(
    status: super::model::ExperienceStatus,
) -> Select<entities::customer_experiences::Entity> {
    entities::customer_experiences::Entity::find()
        .filter(entities::customer_experiences::Column::Status.eq(status))
}

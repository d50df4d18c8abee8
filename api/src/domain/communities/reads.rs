//! Community lists and lookups. Communities themselves are listed to everyone; their
//! members are not (see `service::may_list_members`).

use crate::error::AppResult;
use entities::communities;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

/// Every community, or those whose name holds `search` (case-insensitive, literal).
pub fn all(search: Option<&str>) -> AppResult<Select<communities::Entity>> {
    let select = communities::Entity::find();
    Ok(match search {
        Some(s) => select.filter(crate::domain::reads::name_contains(
            communities::Column::Name,
            s,
            "search",
        )?),
        None => select,
    })
}

/// The communities a person belongs to (active), has asked to join, or is invited to.
pub fn of_person(person: i64) -> Select<communities::Entity> {
    use entities::community_members as members;
    communities::Entity::find().filter(
        communities::Column::Id.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(members::Column::CommunityId)
                .from(members::Entity)
                .and_where(members::Column::PersonId.eq(person))
                .take(),
        ),
    )
}

/// A community by its slug (lowercase; surrounding blanks ignored).
pub async fn by_slug<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> AppResult<Option<communities::Model>> {
    Ok(communities::Entity::find()
        .filter(communities::Column::Slug.eq(slug.trim().to_ascii_lowercase()))
        .one(db)
        .await?)
}

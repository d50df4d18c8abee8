//! Community lists and lookups. Communities themselves are listed to everyone; their
//! members are not (see `service::may_list_members`).

use crate::error::AppResult;
use entities::communities;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

pub fn all() -> Select<communities::Entity> {
    communities::Entity::find()
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

//! The leads IBM's channel team works through.

use super::model::OpportunityStatus;
use entities::opportunities;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

/// Every lead, or only those still open.
pub fn leads(open_only: bool) -> Select<opportunities::Entity> {
    let select = opportunities::Entity::find();
    if open_only {
        select.filter(opportunities::Column::Status.eq(OpportunityStatus::Open))
    } else {
        select
    }
}

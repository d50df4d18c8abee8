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

/// The leads of a company (passed to it, or registered by it), oldest first.
pub fn of_company(
    company: i64,
    statuses: Option<&[OpportunityStatus]>,
) -> Select<opportunities::Entity> {
    let select =
        opportunities::Entity::find().filter(opportunities::Column::PassedToCompanyId.eq(company));
    match statuses {
        Some(s) => select.filter(opportunities::Column::Status.is_in(s.iter().map(|s| s.as_db()))),
        None => select,
    }
}

//! The site reports: customers, renewal line items, orders. Each is one site's rows; the
//! matrix check (REPORTING) is the caller's, before any of these run.

use super::model::{RenewalStatus, SiteId};
use chrono::NaiveDate;
use entities::{orders, pao_customers, renewal_line_items, sites};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

#[derive(Debug, Default, Clone)]
pub struct CustomerFilter {
    pub agreement_number: Option<String>,
    pub customer_number: Option<String>,
}

pub fn customers(site: SiteId, f: CustomerFilter) -> Select<pao_customers::Entity> {
    let mut q = pao_customers::Entity::find().filter(pao_customers::Column::SiteId.eq(site));
    if let Some(a) = f.agreement_number {
        q = q.filter(pao_customers::Column::AgreementNumber.eq(a));
    }
    if let Some(c) = f.customer_number {
        q = q.filter(pao_customers::Column::CustomerNumber.eq(c));
    }
    q
}

/// Filters of the renewal report; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct RenewalFilter {
    /// Renewal date on or after.
    pub from: Option<NaiveDate>,
    /// Renewal date on or before.
    pub to: Option<NaiveDate>,
    pub agreement_number: Option<String>,
    pub quote_number: Option<String>,
}

/// The site's active renewal line items.
pub fn renewal_line_items(site: SiteId, f: RenewalFilter) -> Select<renewal_line_items::Entity> {
    let mut q = renewal_line_items::Entity::find()
        .filter(renewal_line_items::Column::SiteId.eq(site))
        .filter(renewal_line_items::Column::Status.eq(RenewalStatus::Active));
    if let Some(d) = f.from {
        q = q.filter(renewal_line_items::Column::RenewalDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(renewal_line_items::Column::RenewalDate.lte(d));
    }
    if let Some(a) = f.agreement_number {
        q = q.filter(renewal_line_items::Column::AgreementNumber.eq(a));
    }
    if let Some(n) = f.quote_number {
        q = q.filter(renewal_line_items::Column::QuoteNumber.eq(n));
    }
    q
}

/// The site's orders, ordered between `from` and `to` (inclusive) when given.
pub fn orders(
    site: SiteId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Select<orders::Entity> {
    let mut q = orders::Entity::find().filter(orders::Column::SiteId.eq(site));
    if let Some(d) = from {
        q = q.filter(orders::Column::OrderedOn.gte(d));
    }
    if let Some(d) = to {
        q = q.filter(orders::Column::OrderedOn.lte(d));
    }
    q
}

/// A site by its number (as printed on PAO pages: surrounding blanks ignored).
/// The accesses `ibm_id` holds, one per site, in site-number order.
pub async fn sites_of<C: ConnectionTrait>(
    db: &C,
    ibm_id: &str,
) -> crate::error::AppResult<Vec<entities::site_users::Model>> {
    use entities::site_users;
    use sea_orm::{JoinType, QueryOrder, QuerySelect, RelationTrait};
    Ok(site_users::Entity::find()
        .join(JoinType::InnerJoin, site_users::Relation::Sites.def())
        .filter(site_users::Column::IbmId.eq(ibm_id.trim().to_ascii_lowercase()))
        .order_by_asc(sites::Column::SiteNumber)
        .all(db)
        .await?)
}

pub async fn site_by_number<C: ConnectionTrait>(
    db: &C,
    site_number: &str,
) -> crate::error::AppResult<Option<sites::Model>> {
    Ok(sites::Entity::find()
        .filter(sites::Column::SiteNumber.eq(site_number.trim()))
        .one(db)
        .await?)
}

//! The site reports: customers, renewal line items, orders. Each is one site's rows; the
//! matrix check (REPORTING) is the caller's, before any of these run.

use super::model::{EnrollmentType, RenewalStatus, SiteId};
use crate::domain::reads::folded_prefix;
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use entities::{pao_customers, renewal_line_items, sites};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select};

/// Filters of the customer report; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct CustomerFilter {
    /// The customer's agreement number, exactly.
    pub agreement_number: Option<String>,
    /// The customer's site number, exactly.
    pub customer_number: Option<String>,
    /// The start of the customer's name, ignoring case and accents ("cafe" finds "Café").
    pub name_prefix: Option<String>,
    /// ISO 3166 alpha-2 country or region.
    pub country: Option<String>,
    pub enrollment: Option<EnrollmentType>,
    /// 1 (January) to 12.
    pub anniversary_month: Option<i32>,
}

/// The conditions of a customer filter, on `pao_customers` columns.
fn customer_conditions(f: CustomerFilter, field: &'static str) -> AppResult<Condition> {
    let mut c = Condition::all();
    if let Some(a) = f.agreement_number {
        c = c.add(pao_customers::Column::AgreementNumber.eq(a.trim()));
    }
    if let Some(n) = f.customer_number {
        c = c.add(pao_customers::Column::CustomerNumber.eq(n.trim()));
    }
    if let Some(p) = f.name_prefix.filter(|p| !p.trim().is_empty()) {
        c = c.add(folded_prefix(pao_customers::Column::NameKey, &p, field)?);
    }
    if let Some(country) = f.country {
        c = c.add(pao_customers::Column::Country.eq(self::country(&country, field)?));
    }
    if let Some(e) = f.enrollment {
        c = c.add(pao_customers::Column::Enrollment.eq(e));
    }
    if let Some(m) = f.anniversary_month {
        if !(1..=12).contains(&m) {
            return Err(AppError::bad_input(
                field,
                "anniversaryMonth: a month, 1 to 12",
            ));
        }
        c = c.add(pao_customers::Column::AnniversaryMonth.eq(m));
    }
    Ok(c)
}

/// An ISO 3166 alpha-2 country or region as a filter gives it: blanks and case ignored.
pub fn country(text: &str, field: &'static str) -> AppResult<String> {
    let country = text.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(AppError::bad_input(
            field,
            "country: an ISO 3166 alpha-2 code, e.g. DE",
        ));
    }
    Ok(country)
}

/// The ids of the site's customers that match `f`, as a subquery.
pub fn matching_customers(
    site: SiteId,
    f: CustomerFilter,
    field: &'static str,
) -> AppResult<sea_orm::sea_query::SelectStatement> {
    use sea_orm::sea_query::Query;
    Ok(Query::select()
        .column(pao_customers::Column::Id)
        .from(pao_customers::Entity)
        .and_where(pao_customers::Column::SiteId.eq(site))
        .cond_where(customer_conditions(f, field)?)
        .take())
}

pub fn customers(site: SiteId, f: CustomerFilter) -> AppResult<Select<pao_customers::Entity>> {
    Ok(pao_customers::Entity::find()
        .filter(pao_customers::Column::SiteId.eq(site))
        .filter(customer_conditions(f, "filter")?))
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
    /// The start of the customer site's name, ignoring case and accents.
    pub site_name_prefix: Option<String>,
    /// true: only Committed Term License line items; false: only the others.
    pub committed_term_license: Option<bool>,
}

/// The site's active renewal line items.
pub fn renewal_line_items(
    site: SiteId,
    f: RenewalFilter,
) -> AppResult<Select<renewal_line_items::Entity>> {
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
    if let Some(p) = f.site_name_prefix.filter(|p| !p.trim().is_empty()) {
        let by_name = CustomerFilter {
            name_prefix: Some(p),
            ..Default::default()
        };
        q = q.filter(
            renewal_line_items::Column::CustomerId.in_subquery(matching_customers(
                site,
                by_name,
                "filter.siteNamePrefix",
            )?),
        );
    }
    if let Some(ctl) = f.committed_term_license {
        q = q.filter(renewal_line_items::Column::CommittedTerm.eq(ctl));
    }
    Ok(q)
}

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

/// A site by its number (as printed on PAO pages: surrounding blanks ignored).
pub async fn site_by_number<C: ConnectionTrait>(
    db: &C,
    site_number: &str,
) -> crate::error::AppResult<Option<sites::Model>> {
    Ok(sites::Entity::find()
        .filter(sites::Column::SiteNumber.eq(site_number.trim()))
        .one(db)
        .await?)
}

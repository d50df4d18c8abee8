//! The site report families (domain.md §6), each declared once: its rows, its filter, the
//! statement that selects one site's rows, and the columns of its high-level and detailed
//! files. The graph pages through a family with [`Report::select`] in row-id order; a
//! download walks the same statement in keyset chunks and writes [`Report::values`]. So a
//! page and its file cannot disagree about which rows a filter matches, and a family
//! cannot exist without its file.
//!
//! Who may read a report is the caller's check (REPORTING on the site, its primary,
//! IBM_CHANNEL), made before any of these run.

use super::model::{
    DownloadVariant, FulfillmentStatus, LicenseChange, Offering, OrderKind, PriceKind, Pricing,
    RenewalStatus, SiteId,
};
use super::reads::{self, CustomerFilter, RenewalFilter};
use crate::domain::money::Money;
use crate::error::{AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use entities::{
    authorizations, order_lines, orders, pao_customers, pao_end_users, price_parts,
    renewal_line_items, renewal_price_notices, saas_overages, saas_provisioning_elements,
    saas_subscriptions, sites, subscription_license_updates,
};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter, Select};

/// What a report is read for: the site, and the day it is read as of (today unless the
/// filter names another).
pub struct Scope<'a> {
    pub site: &'a sites::Model,
    pub as_of: NaiveDate,
}

impl Scope<'_> {
    fn site_id(&self) -> SiteId {
        SiteId(self.site.id)
    }
}

/// One report family.
pub trait Report: 'static {
    /// Its name in a download address: `/sites/{siteNumber}/reports/{NAME}.csv`.
    const NAME: &'static str;
    type Entity: EntityTrait<Model = Self::Row>;
    type Row: FromQueryResult + Send + Sync + 'static;
    type Filter: async_graphql::InputType + Default + Send;
    /// The file's columns, each with whether the high-level file has it.
    const COLUMNS: &'static [(&'static str, bool)];

    fn id_column() -> <Self::Entity as EntityTrait>::Column;
    fn id(row: &Self::Row) -> i64;
    /// The day the report is read as of, when the filter names one.
    fn as_of(_filter: &Self::Filter) -> Option<NaiveDate> {
        None
    }
    /// The site's rows that match `filter`, in any order (the caller orders by id).
    fn select(scope: &Scope<'_>, filter: Self::Filter) -> AppResult<Select<Self::Entity>>;
    /// Every column's value, in `COLUMNS` order.
    fn values(scope: &Scope<'_>, row: &Self::Row) -> AppResult<Vec<String>>;
}

/// The rows of a family: a table keyed by its 64-bit `id`.
macro_rules! rows_of {
    ($table:ident) => {
        type Entity = $table::Entity;
        type Row = $table::Model;
        fn id_column() -> $table::Column {
            $table::Column::Id
        }
        fn id(row: &$table::Model) -> i64 {
            row.id
        }
    };
}

/// The header of a file of `R` in `variant`.
pub fn header<R: Report>(variant: DownloadVariant) -> Vec<&'static str> {
    R::COLUMNS
        .iter()
        .filter(|(_, high)| variant == DownloadVariant::Detailed || *high)
        .map(|(name, _)| *name)
        .collect()
}

/// One record of a file of `R` in `variant`.
pub fn record<R: Report>(
    scope: &Scope<'_>,
    row: &R::Row,
    variant: DownloadVariant,
) -> AppResult<Vec<String>> {
    let values = R::values(scope, row)?;
    Ok(R::COLUMNS
        .iter()
        .zip(values)
        .filter(|((_, high), _)| variant == DownloadVariant::Detailed || *high)
        .map(|(_, v)| v)
        .collect())
}

fn amount(minor: i64, currency: &str) -> AppResult<String> {
    Ok(Money::stored(minor, currency)?.amount().to_string())
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

fn range<C: ColumnTrait>(
    c: Condition,
    col: C,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    field: &'static str,
) -> AppResult<Condition> {
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(AppError::bad_input(field, "`from` is after `to`"));
    }
    let mut c = c;
    if let Some(f) = from {
        c = c.add(col.gte(f));
    }
    if let Some(t) = to {
        c = c.add(col.lte(t));
    }
    Ok(c)
}

/// `customer_id IN (the site's customers matching f)`, when a customer filter is given.
fn of_customers<C: ColumnTrait>(
    c: Condition,
    col: C,
    site: SiteId,
    f: Option<CustomerFilter>,
    field: &'static str,
) -> AppResult<Condition> {
    Ok(match f {
        Some(f) => c.add(col.in_subquery(reads::matching_customers(site, f, field)?)),
        None => c,
    })
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------------------------------
// Customers, renewals, orders.

pub struct Customers;

impl Report for Customers {
    const NAME: &'static str = "customers";
    rows_of!(pao_customers);
    type Filter = CustomerFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("customer_number", true),
        ("name", true),
        ("agreement_number", true),
        ("country", true),
        ("enrollment", false),
        ("anniversary_month", false),
    ];
    fn select(scope: &Scope<'_>, f: CustomerFilter) -> AppResult<Select<Self::Entity>> {
        reads::customers(scope.site_id(), f)
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.customer_number.clone(),
            r.name.clone(),
            r.agreement_number.clone(),
            r.country.clone(),
            r.enrollment.clone(),
            r.anniversary_month.to_string(),
        ])
    }
}

const RENEWAL_COLUMNS: &[(&str, bool)] = &[
    ("agreement_number", true),
    ("quote_number", true),
    ("part_number", true),
    ("description", false),
    ("renewal_date", true),
    ("quantity", false),
    ("amount", true),
    ("currency", true),
    ("committed_term_license", false),
];

fn renewal_values(r: &renewal_line_items::Model) -> AppResult<Vec<String>> {
    Ok(vec![
        r.agreement_number.clone(),
        opt(&r.quote_number),
        r.part_number.clone(),
        r.description.clone(),
        r.renewal_date.to_string(),
        r.quantity.to_string(),
        amount(r.amount_cents, &r.currency)?,
        r.currency.clone(),
        r.committed_term.to_string(),
    ])
}

pub struct RenewalLineItems;

impl Report for RenewalLineItems {
    const NAME: &'static str = "renewal-line-items";
    rows_of!(renewal_line_items);
    type Filter = RenewalFilter;
    const COLUMNS: &'static [(&'static str, bool)] = RENEWAL_COLUMNS;
    fn select(scope: &Scope<'_>, f: RenewalFilter) -> AppResult<Select<Self::Entity>> {
        reads::renewal_line_items(scope.site_id(), f)
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        renewal_values(r)
    }
}

/// The 180-day report: what renews in the next days, as of a day.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct UpcomingRenewalFilter {
    /// The day the window starts; today when omitted.
    pub as_of: Option<NaiveDate>,
    /// The window's length in days, 1 to 180; 180 when omitted.
    pub days: Option<i32>,
    pub customer: Option<CustomerFilter>,
    /// true: only Committed Term License line items; false: only the others.
    pub committed_term_license: Option<bool>,
}

/// The 180-day report.
pub struct UpcomingRenewals;

impl UpcomingRenewals {
    pub const MAX_DAYS: i32 = 180;
}

impl Report for UpcomingRenewals {
    const NAME: &'static str = "renewals-180-days";
    rows_of!(renewal_line_items);
    type Filter = UpcomingRenewalFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("agreement_number", true),
        ("quote_number", true),
        ("part_number", true),
        ("description", false),
        ("renewal_date", true),
        ("days_until_renewal", true),
        ("quantity", false),
        ("amount", true),
        ("currency", true),
        ("committed_term_license", false),
    ];
    fn as_of(f: &Self::Filter) -> Option<NaiveDate> {
        f.as_of
    }
    fn select(scope: &Scope<'_>, f: UpcomingRenewalFilter) -> AppResult<Select<Self::Entity>> {
        let days = f.days.unwrap_or(Self::MAX_DAYS);
        if !(1..=Self::MAX_DAYS).contains(&days) {
            return Err(AppError::bad_input("filter.days", "1 to 180 days"));
        }
        let until = scope.as_of + chrono::Days::new(days as u64);
        let mut c = Condition::all()
            .add(renewal_line_items::Column::SiteId.eq(scope.site.id))
            .add(renewal_line_items::Column::Status.eq(RenewalStatus::Active))
            .add(renewal_line_items::Column::RenewalDate.gte(scope.as_of))
            .add(renewal_line_items::Column::RenewalDate.lte(until));
        c = of_customers(
            c,
            renewal_line_items::Column::CustomerId,
            scope.site_id(),
            f.customer,
            "filter.customer",
        )?;
        if let Some(ctl) = f.committed_term_license {
            c = c.add(renewal_line_items::Column::CommittedTerm.eq(ctl));
        }
        Ok(renewal_line_items::Entity::find().filter(c))
    }
    fn values(scope: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        let mut v = renewal_values(r)?;
        v.insert(5, days_until(scope, r.renewal_date).to_string());
        Ok(v)
    }
}

/// Days from the scope's day to `day`.
pub fn days_until(scope: &Scope<'_>, day: NaiveDate) -> i64 {
    (day - scope.as_of).num_days()
}

/// Filters of the order history; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct OrderFilter {
    /// Ordered on or after.
    pub from: Option<NaiveDate>,
    /// Ordered on or before.
    pub to: Option<NaiveDate>,
    /// The ordering customer: by agreement, customer site number or attributes.
    pub customer: Option<CustomerFilter>,
    /// Software (PA / PA Express customers) or Cloud Services.
    pub offering: Option<Offering>,
    pub kind: Option<OrderKind>,
}

fn order_condition(site: SiteId, f: OrderFilter) -> AppResult<Condition> {
    let mut c = Condition::all().add(orders::Column::SiteId.eq(site));
    c = range(c, orders::Column::OrderedOn, f.from, f.to, "filter")?;
    c = of_customers(
        c,
        orders::Column::CustomerId,
        site,
        f.customer,
        "filter.customer",
    )?;
    if let Some(o) = f.offering {
        c = c.add(orders::Column::Offering.eq(o));
    }
    if let Some(k) = f.kind {
        c = c.add(orders::Column::Kind.eq(k));
    }
    Ok(c)
}

/// The order history's summary: one row per order.
pub struct Orders;

impl Report for Orders {
    const NAME: &'static str = "orders";
    rows_of!(orders);
    type Filter = OrderFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("order_number", true),
        ("ordered_on", true),
        ("offering", true),
        ("kind", false),
        ("status", true),
        ("amount", true),
        ("currency", true),
    ];
    fn select(scope: &Scope<'_>, f: OrderFilter) -> AppResult<Select<Self::Entity>> {
        Ok(orders::Entity::find().filter(order_condition(scope.site_id(), f)?))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.order_number.clone(),
            r.ordered_on.to_string(),
            r.offering.clone(),
            r.kind.clone(),
            r.status.clone(),
            amount(r.amount_cents, &r.currency)?,
            r.currency.clone(),
        ])
    }
}

/// The order history's detail: one row per order line, of the orders the filter matches.
pub struct OrderLines;

impl Report for OrderLines {
    const NAME: &'static str = "order-lines";
    rows_of!(order_lines);
    type Filter = OrderFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("order_number", true),
        ("ordered_on", true),
        ("part_number", true),
        ("description", true),
        ("quantity", true),
        ("amount", true),
        ("currency", true),
    ];
    fn select(scope: &Scope<'_>, f: OrderFilter) -> AppResult<Select<Self::Entity>> {
        let site = scope.site_id();
        let matching: SelectStatement = Query::select()
            .column(orders::Column::Id)
            .from(orders::Entity)
            .cond_where(order_condition(site, f)?)
            .take();
        Ok(order_lines::Entity::find()
            .filter(order_lines::Column::SiteId.eq(site))
            .filter(order_lines::Column::OrderId.in_subquery(matching)))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.order_number.clone(),
            r.ordered_on.to_string(),
            r.part_number.clone(),
            r.description.clone(),
            r.quantity.to_string(),
            amount(r.amount_minor, &r.currency)?,
            r.currency.clone(),
        ])
    }
}

// ---------------------------------------------------------------------------------------
// End users.

/// Filters of the end-user customer report; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct EndUserFilter {
    pub end_user_number: Option<String>,
    /// The start of the end user's name, ignoring case and accents.
    pub name_prefix: Option<String>,
    /// ISO 3166 alpha-2 country or region.
    pub country: Option<String>,
    /// The PA customer the end user is served under.
    pub customer: Option<CustomerFilter>,
}

pub struct EndUsers;

impl Report for EndUsers {
    const NAME: &'static str = "end-users";
    rows_of!(pao_end_users);
    type Filter = EndUserFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("end_user_number", true),
        ("name", true),
        ("country", true),
        ("city", false),
        ("industry", false),
        ("last_order_on", true),
    ];
    fn select(scope: &Scope<'_>, f: EndUserFilter) -> AppResult<Select<Self::Entity>> {
        let mut c = Condition::all().add(pao_end_users::Column::SiteId.eq(scope.site.id));
        if let Some(n) = trimmed(f.end_user_number) {
            c = c.add(pao_end_users::Column::EndUserNumber.eq(n));
        }
        if let Some(p) = trimmed(f.name_prefix) {
            c = c.add(crate::domain::reads::folded_prefix(
                pao_end_users::Column::NameKey,
                &p,
                "filter.namePrefix",
            )?);
        }
        if let Some(country) = f.country {
            c = c.add(
                pao_end_users::Column::Country.eq(reads::country(&country, "filter.country")?),
            );
        }
        c = of_customers(
            c,
            pao_end_users::Column::CustomerId,
            scope.site_id(),
            f.customer,
            "filter.customer",
        )?;
        Ok(pao_end_users::Entity::find().filter(c))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.end_user_number.clone(),
            r.name.clone(),
            r.country.clone(),
            r.city.clone(),
            r.industry.clone(),
            opt(&r.last_order_on),
        ])
    }
}

// ---------------------------------------------------------------------------------------
// SaaS: fulfillment status, provisioning data elements, Suppressed Overage, license updates.

/// Filters of the SaaS fulfillment status report; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct SaasSubscriptionFilter {
    pub subscription_number: Option<String>,
    /// Any of these states.
    pub status: Option<Vec<FulfillmentStatus>>,
    /// Ordered on or after.
    pub from: Option<NaiveDate>,
    /// Ordered on or before.
    pub to: Option<NaiveDate>,
    pub customer: Option<CustomerFilter>,
}

pub struct SaasFulfillment;

impl Report for SaasFulfillment {
    const NAME: &'static str = "saas-fulfillment";
    rows_of!(saas_subscriptions);
    type Filter = SaasSubscriptionFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("subscription_number", true),
        ("part_number", true),
        ("description", false),
        ("quantity", false),
        ("fulfillment_status", true),
        ("ordered_on", true),
        ("fulfilled_on", true),
        ("term_end", false),
        ("monthly_amount", false),
        ("currency", false),
    ];
    fn select(scope: &Scope<'_>, f: SaasSubscriptionFilter) -> AppResult<Select<Self::Entity>> {
        let mut c = Condition::all().add(saas_subscriptions::Column::SiteId.eq(scope.site.id));
        if let Some(n) = trimmed(f.subscription_number) {
            c = c.add(saas_subscriptions::Column::SubscriptionNumber.eq(n));
        }
        if let Some(states) = f.status {
            c = c.add(
                saas_subscriptions::Column::FulfillmentStatus
                    .is_in(states.into_iter().map(FulfillmentStatus::as_db)),
            );
        }
        c = range(
            c,
            saas_subscriptions::Column::OrderedOn,
            f.from,
            f.to,
            "filter",
        )?;
        c = of_customers(
            c,
            saas_subscriptions::Column::CustomerId,
            scope.site_id(),
            f.customer,
            "filter.customer",
        )?;
        Ok(saas_subscriptions::Entity::find().filter(c))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.subscription_number.clone(),
            r.part_number.clone(),
            r.description.clone(),
            r.quantity.to_string(),
            r.fulfillment_status.clone(),
            r.ordered_on.to_string(),
            opt(&r.fulfilled_on),
            r.term_end.to_string(),
            amount(r.monthly_minor, &r.currency)?,
            r.currency.clone(),
        ])
    }
}

/// Filters of the SaaS provisioning forms report.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct ProvisioningFilter {
    pub subscription_number: Option<String>,
    /// true: only required data elements still without a value (what blocks
    /// provisioning).
    pub missing_only: Option<bool>,
}

pub struct SaasProvisioning;

impl Report for SaasProvisioning {
    const NAME: &'static str = "saas-provisioning";
    rows_of!(saas_provisioning_elements);
    type Filter = ProvisioningFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("subscription_number", true),
        ("data_element", true),
        ("required", true),
        ("value", false),
        ("missing", true),
    ];
    fn select(scope: &Scope<'_>, f: ProvisioningFilter) -> AppResult<Select<Self::Entity>> {
        use saas_provisioning_elements::Column as C;
        let mut c = Condition::all().add(C::SiteId.eq(scope.site.id));
        if let Some(n) = trimmed(f.subscription_number) {
            c = c.add(C::SubscriptionNumber.eq(n));
        }
        if f.missing_only == Some(true) {
            c = c.add(C::Required.eq(true)).add(C::Value.is_null());
        }
        Ok(saas_provisioning_elements::Entity::find().filter(c))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.subscription_number.clone(),
            r.name.clone(),
            r.required.to_string(),
            opt(&r.value),
            missing(r).to_string(),
        ])
    }
}

/// A required data element without a value holds provisioning up.
pub fn missing(r: &saas_provisioning_elements::Model) -> bool {
    r.required && r.value.is_none()
}

/// Filters of the Suppressed Overage report; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct OverageFilter {
    /// Usage months from this one (any day of it).
    pub from: Option<NaiveDate>,
    /// Usage months up to this one (any day of it).
    pub to: Option<NaiveDate>,
    pub subscription_number: Option<String>,
    pub customer: Option<CustomerFilter>,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Overage IBM did not bill (suppressed), per subscription and usage month.
pub struct SuppressedOverages;

impl Report for SuppressedOverages {
    const NAME: &'static str = "suppressed-overage";
    rows_of!(saas_overages);
    type Filter = OverageFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("subscription_number", true),
        ("usage_month", true),
        ("metric", true),
        ("entitled_quantity", false),
        ("used_quantity", false),
        ("overage_quantity", true),
        ("suppression_reason", false),
        ("amount", true),
        ("currency", true),
    ];
    fn select(scope: &Scope<'_>, f: OverageFilter) -> AppResult<Select<Self::Entity>> {
        use saas_overages::Column as C;
        let mut c = Condition::all()
            .add(C::SiteId.eq(scope.site.id))
            .add(C::Suppressed.eq(true));
        c = range(
            c,
            C::UsageMonth,
            f.from.map(first_of_month),
            f.to.map(first_of_month),
            "filter",
        )?;
        if let Some(n) = trimmed(f.subscription_number) {
            c = c.add(C::SubscriptionNumber.eq(n));
        }
        c = of_customers(
            c,
            C::CustomerId,
            scope.site_id(),
            f.customer,
            "filter.customer",
        )?;
        Ok(saas_overages::Entity::find().filter(c))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.subscription_number.clone(),
            r.usage_month.format("%Y-%m").to_string(),
            r.metric.clone(),
            r.entitled_quantity.to_string(),
            r.used_quantity.to_string(),
            overage(r).to_string(),
            opt(&r.suppression_reason),
            amount(r.amount_minor, &r.currency)?,
            r.currency.clone(),
        ])
    }
}

/// Usage above the entitlement.
pub fn overage(r: &saas_overages::Model) -> i64 {
    (r.used_quantity - r.entitled_quantity).max(0)
}

/// Filters of the subscription license updates report; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct LicenseUpdateFilter {
    /// Effective on or after.
    pub from: Option<NaiveDate>,
    /// Effective on or before.
    pub to: Option<NaiveDate>,
    /// Any of these changes.
    pub change: Option<Vec<LicenseChange>>,
    pub subscription_number: Option<String>,
    pub customer: Option<CustomerFilter>,
}

pub struct LicenseUpdates;

impl Report for LicenseUpdates {
    const NAME: &'static str = "subscription-license-updates";
    rows_of!(subscription_license_updates);
    type Filter = LicenseUpdateFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("subscription_number", true),
        ("change", true),
        ("quantity_before", false),
        ("quantity_after", true),
        ("effective_on", true),
    ];
    fn select(scope: &Scope<'_>, f: LicenseUpdateFilter) -> AppResult<Select<Self::Entity>> {
        use subscription_license_updates::Column as C;
        let mut c = Condition::all().add(C::SiteId.eq(scope.site.id));
        c = range(c, C::EffectiveOn, f.from, f.to, "filter")?;
        if let Some(changes) = f.change {
            c = c.add(C::Change.is_in(changes.into_iter().map(LicenseChange::as_db)));
        }
        if let Some(n) = trimmed(f.subscription_number) {
            c = c.add(C::SubscriptionNumber.eq(n));
        }
        c = of_customers(
            c,
            C::CustomerId,
            scope.site_id(),
            f.customer,
            "filter.customer",
        )?;
        Ok(subscription_license_updates::Entity::find().filter(c))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.subscription_number.clone(),
            r.change.clone(),
            r.quantity_before.to_string(),
            r.quantity_after.to_string(),
            r.effective_on.to_string(),
        ])
    }
}

// ---------------------------------------------------------------------------------------
// Contract renewal price notifications.

/// Filters of the contract renewal price notifications; all given filters must match.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct PriceNoticeFilter {
    /// Notified on or after.
    pub from: Option<NaiveDate>,
    /// Notified on or before.
    pub to: Option<NaiveDate>,
    pub agreement_number: Option<String>,
    pub customer: Option<CustomerFilter>,
}

pub struct PriceNotices;

impl Report for PriceNotices {
    const NAME: &'static str = "renewal-price-notices";
    rows_of!(renewal_price_notices);
    type Filter = PriceNoticeFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("agreement_number", true),
        ("part_number", true),
        ("description", false),
        ("notice_date", true),
        ("effective_date", true),
        ("current_unit_price", false),
        ("new_unit_price", true),
        ("currency", true),
    ];
    fn select(scope: &Scope<'_>, f: PriceNoticeFilter) -> AppResult<Select<Self::Entity>> {
        use renewal_price_notices::Column as C;
        let mut c = Condition::all().add(C::SiteId.eq(scope.site.id));
        c = range(c, C::NoticeDate, f.from, f.to, "filter")?;
        if let Some(a) = trimmed(f.agreement_number) {
            c = c.add(C::AgreementNumber.eq(a));
        }
        c = of_customers(
            c,
            C::CustomerId,
            scope.site_id(),
            f.customer,
            "filter.customer",
        )?;
        Ok(renewal_price_notices::Entity::find().filter(c))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.agreement_number.clone(),
            r.part_number.clone(),
            r.description.clone(),
            r.notice_date.to_string(),
            r.effective_date.to_string(),
            amount(r.current_unit_minor, &r.currency)?,
            amount(r.new_unit_minor, &r.currency)?,
            r.currency.clone(),
        ])
    }
}

// ---------------------------------------------------------------------------------------
// Price files.

/// Which price file: a country's software or SaaS/monthly parts, as of a day.
#[derive(async_graphql::InputObject, Debug, Default, Clone)]
pub struct PriceFileFilter {
    /// ISO 3166 alpha-2; the site's own country when omitted.
    pub country: Option<String>,
    pub kind: Option<PriceKind>,
    /// CURRENT when omitted.
    pub pricing: Option<Pricing>,
    /// The day prices are read as of; today when omitted.
    pub as_of: Option<NaiveDate>,
    /// The start of a part number, exactly.
    pub part_number_prefix: Option<String>,
}

/// A site's price file: parts of the product groups its reseller company is authorized
/// for in that country (domain.md §2: an authorization is a product group × country).
pub struct PriceFile;

impl Report for PriceFile {
    const NAME: &'static str = "price-file";
    rows_of!(price_parts);
    type Filter = PriceFileFilter;
    const COLUMNS: &'static [(&'static str, bool)] = &[
        ("part_number", true),
        ("description", true),
        ("product_group", false),
        ("kind", false),
        ("country", false),
        ("unit_price", true),
        ("currency", true),
        ("effective_from", true),
        ("effective_to", false),
    ];
    fn as_of(f: &Self::Filter) -> Option<NaiveDate> {
        f.as_of
    }
    fn select(scope: &Scope<'_>, f: PriceFileFilter) -> AppResult<Select<Self::Entity>> {
        use price_parts::Column as C;
        let country = match f.country {
            Some(c) => reads::country(&c, "filter.country")?,
            None => scope.site.country.clone(),
        };
        let authorized: SelectStatement = Query::select()
            .column(authorizations::Column::ProductGroup)
            .from(authorizations::Entity)
            .and_where(authorizations::Column::CompanyId.eq(scope.site.reseller_company_id))
            .and_where(authorizations::Column::Country.eq(country.clone()))
            .take();
        let mut c = Condition::all()
            .add(C::Country.eq(country))
            .add(C::ProductGroup.in_subquery(authorized));
        if let Some(k) = f.kind {
            c = c.add(C::Kind.eq(k));
        }
        let day = scope.as_of;
        let still_in_force = Condition::any()
            .add(C::EffectiveTo.is_null())
            .add(C::EffectiveTo.gte(day));
        c = match f.pricing.unwrap_or(Pricing::Current) {
            Pricing::Current => c.add(C::EffectiveFrom.lte(day)).add(still_in_force),
            Pricing::CurrentAndFuture => c.add(still_in_force),
            Pricing::Future => c.add(C::EffectiveFrom.gt(day)),
        };
        if let Some(p) = trimmed(f.part_number_prefix) {
            // Part numbers are stored in capitals.
            c = c.add(crate::domain::reads::prefix(
                C::PartNumber,
                &p.to_ascii_uppercase(),
                "filter.partNumberPrefix",
            )?);
        }
        Ok(price_parts::Entity::find().filter(c))
    }
    fn values(_: &Scope<'_>, r: &Self::Row) -> AppResult<Vec<String>> {
        Ok(vec![
            r.part_number.clone(),
            r.description.clone(),
            r.product_group.clone(),
            r.kind.clone(),
            r.country.clone(),
            amount(r.unit_minor, &r.currency)?,
            r.currency.clone(),
            r.effective_from.to_string(),
            opt(&r.effective_to),
        ])
    }
}

/// Where a site's report file is served.
pub fn download_path(site_number: &str, name: &str) -> String {
    format!("/sites/{site_number}/reports/{name}.csv")
}

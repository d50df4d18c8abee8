//! The site reports in the graph: one page function for every family
//! (`domain::pao::reports`), the row types of the families, and the request a download
//! is made for. Who may read them is the `Site` field's guard (ReadSiteReports).

use super::loader::*;
use super::types::{PaoCustomer, RenewalLineItem, customer};
use crate::domain::Stored;
use crate::domain::pao::model::{FulfillmentStatus, LicenseChange, PriceKind};
use crate::domain::pao::reads::{CustomerFilter, RenewalFilter};
use crate::domain::pao::reports::{
    self as families, EndUserFilter, LicenseUpdateFilter, OrderFilter, OverageFilter,
    PriceFileFilter, PriceNoticeFilter, ProvisioningFilter, Report, SaasSubscriptionFilter, Scope,
    UpcomingRenewalFilter,
};
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::money::Money;
use crate::graphql::pagination::{Cursor, keyset_page};
use async_graphql::connection::Connection;
use async_graphql::{Context, Object, OneofObject};
use chrono::NaiveDate;
use entities::{
    order_lines, pao_end_users, price_parts, renewal_line_items, renewal_price_notices,
    saas_overages, saas_provisioning_elements, saas_subscriptions, sites,
    subscription_license_updates,
};

/// One page of report `R` for `site`: one statement, whatever the page size; the rows'
/// relations load through the loaders.
pub async fn page<R: Report, T: async_graphql::OutputType>(
    ctx: &Context<'_>,
    site: &sites::Model,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<R::Filter>,
    wrap: impl Fn(&Scope<'_>, R::Row) -> T,
) -> AppResult<Option<Connection<Cursor, T>>> {
    let filter = filter.unwrap_or_default();
    let scope = Scope {
        site,
        as_of: R::as_of(&filter).unwrap_or_else(crate::domain::profiles::level::today),
    };
    let select = R::select(&scope, filter)?;
    keyset_page(ctx, select, R::id_column(), first, after, |row: R::Row| {
        Some((R::id(&row), wrap(&scope, row)))
    })
    .await
    .map(Some)
}

/// Which report a download is of, with its filter: exactly one member.
#[derive(OneofObject, Debug, Clone)]
pub enum ReportRequest {
    Customers(CustomerFilter),
    RenewalLineItems(RenewalFilter),
    /// The 180-day report.
    UpcomingRenewals(UpcomingRenewalFilter),
    /// Order history: the high-level file has one row per order, the detailed one a row
    /// per order line.
    Orders(OrderFilter),
    EndUsers(EndUserFilter),
    /// SaaS fulfillment status.
    SaasSubscriptions(SaasSubscriptionFilter),
    /// SaaS provisioning forms: their data elements.
    ProvisioningDataElements(ProvisioningFilter),
    SuppressedOverages(OverageFilter),
    RenewalPriceNotices(PriceNoticeFilter),
    SubscriptionLicenseUpdates(LicenseUpdateFilter),
    PriceFile(PriceFileFilter),
}

impl ReportRequest {
    /// The family's download name and its filter as JSON (what the address carries).
    pub fn name_and_filter(&self, detailed: bool) -> (&'static str, serde_json::Value) {
        use async_graphql::InputType;
        /// Without the fields left out: a shorter address, the same filter.
        fn compact(v: serde_json::Value) -> serde_json::Value {
            match v {
                serde_json::Value::Object(m) => m
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, compact(v)))
                    .collect(),
                other => other,
            }
        }
        fn json<F: InputType>(f: &F) -> serde_json::Value {
            compact(f.to_value().into_json().unwrap_or_default())
        }
        match self {
            Self::Customers(f) => (families::Customers::NAME, json(f)),
            Self::RenewalLineItems(f) => (families::RenewalLineItems::NAME, json(f)),
            Self::UpcomingRenewals(f) => (families::UpcomingRenewals::NAME, json(f)),
            Self::Orders(f) if detailed => (families::OrderLines::NAME, json(f)),
            Self::Orders(f) => (families::Orders::NAME, json(f)),
            Self::EndUsers(f) => (families::EndUsers::NAME, json(f)),
            Self::SaasSubscriptions(f) => (families::SaasFulfillment::NAME, json(f)),
            Self::ProvisioningDataElements(f) => (families::SaasProvisioning::NAME, json(f)),
            Self::SuppressedOverages(f) => (families::SuppressedOverages::NAME, json(f)),
            Self::RenewalPriceNotices(f) => (families::PriceNotices::NAME, json(f)),
            Self::SubscriptionLicenseUpdates(f) => (families::LicenseUpdates::NAME, json(f)),
            Self::PriceFile(f) => (families::PriceFile::NAME, json(f)),
        }
    }
}

/// A report file to fetch: a signed address that works without a token until it expires,
/// and the same file's address for a client that sends its bearer token.
#[derive(async_graphql::SimpleObject)]
pub struct ReportDownload {
    /// Relative to the gateway; signed for the caller, valid until `expiresAt`. Following
    /// it checks the caller's rights as they stand then.
    pub url: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// Relative to the gateway; needs `Authorization: Bearer`.
    pub bearer_url: String,
}

async fn subscription(ctx: &Context<'_>, id: i64) -> AppResult<SaasSubscription> {
    ctx.loaders()?
        .load_one(SaasSubscriptionKey(id))
        .await?
        .map(SaasSubscription)
        .ok_or_else(|| AppError::internal("dangling subscription reference"))
}

/// A line item of the 180-day report.
pub struct UpcomingRenewal(pub renewal_line_items::Model, pub NaiveDate);

#[Object]
impl UpcomingRenewal {
    async fn line_item(&self) -> RenewalLineItem {
        RenewalLineItem(self.0.clone())
    }
    /// Days from the report's day to the renewal date.
    async fn days_until_renewal(&self) -> i64 {
        (self.0.renewal_date - self.1).num_days()
    }
}

/// One line of an order (the detailed order history).
pub struct OrderLine(pub order_lines::Model);

#[Object]
impl OrderLine {
    async fn part_number(&self) -> &str {
        &self.0.part_number
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn quantity(&self) -> i32 {
        self.0.quantity
    }
    async fn amount(&self) -> AppResult<Money> {
        Money::stored(self.0.amount_minor, &self.0.currency)
    }
}

/// An end user served under one of the site's PA customers.
pub struct EndUser(pub pao_end_users::Model);

#[Object]
impl EndUser {
    async fn end_user_number(&self) -> &str {
        &self.0.end_user_number
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ISO 3166 alpha-2 country or region.
    async fn country(&self) -> &str {
        &self.0.country
    }
    async fn city(&self) -> &str {
        &self.0.city
    }
    async fn industry(&self) -> &str {
        &self.0.industry
    }
    async fn last_order_on(&self) -> Option<NaiveDate> {
        self.0.last_order_on
    }
    /// The PA customer the end user is served under.
    async fn customer(&self, ctx: &Context<'_>) -> AppResult<PaoCustomer> {
        customer(ctx, self.0.customer_id).await
    }
}

/// A SaaS subscription and where its fulfillment stands.
pub struct SaasSubscription(pub saas_subscriptions::Model);

#[Object]
impl SaasSubscription {
    async fn subscription_number(&self) -> &str {
        &self.0.subscription_number
    }
    async fn part_number(&self) -> &str {
        &self.0.part_number
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn quantity(&self) -> i32 {
        self.0.quantity
    }
    async fn fulfillment_status(&self) -> AppResult<FulfillmentStatus> {
        Stored::from_db(
            "saas_subscriptions.fulfillment_status",
            &self.0.fulfillment_status,
        )
    }
    async fn ordered_on(&self) -> NaiveDate {
        self.0.ordered_on
    }
    async fn fulfilled_on(&self) -> Option<NaiveDate> {
        self.0.fulfilled_on
    }
    /// The last day of the subscription's term.
    async fn term_end(&self) -> NaiveDate {
        self.0.term_end
    }
    async fn monthly_amount(&self) -> AppResult<Money> {
        Money::stored(self.0.monthly_minor, &self.0.currency)
    }
    async fn customer(&self, ctx: &Context<'_>) -> AppResult<PaoCustomer> {
        customer(ctx, self.0.customer_id).await
    }
    /// Its provisioning form: the data elements IBM needs to provision it.
    async fn data_elements(&self, ctx: &Context<'_>) -> AppResult<Vec<ProvisioningDataElement>> {
        Ok(ctx
            .loaders()?
            .load_one(ElementsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .cloned()
            .map(ProvisioningDataElement)
            .collect())
    }
}

/// One data element of a SaaS provisioning form.
pub struct ProvisioningDataElement(pub saas_provisioning_elements::Model);

#[Object]
impl ProvisioningDataElement {
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn required(&self) -> bool {
        self.0.required
    }
    async fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }
    /// Required and still without a value: provisioning waits for it.
    async fn missing(&self) -> bool {
        families::missing(&self.0)
    }
    async fn subscription(&self, ctx: &Context<'_>) -> AppResult<SaasSubscription> {
        subscription(ctx, self.0.subscription_id).await
    }
}

/// Usage above a subscription's entitlement in one month that IBM did not bill.
pub struct SuppressedOverage(pub saas_overages::Model);

#[Object]
impl SuppressedOverage {
    /// The first day of the usage month.
    async fn usage_month(&self) -> NaiveDate {
        self.0.usage_month
    }
    async fn metric(&self) -> &str {
        &self.0.metric
    }
    async fn entitled_quantity(&self) -> i64 {
        self.0.entitled_quantity
    }
    async fn used_quantity(&self) -> i64 {
        self.0.used_quantity
    }
    async fn overage_quantity(&self) -> i64 {
        families::overage(&self.0)
    }
    async fn suppression_reason(&self) -> Option<&str> {
        self.0.suppression_reason.as_deref()
    }
    /// What the overage would have been billed.
    async fn amount(&self) -> AppResult<Money> {
        Money::stored(self.0.amount_minor, &self.0.currency)
    }
    async fn subscription(&self, ctx: &Context<'_>) -> AppResult<SaasSubscription> {
        subscription(ctx, self.0.subscription_id).await
    }
    async fn customer(&self, ctx: &Context<'_>) -> AppResult<PaoCustomer> {
        customer(ctx, self.0.customer_id).await
    }
}

/// A contract renewal price notification: a part's unit price changes at renewal.
pub struct RenewalPriceNotice(pub renewal_price_notices::Model);

#[Object]
impl RenewalPriceNotice {
    async fn agreement_number(&self) -> &str {
        &self.0.agreement_number
    }
    async fn part_number(&self) -> &str {
        &self.0.part_number
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn notice_date(&self) -> NaiveDate {
        self.0.notice_date
    }
    /// The first day the new price applies.
    async fn effective_date(&self) -> NaiveDate {
        self.0.effective_date
    }
    async fn current_unit_price(&self) -> AppResult<Money> {
        Money::stored(self.0.current_unit_minor, &self.0.currency)
    }
    async fn new_unit_price(&self) -> AppResult<Money> {
        Money::stored(self.0.new_unit_minor, &self.0.currency)
    }
    async fn customer(&self, ctx: &Context<'_>) -> AppResult<PaoCustomer> {
        customer(ctx, self.0.customer_id).await
    }
}

/// A change to a subscription's licenses.
pub struct SubscriptionLicenseUpdate(pub subscription_license_updates::Model);

#[Object]
impl SubscriptionLicenseUpdate {
    async fn change(&self) -> AppResult<LicenseChange> {
        Stored::from_db("subscription_license_updates.change", &self.0.change)
    }
    async fn quantity_before(&self) -> i32 {
        self.0.quantity_before
    }
    async fn quantity_after(&self) -> i32 {
        self.0.quantity_after
    }
    async fn effective_on(&self) -> NaiveDate {
        self.0.effective_on
    }
    async fn subscription(&self, ctx: &Context<'_>) -> AppResult<SaasSubscription> {
        subscription(ctx, self.0.subscription_id).await
    }
    async fn customer(&self, ctx: &Context<'_>) -> AppResult<PaoCustomer> {
        customer(ctx, self.0.customer_id).await
    }
}

/// A part of a price file, with the period its price holds.
pub struct PricePart(pub price_parts::Model);

#[Object]
impl PricePart {
    async fn part_number(&self) -> &str {
        &self.0.part_number
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The CVR product group an authorization must cover.
    async fn product_group(&self) -> &str {
        &self.0.product_group
    }
    async fn kind(&self) -> AppResult<PriceKind> {
        Stored::from_db("price_parts.kind", &self.0.kind)
    }
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// Per unit; per month for SaaS parts.
    async fn unit_price(&self) -> AppResult<Money> {
        Money::stored(self.0.unit_minor, &self.0.currency)
    }
    async fn effective_from(&self) -> NaiveDate {
        self.0.effective_from
    }
    /// The last day the price holds; null while no successor is announced.
    async fn effective_to(&self) -> Option<NaiveDate> {
        self.0.effective_to
    }
}

impl ReportRequest {
    /// Runs the family's filter checks (dates in order, a real country, a window within
    /// 180 days …), so a link is never handed out for a file that would fail.
    fn check(&self, site: &sites::Model) -> AppResult<()> {
        fn check<R: Report>(site: &sites::Model, f: &R::Filter) -> AppResult<()>
        where
            R::Filter: Clone,
        {
            let scope = Scope {
                site,
                as_of: R::as_of(f).unwrap_or_else(crate::domain::profiles::level::today),
            };
            R::select(&scope, f.clone()).map(|_| ())
        }
        match self {
            Self::Customers(f) => check::<families::Customers>(site, f),
            Self::RenewalLineItems(f) => check::<families::RenewalLineItems>(site, f),
            Self::UpcomingRenewals(f) => check::<families::UpcomingRenewals>(site, f),
            Self::Orders(f) => check::<families::Orders>(site, f),
            Self::EndUsers(f) => check::<families::EndUsers>(site, f),
            Self::SaasSubscriptions(f) => check::<families::SaasFulfillment>(site, f),
            Self::ProvisioningDataElements(f) => check::<families::SaasProvisioning>(site, f),
            Self::SuppressedOverages(f) => check::<families::SuppressedOverages>(site, f),
            Self::RenewalPriceNotices(f) => check::<families::PriceNotices>(site, f),
            Self::SubscriptionLicenseUpdates(f) => check::<families::LicenseUpdates>(site, f),
            Self::PriceFile(f) => check::<families::PriceFile>(site, f),
        }
    }
}

/// The addresses of a report file for the caller: signed for them, and for a bearer
/// token. The caller's right to the site's reports is the field's guard.
pub fn link(
    ctx: &Context<'_>,
    site: &sites::Model,
    report: &ReportRequest,
    variant: crate::domain::pao::model::DownloadVariant,
) -> AppResult<ReportDownload> {
    use crate::domain::pao::model::DownloadVariant;
    let app = ctx.app()?;
    let viewer = ctx.viewer();
    let by = viewer.subject.clone().ok_or(AppError::Unauthenticated)?;
    report.check(site)?;
    let (name, filter) = report.name_and_filter(variant == DownloadVariant::Detailed);
    let filter = filter.to_string();
    let path = families::download_path(&site.site_number, name);
    let expires_at =
        chrono::Utc::now() + chrono::Duration::seconds(app.config.download_link_ttl_secs as i64);
    let expires = expires_at.timestamp().to_string();
    let variant = variant.as_db();
    let signature = app.links.sign(&crate::auth::links::download_parts(
        &path,
        variant,
        &filter,
        &by,
        viewer.ibm_channel,
        &expires,
    ));
    let ibm = if viewer.ibm_channel { "1" } else { "0" };
    let query = |signed: bool| {
        let mut pairs = vec![("variant", variant), ("filter", filter.as_str())];
        if signed {
            pairs.extend([
                ("by", by.as_str()),
                ("ibm", ibm),
                ("expires", expires.as_str()),
                ("signature", signature.as_str()),
            ]);
        }
        serde_urlencoded::to_string(pairs).map_err(|e| AppError::internal(e.to_string()))
    };
    Ok(ReportDownload {
        url: format!("{path}?{}", query(true)?),
        expires_at,
        bearer_url: format!("{path}?{}", query(false)?),
    })
}

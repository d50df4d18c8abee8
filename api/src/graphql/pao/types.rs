//! GraphQL objects of PAO. A site's basics are visible to any signed-in caller (they need
//! them to ask for access); its users, requests and reports follow the access matrix.

use super::loader::*;
use super::reports::{
    EndUser, OrderLine, PricePart, ProvisioningDataElement, RenewalPriceNotice, ReportDownload,
    ReportRequest, SaasSubscription, SubscriptionLicenseUpdate, SuppressedOverage, UpcomingRenewal,
    page,
};
use crate::auth::policy::GuardedObject;
use crate::auth::{Target, Viewer, visibility};
use crate::domain::Stored;
use crate::domain::pao::model::DownloadVariant;
use crate::domain::pao::model::{AccessRequestStatus, SiteAgreementType, SitePrivilege, SiteRole};
use crate::domain::pao::reads;
use crate::domain::pao::reports as families;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::list_visible;
use crate::graphql::pagination::{Cursor, keyset_page};
use crate::graphql::profiles::Company;
use crate::graphql::profiles::loader::CompanyKey;
use access_macros::guarded;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, FixedOffset, NaiveDate};
use entities::{
    access_requests, orders, pao_customers, renewal_line_items, renewal_quote_lines,
    renewal_quotes, site_users, sites,
};

/// A Passport Advantage site. Site, user and request objects are built only by their
/// `visible` constructors (`auth::visibility`).
pub struct Site(sites::Model);

impl Site {
    pub fn visible(viewer: &Viewer, row: sites::Model) -> Option<Self> {
        visibility::site(viewer, &row).then_some(Self(row))
    }
}

impl SiteUser {
    pub fn visible(viewer: &Viewer, row: site_users::Model) -> Option<Self> {
        visibility::site_user(viewer, &row).then_some(Self(row))
    }
}

impl AccessRequest {
    pub fn visible(viewer: &Viewer, row: access_requests::Model) -> Option<Self> {
        visibility::access_request(viewer, &row).then_some(Self(row))
    }
}

impl GuardedObject for Site {
    fn target(&self) -> Target {
        Target::Site(self.0.id)
    }
}

#[guarded]
#[Object]
impl Site {
    pub async fn id(&self) -> ID {
        encode(Kind::Site, self.0.id)
    }
    async fn site_number(&self) -> &str {
        &self.0.site_number
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn country(&self) -> &str {
        &self.0.country
    }
    async fn agreement_type(&self) -> AppResult<SiteAgreementType> {
        Stored::from_db("sites.agreement_type", &self.0.agreement_type)
    }
    /// Optimistic-concurrency version: account-management changes are made against it.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn reseller_company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        ctx.loaders()?
            .load_one(CompanyKey(self.0.reseller_company_id))
            .await?
            .map(Company)
            .ok_or_else(|| AppError::internal("dangling reseller reference"))
    }
    /// The site's users: primary contact, secondary contacts, users.
    #[guard(ReadSiteAdministration)]
    async fn users(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<SiteUser>>> {
        list_visible(ctx, SiteUsersOf(self.0.id), SiteUser::visible)
            .await
            .map(Some)
    }
    /// Access requests routed to this site, optionally only those in `status`.
    #[guard(ReadSiteAdministration)]
    async fn access_requests(
        &self,
        ctx: &Context<'_>,
        status: Option<AccessRequestStatus>,
    ) -> AppResult<Option<Vec<AccessRequest>>> {
        let rows = ctx
            .loaders()?
            .load_one(AccessRequestsOf(self.0.id))
            .await?
            .unwrap_or_default();
        let viewer = ctx.viewer();
        Ok(Some(
            rows.iter()
                .filter(|r| status.is_none_or(|s| r.status == s.as_db()))
                .filter_map(|r| AccessRequest::visible(&viewer, r.clone()))
                .collect(),
        ))
    }
    /// The customer report, over the site's own transactional relationships: by
    /// agreement or customer site number, name prefix (case and accents ignored),
    /// country/region, enrollment and anniversary month, all combinable. REPORTING on the
    /// site.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<reads::CustomerFilter>,
        #[graphql(deprecation = "use `filter.agreementNumber`")] agreement_number: Option<String>,
        #[graphql(deprecation = "use `filter.customerNumber`")] customer_number: Option<String>,
    ) -> AppResult<Option<Connection<Cursor, PaoCustomer>>> {
        let mut filter = filter.unwrap_or_default();
        filter.agreement_number = filter.agreement_number.or(agreement_number);
        filter.customer_number = filter.customer_number.or(customer_number);
        page::<families::Customers, _>(ctx, &self.0, first, after, Some(filter), |_, m| {
            PaoCustomer(m)
        })
        .await
    }
    /// Active renewal line items by renewal date range, agreement, quote number, customer
    /// site name and Committed Term License, all combinable. REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn renewal_line_items(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<reads::RenewalFilter>,
    ) -> AppResult<Option<Connection<Cursor, RenewalLineItem>>> {
        page::<families::RenewalLineItems, _>(ctx, &self.0, first, after, filter, |_, m| {
            RenewalLineItem(m)
        })
        .await
    }
    /// The 180-day report: active line items renewing within `days` (at most 180) of
    /// `asOf` (today), soonest ids first. REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn upcoming_renewals(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::UpcomingRenewalFilter>,
    ) -> AppResult<Option<Connection<Cursor, UpcomingRenewal>>> {
        page::<families::UpcomingRenewals, _>(ctx, &self.0, first, after, filter, |s, m| {
            UpcomingRenewal(m, s.as_of)
        })
        .await
    }
    /// End-user customer report: the end users served under the site's PA customers.
    /// REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn end_users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::EndUserFilter>,
    ) -> AppResult<Option<Connection<Cursor, EndUser>>> {
        page::<families::EndUsers, _>(ctx, &self.0, first, after, filter, |_, m| EndUser(m)).await
    }
    /// SaaS fulfillment status: the site's SaaS subscriptions and where each stands.
    /// REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn saas_subscriptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::SaasSubscriptionFilter>,
    ) -> AppResult<Option<Connection<Cursor, SaasSubscription>>> {
        page::<families::SaasFulfillment, _>(ctx, &self.0, first, after, filter, |_, m| {
            SaasSubscription(m)
        })
        .await
    }
    /// SaaS provisioning forms: the data elements of the site's subscriptions, or only
    /// those still missing. REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn provisioning_data_elements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::ProvisioningFilter>,
    ) -> AppResult<Option<Connection<Cursor, ProvisioningDataElement>>> {
        page::<families::SaasProvisioning, _>(ctx, &self.0, first, after, filter, |_, m| {
            ProvisioningDataElement(m)
        })
        .await
    }
    /// Suppressed Overage: SaaS usage above entitlement that IBM did not bill, by usage
    /// month. REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn suppressed_overages(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::OverageFilter>,
    ) -> AppResult<Option<Connection<Cursor, SuppressedOverage>>> {
        page::<families::SuppressedOverages, _>(ctx, &self.0, first, after, filter, |_, m| {
            SuppressedOverage(m)
        })
        .await
    }
    /// Contract renewal price notifications. REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn renewal_price_notices(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::PriceNoticeFilter>,
    ) -> AppResult<Option<Connection<Cursor, RenewalPriceNotice>>> {
        page::<families::PriceNotices, _>(ctx, &self.0, first, after, filter, |_, m| {
            RenewalPriceNotice(m)
        })
        .await
    }
    /// Subscription license updates: increases, decreases, renewals and cancellations.
    /// REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn subscription_license_updates(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::LicenseUpdateFilter>,
    ) -> AppResult<Option<Connection<Cursor, SubscriptionLicenseUpdate>>> {
        page::<families::LicenseUpdates, _>(ctx, &self.0, first, after, filter, |_, m| {
            SubscriptionLicenseUpdate(m)
        })
        .await
    }
    /// The site's price file: software or SaaS/monthly parts of one country (the site's
    /// own when omitted), current, current and future, or future prices, for the product
    /// groups the reseller company is authorized for there. REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn price_file(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::PriceFileFilter>,
    ) -> AppResult<Option<Connection<Cursor, PricePart>>> {
        page::<families::PriceFile, _>(ctx, &self.0, first, after, filter, |_, m| PricePart(m))
            .await
    }
    /// A file of one report, high-level or detailed, as CSV: a signed address valid for
    /// `DOWNLOAD_LINK_TTL_SECS`, and the address for a bearer token. The filter is checked
    /// here, so a bad one fails now, not when the file is fetched. REPORTING.
    #[guard(ReadSiteReports)]
    async fn download(
        &self,
        ctx: &Context<'_>,
        report: ReportRequest,
        #[graphql(default_with = "DownloadVariant::Detailed")] variant: DownloadVariant,
    ) -> AppResult<Option<ReportDownload>> {
        super::reports::link(ctx, &self.0, &report, variant).map(Some)
    }
    /// Renewal quotes generated for this site, oldest first. REPORTING on the site.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    async fn renewal_quotes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Option<Connection<Cursor, RenewalQuote>>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let q = renewal_quotes::Entity::find().filter(renewal_quotes::Column::SiteId.eq(self.0.id));
        keyset_page(
            ctx,
            q,
            renewal_quotes::Column::Id,
            first,
            after,
            |m: renewal_quotes::Model| Some((m.id, RenewalQuote(m))),
        )
        .await
        .map(Some)
    }
    /// One renewal quote of this site by its number (`RQ…`); null when the site has no
    /// such quote. REPORTING on the site.
    #[guard(ReadSiteReports)]
    async fn renewal_quote(
        &self,
        ctx: &Context<'_>,
        quote_number: String,
    ) -> AppResult<Option<RenewalQuote>> {
        // Through the loader: a list of sites asking for a quote each costs one statement.
        let Some(id) = crate::domain::pao::quotes::quote_id(&quote_number) else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(RenewalQuoteKey(id))
            .await?
            .filter(|q: &renewal_quotes::Model| q.site_id == self.0.id)
            .map(RenewalQuote))
    }
    /// Order history (summary; each order's `lines` are the detail), for PA / PA Express
    /// and Cloud Services customers: by date, customer (agreement, customer site number or
    /// attributes), offering and kind. REPORTING.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadSiteReports)]
    // The flat arguments stay, deprecated, for the clients written against them.
    #[allow(clippy::too_many_arguments)]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<families::OrderFilter>,
        #[graphql(deprecation = "use `filter.from`")] from: Option<NaiveDate>,
        #[graphql(deprecation = "use `filter.to`")] to: Option<NaiveDate>,
        #[graphql(deprecation = "use `filter.customer`")] customer: Option<reads::CustomerFilter>,
    ) -> AppResult<Option<Connection<Cursor, Order>>> {
        let mut filter = filter.unwrap_or_default();
        filter.from = filter.from.or(from);
        filter.to = filter.to.or(to);
        filter.customer = filter.customer.or(customer);
        page::<families::Orders, _>(ctx, &self.0, first, after, Some(filter), |_, m| Order(m)).await
    }
}

/// The site a user or a request names. Whoever reaches one of those may see the site's
/// basics (they are for every signed-in caller).
async fn site(ctx: &Context<'_>, id: i64) -> AppResult<Site> {
    ctx.loaders()?
        .load_one(SiteKey(id))
        .await?
        .map(Site)
        .ok_or_else(|| AppError::internal("dangling site reference"))
}

/// A person's access to a site.
pub struct SiteUser(site_users::Model);

#[Object]
impl SiteUser {
    async fn id(&self) -> ID {
        encode(Kind::SiteUser, self.0.id)
    }
    async fn ibm_id(&self) -> &str {
        &self.0.ibm_id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn role(&self) -> AppResult<SiteRole> {
        Stored::from_db("site_users.role", &self.0.role)
    }
    /// A secondary contact granted account management may manage the site's users.
    async fn account_management(&self) -> bool {
        self.0.account_management
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn privileges(&self, ctx: &Context<'_>) -> AppResult<Vec<SitePrivilege>> {
        ctx.loaders()?
            .load_one(PrivilegesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .map(|p| Stored::from_db("site_user_privileges.privilege", p))
            .collect()
    }
    /// The site this access is to.
    async fn site(&self, ctx: &Context<'_>) -> AppResult<Site> {
        site(ctx, self.0.site_id).await
    }
}

/// A self-nomination for access to a site.
pub struct AccessRequest(access_requests::Model);

#[Object]
impl AccessRequest {
    async fn id(&self) -> ID {
        encode(Kind::AccessRequest, self.0.id)
    }
    async fn site(&self, ctx: &Context<'_>) -> AppResult<Site> {
        site(ctx, self.0.site_id).await
    }
    async fn requester_ibm_id(&self) -> &str {
        &self.0.requester_ibm_id
    }
    async fn requester_name(&self) -> &str {
        &self.0.requester_name
    }
    /// "I believe I am the primary contact".
    async fn believes_primary(&self) -> bool {
        self.0.believes_primary
    }
    async fn status(&self) -> AppResult<AccessRequestStatus> {
        Stored::from_db("access_requests.status", &self.0.status)
    }
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    async fn requested_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
    async fn decided_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.decided_at
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

pub struct PaoCustomer(pub pao_customers::Model);

#[Object]
impl PaoCustomer {
    async fn id(&self) -> ID {
        encode(Kind::PaoCustomer, self.0.id)
    }
    async fn customer_number(&self) -> &str {
        &self.0.customer_number
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn agreement_number(&self) -> &str {
        &self.0.agreement_number
    }
    /// ISO 3166 alpha-2 country or region.
    async fn country(&self) -> &str {
        &self.0.country
    }
    async fn enrollment(&self) -> AppResult<crate::domain::pao::model::EnrollmentType> {
        Stored::from_db("pao_customers.enrollment", &self.0.enrollment)
    }
    /// The month (1–12) the customer's agreement renews in.
    async fn anniversary_month(&self) -> i16 {
        self.0.anniversary_month
    }
    /// What the customer bought and renewed between `from` and `to` (at most ten years),
    /// summed per period and currency; periods without orders are left out.
    async fn activity(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
        #[graphql(default_with = "crate::domain::pao::model::ActivityPeriod::Quarter")]
        period: crate::domain::pao::model::ActivityPeriod,
    ) -> AppResult<Vec<CustomerActivity>> {
        use crate::domain::pao::activity;
        let (from, to) = activity::window(from, to)?;
        let orders = ctx
            .loaders()?
            .load_one(ActivityOf {
                customer: self.0.id,
                from,
                to,
            })
            .await?
            .unwrap_or_default();
        Ok(activity::summarize(&orders, period)
            .into_iter()
            .map(CustomerActivity)
            .collect())
    }
}

/// One period of a customer's activity, in one currency.
pub struct CustomerActivity(crate::domain::pao::activity::Activity);

#[Object]
impl CustomerActivity {
    /// "2026-07", "2026-Q3" or "2026".
    async fn period(&self) -> &str {
        &self.0.label
    }
    async fn start(&self) -> NaiveDate {
        self.0.start
    }
    async fn end(&self) -> NaiveDate {
        self.0.end
    }
    /// New orders.
    async fn purchases(&self) -> i32 {
        self.0.purchases
    }
    async fn purchased(&self) -> AppResult<crate::graphql::money::Money> {
        crate::graphql::money::Money::stored(self.0.purchased_minor, &self.0.currency)
    }
    /// Renewal orders.
    async fn renewals(&self) -> i32 {
        self.0.renewals
    }
    async fn renewed(&self) -> AppResult<crate::graphql::money::Money> {
        crate::graphql::money::Money::stored(self.0.renewed_minor, &self.0.currency)
    }
}

/// The customer a report row is about (of the same site: whoever reads the row may).
pub(super) async fn customer(ctx: &Context<'_>, id: i64) -> AppResult<PaoCustomer> {
    ctx.loaders()?
        .load_one(PaoCustomerKey(id))
        .await?
        .map(PaoCustomer)
        .ok_or_else(|| AppError::internal("dangling customer reference"))
}

pub struct RenewalLineItem(pub renewal_line_items::Model);

#[Object]
impl RenewalLineItem {
    async fn id(&self) -> ID {
        encode(Kind::RenewalLineItem, self.0.id)
    }
    async fn agreement_number(&self) -> &str {
        &self.0.agreement_number
    }
    async fn quote_number(&self) -> Option<&str> {
        self.0.quote_number.as_deref()
    }
    /// Renews a Committed Term License.
    async fn committed_term_license(&self) -> bool {
        self.0.committed_term
    }
    /// The end customer whose site renews.
    async fn customer(&self, ctx: &Context<'_>) -> AppResult<PaoCustomer> {
        customer(ctx, self.0.customer_id).await
    }
    async fn part_number(&self) -> &str {
        &self.0.part_number
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn renewal_date(&self) -> NaiveDate {
        self.0.renewal_date
    }
    async fn quantity(&self) -> i32 {
        self.0.quantity
    }
    /// The amount, exact, in its currency.
    async fn amount(&self) -> AppResult<crate::graphql::money::Money> {
        crate::graphql::money::Money::stored(self.0.amount_cents, &self.0.currency)
    }
    /// Amount in minor units (cents) of the amount's currency.
    #[graphql(deprecation = "use `amount`, an exact decimal with its currency")]
    async fn amount_minor(&self) -> i64 {
        self.0.amount_cents
    }
}

pub struct Order(pub orders::Model);

#[Object]
impl Order {
    async fn id(&self) -> ID {
        encode(Kind::Order, self.0.id)
    }
    async fn order_number(&self) -> &str {
        &self.0.order_number
    }
    async fn ordered_on(&self) -> NaiveDate {
        self.0.ordered_on
    }
    /// The amount, exact, in its currency.
    async fn amount(&self) -> AppResult<crate::graphql::money::Money> {
        crate::graphql::money::Money::stored(self.0.amount_cents, &self.0.currency)
    }
    /// Amount in minor units (cents) of the amount's currency.
    #[graphql(deprecation = "use `amount`, an exact decimal with its currency")]
    async fn amount_minor(&self) -> i64 {
        self.0.amount_cents
    }
    async fn status(&self) -> AppResult<crate::domain::pao::model::OrderStatus> {
        Stored::from_db("orders.status", &self.0.status)
    }
    /// The end customer who ordered.
    async fn customer(&self, ctx: &Context<'_>) -> AppResult<PaoCustomer> {
        customer(ctx, self.0.customer_id).await
    }
    /// Software (PA / PA Express) or Cloud Services.
    async fn offering(&self) -> AppResult<crate::domain::pao::model::Offering> {
        Stored::from_db("orders.offering", &self.0.offering)
    }
    async fn kind(&self) -> AppResult<crate::domain::pao::model::OrderKind> {
        Stored::from_db("orders.kind", &self.0.kind)
    }
    /// The order's lines: the detailed order history.
    async fn lines(&self, ctx: &Context<'_>) -> AppResult<Vec<OrderLine>> {
        Ok(ctx
            .loaders()?
            .load_one(OrderLinesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .cloned()
            .map(OrderLine)
            .collect())
    }
}

/// A renewal quote: its lines as they stood when it was generated, its total and validity.
pub struct RenewalQuote(pub renewal_quotes::Model);

#[Object]
impl RenewalQuote {
    async fn id(&self) -> ID {
        encode(Kind::RenewalQuote, self.0.id)
    }
    async fn quote_number(&self) -> String {
        crate::domain::pao::quotes::quote_number(self.0.id)
    }
    async fn status(&self) -> AppResult<crate::domain::pao::model::QuoteStatus> {
        use crate::domain::pao::model::QuoteStatus;
        let stored: QuoteStatus = Stored::from_db("renewal_quotes.status", &self.0.status)?;
        Ok(
            if stored == QuoteStatus::Issued
                && self.0.valid_until < crate::domain::profiles::level::today()
            {
                QuoteStatus::Expired
            } else {
                stored
            },
        )
    }
    /// The last day the quote holds.
    async fn valid_until(&self) -> NaiveDate {
        self.0.valid_until
    }
    async fn total(&self) -> AppResult<crate::graphql::money::Money> {
        crate::graphql::money::Money::stored(self.0.total_minor, &self.0.currency)
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
    /// Who generated it (an IBMid).
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn lines(&self, ctx: &Context<'_>) -> AppResult<Vec<RenewalQuoteLine>> {
        Ok(ctx
            .loaders()?
            .load_one(QuoteLinesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .cloned()
            .map(|l| RenewalQuoteLine(l, self.0.currency.clone()))
            .collect())
    }
}

/// One quoted line, copied from its renewal line item.
pub struct RenewalQuoteLine(renewal_quote_lines::Model, String);

#[Object]
impl RenewalQuoteLine {
    /// The renewal line item it was quoted from.
    async fn line_item_id(&self) -> ID {
        encode(Kind::RenewalLineItem, self.0.line_item_id)
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
    async fn renewal_date(&self) -> NaiveDate {
        self.0.renewal_date
    }
    async fn amount(&self) -> AppResult<crate::graphql::money::Money> {
        crate::graphql::money::Money::stored(self.0.amount_minor, &self.1)
    }
}

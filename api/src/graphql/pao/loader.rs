//! Batched loads for PAO.

use crate::graphql::loader::{DbLoader, LoadError, keys, load_many, load_one, many_each};
use async_graphql::dataloader::Loader;
use entities::site_user_privileges;
use std::collections::HashMap;

keys! {
    SiteKey;
    /// Users of a site.
    SiteUsersOf;
    /// Access requests of a site.
    AccessRequestsOf;
    /// Privileges of a site user.
    PrivilegesOf;
    /// The sites a company is the reseller of.
    SitesOfCompany;
    PaoCustomerKey;
    /// The lines of a renewal quote.
    QuoteLinesOf;
    RenewalQuoteKey;
    /// The lines of an order.
    OrderLinesOf;
    SaasSubscriptionKey;
    /// The provisioning data elements of a SaaS subscription.
    ElementsOf;
}

load_one!(SiteKey => sites.Id);
load_one!(PaoCustomerKey => pao_customers.Id);
load_many!(QuoteLinesOf => renewal_quote_lines.QuoteId order Id);
load_one!(RenewalQuoteKey => renewal_quotes.Id);
load_many!(OrderLinesOf => order_lines.OrderId order Id);
load_one!(SaasSubscriptionKey => saas_subscriptions.Id);
load_many!(ElementsOf => saas_provisioning_elements.SubscriptionId order Id);
load_many!(SiteUsersOf => site_users.SiteId order Id);
load_many!(AccessRequestsOf => access_requests.SiteId order Id);
load_many!(SitesOfCompany => sites.ResellerCompanyId order Id);

impl Loader<PrivilegesOf> for DbLoader {
    type Value = Vec<String>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[PrivilegesOf],
    ) -> Result<HashMap<PrivilegesOf, Vec<String>>, LoadError> {
        let rows = many_each::<site_user_privileges::Entity>(
            &self.db,
            "PrivilegesOf",
            site_user_privileges::Column::SiteUserId,
            site_user_privileges::Column::Privilege,
            keys.iter().map(|k| k.0),
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|(k, v)| {
                (
                    PrivilegesOf(k),
                    v.into_iter().map(|p| p.privilege).collect(),
                )
            })
            .collect())
    }
}

/// A customer's orders within a window, for its activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivityOf {
    pub customer: i64,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
}

impl Loader<ActivityOf> for DbLoader {
    type Value = Vec<entities::orders::Model>;
    type Error = LoadError;
    /// One statement per distinct window (a page of customers asks with one).
    async fn load(
        &self,
        keys: &[ActivityOf],
    ) -> Result<HashMap<ActivityOf, Self::Value>, LoadError> {
        use entities::orders;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let mut windows: HashMap<(chrono::NaiveDate, chrono::NaiveDate), Vec<i64>> = HashMap::new();
        for k in keys {
            windows.entry((k.from, k.to)).or_default().push(k.customer);
        }
        let mut out: HashMap<ActivityOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for ((from, to), customers) in windows {
            let rows = orders::Entity::find()
                .filter(crate::graphql::loader::any_of(
                    &self.db,
                    orders::Column::CustomerId,
                    customers,
                ))
                .filter(orders::Column::OrderedOn.between(from, to))
                .order_by_asc(orders::Column::Id)
                .all(&self.db)
                .await?;
            for r in rows {
                let key = ActivityOf {
                    customer: r.customer_id,
                    from,
                    to,
                };
                out.entry(key).or_default().push(r);
            }
        }
        Ok(out)
    }
}

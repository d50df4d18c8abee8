//! The PAO report families beyond customers, renewals and orders (domain.md §6): end-user
//! customers, SaaS subscriptions with their fulfillment status and provisioning data
//! elements, Suppressed Overage, contract renewal price notifications, subscription
//! license updates, order lines (the detailed order history) and price files.
//!
//! Every report row carries its `site_id`, even where a parent row would give it: a report
//! page is then one indexed range scan on `(site_id, id)`, the same statement shape for
//! every family, and a download walks it in keyset chunks.

use crate::ddl::{drop_all, fk, index, table};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Orders: software (PA / PA Express) or Cloud Services, a new purchase or a renewal.
        // Every order recorded before this change was a new software purchase.
        m.alter_table(
            Table::alter()
                .table("orders")
                .add_column(string_len("offering", 16).default("SOFTWARE"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("orders")
                .add_column(string_len("kind", 16).default("NEW"))
                .take(),
        )
        .await?;
        index(m, "orders", &["customer_id", "ordered_on"]).await?;
        m.create_table(
            table("order_lines")
                .col(big_integer("site_id"))
                .col(big_integer("order_id"))
                // The order's number and date, copied: a line is written with its order
                // and neither changes, so the detailed history reads one table.
                .col(string_len("order_number", 16))
                .col(date("ordered_on"))
                .col(text("part_number"))
                .col(text("description"))
                .col(integer("quantity"))
                .col(string_len("currency", 3))
                .col(big_integer("amount_minor"))
                .foreign_key(&mut fk("order_lines", "order_id", "orders", CASCADE))
                .foreign_key(&mut fk("order_lines", "site_id", "sites", CASCADE))
                .take(),
        )
        .await?;
        index(m, "order_lines", &["order_id"]).await?;
        index(m, "order_lines", &["site_id"]).await?;

        m.create_table(
            table("pao_end_users")
                .col(big_integer("site_id"))
                .col(big_integer("customer_id"))
                .col(string_len("end_user_number", 16))
                .col(text("name"))
                .col(text("name_key"))
                .col(string_len("country", 2))
                .col(text("city"))
                .col(text("industry"))
                .col(date_null("last_order_on"))
                .foreign_key(&mut fk("pao_end_users", "site_id", "sites", CASCADE))
                .foreign_key(&mut fk(
                    "pao_end_users",
                    "customer_id",
                    "pao_customers",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "pao_end_users", &["site_id", "name_key"]).await?;
        index(m, "pao_end_users", &["customer_id"]).await?;

        m.create_table(
            table("saas_subscriptions")
                .col(big_integer("site_id"))
                .col(big_integer("customer_id"))
                .col(string_len("subscription_number", 16))
                .col(text("part_number"))
                .col(text("description"))
                .col(integer("quantity"))
                .col(string_len("fulfillment_status", 32))
                .col(date("ordered_on"))
                .col(date_null("fulfilled_on"))
                .col(date("term_end"))
                .col(string_len("currency", 3))
                .col(big_integer("monthly_minor"))
                .foreign_key(&mut fk("saas_subscriptions", "site_id", "sites", CASCADE))
                .foreign_key(&mut fk(
                    "saas_subscriptions",
                    "customer_id",
                    "pao_customers",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "saas_subscriptions", &["site_id"]).await?;
        index(m, "saas_subscriptions", &["customer_id"]).await?;
        index(m, "saas_subscriptions", &["subscription_number"]).await?;

        m.create_table(
            table("saas_provisioning_elements")
                .col(big_integer("site_id"))
                .col(big_integer("subscription_id"))
                .col(string_len("subscription_number", 16))
                .col(text("name"))
                .col(text_null("value"))
                .col(boolean("required"))
                .foreign_key(&mut fk(
                    "saas_provisioning_elements",
                    "site_id",
                    "sites",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "saas_provisioning_elements",
                    "subscription_id",
                    "saas_subscriptions",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "saas_provisioning_elements", &["site_id"]).await?;
        index(m, "saas_provisioning_elements", &["subscription_id"]).await?;

        m.create_table(
            table("saas_overages")
                .col(big_integer("site_id"))
                .col(big_integer("subscription_id"))
                .col(string_len("subscription_number", 16))
                .col(big_integer("customer_id"))
                .col(date("usage_month"))
                .col(text("metric"))
                .col(big_integer("entitled_quantity"))
                .col(big_integer("used_quantity"))
                .col(boolean("suppressed"))
                .col(text_null("suppression_reason"))
                .col(string_len("currency", 3))
                .col(big_integer("amount_minor"))
                .foreign_key(&mut fk("saas_overages", "site_id", "sites", CASCADE))
                .foreign_key(&mut fk(
                    "saas_overages",
                    "subscription_id",
                    "saas_subscriptions",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "saas_overages",
                    "customer_id",
                    "pao_customers",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "saas_overages", &["site_id", "suppressed"]).await?;
        index(m, "saas_overages", &["subscription_id"]).await?;
        index(m, "saas_overages", &["customer_id"]).await?;

        m.create_table(
            table("renewal_price_notices")
                .col(big_integer("site_id"))
                .col(big_integer("customer_id"))
                .col(string_len("agreement_number", 16))
                .col(text("part_number"))
                .col(text("description"))
                .col(date("notice_date"))
                .col(date("effective_date"))
                .col(string_len("currency", 3))
                .col(big_integer("current_unit_minor"))
                .col(big_integer("new_unit_minor"))
                .foreign_key(&mut fk(
                    "renewal_price_notices",
                    "site_id",
                    "sites",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "renewal_price_notices",
                    "customer_id",
                    "pao_customers",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "renewal_price_notices", &["site_id", "notice_date"]).await?;
        index(m, "renewal_price_notices", &["customer_id"]).await?;

        m.create_table(
            table("subscription_license_updates")
                .col(big_integer("site_id"))
                .col(big_integer("subscription_id"))
                .col(string_len("subscription_number", 16))
                .col(big_integer("customer_id"))
                .col(string_len("change", 16))
                .col(integer("quantity_before"))
                .col(integer("quantity_after"))
                .col(date("effective_on"))
                .foreign_key(&mut fk(
                    "subscription_license_updates",
                    "site_id",
                    "sites",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "subscription_license_updates",
                    "subscription_id",
                    "saas_subscriptions",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "subscription_license_updates",
                    "customer_id",
                    "pao_customers",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(
            m,
            "subscription_license_updates",
            &["site_id", "effective_on"],
        )
        .await?;
        index(m, "subscription_license_updates", &["subscription_id"]).await?;
        index(m, "subscription_license_updates", &["customer_id"]).await?;

        // Price files: one row per part, country and price period. Not per site: a site
        // sees the parts of the product groups its reseller is authorized for in that
        // country (domain.md §2, §6).
        m.create_table(
            table("price_parts")
                .col(text("part_number"))
                .col(text("description"))
                .col(string_len("product_group", 32))
                .col(string_len("kind", 16))
                .col(string_len("country", 2))
                .col(string_len("currency", 3))
                .col(big_integer("unit_minor"))
                .col(date("effective_from"))
                .col(date_null("effective_to"))
                .take(),
        )
        .await?;
        index(m, "price_parts", &["country", "product_group", "kind"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            m,
            &[
                "price_parts",
                "subscription_license_updates",
                "renewal_price_notices",
                "saas_overages",
                "saas_provisioning_elements",
                "saas_subscriptions",
                "pao_end_users",
                "order_lines",
            ],
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_orders_customer_id_ordered_on")
                .table("orders")
                .to_owned(),
        )
        .await?;
        for c in ["kind", "offering"] {
            m.alter_table(Table::alter().table("orders").drop_column(c).take())
                .await?;
        }
        Ok(())
    }
}

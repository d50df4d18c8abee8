//! Passport Advantage Online: sites, site users and privileges, access requests, and the
//! data behind the site reports.

use crate::ddl::{drop_all, fk, index, link, table, unique, unique_where};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("sites")
                .col(string_len_uniq("site_number", 16))
                .col(string_len("name", 200))
                .col(char_len("country", 2))
                .col(string_len("agreement_type", 32))
                .col(big_integer("reseller_company_id"))
                .foreign_key(&mut fk(
                    "sites",
                    "reseller_company_id",
                    "companies",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "sites", &["reseller_company_id"]).await?;

        m.create_table(
            table("site_users")
                .col(big_integer("site_id"))
                .col(big_integer_null("person_id"))
                .col(string_len("ibm_id", 254))
                .col(string_len("name", 200))
                .col(string_len("role", 24))
                .col(boolean("account_management").default(false))
                .foreign_key(&mut fk("site_users", "site_id", "sites", CASCADE))
                .foreign_key(&mut fk("site_users", "person_id", "people", SET_NULL))
                .take(),
        )
        .await?;
        unique(m, "site_users", &["site_id", "ibm_id"]).await?;
        index(m, "site_users", &["ibm_id"]).await?;
        index(m, "site_users", &["person_id"]).await?;
        unique_where(
            m,
            "ux_site_users_one_primary_per_site",
            "site_users",
            &["site_id"],
            Expr::col("role").eq("SITE_PRIMARY_CONTACT"),
        )
        .await?;

        m.create_table(
            link("site_user_privileges")
                .col(big_integer("site_user_id"))
                .col(string_len("privilege", 32))
                .primary_key(Index::create().col("site_user_id").col("privilege"))
                .foreign_key(&mut fk(
                    "site_user_privileges",
                    "site_user_id",
                    "site_users",
                    CASCADE,
                ))
                .take(),
        )
        .await?;

        m.create_table(
            table("access_requests")
                .col(big_integer("site_id"))
                .col(big_integer_null("requester_person_id"))
                .col(string_len("requester_ibm_id", 254))
                .col(string_len("requester_name", 200))
                .col(boolean("believes_primary").default(false))
                .col(string_len("status", 16))
                .col(text_null("decision_reason"))
                .col(string_len_null("decided_by_ibm_id", 254))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(&mut fk("access_requests", "site_id", "sites", CASCADE))
                .foreign_key(&mut fk(
                    "access_requests",
                    "requester_person_id",
                    "people",
                    SET_NULL,
                ))
                .take(),
        )
        .await?;
        index(m, "access_requests", &["site_id", "status"]).await?;
        index(m, "access_requests", &["requester_ibm_id"]).await?;
        index(m, "access_requests", &["requester_person_id"]).await?;

        m.create_table(
            table("pao_customers")
                .col(big_integer("site_id"))
                .col(string_len("customer_number", 16))
                .col(string_len("name", 200))
                .col(string_len("agreement_number", 16))
                .foreign_key(&mut fk("pao_customers", "site_id", "sites", CASCADE))
                .take(),
        )
        .await?;
        unique(m, "pao_customers", &["site_id", "customer_number"]).await?;
        index(m, "pao_customers", &["agreement_number"]).await?;

        m.create_table(
            table("renewal_line_items")
                .col(big_integer("site_id"))
                .col(big_integer("customer_id"))
                .col(string_len("agreement_number", 16))
                .col(string_len_null("quote_number", 16))
                .col(string_len("part_number", 16))
                .col(string_len("description", 200))
                .col(date("renewal_date"))
                .col(integer("quantity"))
                .col(big_integer("amount_cents"))
                .col(string_len("status", 16))
                .foreign_key(&mut fk("renewal_line_items", "site_id", "sites", CASCADE))
                .foreign_key(&mut fk(
                    "renewal_line_items",
                    "customer_id",
                    "pao_customers",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "renewal_line_items", &["site_id", "renewal_date"]).await?;
        index(m, "renewal_line_items", &["customer_id"]).await?;
        index(m, "renewal_line_items", &["agreement_number"]).await?;
        index(m, "renewal_line_items", &["quote_number"]).await?;

        m.create_table(
            table("orders")
                .col(big_integer("site_id"))
                .col(big_integer("customer_id"))
                .col(string_len_uniq("order_number", 16))
                .col(date("ordered_on"))
                .col(big_integer("amount_cents"))
                .col(string_len("status", 16))
                .foreign_key(&mut fk("orders", "site_id", "sites", CASCADE))
                .foreign_key(&mut fk("orders", "customer_id", "pao_customers", CASCADE))
                .take(),
        )
        .await?;
        index(m, "orders", &["site_id", "ordered_on"]).await?;
        index(m, "orders", &["customer_id"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            m,
            &[
                "orders",
                "renewal_line_items",
                "pao_customers",
                "access_requests",
                "site_user_privileges",
                "site_users",
                "sites",
            ],
        )
        .await
    }
}

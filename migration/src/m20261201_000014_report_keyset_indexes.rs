//! Report pages and files walk one site's rows in id order (`site_id = ? AND id > ?
//! ORDER BY id LIMIT n`). With an index on `site_id` alone, PostgreSQL reads every row of
//! the site and sorts them for each page: fine at a few thousand rows, 5 s (the statement
//! timeout) per chunk of a file at a million (measured by the benchmark's D1). An index on
//! `(site_id, id)` makes each page or chunk a range scan of exactly its rows.

use crate::ddl::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table a site report pages through.
const TABLES: [&str; 11] = [
    "pao_customers",
    "renewal_line_items",
    "orders",
    "order_lines",
    "pao_end_users",
    "saas_subscriptions",
    "saas_provisioning_elements",
    "saas_overages",
    "renewal_price_notices",
    "subscription_license_updates",
    "renewal_quotes",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            index(m, t, &["site_id", "id"]).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_index(
                Index::drop()
                    .name(format!("ix_{t}_site_id_id"))
                    .table(t)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

//! The customer report's search (domain.md §6): a customer's country/region, enrollment
//! (PA or PA Express), anniversary month, and its name folded for prefix search ignoring
//! case and accents (`search_key`, filled here for the rows already stored). Renewal line
//! items say whether they renew a Committed Term License.

use crate::ddl::index;
use crate::search_key::search_key;
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            string_len("name_key", 200).default(""),
            string_len("country", 2).default("US"),
            string_len("enrollment", 32).default("PASSPORT_ADVANTAGE"),
            small_integer("anniversary_month").default(1),
        ] {
            m.alter_table(Table::alter().table("pao_customers").add_column(col).take())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("renewal_line_items")
                .add_column(boolean("committed_term").default(false))
                .take(),
        )
        .await?;
        // Fill the folded names of the customers already stored, a page at a time.
        let db = m.get_connection();
        let mut after = 0_i64;
        loop {
            let page = Query::select()
                .columns(["id", "name"])
                .from("pao_customers")
                .and_where(Expr::col("id").gt(after))
                .order_by("id", Order::Asc)
                .limit(1000)
                .to_owned();
            let rows = db.query_all(&page).await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("", "id")?;
            for row in &rows {
                let id: i64 = row.try_get("", "id")?;
                let name: String = row.try_get("", "name")?;
                let update = Query::update()
                    .table("pao_customers")
                    .value("name_key", search_key(&name))
                    .and_where(Expr::col("id").eq(id))
                    .to_owned();
                m.exec_stmt(update).await?;
            }
        }
        index(m, "pao_customers", &["site_id", "name_key"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_pao_customers_site_id_name_key")
                .table("pao_customers")
                .to_owned(),
        )
        .await?;
        for col in ["name_key", "country", "enrollment", "anniversary_month"] {
            m.alter_table(
                Table::alter()
                    .table("pao_customers")
                    .drop_column(col)
                    .take(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("renewal_line_items")
                .drop_column("committed_term")
                .take(),
        )
        .await
    }
}

//! Renewal quotes (domain.md §6: "renewal quotes are generated from renewal line items"):
//! a quote with its number (`RQ` and its id: unique without a counter of its own), its lines (copied from the line items at the time, so the
//! quote stays what was quoted), its total and its validity.

use crate::ddl::{drop_all, fk, index, table, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("renewal_quotes")
                .col(big_integer("site_id"))
                .col(string_len("status", 16))
                .col(string_len("currency", 3))
                .col(big_integer("total_minor"))
                .col(date("valid_until"))
                .col(text("created_by"))
                .foreign_key(&mut fk("renewal_quotes", "site_id", "sites", CASCADE))
                .take(),
        )
        .await?;
        index(m, "renewal_quotes", &["site_id"]).await?;
        m.create_table(
            table("renewal_quote_lines")
                .col(big_integer("quote_id"))
                .col(big_integer("line_item_id"))
                .col(text("part_number"))
                .col(text("description"))
                .col(integer("quantity"))
                .col(date("renewal_date"))
                .col(big_integer("amount_minor"))
                .foreign_key(&mut fk(
                    "renewal_quote_lines",
                    "quote_id",
                    "renewal_quotes",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "renewal_quote_lines",
                    "line_item_id",
                    "renewal_line_items",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        unique(m, "renewal_quote_lines", &["quote_id", "line_item_id"]).await?;
        index(m, "renewal_quote_lines", &["line_item_id"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["renewal_quote_lines", "renewal_quotes"]).await
    }
}

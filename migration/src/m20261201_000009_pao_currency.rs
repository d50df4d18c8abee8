//! PAO amounts carry their currency (issue 13: money is exact, a decimal with a currency).
//! Orders and renewal line items recorded before this change were all in US dollars (the
//! only currency the demo and the first PAO import used), so that is their default.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["orders", "renewal_line_items"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.alter_table(
                Table::alter()
                    .table(t)
                    .add_column(string_len("currency", 3).default("USD"))
                    .take(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.alter_table(Table::alter().table(t).drop_column("currency").take())
                .await?;
        }
        Ok(())
    }
}

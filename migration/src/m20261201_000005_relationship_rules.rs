//! Relationship applications as the program states them (domain.md §2): registration
//! documents only when IBM requested them for the application, and each product group's
//! distribution and countries as the application states them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("relationship_applications")
                .add_column(boolean("documents_requested").default(false))
                .take(),
        )
        .await?;
        for col in [
            string_len_null("distribution", 16).take(),
            text_null("countries").take(),
        ] {
            m.alter_table(
                Table::alter()
                    .table("application_product_groups")
                    .add_column(col)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["countries", "distribution"] {
            m.alter_table(
                Table::alter()
                    .table("application_product_groups")
                    .drop_column(col)
                    .take(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("relationship_applications")
                .drop_column("documents_requested")
                .take(),
        )
        .await
    }
}

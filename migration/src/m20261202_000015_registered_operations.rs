//! Registered operations: the safelist `PERSISTED_QUERIES=safelist` runs from, filled by
//! `partnerworld operations register` from a persisted-query manifest. Rows never change:
//! an operation's id is the SHA-256 of its text.

use crate::ddl::{drop_all, table, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("registered_operations")
                .col(string_len("operation_id", 64))
                .col(text_null("name"))
                .col(string_len("kind", 16))
                .col(text("body"))
                .take(),
        )
        .await?;
        unique(m, "registered_operations", &["operation_id"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["registered_operations"]).await
    }
}

//! The audit log: who changed what and when. Rows are append-only, so no `version`.

use crate::ddl::{drop_all, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("audit_log")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at").default(Expr::current_timestamp()))
                .col(string_len("actor", 254))
                .col(string_len("action", 64))
                .col(string_len("entity_type", 64))
                .col(big_integer("entity_id"))
                .col(text_null("before_json"))
                .col(text_null("after_json"))
                .col(string_len_null("trace_id", 32))
                .take(),
        )
        .await?;
        index(m, "audit_log", &["entity_type", "entity_id"]).await?;
        index(m, "audit_log", &["at"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["audit_log"]).await
    }
}

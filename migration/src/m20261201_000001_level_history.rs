//! The level in force over time: each change of a company's `partner_world_level`, with
//! the day it took effect and why (domain.md §1: qualification is dynamic). Append-only.

use crate::ddl::{drop_all, fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("level_changes")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at").default(Expr::current_timestamp()))
                .col(big_integer("company_id"))
                .col(string_len("from_level", 16))
                .col(string_len("to_level", 16))
                .col(date("effective_on"))
                .col(string_len("reason", 500))
                .foreign_key(&mut fk("level_changes", "company_id", "companies", CASCADE))
                .take(),
        )
        .await?;
        index(m, "level_changes", &["company_id"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["level_changes"]).await
    }
}

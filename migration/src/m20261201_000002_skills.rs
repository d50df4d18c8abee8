//! Skills as the FAQ's steps have them: a candidate id is marked Sales or Technical by the
//! person who adds it, and a candidate id merge names the id that is kept.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("candidate_ids")
                .add_column(string_len("track", 16).default("TECHNICAL"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("candidate_merge_requests")
                .add_column(string_len_null("keep_candidate_id", 32))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("candidate_merge_requests")
                .drop_column("keep_candidate_id")
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("candidate_ids")
                .drop_column("track")
                .take(),
        )
        .await
    }
}

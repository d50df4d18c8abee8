//! A company added to a value net confirms before it shows as a member (domain.md §8).
//! Memberships recorded before this change count as confirmed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("value_net_members")
                .add_column(boolean("confirmed").default(true))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("value_net_members")
                .drop_column("confirmed")
                .take(),
        )
        .await
    }
}

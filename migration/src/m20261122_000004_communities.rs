//! IBM Communities and their members.

use crate::ddl::{drop_all, fk, index, table, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("communities")
                .col(string_len_uniq("slug", 64))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(string_len("visibility", 16))
                .take(),
        )
        .await?;

        m.create_table(
            table("community_members")
                .col(big_integer("community_id"))
                .col(big_integer("person_id"))
                .col(string_len("role", 16))
                .col(string_len("status", 16))
                .foreign_key(&mut fk(
                    "community_members",
                    "community_id",
                    "communities",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "community_members",
                    "person_id",
                    "people",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        unique(m, "community_members", &["community_id", "person_id"]).await?;
        index(m, "community_members", &["person_id"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["community_members", "communities"]).await
    }
}

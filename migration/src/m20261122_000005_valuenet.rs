//! Value Net Connections: registrations with their focus areas, and registered value nets.

use crate::ddl::{drop_all, fk, index, link, table};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("value_net_registrations")
                .col(big_integer_uniq("company_id"))
                .col(text_null("description"))
                .foreign_key(&mut fk(
                    "value_net_registrations",
                    "company_id",
                    "companies",
                    CASCADE,
                ))
                .take(),
        )
        .await?;

        m.create_table(
            link("value_net_focus")
                .col(big_integer("registration_id"))
                .col(string_len("kind", 16))
                .col(string_len("value", 64))
                .primary_key(
                    Index::create()
                        .col("registration_id")
                        .col("kind")
                        .col("value"),
                )
                .foreign_key(&mut fk(
                    "value_net_focus",
                    "registration_id",
                    "value_net_registrations",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        // Matching looks up registrations sharing a (kind, value).
        index(m, "value_net_focus", &["kind", "value", "registration_id"]).await?;

        m.create_table(
            table("value_nets")
                .col(string_len("name", 200))
                .col(text_null("description"))
                .col(big_integer("registered_by_company_id"))
                .foreign_key(&mut fk(
                    "value_nets",
                    "registered_by_company_id",
                    "companies",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "value_nets", &["registered_by_company_id"]).await?;

        m.create_table(
            link("value_net_members")
                .col(big_integer("value_net_id"))
                .col(big_integer("company_id"))
                .primary_key(Index::create().col("value_net_id").col("company_id"))
                .foreign_key(&mut fk(
                    "value_net_members",
                    "value_net_id",
                    "value_nets",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "value_net_members",
                    "company_id",
                    "companies",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "value_net_members", &["company_id"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            m,
            &[
                "value_net_members",
                "value_nets",
                "value_net_focus",
                "value_net_registrations",
            ],
        )
        .await
    }
}

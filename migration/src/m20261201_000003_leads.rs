//! Leads as partners work them (domain.md §2): where an opportunity came from (IBM, or a
//! deal the partner registered), its estimated value, every change of its status kept in
//! `opportunity_events`, and the company's Focal ID (its prime contact for leads).

use crate::ddl::{drop_all, fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            string_len("origin", 16).default("IBM").take(),
            big_integer_null("amount_minor").take(),
            string_len_null("currency", 3).take(),
        ] {
            m.alter_table(Table::alter().table("opportunities").add_column(col).take())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("people")
                .add_column(boolean("is_focal").default(false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("opportunity_events")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at").default(Expr::current_timestamp()))
                .col(big_integer("opportunity_id"))
                .col(string_len("event", 16))
                .col(string_len_null("from_status", 16))
                .col(string_len("to_status", 16))
                .col(big_integer_null("company_id"))
                .col(string_len("actor", 254))
                .col(string_len_null("note", 1000))
                .foreign_key(&mut fk(
                    "opportunity_events",
                    "opportunity_id",
                    "opportunities",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "opportunity_events", &["opportunity_id"]).await?;
        index(m, "opportunities", &["passed_to_company_id", "status"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut ix = Index::drop();
        ix.name("ix_opportunities_passed_to_company_id_status")
            .table("opportunities");
        m.drop_index(ix).await?;
        drop_all(m, &["opportunity_events"]).await?;
        m.alter_table(
            Table::alter()
                .table("people")
                .drop_column("is_focal")
                .take(),
        )
        .await?;
        for col in ["currency", "amount_minor", "origin"] {
            m.alter_table(
                Table::alter()
                    .table("opportunities")
                    .drop_column(col)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}

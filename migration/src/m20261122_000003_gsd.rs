//! Global Solutions Directory: solutions, tags, nominations, response cards and customer
//! experiences.

use crate::ddl::{drop_all, fk, index, link, table};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("solutions")
                .col(big_integer("company_id"))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(boolean("in_showcase").default(false))
                .foreign_key(&mut fk("solutions", "company_id", "companies", CASCADE))
                .take(),
        )
        .await?;
        index(m, "solutions", &["company_id"]).await?;
        index(m, "solutions", &["name"]).await?;

        m.create_table(
            link("solution_tags")
                .col(big_integer("solution_id"))
                .col(string_len("kind", 16))
                .col(string_len("value", 64))
                .primary_key(Index::create().col("solution_id").col("kind").col("value"))
                .foreign_key(&mut fk(
                    "solution_tags",
                    "solution_id",
                    "solutions",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "solution_tags", &["kind", "value"]).await?;

        m.create_table(
            table("validation_nominations")
                .col(big_integer("solution_id"))
                .col(big_integer_null("nominated_by_person_id"))
                .col(string_len("status", 16))
                .col(text_null("notes"))
                .foreign_key(&mut fk(
                    "validation_nominations",
                    "solution_id",
                    "solutions",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "validation_nominations",
                    "nominated_by_person_id",
                    "people",
                    SET_NULL,
                ))
                .take(),
        )
        .await?;
        index(m, "validation_nominations", &["solution_id"]).await?;
        index(m, "validation_nominations", &["nominated_by_person_id"]).await?;

        m.create_table(
            table("response_cards")
                .col(big_integer("solution_id"))
                .col(string_len("reader_name", 200))
                .col(string_len("reader_email", 254))
                .col(string_len_null("reader_company", 200))
                .col(text("message"))
                .foreign_key(&mut fk(
                    "response_cards",
                    "solution_id",
                    "solutions",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "response_cards", &["solution_id"]).await?;

        m.create_table(
            table("customer_experiences")
                .col(big_integer("solution_id"))
                .col(string_len("customer_name", 200))
                .col(text("summary"))
                .col(string_len("status", 16))
                .col(text_null("decision_reason"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(&mut fk(
                    "customer_experiences",
                    "solution_id",
                    "solutions",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "customer_experiences", &["solution_id"]).await?;
        index(m, "customer_experiences", &["status"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            m,
            &[
                "customer_experiences",
                "response_cards",
                "validation_nominations",
                "solution_tags",
                "solutions",
            ],
        )
        .await
    }
}

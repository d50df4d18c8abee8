//! Technical Advocate requests (domain.md §2, §8): a CVR participant's APA asks for one of
//! its people; IBM approves when the skill and technical requirements are met.

use crate::ddl::{drop_all, fk, index, table};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("technical_advocate_requests")
                .col(big_integer("company_id"))
                .col(big_integer("advocate_person_id"))
                .col(string_len("status", 16))
                .col(text_null("note"))
                .col(text_null("decision_reason"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(&mut fk(
                    "technical_advocate_requests",
                    "company_id",
                    "companies",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "technical_advocate_requests",
                    "advocate_person_id",
                    "people",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "technical_advocate_requests", &["company_id"]).await?;
        index(m, "technical_advocate_requests", &["advocate_person_id"]).await?;
        index(m, "technical_advocate_requests", &["status"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["technical_advocate_requests"]).await
    }
}

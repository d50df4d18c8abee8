//! Relationships and authorizations (Channel Value Rewards) and opportunity passing.

use crate::ddl::{drop_all, fk, index, link, table, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        const APPS: &str = "relationship_applications";
        m.create_table(
            table(APPS)
                .col(big_integer("company_id"))
                .col(big_integer("location_id"))
                .col(string_len("kind", 32))
                .col(string_len_null("vad_choice", 32))
                .col(big_integer_null("vad_company_id"))
                .col(boolean("agreement_accepted").default(false))
                .col(boolean("compliance_completed").default(false))
                .col(string_len("status", 16))
                .col(text_null("decision_reason"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(big_integer("created_by_person_id"))
                .foreign_key(&mut fk(APPS, "company_id", "companies", CASCADE))
                .foreign_key(&mut fk(APPS, "location_id", "locations", RESTRICT))
                .foreign_key(&mut fk(APPS, "vad_company_id", "companies", RESTRICT))
                .foreign_key(&mut fk(APPS, "created_by_person_id", "people", RESTRICT))
                .take(),
        )
        .await?;
        index(m, APPS, &["company_id"]).await?;
        index(m, APPS, &["location_id"]).await?;
        index(m, APPS, &["vad_company_id"]).await?;
        index(m, APPS, &["created_by_person_id"]).await?;
        index(m, APPS, &["status"]).await?;

        m.create_table(
            link("application_product_groups")
                .col(big_integer("application_id"))
                .col(string_len("program", 8))
                .col(string_len("product_group", 64))
                .primary_key(
                    Index::create()
                        .col("application_id")
                        .col("program")
                        .col("product_group"),
                )
                .foreign_key(&mut fk(
                    "application_product_groups",
                    "application_id",
                    APPS,
                    CASCADE,
                ))
                .take(),
        )
        .await?;

        for (name, col) in [
            ("application_key_contacts", "person_id"),
            ("application_trainees", "person_id"),
        ] {
            m.create_table(
                link(name)
                    .col(big_integer("application_id"))
                    .col(big_integer(col))
                    .primary_key(Index::create().col("application_id").col(col))
                    .foreign_key(&mut fk(name, "application_id", APPS, CASCADE))
                    .foreign_key(&mut fk(name, col, "people", CASCADE))
                    .take(),
            )
            .await?;
            index(m, name, &[col]).await?;
        }

        m.create_table(
            table("application_documents")
                .col(big_integer("application_id"))
                .col(string_len("file_name", 255))
                .col(string_len("content_type", 100))
                .col(big_integer("size_bytes"))
                .col(char_len("sha256", 64))
                .foreign_key(&mut fk(
                    "application_documents",
                    "application_id",
                    APPS,
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "application_documents", &["application_id"]).await?;

        m.create_table(
            table("authorizations")
                .col(big_integer("company_id"))
                .col(big_integer_null("application_id"))
                .col(string_len("product_group", 64))
                .col(char_len("country", 2))
                .col(string_len("distribution", 16))
                .foreign_key(&mut fk(
                    "authorizations",
                    "company_id",
                    "companies",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "authorizations",
                    "application_id",
                    APPS,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await?;
        unique(
            m,
            "authorizations",
            &["company_id", "product_group", "country"],
        )
        .await?;
        index(m, "authorizations", &["product_group", "country"]).await?;
        index(m, "authorizations", &["application_id"]).await?;

        m.create_table(
            table("opportunities")
                .col(string_len("product_group", 64))
                .col(char_len("country", 2))
                .col(string_len("customer_name", 200))
                .col(text_null("description"))
                .col(string_len("status", 16))
                .col(big_integer_null("passed_to_company_id"))
                .col(timestamp_with_time_zone_null("passed_at"))
                .col(text_null("pass_reason"))
                .foreign_key(&mut fk(
                    "opportunities",
                    "passed_to_company_id",
                    "companies",
                    RESTRICT,
                ))
                .take(),
        )
        .await?;
        index(m, "opportunities", &["passed_to_company_id"]).await?;
        index(m, "opportunities", &["product_group", "country"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            m,
            &[
                "opportunities",
                "authorizations",
                "application_documents",
                "application_trainees",
                "application_key_contacts",
                "application_product_groups",
                "relationship_applications",
            ],
        )
        .await
    }
}

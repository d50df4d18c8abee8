//! Revenue correction requests with the fields of the FAQ (domain.md §1, §8): the country
//! enterprise (country, company, CE id), a contact, the distributor, an amount per brand and
//! anything else, for one reporting period; IBM's channel team decides them.
//!
//! The first shape (one report, one amount, a reason) could not hold those fields and no
//! code path ever wrote it, so the table is replaced rather than altered (SQLite cannot
//! relax the old NOT NULL columns in place).

use crate::ddl::{drop_all, fk, index, table, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["revenue_corrections"]).await?;
        m.create_table(
            table("revenue_corrections")
                .col(big_integer("company_id"))
                .col(big_integer("country_enterprise_id"))
                .col(big_integer("requested_by_person_id"))
                .col(string_len("period", 16))
                .col(text("contact_name"))
                .col(text("contact_email"))
                .col(text_null("contact_phone"))
                .col(text_null("distributor"))
                .col(text_null("other"))
                .col(string_len("currency", 3))
                .col(string_len("status", 16))
                .col(text_null("decision_reason"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(&mut fk(
                    "revenue_corrections",
                    "company_id",
                    "companies",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "revenue_corrections",
                    "country_enterprise_id",
                    "country_enterprises",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "revenue_corrections",
                    "requested_by_person_id",
                    "people",
                    RESTRICT,
                ))
                .take(),
        )
        .await?;
        index(m, "revenue_corrections", &["company_id"]).await?;
        index(m, "revenue_corrections", &["country_enterprise_id"]).await?;
        index(m, "revenue_corrections", &["requested_by_person_id"]).await?;
        index(m, "revenue_corrections", &["status"]).await?;
        m.create_table(
            table("revenue_correction_amounts")
                .col(big_integer("correction_id"))
                .col(string_len("brand", 16))
                .col(big_integer("amount_minor"))
                .foreign_key(&mut fk(
                    "revenue_correction_amounts",
                    "correction_id",
                    "revenue_corrections",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        unique(m, "revenue_correction_amounts", &["correction_id", "brand"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["revenue_correction_amounts", "revenue_corrections"]).await?;
        m.create_table(
            table("revenue_corrections")
                .col(big_integer("revenue_report_id"))
                .col(big_integer("requested_by_person_id"))
                .col(big_integer("requested_amount_cents"))
                .col(text("reason"))
                .col(string_len("status", 16))
                .foreign_key(&mut fk(
                    "revenue_corrections",
                    "revenue_report_id",
                    "revenue_reports",
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "revenue_corrections",
                    "requested_by_person_id",
                    "people",
                    RESTRICT,
                ))
                .take(),
        )
        .await?;
        index(m, "revenue_corrections", &["revenue_report_id"]).await?;
        index(m, "revenue_corrections", &["requested_by_person_id"]).await
    }
}

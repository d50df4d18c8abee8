//! What IBM's channel team sets about a company's standing in the program (domain.md §8):
//! the PartnerPlan's own lifecycle (submitted by the APA, verified by IBM), and the
//! decision on a technical-validation nomination.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            string_len("partner_plan_status", 16).default("NONE").take(),
            text_null("partner_plan_summary").take(),
            timestamp_with_time_zone_null("partner_plan_submitted_at").take(),
        ] {
            m.alter_table(Table::alter().table("companies").add_column(col).take())
                .await?;
        }
        // Plans the seed approved are verified ones.
        m.get_connection()
            .execute_unprepared(
                "UPDATE companies SET partner_plan_status = 'VERIFIED' WHERE partner_plan_approved",
            )
            .await?;
        for col in [
            text_null("decision_reason").take(),
            timestamp_with_time_zone_null("decided_at").take(),
        ] {
            m.alter_table(
                Table::alter()
                    .table("validation_nominations")
                    .add_column(col)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["decided_at", "decision_reason"] {
            m.alter_table(
                Table::alter()
                    .table("validation_nominations")
                    .drop_column(col)
                    .take(),
            )
            .await?;
        }
        for col in [
            "partner_plan_submitted_at",
            "partner_plan_summary",
            "partner_plan_status",
        ] {
            m.alter_table(Table::alter().table("companies").drop_column(col).take())
                .await?;
        }
        Ok(())
    }
}

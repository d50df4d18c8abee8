//! Partner Profile System: companies, country enterprises, locations, people, skills,
//! agreements, benefits and revenue reports.

use crate::ddl::{drop_all, fk, index, link, table, unique, unique_where};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("companies")
                .col(string_len_uniq("partner_world_id", 16))
                .col(string_len("name", 200))
                .col(boolean("good_standing").default(true))
                .col(string_len("company_token", 64))
                .col(boolean("registered_for_sales").default(false))
                .col(boolean("partner_plan_approved").default(false))
                .col(date_null("partner_plan_valid_until"))
                .col(boolean("isv_premier_invited").default(false))
                .col(string_len("partner_world_level", 16).default("MEMBER"))
                .col(text_null("description"))
                .take(),
        )
        .await?;
        index(m, "companies", &["name"]).await?;
        index(m, "companies", &["partner_world_level"]).await?;

        m.create_table(
            link("company_partner_types")
                .col(big_integer("company_id"))
                .col(string_len("partner_type", 32))
                .primary_key(Index::create().col("company_id").col("partner_type"))
                .foreign_key(&mut fk(
                    "company_partner_types",
                    "company_id",
                    "companies",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "company_partner_types", &["partner_type"]).await?;

        m.create_table(
            table("country_enterprises")
                .col(string_len_uniq("country_enterprise_id", 24))
                .col(big_integer("company_id"))
                .col(char_len("country", 2))
                .col(string_len_null("passport_advantage_id", 16).unique_key())
                .col(boolean("publish_to_partners").default(false))
                .col(boolean("publish_to_customers").default(false))
                .col(text_null("marketing_description"))
                .foreign_key(&mut fk(
                    "country_enterprises",
                    "company_id",
                    "companies",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        unique(m, "country_enterprises", &["company_id", "country"]).await?;
        index(m, "country_enterprises", &["country"]).await?;

        m.create_table(
            table("locations")
                .col(big_integer("company_id"))
                .col(big_integer("country_enterprise_id"))
                .col(string_len("name", 200))
                .col(string_len("address_line", 200))
                .col(string_len("city", 100))
                .col(string_len("postal_code", 16))
                .col(char_len("country", 2))
                .col(boolean("is_headquarters").default(false))
                .foreign_key(&mut fk("locations", "company_id", "companies", CASCADE))
                .foreign_key(&mut fk(
                    "locations",
                    "country_enterprise_id",
                    "country_enterprises",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "locations", &["company_id"]).await?;
        index(m, "locations", &["country_enterprise_id"]).await?;
        unique_where(
            m,
            "ux_locations_one_headquarters",
            "locations",
            &["company_id"],
            Expr::col("is_headquarters").eq(true),
        )
        .await?;

        m.create_table(
            table("benefits")
                .col(big_integer("location_id"))
                .col(string_len("kind", 32))
                .col(string_len("name", 200))
                .col(string_len("status", 16))
                .col(date_null("valid_until"))
                .foreign_key(&mut fk("benefits", "location_id", "locations", CASCADE))
                .take(),
        )
        .await?;
        index(m, "benefits", &["location_id"]).await?;

        m.create_table(
            table("agreements")
                .col(big_integer("location_id"))
                .col(string_len("kind", 48))
                .col(string_len("status", 16))
                .col(date_null("accepted_on"))
                .col(date_null("expires_on"))
                .foreign_key(&mut fk("agreements", "location_id", "locations", CASCADE))
                .take(),
        )
        .await?;
        index(m, "agreements", &["location_id"]).await?;

        m.create_table(
            table("people")
                .col(string_len_uniq("ibm_id", 254))
                .col(string_len("given_name", 100))
                .col(string_len("family_name", 100))
                .col(string_len_null("job_title", 100))
                .col(big_integer("company_id"))
                .col(big_integer("location_id"))
                .col(string_len("status", 16))
                .col(boolean("is_apa").default(false))
                .col(boolean("is_prc").default(false))
                .foreign_key(&mut fk("people", "company_id", "companies", CASCADE))
                .foreign_key(&mut fk("people", "location_id", "locations", RESTRICT))
                .take(),
        )
        .await?;
        index(m, "people", &["company_id"]).await?;
        index(m, "people", &["location_id"]).await?;
        unique_where(
            m,
            "ux_people_one_prc_per_location",
            "people",
            &["location_id"],
            Expr::col("is_prc").eq(true),
        )
        .await?;

        m.create_table(
            table("candidate_ids")
                .col(big_integer("person_id"))
                .col(string_len_uniq("candidate_id", 32))
                .foreign_key(&mut fk("candidate_ids", "person_id", "people", CASCADE))
                .take(),
        )
        .await?;
        index(m, "candidate_ids", &["person_id"]).await?;

        m.create_table(
            table("candidate_merge_requests")
                .col(big_integer("person_id"))
                .col(text("candidate_ids"))
                .col(string_len("status", 16))
                .col(text_null("reason"))
                .foreign_key(&mut fk(
                    "candidate_merge_requests",
                    "person_id",
                    "people",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "candidate_merge_requests", &["person_id"]).await?;

        // The points table: only skills listed here count toward the membership level.
        m.create_table(
            table("skill_points")
                .col(string_len_uniq("name", 200))
                .col(string_len("kind", 16))
                .col(string_len("track", 16))
                .col(integer("points"))
                .take(),
        )
        .await?;

        m.create_table(
            table("certifications")
                .col(big_integer("person_id"))
                .col(string_len("name", 200))
                .col(string_len("kind", 16))
                .col(string_len("track", 16))
                .col(date("earned_on"))
                .col(date_null("expires_on"))
                .col(string_len_null("candidate_id", 32))
                .foreign_key(&mut fk("certifications", "person_id", "people", CASCADE))
                .take(),
        )
        .await?;
        index(m, "certifications", &["person_id"]).await?;
        index(m, "certifications", &["name"]).await?;

        m.create_table(
            table("company_attainments")
                .col(big_integer("company_id"))
                .col(string_len("criterion", 32))
                .col(string_len("description", 200))
                .col(integer("points"))
                .col(date("earned_on"))
                .col(date_null("expires_on"))
                .foreign_key(&mut fk(
                    "company_attainments",
                    "company_id",
                    "companies",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "company_attainments", &["company_id"]).await?;

        m.create_table(
            table("revenue_reports")
                .col(big_integer("country_enterprise_id"))
                .col(string_len("brand", 32))
                .col(string_len("period", 16))
                .col(big_integer("amount_cents"))
                .col(char_len("currency", 3))
                .col(string_len("source", 32))
                .foreign_key(&mut fk(
                    "revenue_reports",
                    "country_enterprise_id",
                    "country_enterprises",
                    CASCADE,
                ))
                .take(),
        )
        .await?;
        index(m, "revenue_reports", &["country_enterprise_id"]).await?;

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
        index(m, "revenue_corrections", &["requested_by_person_id"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            m,
            &[
                "revenue_corrections",
                "revenue_reports",
                "company_attainments",
                "certifications",
                "skill_points",
                "candidate_merge_requests",
                "candidate_ids",
                "people",
                "agreements",
                "benefits",
                "locations",
                "country_enterprises",
                "company_partner_types",
                "companies",
            ],
        )
        .await
    }
}

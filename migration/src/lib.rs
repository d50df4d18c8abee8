//! Database migrations for the PartnerWorld gateway: one schema change per file, each with
//! a `down`, written for both SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod ddl;
mod m20261122_000001_profiles;
mod m20261122_000002_relationships;
mod m20261122_000003_gsd;
mod m20261122_000004_communities;
mod m20261122_000005_valuenet;
mod m20261122_000006_pao;
mod m20261122_000007_audit;
mod m20261201_000001_level_history;
mod m20261201_000002_skills;
mod m20261201_000003_leads;
mod m20261201_000004_program;
mod m20261201_000005_relationship_rules;
mod m20261201_000006_value_net_confirmation;
mod m20261201_000007_technical_advocates;
mod m20261201_000008_revenue_corrections;
mod m20261201_000009_pao_currency;
mod m20261201_000010_pao_customer_search;
mod m20261201_000011_renewal_quotes;
mod m20261201_000012_pao_report_families;
mod m20261201_000013_notifications;
mod m20261201_000014_report_keyset_indexes;
mod m20261202_000015_registered_operations;
pub mod search_key;

/// Applies the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_profiles::Migration),
            Box::new(m20261122_000002_relationships::Migration),
            Box::new(m20261122_000003_gsd::Migration),
            Box::new(m20261122_000004_communities::Migration),
            Box::new(m20261122_000005_valuenet::Migration),
            Box::new(m20261122_000006_pao::Migration),
            Box::new(m20261122_000007_audit::Migration),
            Box::new(m20261201_000001_level_history::Migration),
            Box::new(m20261201_000002_skills::Migration),
            Box::new(m20261201_000003_leads::Migration),
            Box::new(m20261201_000004_program::Migration),
            Box::new(m20261201_000005_relationship_rules::Migration),
            Box::new(m20261201_000006_value_net_confirmation::Migration),
            Box::new(m20261201_000007_technical_advocates::Migration),
            Box::new(m20261201_000008_revenue_corrections::Migration),
            Box::new(m20261201_000009_pao_currency::Migration),
            Box::new(m20261201_000010_pao_customer_search::Migration),
            Box::new(m20261201_000011_renewal_quotes::Migration),
            Box::new(m20261201_000012_pao_report_families::Migration),
            Box::new(m20261201_000013_notifications::Migration),
            Box::new(m20261201_000014_report_keyset_indexes::Migration),
            Box::new(m20261202_000015_registered_operations::Migration),
        ]
    }
}

//! Buffered multi-row INSERTs, chunked under the bind-parameter limits of both engines.

use sea_orm::sea_query::{Alias, Query, SimpleExpr, Value};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, TransactionTrait};
use std::collections::BTreeMap;

/// SQLite allows 32 766 bound parameters, PostgreSQL 65 535.
const MAX_PARAMS: usize = 30_000;

/// Tables in foreign-key order: parents before children.
pub const ORDER: &[&str] = &[
    "skill_points",
    "companies",
    "company_partner_types",
    "country_enterprises",
    "locations",
    "benefits",
    "agreements",
    "people",
    "candidate_ids",
    "candidate_merge_requests",
    "certifications",
    "company_attainments",
    "revenue_reports",
    "revenue_corrections",
    "revenue_correction_amounts",
    "relationship_applications",
    "application_product_groups",
    "application_key_contacts",
    "application_trainees",
    "application_documents",
    "authorizations",
    "technical_advocate_requests",
    "opportunities",
    "opportunity_events",
    "solutions",
    "solution_tags",
    "validation_nominations",
    "response_cards",
    "customer_experiences",
    "communities",
    "community_members",
    "value_net_registrations",
    "value_net_focus",
    "value_nets",
    "value_net_members",
    "sites",
    "site_users",
    "site_user_privileges",
    "access_requests",
    "pao_customers",
    "renewal_line_items",
    "orders",
    "order_lines",
    "pao_end_users",
    "saas_subscriptions",
    "saas_provisioning_elements",
    "saas_overages",
    "subscription_license_updates",
    "renewal_price_notices",
    "price_parts",
    "notifications",
];

#[derive(Default)]
struct Buffer {
    columns: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
}

#[derive(Default)]
pub struct Tables {
    buffers: BTreeMap<&'static str, Buffer>,
    pub written: u64,
}

impl Tables {
    /// Queues one row; every row of a table must name the same columns in the same order.
    pub fn push(&mut self, table: &'static str, row: &[(&'static str, Value)]) {
        let buf = self.buffers.entry(table).or_default();
        if buf.columns.is_empty() {
            buf.columns = row.iter().map(|(c, _)| *c).collect();
        }
        debug_assert_eq!(buf.columns.len(), row.len(), "column mismatch in {table}");
        buf.rows.push(row.iter().map(|(_, v)| v.clone()).collect());
    }

    /// Writes everything queued, parents first, in one transaction.
    pub async fn flush(&mut self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let txn = db.begin().await?;
        for table in ORDER {
            let Some(buf) = self.buffers.get_mut(table) else {
                continue;
            };
            if buf.rows.is_empty() {
                continue;
            }
            let per_stmt = (MAX_PARAMS / buf.columns.len()).max(1);
            for chunk in buf.rows.chunks(per_stmt) {
                let mut insert = Query::insert();
                insert
                    .into_table(Alias::new(*table))
                    .columns(buf.columns.iter().map(|c| Alias::new(*c)));
                for row in chunk {
                    insert
                        .values(row.iter().cloned().map(SimpleExpr::from))
                        .map_err(|e| DbErr::Custom(e.to_string()))?;
                }
                txn.execute(&insert).await?;
                self.written += chunk.len() as u64;
            }
            buf.rows.clear();
        }
        txn.commit().await
    }
}

/// Rows were written with explicit ids: move PostgreSQL's identity sequences past them.
pub async fn reset_sequences(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in ORDER {
        let has_id: bool = !matches!(
            *table,
            "company_partner_types"
                | "application_product_groups"
                | "application_key_contacts"
                | "application_trainees"
                | "solution_tags"
                | "value_net_focus"
                | "value_net_members"
                | "site_user_privileges"
        );
        if has_id {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .await?;
        }
    }
    Ok(())
}

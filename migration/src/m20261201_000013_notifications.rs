//! The notifications feed (domain.md §6, "requesters are notified of the decision"): one
//! row per person and event, addressed by IBMid (a requester may have no person profile
//! yet), read or unread.

use crate::ddl::{drop_all, fk, index, table};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("notifications")
                .col(text("recipient"))
                .col(string_len("kind", 32))
                .col(text("title"))
                .col(text("body"))
                .col(big_integer_null("site_id"))
                // The row the event is about (an access request, a quote, a price notice),
                // of the table `kind` names.
                .col(big_integer_null("about_id"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(&mut fk(
                    "notifications",
                    "site_id",
                    "sites",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        // The feed reads newest first per person; the unread count per person.
        index(m, "notifications", &["recipient", "id"]).await?;
        index(m, "notifications", &["recipient", "read_at"]).await?;
        index(m, "notifications", &["site_id"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_all(m, &["notifications"]).await
    }
}

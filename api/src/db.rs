//! Database connection, migrations and first-start seeding. SQLite and PostgreSQL are
//! both served by SeaORM's connection; nothing above this module knows which one it is.

use crate::config::Config;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Statement counters, fed by SeaORM's metric callback on every statement.
#[derive(Debug, Default)]
pub struct DbStats {
    pub statements: AtomicU64,
    pub failed: AtomicU64,
    /// Total time spent in statements, in microseconds.
    pub micros: AtomicU64,
}

impl DbStats {
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
}

/// A connection for maintenance commands (`migrate`, `seed`): no statement timeout, because
/// a migration or the seed's final `ANALYZE` of a large database legitimately runs longer
/// than any request may.
pub async fn connect_for_maintenance(
    config: &Config,
) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut config = config.clone();
    config.database_statement_timeout_ms = 0;
    connect_counted(&config, Arc::default()).await
}

/// Connects and counts every statement into `stats`.
pub async fn connect_counted(
    config: &Config,
    stats: Arc<DbStats>,
) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut opts = ConnectOptions::new(config.database_url.clone());
    opts.max_connections(config.database_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    // The server cancels a runaway statement even when the client gave up on it (0 = none,
    // PostgreSQL's own meaning).
    let statement_timeout = config.database_statement_timeout_ms.to_string();
    opts.map_sqlx_postgres_opts(move |o| {
        o.options([("statement_timeout", statement_timeout.as_str())])
    });
    let mut db = Database::connect(opts).await?;
    db.set_metric_callback(move |info| {
        stats.statements.fetch_add(1, Ordering::Relaxed);
        if info.failed {
            stats.failed.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(info.elapsed.as_micros()).unwrap_or(u64::MAX);
        stats.micros.fetch_add(micros, Ordering::Relaxed);
    });
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers proceed during a write; foreign keys are on by default in sqlx.
        db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
            .await?;
    }
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    Migrator::up(db, None).await
}

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

/// The pool settings every connection of the server shares, for the database at `url`.
fn pool_options(config: &Config, url: &str) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(config.database_max_connections)
        .sqlx_logging(false);
    // The server cancels a runaway statement even when the client gave up on it (0 = none,
    // PostgreSQL's own meaning).
    let statement_timeout = config.database_statement_timeout_ms.to_string();
    opts.map_sqlx_postgres_opts(move |o| {
        o.options([("statement_timeout", statement_timeout.as_str())])
    });
    opts
}

/// `db`, counting every statement it runs into `stats`.
fn counted(mut db: DatabaseConnection, stats: Arc<DbStats>) -> DatabaseConnection {
    db.set_metric_callback(move |info| {
        crate::cache::footprint::statement(&info.statement.sql);
        stats.statements.fetch_add(1, Ordering::Relaxed);
        if info.failed {
            stats.failed.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(info.elapsed.as_micros()).unwrap_or(u64::MAX);
        stats.micros.fetch_add(micros, Ordering::Relaxed);
    });
    db
}

/// Connects and counts every statement into `stats`.
pub async fn connect_counted(
    config: &Config,
    stats: Arc<DbStats>,
) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut opts = pool_options(config, &config.database_url);
    opts.min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    let db = counted(Database::connect(opts).await?, stats);
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

/// How often the read replica's health and lag are checked.
pub const REPLICA_CHECK_MS: u64 = 250;

/// A PostgreSQL streaming replica (`DATABASE_READ_URL`) that serves queries while it
/// answers and is at most `DATABASE_READ_MAX_LAG_MS` behind the primary, judged every
/// `REPLICA_CHECK_MS`; otherwise queries read from the primary. Either way a caller who
/// just wrote reads from the primary (`recent_writers`, and `ryw:` keys in the shared
/// cache for the other replicas of the gateway).
#[derive(Clone)]
pub struct ReadReplica {
    pub db: DatabaseConnection,
    usable: Arc<std::sync::atomic::AtomicBool>,
    /// Callers who wrote through this gateway process within the window.
    pub recent_writers: moka::future::Cache<String, ()>,
    pub window: Duration,
    pub counters: ReplicaCounters,
}

/// What routing counts, as the metrics registry holds it.
#[derive(Clone)]
pub struct ReplicaCounters {
    /// Queries that read from the replica.
    pub on_replica: prometheus::IntCounter,
    /// Queries that would have, but read from the primary: the replica down or behind.
    pub fallbacks: prometheus::IntCounter,
    /// The replica's lag at the last check, in seconds (-1: it did not answer).
    pub lag: prometheus::Gauge,
}

impl ReadReplica {
    /// Connects lazily (a replica that is down at start does not stop the gateway) and
    /// starts checking it against `primary`.
    pub async fn connect(
        config: &Config,
        url: &str,
        stats: Arc<DbStats>,
        primary: DatabaseConnection,
        counters: ReplicaCounters,
    ) -> Result<Self, sea_orm::DbErr> {
        let mut opts = pool_options(config, url);
        opts.min_connections(0)
            .connect_lazy(true)
            .connect_timeout(Duration::from_secs(2))
            .acquire_timeout(Duration::from_secs(2));
        // Lazy: no connection is opened here.
        let db = counted(Database::connect(opts).await?, stats);
        let window = Duration::from_secs(config.read_your_writes_secs);
        let replica = Self {
            db,
            usable: Arc::default(),
            recent_writers: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(window)
                .build(),
            window,
            counters,
        };
        tokio::spawn(watch(
            primary,
            replica.clone(),
            Duration::from_millis(config.database_read_max_lag_ms),
        ));
        Ok(replica)
    }

    /// Whether the replica answered and was close enough behind at the last check.
    pub fn usable(&self) -> bool {
        self.usable.load(Ordering::Relaxed)
    }
}

/// Checks the replica for as long as the process runs.
async fn watch(primary: DatabaseConnection, replica: ReadReplica, max_lag: Duration) {
    let every = Duration::from_millis(REPLICA_CHECK_MS);
    let mut history = Positions::default();
    loop {
        let lag = tokio::time::timeout(every * 4, async {
            let written = wal_position(&primary, "pg_current_wal_lsn()").await?;
            history.record(written, std::time::Instant::now());
            let replayed = wal_position(&replica.db, "pg_last_wal_replay_lsn()").await?;
            Ok::<_, sea_orm::DbErr>(history.lag(replayed, std::time::Instant::now()))
        })
        .await;
        let (usable, seconds) = match lag {
            Ok(Ok(lag)) => (lag <= max_lag, lag.as_secs_f64()),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "the read replica did not answer its check");
                (false, -1.0)
            }
            Err(_) => (false, -1.0),
        };
        replica.counters.lag.set(seconds);
        if replica.usable.swap(usable, Ordering::Relaxed) != usable {
            if usable {
                tracing::info!(lag_seconds = seconds, "the read replica serves queries");
            } else {
                tracing::warn!(
                    lag_seconds = seconds,
                    "the read replica is down or behind: queries read from the primary"
                );
            }
        }
        tokio::time::sleep(every).await;
    }
}

/// The primary's WAL position at each recent check. A replica that has replayed up to
/// position R lags by the age of the oldest check that saw the primary past R: it lacks
/// something written before then. This is the lag a reader sees, whether the primary is
/// busy or idle (the time since the last replayed transaction is not: on an idle primary
/// it grows while nothing is missing).
#[derive(Default)]
struct Positions(std::collections::VecDeque<(u64, std::time::Instant)>);

impl Positions {
    /// Enough checks to tell any lag up to a minute.
    const KEPT: usize = (60_000 / REPLICA_CHECK_MS) as usize;

    fn record(&mut self, position: Option<u64>, at: std::time::Instant) {
        let Some(position) = position else { return };
        if self.0.back().is_some_and(|(p, _)| *p == position) {
            return;
        }
        self.0.push_back((position, at));
        if self.0.len() > Self::KEPT {
            self.0.pop_front();
        }
    }

    /// How far behind a server that has replayed up to `replayed` is (None: it replays
    /// nothing, so it is the primary itself and nothing lags).
    fn lag(&self, replayed: Option<u64>, now: std::time::Instant) -> Duration {
        let Some(replayed) = replayed else {
            return Duration::ZERO;
        };
        self.0
            .iter()
            .find(|(written, _)| *written > replayed)
            .map_or(Duration::ZERO, |(_, at)| now.duration_since(*at))
    }
}

/// A WAL position (`X/Y`, two hex halves) as one number.
fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.split_once('/')?;
    Some((u64::from_str_radix(high, 16).ok()? << 32) | u64::from_str_radix(low, 16).ok()?)
}

async fn wal_position(
    db: &DatabaseConnection,
    function: &'static str,
) -> Result<Option<u64>, sea_orm::DbErr> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT {function}::text AS lsn"),
        ))
        .await?;
    let text: Option<String> = match row {
        Some(row) => row.try_get("", "lsn")?,
        None => None,
    };
    Ok(text.as_deref().and_then(parse_lsn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_replica_lags_by_the_age_of_the_oldest_write_it_has_not_replayed() {
        assert_eq!(parse_lsn("16/B374D848"), Some((0x16 << 32) | 0xB374_D848));
        assert_eq!(parse_lsn("nonsense"), None);
        let t0 = Instant::now();
        let mut p = Positions::default();
        p.record(Some(100), t0);
        p.record(Some(100), t0 + Duration::from_millis(250));
        p.record(Some(300), t0 + Duration::from_millis(500));
        p.record(Some(400), t0 + Duration::from_millis(750));
        let now = t0 + Duration::from_millis(1000);
        // Caught up, however long ago the last write was.
        assert_eq!(p.lag(Some(400), now), Duration::ZERO);
        assert_eq!(p.lag(Some(100), now), Duration::from_millis(500));
        assert_eq!(p.lag(Some(350), now), Duration::from_millis(250));
        // Not a replica at all.
        assert_eq!(p.lag(None, now), Duration::ZERO);
    }
}

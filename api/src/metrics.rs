//! Prometheus metrics at `/metrics`: requests and latency by operation and outcome, errors
//! by code, SQL statements, cache outcomes, and the database pool.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Distinct operation names kept as label values; later ones count as `other`, so a
/// client inventing names cannot grow the series without bound.
const MAX_OPERATION_LABELS: usize = 200;

// Metric names below are constants: construction and registration cannot fail.
const VALID: &str = "a constant, valid metric definition";

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub errors: IntCounterVec,
    /// The answer cache: `hit`, `stored`, `not_kept` (errors, signed links, replica reads).
    pub answers: IntCounterVec,
    /// Runs of each registered operation (`PERSISTED_QUERIES=safelist`), by its name.
    pub registered_operations: IntCounterVec,
    /// Demand control (`graphql::demand`): each operation's cost, `estimated` before it
    /// runs and `actual` from its answer, by operation.
    pub cost: HistogramVec,
    /// Operations refused because their estimate was over `MAX_COST`, by operation.
    pub cost_refused: IntCounterVec,
    /// Requests to the router's invalidation endpoint (`cache::router`), `ok` or `failed`.
    pub router_purges: IntCounterVec,
    pub db_statements: IntCounter,
    pub db_failed: IntCounter,
    pub cache_hits: IntCounter,
    pub cache_misses: IntCounter,
    pub cache_errors: IntCounter,
    pub pool_size: IntGauge,
    /// Subscriptions open on this replica (every one passes `graphql::live::checked`).
    pub subscriptions: IntGauge,
    pub pool_idle: IntGauge,
    pub spans_exported: IntCounter,
    pub spans_dropped: IntCounter,
    /// The event bus's own counters (`events`).
    pub events: crate::events::Counters,
    /// Read-replica routing (`db::ReadReplica`).
    pub replica: crate::db::ReplicaCounters,
    names: Arc<Mutex<HashSet<String>>>,
    /// Totals already exported from the counters kept elsewhere (database, cache).
    exported: Arc<Mutex<[u64; 7]>>,
}

fn register<C: prometheus::core::Collector + Clone + 'static>(r: &Registry, c: C) -> C {
    r.register(Box::new(c.clone())).expect(VALID);
    c
}

impl Metrics {
    pub fn new() -> Self {
        let r = Registry::new_custom(Some("partnerworld".into()), None).expect(VALID);
        let counter =
            |name: &str, help: &str| register(&r, IntCounter::new(name, help).expect(VALID));
        let gauge = |name: &str, help: &str| register(&r, IntGauge::new(name, help).expect(VALID));
        let requests = IntCounterVec::new(
            Opts::new(
                "graphql_requests_total",
                "GraphQL requests by operation and outcome",
            ),
            &["operation", "outcome"],
        )
        .expect(VALID);
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "GraphQL request latency by operation",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["operation", "outcome"],
        )
        .expect(VALID);
        let errors = IntCounterVec::new(
            Opts::new("graphql_errors_total", "GraphQL errors by extensions.code"),
            &["code"],
        )
        .expect(VALID);
        let answers = IntCounterVec::new(
            Opts::new(
                "answer_cache_total",
                "queries answered from the answer cache (hit), kept in it (stored), or not kept",
            ),
            &["outcome"],
        )
        .expect(VALID);
        let registered_operations = IntCounterVec::new(
            Opts::new(
                "registered_operations_total",
                "runs of each registered operation under PERSISTED_QUERIES=safelist, by name",
            ),
            &["operation"],
        )
        .expect(VALID);
        let cost = HistogramVec::new(
            HistogramOpts::new(
                "operation_cost",
                "demand-control cost of operations (IBM cost specification), estimated and actual",
            )
            .buckets(vec![
                0.0, 1.0, 10.0, 30.0, 100.0, 300.0, 1_000.0, 3_000.0, 10_000.0, 30_000.0, 100_000.0,
            ]),
            &["operation", "kind"],
        )
        .expect(VALID);
        let cost_refused = IntCounterVec::new(
            Opts::new(
                "operation_cost_refused_total",
                "operations refused because their estimated cost was over MAX_COST",
            ),
            &["operation"],
        )
        .expect(VALID);
        let router_purges = IntCounterVec::new(
            Opts::new(
                "router_purges_total",
                "requests to the router's invalidation endpoint, by outcome",
            ),
            &["outcome"],
        )
        .expect(VALID);
        Self {
            router_purges: register(&r, router_purges),
            registered_operations: register(&r, registered_operations),
            cost: register(&r, cost),
            cost_refused: register(&r, cost_refused),
            answers: register(&r, answers),
            requests: register(&r, requests),
            latency: register(&r, latency),
            errors: register(&r, errors),
            db_statements: counter("db_statements_total", "SQL statements executed"),
            db_failed: counter("db_statement_errors_total", "SQL statements that failed"),
            cache_hits: counter("cache_hits_total", "cache reads that hit"),
            cache_misses: counter("cache_misses_total", "cache reads that missed"),
            cache_errors: counter("cache_errors_total", "cache calls that failed or timed out"),
            pool_size: gauge("db_pool_connections", "open database connections"),
            subscriptions: gauge("subscriptions_active", "subscriptions open on this replica"),
            pool_idle: gauge("db_pool_idle_connections", "idle database connections"),
            spans_exported: counter(
                "trace_spans_exported_total",
                "spans delivered to the OTLP collector",
            ),
            spans_dropped: counter(
                "trace_spans_dropped_total",
                "spans lost because an export to the collector failed",
            ),
            events: crate::events::Counters {
                unshared: counter(
                    "events_unshared_total",
                    "events and invalidations other replicas could not be told of (Redis down)",
                ),
                received: counter(
                    "events_received_total",
                    "events and invalidations received from other replicas",
                ),
                outages: counter(
                    "events_bus_outages_total",
                    "times the replica's event subscriber connection was lost or refused",
                ),
            },
            replica: crate::db::ReplicaCounters {
                on_replica: counter(
                    "db_replica_reads_total",
                    "queries that read from the read replica",
                ),
                fallbacks: counter(
                    "db_replica_fallbacks_total",
                    "queries that read from the primary because the replica was down or behind",
                ),
                lag: register(
                    &r,
                    prometheus::Gauge::new(
                        "db_replica_lag_seconds",
                        "the read replica's lag at its last check (-1: it did not answer)",
                    )
                    .expect(VALID),
                ),
            },
            names: Arc::default(),
            exported: Arc::default(),
            registry: r,
        }
    }

    /// Records an operation's cost: `estimated` once per operation, `actual` per answer
    /// it ran for (a subscription has one per event).
    pub fn costs(&self, operation: &str, estimated: Option<u64>, actual: Option<u64>) {
        for (kind, cost) in [("estimated", estimated), ("actual", actual)] {
            if let Some(cost) = cost {
                self.cost
                    .with_label_values(&[operation, kind])
                    .observe(cost as f64);
            }
        }
    }

    /// The label for an operation name: itself while few, `other` beyond that.
    pub fn operation_label(&self, name: Option<&str>) -> String {
        let valid = |n: &&str| {
            !n.is_empty()
                && n.len() <= 64
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let Some(name) = name.filter(valid) else {
            return "anonymous".into();
        };
        let Ok(mut names) = self.names.lock() else {
            return "other".into();
        };
        if names.contains(name) || names.len() < MAX_OPERATION_LABELS {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    /// Brings the exported counters up to the totals counted by the database and cache
    /// layers, and reads the pool gauges.
    pub fn sync(
        &self,
        db: &sea_orm::DatabaseConnection,
        db_stats: &crate::db::DbStats,
        cache: &crate::cache::CacheStats,
    ) {
        use std::sync::atomic::Ordering::Relaxed;
        let now = [
            db_stats.statements.load(Relaxed),
            db_stats.failed.load(Relaxed),
            cache.hits.load(Relaxed),
            cache.misses.load(Relaxed),
            cache.errors.load(Relaxed),
            crate::telemetry::SPANS_EXPORTED.load(Relaxed),
            crate::telemetry::SPANS_DROPPED.load(Relaxed),
        ];
        let counters = [
            &self.db_statements,
            &self.db_failed,
            &self.cache_hits,
            &self.cache_misses,
            &self.cache_errors,
            &self.spans_exported,
            &self.spans_dropped,
        ];
        if let Ok(mut seen) = self.exported.lock() {
            for ((counter, total), last) in counters.iter().zip(now).zip(seen.iter_mut()) {
                counter.inc_by(total.saturating_sub(*last));
                *last = total.max(*last);
            }
        }
        let (size, idle) = match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            sea_orm::DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        };
        self.pool_size.set(i64::from(size));
        self.pool_idle.set(i64::try_from(idle).unwrap_or(i64::MAX));
    }

    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

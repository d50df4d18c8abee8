//! Liveness (the process answers) and readiness. Readiness fails when the replica is
//! shutting down (`lifecycle`) or the database is unreachable; Redis is reported in the body but does not fail it, because the gateway
//! serves uncached without Redis and pulling every pod out of the Service for a cache
//! outage would turn it into a full outage.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

pub async fn alive() -> &'static str {
    "ok"
}

pub async fn ready(State(app): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    // Told to stop: out of rotation at once, whatever else holds.
    if app.lifecycle.phase() != crate::lifecycle::Phase::Serving {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "draining" })),
        );
    }
    // Bounded well under the probe's own timeout: a database that hangs is not ready.
    let db = matches!(
        tokio::time::timeout(std::time::Duration::from_secs(1), app.db.ping()).await,
        Ok(Ok(()))
    );
    let cache = app.cache.ping().await.is_ok();
    let status = if db {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    (
        status,
        Json(json!({ "database": word(db), "cache": word(cache), "cacheKind": app.cache.kind() })),
    )
}

/// Prometheus text exposition.
pub async fn metrics(State(app): State<AppState>) -> impl axum::response::IntoResponse {
    app.metrics.sync(&app.db, &app.db_stats, &app.cache.stats);
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        app.metrics.render(),
    )
}

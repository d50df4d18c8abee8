//! HTTP surface: the GraphQL endpoint, GraphiQL, health and readiness.

mod admission;
mod downloads;
mod errors;
pub mod graphiql;
mod graphql;
mod health;
mod identity;
mod negotiation;
pub mod ws;

pub use downloads::CHUNK as DOWNLOAD_CHUNK;

use crate::state::AppState;
use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState) -> Router {
    let graphql = get(negotiation::get)
        .post(negotiation::execute)
        .route_layer(axum::middleware::from_fn(negotiation::require_json));
    let routes = Router::new()
        .route("/graphql", graphql)
        .route("/graphql/ws", get(ws::subscriptions))
        .route("/graphiql/assets/{file}", get(graphiql::asset))
        .route("/sites/{site}/reports/{file}", get(downloads::report))
        .route("/healthz", get(health::alive))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(health::metrics));
    with_layers(routes, state)
}

/// What every route gets: the body limit, CORS, the panic catcher, the request span.
/// Public so a test can put a route that panics behind exactly these layers.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let config = state.config.clone();
    let mut router = routes.layer(RequestBodyLimitLayer::new(config.max_body_bytes));
    let origins: Vec<HeaderValue> = config
        .cors_allowed_origins
        .iter()
        .filter(|o| !o.trim().is_empty())
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    if !origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]),
        );
    }
    let trusted = state.trusted.clone();
    router
        .layer(CatchPanicLayer::custom(errors::panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(move |req: &axum::http::Request<_>| {
                    crate::telemetry::request_span(req, &trusted)
                })
                .on_response(
                    |res: &axum::http::Response<_>,
                     _: std::time::Duration,
                     span: &tracing::Span| {
                        span.record("http.response.status_code", res.status().as_u16());
                    },
                ),
        )
        .with_state(state)
}

/// Serves `router` on `listener` until `stop` resolves (SIGTERM in production), then shuts
/// down as `lifecycle` describes: unready at once, serving on for `SHUTDOWN_DRAIN_SECS`,
/// then WebSockets closed with 1001 and the listener closed while running requests
/// finish, all within `SHUTDOWN_GRACE_SECS` of the signal.
pub async fn serve(
    state: &AppState,
    router: Router,
    listener: tokio::net::TcpListener,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use crate::lifecycle::Phase;
    use std::future::IntoFuture;
    let lifecycle = state.lifecycle.clone();
    let drain = std::time::Duration::from_secs(state.config.shutdown_drain_secs);
    let grace = std::time::Duration::from_secs(state.config.shutdown_grace_secs);
    let phases = {
        let lifecycle = lifecycle.clone();
        async move {
            stop.await;
            tracing::info!(
                drain_secs = drain.as_secs(),
                "shutting down: unready, draining"
            );
            lifecycle.enter(Phase::Draining);
            tokio::time::sleep(drain).await;
            tracing::info!("shutting down: closing WebSockets and the listener");
            lifecycle.enter(Phase::Closing);
        }
    };
    // The peer address decides whose `traceparent` is honoured.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, service)
        .with_graceful_shutdown(phases)
        .into_future();
    let deadline = async {
        lifecycle.reached(Phase::Draining).await;
        tokio::time::sleep(grace).await;
    };
    let served = async {
        server.await?;
        // Upgraded connections are not the server's: their goodbyes are awaited here.
        lifecycle.sockets_closed().await;
        Ok(())
    };
    tokio::select! {
        served = served => served,
        () = deadline => {
            tracing::warn!("shutting down: the grace period is over; requests still running are cut");
            Ok(())
        }
    }
}

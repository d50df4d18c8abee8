//! Execution: authenticate, admit, run with the per-request viewer and loaders under the
//! execution timeout, and answer with the status GraphQL over HTTP asks for. Media types
//! and `GET` are in `negotiation`, every error body the edge writes itself in `errors`.

use super::admission::admit;
use super::errors::error_response;
use super::identity::Origin;
use crate::auth::Viewer;
use crate::cache::footprint::{self, Footprint};
use crate::cache::response::{Answer, KeyParts, Lookup};
use crate::documents::persisted::Parsed;
use crate::error::{AppError, ensure_codes};
use crate::graphql::batching::{Activity, Tracked};
use crate::graphql::complete::complete;
use crate::graphql::schema::publish_answer;
use crate::graphql::{DbLoader, Loaders, schema::AppSchema};
use crate::ratelimit::Caller;
use crate::state::AppState;
use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::parser::types::OperationType;
use axum::http::{StatusCode, header};
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

/// Executes with the per-request loaders under the execution timeout, and records it.
pub(super) async fn run(
    app: &AppState,
    schema: &AppSchema,
    viewer: Viewer,
    origin: Origin,
    media: &'static str,
    request: async_graphql::Request,
    method: Method,
) -> Response {
    let caller = Caller::new(viewer.subject.as_deref(), origin.client);
    // The caller's standing as the gateway resolved it (roles, not the token): what an
    // answer may depend on.
    // Formatted only when answers are kept: it is per-request work otherwise wasted.
    let standing = if app.responses.enabled() {
        format!("{viewer:?}")
    } else {
        String::new()
    };
    let request = request
        .data(viewer)
        .data(caller.clone())
        .data(crate::graphql::entity::EntityClaims::default());
    let metrics = &app.metrics;
    let name = request
        .operation_name
        .clone()
        .or_else(|| document_operation_name(&request.query));
    let operation = metrics.operation_label(name.as_deref());
    let started = std::time::Instant::now();
    let activity = Arc::new(Activity::default());
    let span = tracing::info_span!("graphql.parse", otel.name = "graphql.parse");
    let admitted = admit(app, &caller, origin.trusted, request)
        .instrument(span)
        .await;
    let mut response = match admitted {
        Ok((request, parsed, estimated)) => {
            let kind = parsed
                .shape
                .operation(request.operation_name.as_deref())
                .map(|op| op.ty);
            // A GET by persisted hash alone is known to be a query only now.
            if method == Method::Get && kind != Some(OperationType::Query) {
                return not_with_get();
            }
            let cost = Cost {
                estimated,
                operation: &operation,
            };
            answer(
                app, schema, request, &parsed, kind, &origin, &caller, &standing, activity, cost,
            )
            .await
        }
        Err(e) => {
            if e.extensions.as_ref().and_then(|x| x.get("cost")).is_some() {
                metrics.cost_refused.with_label_values(&[&operation]).inc();
            }
            to_http(app, async_graphql::Response::from_errors(vec![e])).0
        }
    };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(media),
    );
    let outcome = match response.status().as_u16() {
        200 => "ok",
        400 => "refused",
        503 => "unavailable",
        _ => "error",
    };
    metrics
        .latency
        .with_label_values(&[operation.as_str(), outcome])
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .with_label_values(&[operation.as_str(), outcome])
        .inc();
    response
}

/// The name of a document's first operation, read from its text (for metric labels only).
fn document_operation_name(query: &str) -> Option<String> {
    let mut words = query
        .split(|c: char| c.is_whitespace() || c == '{' || c == '(' || c == '@')
        .filter(|w| !w.is_empty());
    match words.next()? {
        "query" | "mutation" | "subscription" => words.next().map(str::to_owned),
        _ => None,
    }
}

/// An admitted operation's estimated cost, and the label it is counted under.
struct Cost<'a> {
    estimated: u64,
    operation: &'a str,
}

/// Runs an admitted operation: from the answer cache when a valid answer is there, else
/// executed (queries possibly on the read replica) and, when it may be, kept.
#[allow(clippy::too_many_arguments)]
async fn answer(
    app: &AppState,
    schema: &AppSchema,
    request: async_graphql::Request,
    parsed: &Parsed,
    kind: Option<OperationType>,
    origin: &Origin,
    caller: &Caller,
    standing: &str,
    activity: Arc<Activity>,
    cost: Cost<'_>,
) -> Response {
    let query = kind == Some(OperationType::Query);
    let key = (query && app.responses.enabled()).then(|| {
        // The variables and whatever else the request asks through `extensions` (an
        // answer may one day depend on it); sorted, so equal requests share a key.
        let extensions: std::collections::BTreeMap<_, _> = request.extensions.0.iter().collect();
        let variables =
            serde_json::to_string(&(&request.variables, extensions)).unwrap_or_default();
        app.responses.key(&KeyParts {
            standing,
            trusted: origin.trusted,
            // The document's hash, never `request.query`: a request by persisted hash
            // alone has no text, and every such request would share one key.
            document: &parsed.hash,
            day: &crate::domain::profiles::level::today().to_string(),
            operation_name: request.operation_name.as_deref(),
            variables: &variables,
        })
    });
    let lookup = match &key {
        Some(key) => app.responses.lookup(key).await,
        None => Lookup::Bypass,
    };
    let before = match lookup {
        Lookup::Hit { body, personal } => {
            app.metrics.answers.with_label_values(&["hit"]).inc();
            app.metrics
                .costs(cost.operation, Some(cost.estimated), None);
            let mut http = Response::new(axum::body::Body::from(body));
            let scope = if personal || origin.trusted {
                "private"
            } else {
                "public"
            };
            cache_control(app, &mut http, Some(scope));
            return http;
        }
        Lookup::Miss(before) => Some(before),
        Lookup::Bypass => None,
    };
    // A turn to execute: answers being built hold memory, so only so many at once.
    let limit = Duration::from_millis(app.config.request_timeout_ms);
    let Ok(Ok(_turn)) = tokio::time::timeout(limit, app.executions.acquire()).await else {
        return error_response(AppError::Unavailable("an answer within the time limit"));
    };
    // Queries may read from the replica; everything else reads what it writes.
    let routed = if query {
        app.for_query(caller).await
    } else {
        app.clone()
    };
    let asked = crate::graphql::demand::asked(&request.extensions.0);
    let variables = request.variables.clone();
    let operation_name = request.operation_name.clone();
    let request = request
        .data(loaders(&routed, activity.clone()))
        .data(routed.clone());
    let footprint = Arc::new(Footprint::default());
    let executed = footprint::scope(
        footprint.clone(),
        Tracked::new(execute_timed(&routed, schema, request, parsed), activity),
    )
    .await;
    if kind == Some(OperationType::Mutation) {
        app.wrote(caller).await;
    }
    let mut response = match executed {
        Ok(response) => response,
        Err(e) => return error_response(e),
    };
    let actual = crate::graphql::demand::actual(
        crate::graphql::schema::cost_model(),
        &parsed.document,
        operation_name.as_deref(),
        &variables,
        &response.data,
    );
    app.metrics
        .costs(cost.operation, Some(cost.estimated), actual);
    if asked {
        response.extensions.insert(
            "cost".to_owned(),
            crate::graphql::demand::report(cost.estimated, actual, app.config.max_cost),
        );
    }
    let clean = response.errors.is_empty();
    // The router that purges by tag learns what each answer it may keep depends on.
    if origin.trusted
        && query
        && clean
        && !footprint.volatile()
        && app.config.router_invalidation().is_some()
    {
        let entities =
            parsed
                .shape
                .root_fields()
                .all(|f| f == "_entities")
                .then(|| match &response.data {
                    async_graphql::Value::Object(data) => match data.get("_entities") {
                        Some(async_graphql::Value::List(items)) => items.len(),
                        _ => 0,
                    },
                    _ => 0,
                });
        let (key, tags) = crate::cache::router::answer_tags(&footprint.read(), entities);
        response.extensions.insert(key.to_owned(), tags);
    }
    let (mut http, body) = to_http(app, response);
    let keep = query && clean && !footprint.volatile();
    let scope = keep.then(|| {
        if footprint.personal() || origin.trusted {
            "private"
        } else {
            "public"
        }
    });
    cache_control(app, &mut http, scope);
    match (key, before, body) {
        (Some(key), Some(before), Some(body))
            if keep && routed.keeps_answers() && !footprint.borrowed() =>
        {
            let kept = app
                .responses
                .store(
                    &key,
                    &before,
                    Answer {
                        tables: &footprint.read(),
                        personal: footprint.personal(),
                        body: &body,
                    },
                )
                .await;
            let outcome = if kept { "stored" } else { "not_kept" };
            app.metrics.answers.with_label_values(&[outcome]).inc();
        }
        (Some(_), ..) => app.metrics.answers.with_label_values(&["not_kept"]).inc(),
        _ => {}
    }
    http
}

/// `Cache-Control` for browsers and routers: `no-store` for anything that must not be
/// kept (errors, writes, signed links), otherwise public or private as the answer did or
/// did not depend on who asked, for `CACHE_CONTROL_MAX_AGE_SECS`.
fn cache_control(app: &AppState, http: &mut Response, scope: Option<&'static str>) {
    let value = match scope {
        Some(scope) => format!("{scope}, max-age={}", app.config.cache_control_max_age_secs),
        None => "no-store".to_owned(),
    };
    if let Ok(value) = header::HeaderValue::from_str(&value) {
        http.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    // A public answer is the same for every caller *without* a token; one with a token
    // may see more rows, so shared caches must key on it.
    http.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("Accept, Authorization"),
    );
}

async fn execute_timed(
    app: &AppState,
    schema: &AppSchema,
    request: async_graphql::Request,
    parsed: &Parsed,
) -> Result<async_graphql::Response, AppError> {
    let operation = request.operation_name.clone();
    let limit = Duration::from_millis(app.config.request_timeout_ms);
    // Without tokio's cooperative budget a level of a wide list registers all its loader
    // keys in one poll; with it, a 100-company page yields half way and its batch splits
    // (measured: 150 statements per request instead of 6 under load). The operation
    // limits bound how long one poll can run.
    let execution = tokio::task::unconstrained(schema.execute(request));
    match tokio::time::timeout(limit, execution).await {
        Ok(mut response) => {
            complete(&mut response, &parsed.document, operation.as_deref());
            if parsed.shape.root_fields().any(|f| f == "_service") {
                publish_answer(&mut response, &parsed.document, operation.as_deref());
            }
            Ok(response)
        }
        Err(_) => {
            tracing::warn!(
                timeout_ms = app.config.request_timeout_ms,
                "request timed out"
            );
            Err(AppError::Unavailable("an answer within the time limit"))
        }
    }
}

/// The HTTP answer for a GraphQL response: codes on every error, counted, and the status
/// GraphQL over HTTP asks for; with the body's bytes when it is an executed answer.
fn to_http(
    app: &AppState,
    mut response: async_graphql::Response,
) -> (Response, Option<axum::body::Bytes>) {
    ensure_codes(&mut response.errors);
    for e in &response.errors {
        if let Some(async_graphql::Value::String(code)) =
            e.extensions.as_ref().and_then(|x| x.get("code"))
        {
            app.metrics.errors.with_label_values(&[code.as_str()]).inc();
        }
    }
    // A request error (nothing executed: parse, validation, limits) is a 400, as
    // GraphQL over HTTP asks; an executed operation is a 200 even with field errors.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let retry_after = rate_limited(&response.errors);
    let (mut http, body) = if request_error {
        // Nothing executed: no `data` entry at all, as GraphQL over HTTP asks.
        (super::errors::request_errors(&response.errors), None)
    } else {
        let headers = std::mem::take(&mut response.http_headers);
        match serde_json::to_vec(&response) {
            Ok(body) => {
                let body = axum::body::Bytes::from(body);
                let mut http = Response::new(axum::body::Body::from(body.clone()));
                http.headers_mut().extend(headers);
                (http, Some(body))
            }
            Err(e) => (error_response(AppError::internal(e.to_string())), None),
        }
    };
    if let Some(secs) = retry_after {
        *http.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        http.headers_mut().insert(header::RETRY_AFTER, secs.into());
    } else if request_error {
        *http.status_mut() = StatusCode::BAD_REQUEST;
    }
    (http, body)
}

/// A fresh per-request loader: its cache lives as long as the request, and its batches
/// start once the request task is idle (see `graphql::batching`).
pub(super) fn loaders(app: &AppState, activity: Arc<Activity>) -> Loaders {
    DataLoader::with_cache(
        DbLoader {
            db: app.db.clone(),
            cache: app.entities.clone(),
        },
        move |batch| {
            let activity = activity.clone();
            // The batch's statements belong to the request that asked for them.
            let footprint = crate::cache::footprint::current().unwrap_or_default();
            // And to its trace: the batch's span is a child of the field that asked.
            tokio::spawn(
                crate::cache::footprint::scope(footprint, async move {
                    activity.idle().await;
                    batch.await;
                })
                .in_current_span(),
            )
        },
        HashMapCache::default(),
    )
    .delay(Duration::from_micros(app.config.loader_delay_micros))
}

/// The retry hint when rate limits refused the whole operation.
fn rate_limited(errors: &[async_graphql::ServerError]) -> Option<u64> {
    let code =
        |e: &async_graphql::ServerError| e.extensions.as_ref().and_then(|x| x.get("code")).cloned();
    let limited = |e: &&async_graphql::ServerError| {
        code(e) == Some(async_graphql::Value::String("RATE_LIMITED".into()))
    };
    if errors.is_empty() || !errors.iter().all(|e| limited(&e)) {
        return None;
    }
    errors
        .iter()
        .filter_map(|e| match e.extensions.as_ref()?.get("retryAfter")? {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .max()
}

/// 405 for anything but a query sent with GET.
pub(super) fn not_with_get() -> Response {
    let mut resp = super::errors::status_error(
        StatusCode::METHOD_NOT_ALLOWED,
        crate::error::Code::BadRequest,
        "only queries may be sent with GET; use POST",
    );
    resp.headers_mut().insert(
        header::ALLOW,
        axum::http::HeaderValue::from_static("GET, POST"),
    );
    resp
}

/// How an operation arrived: GET may only read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

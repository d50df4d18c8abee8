//! `POST /graphql`: authenticate, build the per-request viewer and loaders, execute.

use super::admission::admit;
use super::identity::{Origin, authenticate};
use crate::auth::Viewer;
use crate::error::{AppError, Code, ensure_codes, request_error};
use crate::graphql::batching::{Activity, Tracked};
use crate::graphql::complete::complete;
use crate::graphql::persisted::Parsed;
use crate::graphql::{DbLoader, Loaders, schema::AppSchema};
use crate::ratelimit::Caller;
use crate::state::AppState;
use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

pub async fn execute(
    State(app): State<AppState>,
    Extension(schema): Extension<AppSchema>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    req: GraphQLRequest,
) -> Response {
    let viewer = match authenticate(&app, &headers).await {
        Ok(v) => v,
        Err(e) => return error_response(e),
    };
    let origin = Origin::of(&app, &headers, &extensions);
    let media = response_media(&headers);
    run(&app, &schema, viewer, origin, media, req.into_inner()).await
}

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// GraphQL over HTTP: `application/graphql-response+json` when the client accepts it,
/// else `application/json` (also for clients that send no `Accept`, as the spec asks).
fn response_media(headers: &HeaderMap) -> &'static str {
    let accepts = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|m| {
            let mut parts = m.split(';');
            let media = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            media.eq_ignore_ascii_case(GRAPHQL_RESPONSE_JSON) && !refused
        });
    if accepts {
        GRAPHQL_RESPONSE_JSON
    } else {
        "application/json"
    }
}

/// Executes with the per-request loaders under the execution timeout, and records it.
async fn run(
    app: &AppState,
    schema: &AppSchema,
    viewer: Viewer,
    origin: Origin,
    media: &'static str,
    request: async_graphql::Request,
) -> Response {
    let caller = Caller::new(viewer.subject.as_deref(), origin.client);
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
    let request = request.data(loaders(app, activity.clone()));
    let span = tracing::info_span!("graphql.parse", otel.name = "graphql.parse");
    let admitted = admit(app, &caller, origin.trusted, request)
        .instrument(span)
        .await;
    let mut response = match admitted {
        Ok((request, parsed)) => {
            Tracked::new(execute_timed(app, schema, request, &parsed), activity).await
        }
        Err(e) => to_http(app, async_graphql::Response::from_errors(vec![e])),
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

async fn execute_timed(
    app: &AppState,
    schema: &AppSchema,
    request: async_graphql::Request,
    parsed: &Parsed,
) -> Response {
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
            to_http(app, response)
        }
        Err(_) => {
            tracing::warn!(
                timeout_ms = app.config.request_timeout_ms,
                "request timed out"
            );
            error_response(AppError::Unavailable("an answer within the time limit"))
        }
    }
}

/// The HTTP answer for a GraphQL response: codes on every error, counted, and the status
/// GraphQL over HTTP asks for.
fn to_http(app: &AppState, mut response: async_graphql::Response) -> Response {
    {
        {
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
            let mut http = if request_error {
                // Nothing executed: no `data` entry at all, as GraphQL over HTTP asks.
                axum::Json(serde_json::json!({ "errors": response.errors })).into_response()
            } else {
                GraphQLResponse::from(response).into_response()
            };
            if let Some(secs) = retry_after {
                *http.status_mut() = StatusCode::TOO_MANY_REQUESTS;
                http.headers_mut().insert(header::RETRY_AFTER, secs.into());
            } else if request_error {
                *http.status_mut() = StatusCode::BAD_REQUEST;
            }
            http
        }
    }
}

/// POSTs must say they carry JSON: a form or text/plain body (what a cross-site form can
/// send without a preflight) is refused with 415 before anything reads it.
pub async fn require_json(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if req.method() == axum::http::Method::POST {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
        let json = matches!(
            content_type.as_deref(),
            Some("application/json" | "application/graphql-response+json")
        );
        if !json {
            return status_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Code::BadRequest,
                "POST /graphql takes Content-Type: application/json",
            );
        }
    }
    next.run(req).await
}

/// A refusal the HTTP layer answers itself, in the same body every request error has.
fn status_error(status: StatusCode, code: Code, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [request_error(code, message)] });
    (status, axum::Json(body)).into_response()
}

#[derive(serde::Deserialize)]
pub struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
}

/// `GET /graphql`: a query in the URL (never a mutation: 405), or GraphiQL in development.
pub async fn get(
    State(app): State<AppState>,
    Extension(schema): Extension<AppSchema>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    params: Result<axum::extract::Query<GetParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(axum::extract::Query(params)) = params else {
        return status_error(
            StatusCode::BAD_REQUEST,
            Code::BadRequest,
            "malformed query string",
        );
    };
    let Some(query) = params.query else {
        return graphiql(&app);
    };
    if query.len() > app.config.max_document_bytes {
        return status_error(
            StatusCode::BAD_REQUEST,
            Code::OperationLimitExceeded,
            "the document is too large",
        );
    }
    let Ok(doc) = async_graphql::parser::parse_query(&query) else {
        return status_error(
            StatusCode::BAD_REQUEST,
            Code::GraphqlParseFailed,
            "the document does not parse",
        );
    };
    let operation = match (&doc.operations, params.operation_name.as_deref()) {
        (async_graphql::parser::types::DocumentOperations::Single(op), _) => Some(op.node.ty),
        (async_graphql::parser::types::DocumentOperations::Multiple(ops), Some(name)) => {
            ops.get(name).map(|op| op.node.ty)
        }
        // The parser keeps a lone named operation in the map too.
        (async_graphql::parser::types::DocumentOperations::Multiple(ops), None)
            if ops.len() == 1 =>
        {
            ops.values().next().map(|op| op.node.ty)
        }
        _ => None,
    };
    if operation != Some(async_graphql::parser::types::OperationType::Query) {
        let mut resp = status_error(
            StatusCode::METHOD_NOT_ALLOWED,
            Code::BadRequest,
            "only queries may be sent with GET; use POST",
        );
        resp.headers_mut().insert(
            header::ALLOW,
            axum::http::HeaderValue::from_static("GET, POST"),
        );
        return resp;
    }
    let variables = match params
        .variables
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
    {
        None => async_graphql::Variables::default(),
        Some(Ok(v)) => async_graphql::Variables::from_json(v),
        Some(Err(_)) => {
            return status_error(
                StatusCode::BAD_REQUEST,
                Code::BadRequest,
                "variables are not JSON",
            );
        }
    };
    let viewer = match authenticate(&app, &headers).await {
        Ok(v) => v,
        Err(e) => return error_response(e),
    };
    let origin = Origin::of(&app, &headers, &extensions);
    let media = response_media(&headers);
    let mut request = async_graphql::Request::new(query).variables(variables);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    run(&app, &schema, viewer, origin, media, request).await
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
            tokio::spawn(async move {
                activity.idle().await;
                batch.await;
            })
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

/// A request-level failure as a GraphQL-shaped JSON body with the right status.
pub fn error_response(e: AppError) -> Response {
    let status = match e.code() {
        crate::error::Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        crate::error::Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        crate::error::Code::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        crate::error::Code::BadUserInput => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut extensions = serde_json::json!({ "code": e.code().as_str() });
    let retry_after = match &e {
        AppError::RateLimited { retry_after_secs } => {
            extensions["retryAfter"] = (*retry_after_secs).into();
            Some(*retry_after_secs)
        }
        _ => None,
    };
    let body = serde_json::json!({
        "errors": [{ "message": e.public_message(), "extensions": extensions }]
    });
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, secs.into());
    }
    response
}

fn graphiql(app: &AppState) -> Response {
    if !app.config.is_development() {
        return status_error(
            StatusCode::BAD_REQUEST,
            Code::BadRequest,
            "GET /graphql needs a `query` parameter",
        );
    }
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .finish(),
    )
    .into_response()
}

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let e = AppError::internal("a request handler panicked");
    let id = crate::error::new_error_id();
    let body = serde_json::json!({
        "errors": [{ "message": e.public_message(), "extensions": { "code": e.code().as_str(), "errorId": id } }]
    });
    tracing::error!(error.id = %id, "request handler panicked");
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}

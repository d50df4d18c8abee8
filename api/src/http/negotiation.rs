//! Negotiation: the two ways in (`POST` with a JSON body, `GET` with the query in the
//! URL, or GraphiQL in development), which media type the answer is sent as, and that a
//! POST carries JSON.

use super::errors::{error_response, status_error};
use super::graphql::{Method, not_with_get, run};
use super::identity::{Origin, authenticate};
use crate::error::Code;
use crate::graphql::schema::AppSchema;
use crate::state::AppState;
use async_graphql_axum::GraphQLRequest;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

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

/// `POST /graphql`: a JSON body, answered in the media type the client accepts.
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
    run(
        &app,
        &schema,
        viewer,
        origin,
        media,
        req.into_inner(),
        Method::Post,
    )
    .await
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

#[derive(serde::Deserialize)]
pub struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    /// JSON, as in a POST body: a persisted query sent by hash alone (Apollo Client's
    /// `useGETForHashedQueries`) has no `query`.
    extensions: Option<String>,
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
    let request_extensions = match params.extensions.as_deref().map(serde_json::from_str) {
        None => None,
        Some(Ok(serde_json::Value::Object(map))) => Some(
            map.into_iter()
                .filter_map(|(k, v)| Some((k, async_graphql::Value::from_json(v).ok()?)))
                .collect::<std::collections::HashMap<_, _>>(),
        ),
        Some(_) => {
            return status_error(
                StatusCode::BAD_REQUEST,
                Code::BadRequest,
                "extensions are not a JSON object",
            );
        }
    };
    let by_hash = request_extensions
        .as_ref()
        .is_some_and(|e| e.contains_key("persistedQuery"));
    let query = match params.query {
        Some(query) => query,
        // By hash alone: its type is known once admission finds the document, and
        // `run` refuses anything but a query sent with GET there.
        None if by_hash => String::new(),
        None => {
            return super::graphiql::page(&app, extensions.get::<super::graphiql::Personas>());
        }
    };
    if !query.is_empty()
        && let Some(refusal) = not_a_query(&app, &query, params.operation_name.as_deref())
    {
        return refusal;
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
    if let Some(ext) = request_extensions {
        request.extensions = async_graphql::Extensions(ext);
    }
    run(&app, &schema, viewer, origin, media, request, Method::Get).await
}

/// Why the document of a GET is refused, if it is: it must parse and its operation be a
/// query (405: GET never changes anything).
fn not_a_query(app: &AppState, query: &str, name: Option<&str>) -> Option<Response> {
    if query.len() > app.config.max_document_bytes {
        return Some(status_error(
            StatusCode::BAD_REQUEST,
            Code::OperationLimitExceeded,
            "the document is too large",
        ));
    }
    let doc = match async_graphql::parser::parse_query(query) {
        Ok(doc) => doc,
        Err(e) => {
            let refusal = crate::documents::limits::parse_failed(e);
            let mut response = super::errors::request_errors(std::slice::from_ref(&refusal));
            *response.status_mut() = StatusCode::BAD_REQUEST;
            return Some(response);
        }
    };
    let operation = match (&doc.operations, name) {
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
        return Some(not_with_get());
    }
    None
}

//! Every error body the HTTP edge writes itself: request errors (nothing executed), the
//! refusals it answers before GraphQL runs, and a handler's panic. All have the one shape
//! GraphQL over HTTP gives request errors, `{"errors": [{message, extensions.code}]}`, with
//! the code from `error::Code`.

use crate::error::{AppError, Code, request_error};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// When a 503 tells its client to come back.
const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

/// Request errors of an operation that did not execute: no `data` entry at all.
pub fn request_errors(errors: &[async_graphql::ServerError]) -> Response {
    axum::Json(serde_json::json!({ "errors": errors })).into_response()
}

/// A refusal the HTTP layer answers itself, in the same body every request error has.
pub fn status_error(status: StatusCode, code: Code, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [request_error(code, message)] });
    (status, axum::Json(body)).into_response()
}

/// A request-level failure as a GraphQL-shaped JSON body with the right status.
pub fn error_response(e: AppError) -> Response {
    let status = match e.code() {
        crate::error::Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        crate::error::Code::Forbidden => StatusCode::FORBIDDEN,
        crate::error::Code::NotFound => StatusCode::NOT_FOUND,
        crate::error::Code::Conflict => StatusCode::CONFLICT,
        crate::error::Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        crate::error::Code::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        crate::error::Code::BadUserInput => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut extensions = serde_json::json!({ "code": e.code().as_str() });
    let retry_after = match &e {
        AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
        // Busy (every download place taken) or a dependency down: soon, not at once.
        AppError::Unavailable(_) => Some(UNAVAILABLE_RETRY_AFTER_SECS),
        _ => None,
    };
    if let Some(secs) = retry_after {
        extensions["retryAfter"] = secs.into();
    }
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

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let e = AppError::internal("a request handler panicked");
    let id = crate::error::new_error_id();
    let body = serde_json::json!({
        "errors": [{ "message": e.public_message(), "extensions": { "code": e.code().as_str(), "errorId": id } }]
    });
    tracing::error!(error.id = %id, "request handler panicked");
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}

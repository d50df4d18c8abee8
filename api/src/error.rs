//! The one error type of the gateway and its mapping to stable GraphQL `extensions.code`s.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any
//! `Display` type into an error with its text and no code, so a `Display` impl would let a
//! `?` silently drop the code. Internal causes are logged with an error id; clients get a
//! generic message and that id.

use async_graphql::ErrorExtensions;
use std::fmt;

/// Stable codes clients can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    ServiceUnavailable,
    InternalServerError,
    /// A document past one of the operation limits (nothing ran).
    OperationLimitExceeded,
    /// A document that does not validate, or asks for what is not published here.
    GraphqlValidationFailed,
    /// Text that is not a GraphQL document.
    GraphqlParseFailed,
    /// An automatic persisted query hash this gateway does not know (send the text).
    PersistedQueryNotFound,
    /// An operation that is not registered, under `PERSISTED_QUERIES=safelist`.
    PersistedQueryNotInList,
    /// A request that is not GraphQL over HTTP as this endpoint takes it.
    BadRequest,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Clone)]
pub enum AppError {
    Unauthenticated,
    Forbidden,
    NotFound(&'static str),
    BadInput {
        field: String,
        message: String,
    },
    Conflict(&'static str),
    /// A submission missing required steps: BAD_USER_INPUT with the full list.
    Incomplete {
        field: &'static str,
        missing: Vec<String>,
    },
    RateLimited {
        retry_after_secs: u64,
    },
    Unavailable(&'static str),
    Internal(std::sync::Arc<dyn std::error::Error + Send + Sync>),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(std::sync::Arc::from(cause.into()))
    }

    pub fn code(&self) -> Code {
        match self {
            Self::Unauthenticated => Code::Unauthenticated,
            Self::Forbidden => Code::Forbidden,
            Self::NotFound(_) => Code::NotFound,
            Self::BadInput { .. } | Self::Incomplete { .. } => Code::BadUserInput,
            Self::Conflict(_) => Code::Conflict,
            Self::RateLimited { .. } => Code::RateLimited,
            Self::Unavailable(_) => Code::ServiceUnavailable,
            Self::Internal(_) => Code::InternalServerError,
        }
    }

    /// The text a client may see: never a cause's own text for internal errors.
    pub fn public_message(&self) -> String {
        match self {
            Self::Unauthenticated => "authentication required or token invalid".into(),
            Self::Forbidden => "not allowed for this caller".into(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::BadInput { field, message } => format!("invalid `{field}`: {message}"),
            Self::Conflict(message) => (*message).to_owned(),
            Self::Incomplete { missing, .. } => format!("missing steps: {}", missing.join("; ")),
            Self::RateLimited { .. } => "too many requests".into(),
            Self::Unavailable(what) => format!("{what} is unavailable; retry shortly"),
            Self::Internal(_) => "internal error".into(),
        }
    }

    /// Converts to a GraphQL error, logging internal causes under a fresh error id.
    pub fn into_graphql(self) -> async_graphql::Error {
        let code = self.code();
        let mut err = async_graphql::Error::new(self.public_message());
        let error_id = match &self {
            Self::Internal(cause) => {
                let id = new_error_id();
                tracing::error!(error.id = %id, error.cause = %cause, "internal error");
                Some(id)
            }
            _ => None,
        };
        err = err.extend_with(|_, ext| {
            ext.set("code", code.as_str());
            match &self {
                Self::BadInput { field, .. } => ext.set("field", field.as_str()),
                Self::Incomplete { field, missing } => {
                    ext.set("field", *field);
                    ext.set("missing", missing.clone());
                }
                Self::RateLimited { retry_after_secs } => ext.set("retryAfter", *retry_after_secs),
                _ => {}
            }
            if let Some(id) = &error_id {
                ext.set("errorId", id.as_str());
                if let Some(trace) = crate::telemetry::current_trace_id() {
                    ext.set("traceId", trace);
                }
            }
        });
        err
    }
}

/// A short random id that ties a client's error report to the log line with the cause.
pub fn new_error_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Internal(cause) => write!(f, "Internal({cause:?})"),
            other => write!(f, "{}({})", other.code().as_str(), other.public_message()),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        e.into_graphql()
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        // The database's own guards (unique keys, partial unique indexes) answer CONFLICT.
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                return Self::Conflict("a record with the same key already exists");
            }
            // An id that names nothing reached the database as a dangling key: the caller's
            // mistake, never an internal error (services check ids first; this is the net).
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
                tracing::info!(error.cause = %e, "a write referred to a record that does not exist");
                return Self::NotFound("a record it refers to");
            }
            _ => {}
        }
        match &e {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => {
                tracing::warn!(error.cause = %e, "database unavailable");
                Self::Unavailable("the database")
            }
            _ => Self::internal(e),
        }
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

/// Errors raised by async-graphql itself inside a resolver (a missing context value) are
/// bugs on our side, never the client's.
impl From<async_graphql::Error> for AppError {
    fn from(e: async_graphql::Error) -> Self {
        Self::internal(e.message)
    }
}

/// A request error (nothing runs): one error with `code`, no location. Every refusal
/// before execution is built here.
pub fn request_error(code: Code, message: impl Into<String>) -> async_graphql::ServerError {
    let mut err = async_graphql::ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code.as_str());
    err.extensions = Some(ext);
    err
}

/// Adds a code to errors that reach the response without one, so every error a client
/// sees carries a stable `extensions.code`: parse and validation errors keep their text,
/// anything else raised during execution is replaced by a generic internal error.
pub fn ensure_codes(errors: &mut [async_graphql::ServerError]) {
    for err in errors.iter_mut() {
        let has_code = err
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some());
        if has_code {
            continue;
        }
        if err.path.is_empty() {
            // async-graphql's own depth, complexity and directive limits have no code.
            let limit = [
                "nested too deep",
                "too complex",
                "number of directives",
                "recursive depth",
            ]
            .iter()
            .any(|m| err.message.contains(m));
            let code = if limit {
                Code::OperationLimitExceeded
            } else {
                Code::GraphqlValidationFailed
            };
            let mut ext = err.extensions.take().unwrap_or_default();
            ext.set("code", code.as_str());
            err.extensions = Some(ext);
        } else if err.message.starts_with("Failed to parse \"")
            || err.message.starts_with("Expected input type \"")
        {
            // An argument async-graphql could not read (an Int beyond 32 bits, say): the
            // caller's input, described by its type only.
            let mut ext = err.extensions.take().unwrap_or_default();
            ext.set("code", Code::BadUserInput.as_str());
            err.extensions = Some(ext);
        } else {
            let id = new_error_id();
            tracing::error!(error.id = %id, error.cause = %err.message, "uncoded resolver error");
            err.message = "internal error".into();
            let mut ext = async_graphql::ErrorExtensionValues::default();
            ext.set("code", Code::InternalServerError.as_str());
            ext.set("errorId", id);
            err.extensions = Some(ext);
        }
    }
}

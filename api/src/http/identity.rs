//! Who is calling: the bearer token verified into a viewer (HTTP) or a session (a
//! WebSocket, whose roles are read again per operation), and the client address the rate
//! limits count when there is no token.

use crate::auth::Viewer;
use crate::auth::viewer::Session;
use crate::error::AppError;
use crate::state::AppState;
use axum::http::{HeaderMap, header};
use std::net::IpAddr;

/// No `Authorization` header: anonymous. A bearer token that fails any check: 401.
pub async fn authenticate(app: &AppState, headers: &HeaderMap) -> Result<Viewer, AppError> {
    match headers.get(header::AUTHORIZATION) {
        None => Ok(Viewer::anonymous()),
        Some(value) => {
            session_for(app, value.to_str().ok())
                .await?
                .viewer(&app.roles)
                .await
        }
    }
}

/// The session an `Authorization` value (`Bearer <JWT>`) opens.
pub async fn session_for(app: &AppState, authorization: Option<&str>) -> Result<Session, AppError> {
    let token = authorization
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| !t.is_empty() && t.len() <= 8 * 1024)
        .ok_or(AppError::Unauthenticated)?;
    let claims = app.auth.verify(token).await.map_err(|e| {
        tracing::info!(auth.failure = %e, "token refused");
        if e.is_unavailable() {
            AppError::Unavailable("token verification")
        } else {
            AppError::Unauthenticated
        }
    })?;
    Ok(Session {
        ibm_channel: claims.is_ibm_channel(),
        expires_at: Some(claims.exp.saturating_add(app.config.jwt_leeway_secs)),
        // IBMids are e-mail addresses: one (lowercase) form for lookups, budgets and logs.
        subject: Some(claims.sub.to_ascii_lowercase()),
    })
}

/// Where a request comes from: the client address the rate limits count for anonymous
/// callers, and whether the connection is from `TRUSTED_CALLERS` (our router or proxy).
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub client: Option<IpAddr>,
    pub trusted: bool,
}

impl Origin {
    pub fn of(app: &AppState, headers: &HeaderMap, extensions: &axum::http::Extensions) -> Self {
        let peer = extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Self {
            client: client_address(app, headers, peer),
            trusted: app.trusted.trusts(peer),
        }
    }
}

/// The client address: the peer, or the first `X-Forwarded-For` hop when the peer is one
/// of our trusted proxies.
fn client_address(app: &AppState, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<IpAddr> {
    let forwarded = || {
        headers
            .get("x-forwarded-for")?
            .to_str()
            .ok()?
            .split(',')
            .next()?
            .trim()
            .parse::<IpAddr>()
            .ok()
    };
    if app.trusted.trusts(peer) {
        forwarded().or(peer)
    } else {
        peer
    }
}

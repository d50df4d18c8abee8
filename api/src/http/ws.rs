//! `GET /graphql/ws`: GraphQL over WebSocket (graphql-transport-ws, and the legacy
//! subscriptions-transport-ws). The token travels in the `connection_init` payload as
//! `{"Authorization": "Bearer <JWT>"}` and opens a session, not a fixed viewer:
//!
//! - every operation on the socket reads the caller's roles again (the same
//!   `ROLE_CACHE_SECS` bound as HTTP) and passes the same admission as HTTP (request and
//!   sensitive-mutation budgets, document limits, `_service`);
//! - every subscription event is re-checked against the subscriber's current rights
//!   before it is sent (`graphql::live`);
//! - when the token expires, the server closes the socket with code 4403 ("Forbidden:
//!   token expired"). graphql-ws clients treat 4403 as retryable: they reconnect, and a
//!   `connectionParams` function can send a fresh token.

use super::admission::{admit, refused};
use super::graphql::loaders;
use super::identity;
use crate::auth::viewer::Session;
use crate::error::{AppError, ensure_codes};
use crate::graphql::LiveViewer;
use crate::graphql::batching::Activity;
use crate::graphql::complete::complete;
use crate::graphql::demand;
use crate::graphql::schema::{AppSchema, publish_answer};
use crate::lifecycle::Phase;
use crate::ratelimit::Caller;
use crate::state::AppState;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response};
use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use futures::stream::BoxStream;
use futures::{SinkExt, StreamExt};
use std::any::TypeId;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The close code for a session whose token has expired (graphql-ws's "Forbidden").
pub const TOKEN_EXPIRED_CLOSE_CODE: u16 = 4403;

/// The close code for a socket whose replica is shutting down (RFC 6455 "going away").
pub const GOING_AWAY_CLOSE_CODE: u16 = 1001;

pub async fn subscriptions(
    State(app): State<AppState>,
    Extension(schema): Extension<AppSchema>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    upgrade: WebSocketUpgrade,
) -> HttpResponse {
    let Some(protocol) = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').find_map(|p| p.trim().parse().ok()))
    else {
        return (
            StatusCode::BAD_REQUEST,
            "Sec-WebSocket-Protocol must name graphql-transport-ws or graphql-ws",
        )
            .into_response();
    };
    let executor = SocketExecutor {
        origin: identity::Origin::of(&app, &headers, &extensions),
        app: app.clone(),
        schema,
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let lifecycle = app.lifecycle.clone();
            lifecycle.socket(serve(app, executor, protocol, socket))
        })
}

/// Runs the protocol over `socket` until either side ends it or the session expires.
async fn serve(
    app: AppState,
    executor: SocketExecutor,
    protocol: WebSocketProtocols,
    socket: WebSocket,
) {
    let app_lifecycle = app.lifecycle.clone();
    let expires_at: Arc<Mutex<Option<u64>>> = Arc::default();
    let (sink, stream) = socket.split();
    let input = stream
        .take_while(|res| std::future::ready(res.is_ok()))
        .filter_map(|msg| {
            std::future::ready(match msg {
                Ok(Message::Text(text)) => Some(text.as_bytes().to_vec()),
                Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                _ => None,
            })
        });
    let on_init = {
        let expires_at = expires_at.clone();
        move |payload: serde_json::Value| async move {
            let authorization = payload
                .get("Authorization")
                .or_else(|| payload.get("authorization"))
                .and_then(|v| v.as_str());
            let session = match authorization {
                None => Session::anonymous(),
                Some(value) => identity::session_for(&app, Some(value))
                    .await
                    .map_err(AppError::into_graphql)?,
            };
            *expires_at.lock().unwrap_or_else(|e| e.into_inner()) = session.expires_at;
            let mut data = Data::default();
            data.insert(session);
            Ok(data)
        }
    };
    let messages = async_graphql::http::WebSocket::new(executor, input, protocol)
        .on_connection_init(on_init)
        .map(|msg| match msg {
            WsMessage::Text(text) => Message::Text(text.into()),
            WsMessage::Close(code, reason) => Message::Close(Some(CloseFrame {
                code,
                reason: reason.into(),
            })),
        });
    futures::pin_mut!(messages, sink);
    // One watch for the whole session, not one per message.
    let closing = app_lifecycle.reached(Phase::Closing);
    futures::pin_mut!(closing);
    loop {
        let deadline = *expires_at.lock().unwrap_or_else(|e| e.into_inner());
        let expiry = async move {
            match deadline {
                Some(exp) => tokio::time::sleep(until(exp)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            msg = messages.next() => match msg {
                Some(msg) => if sink.send(msg).await.is_err() { break },
                None => break,
            },
            () = &mut closing => {
                // Clients reconnect, through the load balancer, to a replica that stays.
                let close = Message::Close(Some(CloseFrame {
                    code: GOING_AWAY_CLOSE_CODE,
                    reason: "going away: this replica is shutting down".into(),
                }));
                let _ = sink.send(close).await;
                break;
            }
            () = expiry => {
                let close = Message::Close(Some(CloseFrame {
                    code: TOKEN_EXPIRED_CLOSE_CODE,
                    reason: "Forbidden: token expired".into(),
                }));
                let _ = sink.send(close).await;
                break;
            }
        }
    }
}

/// How long until unix time `exp`.
fn until(exp: u64) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Duration::from_secs(exp).saturating_sub(now)
}

/// Executes each operation of one socket: the caller as of now, admission, fresh loaders.
#[derive(Clone)]
struct SocketExecutor {
    app: AppState,
    schema: AppSchema,
    origin: identity::Origin,
}

impl SocketExecutor {
    async fn open(
        &self,
        request: Request,
        connection: Option<Arc<Data>>,
    ) -> Result<BoxStream<'static, Response>, Response> {
        let refuse = |e| Response::from_errors(vec![e]);
        let session = connection
            .as_deref()
            .and_then(|d| d.get(&TypeId::of::<Session>()))
            .and_then(|s| s.downcast_ref::<Session>())
            .cloned()
            .unwrap_or_default();
        let viewer = session
            .viewer(&self.app.roles)
            .await
            .map_err(|e| refuse(refused(e)))?;
        let caller = Caller::new(session.subject.as_deref(), self.origin.client);
        let metrics = self.app.metrics.clone();
        let label = metrics.operation_label(request.operation_name.as_deref());
        let (request, parsed, estimated) =
            match admit(&self.app, &caller, self.origin.trusted, request).await {
                Ok(admitted) => admitted,
                Err(e) => {
                    if e.extensions.as_ref().and_then(|x| x.get("cost")).is_some() {
                        metrics.cost_refused.with_label_values(&[&label]).inc();
                    }
                    return Err(refuse(e));
                }
            };
        metrics.costs(&label, Some(estimated), None);
        let subscription = parsed
            .shape
            .operation(request.operation_name.as_deref())
            .is_some_and(|op| op.ty == OperationType::Subscription);
        let loaders = loaders(&self.app, Arc::new(Activity::default()));
        if subscription {
            // One loader serves every event of a subscription: a cache would serve the
            // first event's rows to the last.
            loaders.enable_all_cache(false);
        }
        let request = request
            .data(LiveViewer::new(viewer))
            .data(loaders)
            .data(caller)
            .data(crate::graphql::entity::EntityClaims::default());
        let operation = request.operation_name.clone();
        let asked = demand::asked(&request.extensions.0);
        let variables = request.variables.clone();
        let max = self.app.config.max_cost;
        let responses = Executor::execute_stream(&self.schema, request, connection)
            .map(move |mut response| {
                complete(&mut response, &parsed.document, operation.as_deref());
                if parsed.shape.root_fields().any(|f| f == "_service") {
                    publish_answer(&mut response, &parsed.document, operation.as_deref());
                }
                // Every event of a subscription is costed as what it is: one answer.
                let actual = demand::actual(
                    crate::graphql::schema::cost_model(),
                    &parsed.document,
                    operation.as_deref(),
                    &variables,
                    &response.data,
                );
                metrics.costs(&label, None, actual);
                if asked {
                    response
                        .extensions
                        .insert("cost".to_owned(), demand::report(estimated, actual, max));
                }
                response
            })
            .boxed();
        if subscription {
            return Ok(responses);
        }
        // A query or mutation answers once, under the same time limit as over HTTP.
        let limit = Duration::from_millis(self.app.config.request_timeout_ms);
        let once = async move {
            match tokio::time::timeout(limit, responses.into_future()).await {
                Ok((Some(response), _)) => response,
                Ok((None, _)) => Response::default(),
                Err(_) => refuse(refused(AppError::Unavailable(
                    "an answer within the time limit",
                ))),
            }
        };
        Ok(futures::stream::once(once).boxed())
    }
}

impl Executor for SocketExecutor {
    async fn execute(&self, request: Request) -> Response {
        self.execute_stream(request, None)
            .next()
            .await
            .unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: Request,
        connection: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let this = self.clone();
        futures::stream::once(async move { this.open(request, connection).await })
            .flat_map(|opened| match opened {
                Ok(responses) => responses,
                Err(refusal) => futures::stream::once(std::future::ready(refusal)).boxed(),
            })
            .map(|mut response| {
                ensure_codes(&mut response.errors);
                response
            })
            .boxed()
    }
}

//! Subscription events re-checked against the subscriber's current rights. A subscription
//! lives as long as its socket; the rights it was opened with do not. Before each event
//! the subscriber's standing is read again (through the `ROLE_CACHE_SECS` role cache, as
//! for HTTP), the event's own check must still pass, and the fresh viewer is what the
//! event's fields are resolved with. Once the check fails, or the token has expired, the
//! subscription ends with that error and sends nothing more.

use super::{ContextExt, LiveViewer};
use crate::auth::Viewer;
use crate::auth::viewer::Session;
use crate::error::{AppError, AppResult};
use async_graphql::Context;
use futures::{Stream, StreamExt};
use std::sync::Arc;

/// `source`'s events, each sent only while `allowed` holds for the subscriber as they
/// stand at that moment. Every subscription resolver returns its events through here.
pub fn checked<T, S, F>(
    ctx: &Context<'_>,
    source: S,
    allowed: F,
) -> AppResult<impl Stream<Item = async_graphql::Result<T>> + use<T, S, F>>
where
    T: Send + 'static,
    S: Stream<Item = T> + Send + 'static,
    F: Fn(&Viewer) -> AppResult<()> + Send + Sync + 'static,
{
    let app = ctx.app()?.clone();
    let (Some(live), Some(session)) = (
        ctx.data_opt::<LiveViewer>().cloned(),
        ctx.data_opt::<Session>().cloned(),
    ) else {
        return Err(AppError::internal(
            "a subscription without a session and live viewer",
        ));
    };
    allowed(&ctx.viewer())?;
    let allowed = Arc::new(allowed);
    let events = source.then(move |event| {
        let (app, live, session, allowed) =
            (app.clone(), live.clone(), session.clone(), allowed.clone());
        async move {
            let viewer = session.viewer(&app.roles).await?;
            allowed(&viewer)?;
            live.replace(viewer);
            Ok::<T, AppError>(event)
        }
    });
    // After a refusal nothing more is sent: the subscription ends with its error at once,
    // without waiting for another event.
    Ok(futures::stream::unfold(
        Some(Box::pin(events)),
        |events| async move {
            let mut events = events?;
            match events.next().await? {
                Ok(event) => Some((Ok(event), Some(events))),
                Err(e) => Some((Err(e.into_graphql()), None)),
            }
        },
    ))
}

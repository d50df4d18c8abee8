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

/// `source`'s events, each turned into what is sent by `admit` with the subscriber as
/// they stand at that moment (`admit` checks the subscription's right and builds the
/// event's object through its visibility constructor). Every subscription resolver
/// returns its events through here.
pub fn checked<R, T, S, F>(
    ctx: &Context<'_>,
    source: S,
    admit: F,
) -> AppResult<impl Stream<Item = async_graphql::Result<T>> + use<R, T, S, F>>
where
    R: Send + 'static,
    T: Send + 'static,
    S: Stream<Item = R> + Send + 'static,
    F: Fn(&Viewer, R) -> AppResult<T> + Send + Sync + 'static,
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
    let admit = Arc::new(admit);
    // Counted while the stream lives, however it ends (completed, refused, socket gone).
    let active = Active::new(&app.metrics.subscriptions);
    let events = source.then(move |event| {
        let (app, live, session, admit) =
            (app.clone(), live.clone(), session.clone(), admit.clone());
        async move {
            let viewer = session.viewer(&app.roles).await?;
            let event = admit(&viewer, event)?;
            live.replace(viewer);
            Ok::<T, AppError>(event)
        }
    });
    // After a refusal nothing more is sent: the subscription ends with its error at once,
    // without waiting for another event.
    Ok(futures::stream::unfold(
        (Some(Box::pin(events)), active),
        |(events, active)| async move {
            let mut events = events?;
            match events.next().await? {
                Ok(event) => Some((Ok(event), (Some(events), active))),
                Err(e) => Some((Err(e.into_graphql()), (None, active))),
            }
        },
    ))
}

/// One open subscription in `partnerworld_subscriptions_active`.
struct Active(prometheus::IntGauge);

impl Active {
    fn new(gauge: &prometheus::IntGauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        self.0.dec();
    }
}

//! A replica's life as its load balancer sees it, so that a rolling restart fails nothing:
//!
//! 1. **Serving.**
//! 2. **Draining**, from the moment the process is told to stop (SIGTERM): `/readyz`
//!    answers 503 at once, so the Service (or an ingress) stops sending new requests, but
//!    everything in flight, and whatever still arrives while the endpoints update
//!    (`SHUTDOWN_DRAIN_SECS`), is served as usual.
//! 3. **Closing**: WebSockets are closed with 1001 "going away", which graphql-ws clients
//!    answer by reconnecting (to another replica), the listener stops accepting, and the
//!    requests still running finish; the process exits when they have, or when
//!    `SHUTDOWN_GRACE_SECS` have passed since the signal, whichever is first.

use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Serving,
    Draining,
    Closing,
}

/// The replica's phase, watched by readiness and by every WebSocket, and the sockets
/// still open (the HTTP server's own shutdown does not wait for upgraded connections).
#[derive(Clone)]
pub struct Lifecycle(watch::Sender<Phase>, tokio_util::task::TaskTracker);

impl Default for Lifecycle {
    fn default() -> Self {
        Self(
            watch::Sender::new(Phase::Serving),
            tokio_util::task::TaskTracker::new(),
        )
    }
}

impl Lifecycle {
    pub fn phase(&self) -> Phase {
        *self.0.borrow()
    }

    /// Runs a WebSocket's session as one the shutdown waits for.
    pub fn socket<F: Future<Output = ()>>(&self, session: F) -> impl Future<Output = ()> + use<F> {
        self.1.track_future(session)
    }

    /// Resolves once every WebSocket has said goodbye (they close when `Closing` begins).
    pub async fn sockets_closed(&self) {
        self.1.close();
        self.1.wait().await;
    }

    /// Moves on to `phase` (never back).
    pub fn enter(&self, phase: Phase) {
        self.0.send_if_modified(|now| {
            let later = phase > *now;
            if later {
                *now = phase;
            }
            later
        });
    }

    /// Resolves once the replica has reached `phase`.
    pub async fn reached(&self, phase: Phase) {
        let mut rx = self.0.subscribe();
        // The sender lives as long as `self`: waiting cannot fail.
        let _ = rx.wait_for(|now| *now >= phase).await;
    }
}

/// Resolves when the process is told to stop: SIGTERM (Kubernetes) or Ctrl-C.
pub async fn terminated() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

//! Batching that holds under load. async-graphql's DataLoader fires a batch a fixed delay
//! after its first key; but a wide list is resolved in slices (futures' `join_all` yields
//! every 32 items), and on a busy machine the next slice runs after the delay, so one
//! level became dozens of statements (measured: 150 per 100-company page at 32
//! connections). Here a batch waits until the request's own task is idle — not being
//! polled and not woken — which is exactly when every key of the level is registered.
//!
//! What bounds the wait is the request's own progress, not the clock: under load a woken
//! request can sit in the run queue for tens of milliseconds behind other executions,
//! and a batch that gave up after a fixed time fired with half a level's keys (measured:
//! a 100-company page at 1 connection ran 6 statements, at 32 connections 11.6). Waiting
//! costs the request nothing: while it is queued it could not use the rows anyway. A
//! batch fires early only once the request is gone, or after a last bound of 2 s. (A
//! bound by polls was tried and measured worse: a wide level stays woken across many
//! polls while its siblings' loads complete, 11.5 statements at 1 connection.)

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// Whether the request task is running or about to run.
#[derive(Default)]
pub struct Activity {
    polling: AtomicBool,
    woken: AtomicBool,
    /// The request's future was dropped (answered, timed out, or its client left).
    done: AtomicBool,
}

/// A last bound, for a request that is woken but never polled again.
const AT_MOST: std::time::Duration = std::time::Duration::from_secs(2);

impl Activity {
    fn busy(&self) -> bool {
        !self.done.load(Ordering::Acquire)
            && (self.polling.load(Ordering::Acquire) || self.woken.load(Ordering::Acquire))
    }

    /// Resolves once the request task has nothing left to do but wait, or is gone.
    pub async fn idle(&self) {
        let started = std::time::Instant::now();
        while self.busy() && started.elapsed() < AT_MOST {
            tokio::task::yield_now().await;
        }
    }
}

struct TrackingWaker {
    inner: Waker,
    activity: Arc<Activity>,
}

impl Wake for TrackingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.activity.woken.store(true, Ordering::Release);
        self.inner.wake_by_ref();
    }
}

/// Wraps the request's future so its `Activity` is known to its loaders.
pub struct Tracked<F> {
    inner: Pin<Box<F>>,
    activity: Arc<Activity>,
}

impl<F> Tracked<F> {
    pub fn new(inner: F, activity: Arc<Activity>) -> Self {
        Self {
            inner: Box::pin(inner),
            activity,
        }
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let activity = self.activity.clone();
        activity.woken.store(false, Ordering::Release);
        activity.polling.store(true, Ordering::Release);
        let waker = Waker::from(Arc::new(TrackingWaker {
            inner: cx.waker().clone(),
            activity: activity.clone(),
        }));
        let result = self.inner.as_mut().poll(&mut Context::from_waker(&waker));
        activity.polling.store(false, Ordering::Release);
        result
    }
}

impl<F> Drop for Tracked<F> {
    fn drop(&mut self) {
        self.activity.done.store(true, Ordering::Release);
    }
}

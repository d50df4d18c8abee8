//! Domain events, one stream for every replica.
//!
//! A committed write publishes its events here. Subscriptions on this replica get them at
//! once from an in-process channel; with Redis configured they also go out on one pub/sub
//! channel, and every other replica's single subscriber connection hands them to its own
//! sockets. So a subscriber sees the events of every replica, each once:
//!
//! - an event reaches this replica's subscribers through the in-process channel only, and
//!   the copy that comes back from Redis is dropped (it carries this replica's id);
//! - a write on another replica arrives once per message Redis delivers, which is once per
//!   connected subscriber connection.
//!
//! What a subscriber is shown is checked against its current rights before it is sent
//! (`graphql::live`), wherever the event came from.
//!
//! The same channel carries what other replicas must forget after a write: the roles of a
//! subject whose rights changed. A replica whose subscriber connection drops cannot know
//! what it missed, so when it is back it forgets every cached role.
//!
//! With Redis down, writes still reach the subscribers of their own replica; the events
//! other replicas could not be told of are counted (`events_unshared_total`), as are the
//! subscriber connection's outages (`events_bus_outages_total`).

use crate::auth::viewer::RoleDirectory;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// Domain events that subscriptions watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    AccessRequested {
        site_id: i64,
        request_id: i64,
    },
    /// A notification was written for the person whose IBMid hashes to `recipient`
    /// (`domain::pao::notifications::recipient_key`): only their streams load the row.
    Notified {
        id: i64,
        recipient: u64,
    },
}

/// What one replica tells the others.
#[derive(Debug, Serialize, Deserialize)]
enum Message {
    Event(Event),
    /// The roles of this subject (an IBMid, lowercase) changed: read them again.
    RolesChanged(String),
}

#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    /// The replica that sent it, which drops it when it comes back.
    from: u64,
    message: Message,
}

/// How events leave this replica for the others: Redis pub/sub, or nothing when the
/// gateway runs alone.
#[async_trait::async_trait]
pub trait Fanout: Send + Sync + 'static {
    async fn send(&self, envelope: Vec<u8>) -> Result<(), String>;
}

/// The replica's event stream.
#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<Event>,
    fanout: Option<Arc<dyn Fanout>>,
    replica: u64,
    counters: Counters,
    /// Whether the subscriber connection is subscribed now.
    listening: tokio::sync::watch::Sender<bool>,
}

/// What the bus counts, as the metrics registry holds it.
#[derive(Clone)]
pub struct Counters {
    /// Events and invalidations other replicas could not be told of (Redis down).
    pub unshared: prometheus::IntCounter,
    /// Messages received from other replicas.
    pub received: prometheus::IntCounter,
    /// Times the subscriber connection was lost or could not be opened.
    pub outages: prometheus::IntCounter,
}

impl EventBus {
    /// Events stay on this replica.
    pub fn in_process(counters: Counters) -> Self {
        Self {
            local: broadcast::channel(1024).0,
            fanout: None,
            replica: rand::random(),
            counters,
            listening: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Waits until the subscriber connection hears the other replicas, at most `within`;
    /// false if it does not (Redis down: the replica serves, its events stay local).
    /// Alone, there is nothing to hear: true at once.
    pub async fn listening(&self, within: Duration) -> bool {
        if self.fanout.is_none() {
            return true;
        }
        let mut rx = self.listening.subscribe();
        matches!(
            tokio::time::timeout(within, rx.wait_for(|on| *on)).await,
            Ok(Ok(_))
        )
    }

    /// Events go to every replica through the Redis channel `{prefix}events`. The
    /// subscriber connection is opened (and reopened) in the background: a Redis that is
    /// down at start does not stop the gateway.
    pub fn redis(
        url: &str,
        prefix: &str,
        timeout: Duration,
        roles: RoleDirectory,
        counters: Counters,
    ) -> Result<Self, String> {
        let (client, conn) = crate::cache::redis_connection(url, timeout)?;
        let channel = format!("{prefix}events");
        let mut bus = Self::in_process(counters);
        bus.fanout = Some(Arc::new(RedisFanout {
            conn,
            channel: channel.clone(),
            timeout,
        }));
        tokio::spawn(listen(client, channel, bus.clone(), roles));
        Ok(bus)
    }

    /// The events of every replica from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    /// After a commit: this replica's subscribers at once, the others through the fanout.
    pub async fn publish(&self, event: Event) {
        // No subscriber is not an error.
        let _ = self.local.send(event);
        self.share(Message::Event(event)).await;
    }

    /// After a commit that changed `subject`'s roles, which this replica has forgotten:
    /// the others forget them too.
    pub async fn roles_changed(&self, subject: &str) {
        self.share(Message::RolesChanged(subject.to_ascii_lowercase()))
            .await;
    }

    async fn share(&self, message: Message) {
        let Some(fanout) = &self.fanout else { return };
        let envelope = Envelope {
            from: self.replica,
            message,
        };
        let sent = match serde_json::to_vec(&envelope) {
            Ok(bytes) => fanout.send(bytes).await,
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = sent {
            self.counters.unshared.inc();
            tracing::warn!(error = %e, "an event could not be shared with the other replicas");
        }
    }

    /// A message from the channel: handed to this replica's subscribers or acted on,
    /// unless this replica sent it.
    async fn receive(&self, payload: &[u8], roles: &RoleDirectory) {
        let Ok(envelope) = serde_json::from_slice::<Envelope>(payload) else {
            tracing::warn!("an unreadable message on the event channel was dropped");
            return;
        };
        if envelope.from == self.replica {
            return;
        }
        self.counters.received.inc();
        match envelope.message {
            Message::Event(event) => {
                let _ = self.local.send(event);
            }
            Message::RolesChanged(subject) => roles.forget(&subject).await,
        }
    }
}

struct RedisFanout {
    conn: redis::aio::ConnectionManager,
    channel: String,
    timeout: Duration,
}

#[async_trait::async_trait]
impl Fanout for RedisFanout {
    async fn send(&self, envelope: Vec<u8>) -> Result<(), String> {
        let mut conn = self.conn.clone();
        let mut cmd = redis::cmd("PUBLISH");
        cmd.arg(&self.channel).arg(envelope);
        let publish = cmd.query_async::<i64>(&mut conn);
        match tokio::time::timeout(self.timeout, publish).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("timed out".into()),
        }
    }
}

/// The replica's one subscriber connection, for as long as the process runs: reopened
/// after any loss, each time after forgetting every cached role (what changed while it was
/// away is unknown).
async fn listen(client: redis::Client, channel: String, bus: EventBus, roles: RoleDirectory) {
    let mut connected_before = false;
    let mut delay = Duration::from_millis(100);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    if connected_before {
                        roles.forget_all();
                        tracing::info!("event channel back; cached roles forgotten");
                    }
                    connected_before = true;
                    bus.listening.send_replace(true);
                    delay = Duration::from_millis(100);
                    let mut messages = pubsub.into_on_message();
                    while let Some(msg) = messages.next().await {
                        let payload: Vec<u8> = msg.get_payload().unwrap_or_default();
                        bus.receive(&payload, &roles).await;
                    }
                    tracing::warn!("event channel lost; reconnecting");
                }
                Err(e) => tracing::warn!(error = %e, "event channel: subscribe failed"),
            },
            Err(e) => tracing::warn!(error = %e, "event channel: Redis unreachable"),
        }
        bus.listening.send_replace(false);
        bus.counters.outages.inc();
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

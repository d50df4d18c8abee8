//! A graphql-transport-ws client over a real socket, for the subscription and WebSocket
//! security tests.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What the server sent next.
#[derive(Debug)]
pub enum Frame {
    Json(Value),
    /// A close frame's code, or None when the socket ended without one.
    Closed(Option<u16>),
}

pub struct WsClient {
    socket: Socket,
    next_id: u64,
}

impl WsClient {
    /// Connects to `ws://addr/graphql/ws` and completes `connection_init` with `token`
    /// (anonymous without one).
    pub async fn connect(addr: std::net::SocketAddr, token: Option<&str>) -> Self {
        let mut req = format!("ws://{addr}/graphql/ws")
            .into_client_request()
            .expect("request");
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        let (socket, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("connect");
        let mut client = Self { socket, next_id: 0 };
        let payload = match token {
            Some(t) => json!({ "Authorization": format!("Bearer {t}") }),
            None => json!({}),
        };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        assert_eq!(client.next_json().await["type"], "connection_ack");
        client
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("send");
    }

    /// Starts an operation; returns its id.
    pub async fn subscribe(&mut self, query: &str, variables: Value) -> String {
        self.next_id += 1;
        let id = self.next_id.to_string();
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
            .await;
        id
    }

    /// Runs a query or mutation and returns its `payload` (`data`, `errors`).
    pub async fn execute(&mut self, query: &str, variables: Value) -> Value {
        let id = self.subscribe(query, variables).await;
        let next = self.next_json().await;
        assert_eq!(next["id"], id.as_str(), "{next}");
        assert_eq!(next["type"], "next", "{next}");
        let complete = self.next_json().await;
        assert_eq!(complete["type"], "complete", "{complete}");
        next["payload"].clone()
    }

    /// The next frame within `wait`, or None if nothing came.
    pub async fn next_frame(&mut self, wait: Duration) -> Option<Frame> {
        loop {
            let msg = tokio::time::timeout(wait, self.socket.next()).await.ok()?;
            return Some(match msg {
                None | Some(Err(_)) => Frame::Closed(None),
                Some(Ok(Message::Text(t))) => Frame::Json(serde_json::from_str(&t).expect("json")),
                Some(Ok(Message::Close(frame))) => Frame::Closed(frame.map(|f| f.code.into())),
                Some(Ok(_)) => continue,
            });
        }
    }

    /// The next JSON message, within 10 s.
    pub async fn next_json(&mut self) -> Value {
        match self.next_frame(Duration::from_secs(10)).await {
            Some(Frame::Json(v)) => v,
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

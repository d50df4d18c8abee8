//! The access-request subscription over graphql-ws on a real socket.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tests::{Backend, TestApp};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

async fn serve(app: &TestApp) -> String {
    format!("ws://{}/graphql/ws", app.serve().await)
}

async fn next_json<S>(ws: &mut S) -> Value
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message in time")
            .expect("open socket")
            .expect("valid frame");
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).expect("json");
        }
    }
}

async fn subscribe(
    url: &str,
    token: &str,
) -> impl futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
+ futures::Sink<Message>
+ Unpin
+ use<> {
    subscribe_to(url, token, "subscription { accessRequestSubmitted(siteNumber: \"S-1000001\") { requesterIbmId believesPrimary status } }").await
}

async fn subscribe_to(
    url: &str,
    token: &str,
    query: &str,
) -> impl futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
+ futures::Sink<Message>
+ Unpin
+ use<> {
    let mut req = url.into_client_request().expect("request");
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("connect");
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    ws.send(Message::text(init.to_string()))
        .await
        .expect("init");
    assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
    let sub = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    ws.send(Message::text(sub.to_string()))
        .await
        .expect("subscribe");
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_primary_contact_watches_access_requests_arrive() {
    let app = TestApp::start(Backend::Sqlite).await;
    let url = serve(&app).await;
    let mut ws = subscribe(&url, &app.token("site.primary@acme.example")).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A claim of the primary role goes to IBM, not to the current primary (domain.md §8):
    // it is not delivered; the next ordinary request is.
    let claim = app
        .as_user(
            "apa@globex.example",
            "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: true }) { accessRequest { id } } }",
            json!({}),
        )
        .await;
    claim.assert_no_errors();
    let ask = app
        .as_user(
            "prc@acme.example",
            "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { id } } }",
            json!({}),
        )
        .await;
    ask.assert_no_errors();
    let event = next_json(&mut ws).await;
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(
        event["payload"]["data"]["accessRequestSubmitted"],
        json!({ "requesterIbmId": "prc@acme.example", "believesPrimary": false, "status": "PENDING" })
    );
    // Counted while open; no longer once the socket is gone.
    let open = "partnerworld_subscriptions_active 1";
    assert!(app.metrics().await.lines().any(|l| l == open));
    drop(ws);
    let mut closed = false;
    for _ in 0..50 {
        if app
            .metrics()
            .await
            .lines()
            .any(|l| l == "partnerworld_subscriptions_active 0")
        {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        closed,
        "the subscription is no longer counted once its socket closes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_without_site_administration_cannot_subscribe() {
    let app = TestApp::start(Backend::Sqlite).await;
    let url = serve(&app).await;
    let mut ws = subscribe(&url, &app.token("member@acme.example")).await;
    let event = next_json(&mut ws).await;
    assert_eq!(event["payload"]["data"], Value::Null, "{event}");
    assert_eq!(
        event["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{event}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_obey_the_document_limits_too() {
    // No HTTP handler prepares WebSocket operations: the limits run inside the schema.
    let app = TestApp::start(Backend::Sqlite).await;
    let url = serve(&app).await;
    let aliases: String = (0..40).map(|i| format!("a{i}: requesterIbmId ")).collect();
    let query = format!(
        "subscription {{ accessRequestSubmitted(siteNumber: \"S-1000001\") {{ {aliases} }} }}"
    );
    let mut ws = subscribe_to(&url, &app.token("site.primary@acme.example"), &query).await;
    let event = next_json(&mut ws).await;
    assert_eq!(event["payload"]["data"], Value::Null, "{event}");
    assert_eq!(
        event["payload"]["errors"][0]["extensions"]["code"], "OPERATION_LIMIT_EXCEEDED",
        "{event}"
    );
}

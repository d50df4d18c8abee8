//! Demand control (`graphql::demand`): the estimate and the actual cost of an operation on
//! the seed data, reported when asked on every transport; refusal over `MAX_COST` before
//! anything runs, with the estimate; and the costs counted per operation.

use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};
use tests::ws::WsClient;
use tests::{Answer, TestApp, test_config, with_each_backend};

/// The APA's view of their company: two countries' locations and three people with their
/// certifications. Estimated: company 1 + countries 3 × (1 + locations 3 × 1) + people
/// (1 + 3 × (1 + certifications 5 × 1)) = 32.
const PAGE: &str = "query Page { company(partnerWorldId: \"PW-000001\") { name countryEnterprises { country locations { name } } employees(first: 3) { nodes { ibmId certifications { name } } } } }";

async fn post(app: &TestApp, body: Value, token: &str) -> Answer {
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, bytes) = app.request(req).await;
    Answer {
        status,
        body: serde_json::from_slice(&bytes).expect("json"),
    }
}

fn snapshot(name: &str, body: &Value) {
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_json_snapshot!(name, body);
    });
}

with_each_backend! {
    async fn the_answer_reports_its_estimated_and_actual_cost_when_asked(backend) {
        let app = TestApp::start(backend).await;
        let apa = app.token("apa@acme.example");
        let asked = post(&app, json!({ "query": PAGE, "extensions": { "cost": true } }), &apa).await;
        asked.assert_no_errors();
        // The whole answer: the data the actual cost was counted from, and both costs.
        snapshot("demand_cost_reported", &asked.body);
        let plain = post(&app, json!({ "query": PAGE }), &apa).await;
        assert_eq!(plain.body.get("extensions"), None, "{}", plain.body);
        assert_eq!(plain.body["data"], asked.body["data"]);
        // Counted per operation: the estimate of both runs, the actual of both.
        assert_eq!(app.metric("partnerworld_operation_cost_count{kind=\"estimated\",operation=\"Page\"}").await, 2);
        assert_eq!(app.metric("partnerworld_operation_cost_sum{kind=\"estimated\",operation=\"Page\"}").await, 64);
        let actual = asked.body["extensions"]["cost"]["actual"].as_u64().expect("actual");
        assert_eq!(app.metric("partnerworld_operation_cost_sum{kind=\"actual\",operation=\"Page\"}").await, 2 * actual);
    }

    async fn an_operation_over_the_budget_is_refused_with_its_estimate_on_every_transport(backend) {
        let mut config = test_config(backend).await;
        config.max_cost = 31;
        let app = TestApp::with_config(backend, config).await;
        let apa = app.token("apa@acme.example");
        let refused = post(&app, json!({ "query": PAGE }), &apa).await;
        assert_eq!(refused.status.as_u16(), 400);
        assert_eq!(
            refused.body,
            json!({ "errors": [{
                "message": "the operation's estimated cost is 32, over the budget of 31",
                "extensions": { "code": "OPERATION_LIMIT_EXCEEDED", "cost": { "estimated": 32, "max": 31 } }
            }] })
        );
        // A variable that sizes a page is read before anything runs, too.
        let sized = "query Sized($n: Int) { companies(first: $n) { nodes { name } } }";
        let small = post(&app, json!({ "query": sized, "variables": { "n": 30 } }), &apa).await;
        small.assert_no_errors();
        let large = post(&app, json!({ "query": sized, "variables": { "n": 31 } }), &apa).await;
        assert_eq!(large.codes(), ["OPERATION_LIMIT_EXCEEDED"]);
        assert_eq!(app.metric("partnerworld_operation_cost_refused_total{operation=\"Page\"}").await, 1);
        assert_eq!(app.metric("partnerworld_operation_cost_refused_total{operation=\"Sized\"}").await, 1);

        let addr = app.serve().await;
        let mut ws = WsClient::connect(addr, Some(&apa)).await;
        ws.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": PAGE } })).await;
        // Refused as every admission refusal on the socket is: an answer with no data.
        let refusal = ws.next_json().await;
        assert_eq!(
            refusal,
            json!({ "id": "1", "type": "next", "payload": { "data": null, "errors": [{
                "message": "the operation's estimated cost is 32, over the budget of 31",
                "extensions": { "code": "OPERATION_LIMIT_EXCEEDED", "cost": { "estimated": 32, "max": 31 } }
            }] } })
        );
        assert_eq!(ws.next_json().await, json!({ "id": "1", "type": "complete" }));
        // The socket still serves what fits, and reports its cost when asked.
        ws.send(json!({ "id": "2", "type": "subscribe", "payload": {
            "query": sized, "variables": { "n": 2 }, "extensions": { "cost": true } } })).await;
        let next = ws.next_json().await;
        assert_eq!(next["type"], "next", "{next}");
        let count = next["payload"]["data"]["companies"]["nodes"].as_array().expect("nodes").len() as u64;
        assert_eq!(
            next["payload"]["extensions"]["cost"],
            json!({ "estimated": 3, "actual": 1 + count, "max": 31 })
        );
    }
}

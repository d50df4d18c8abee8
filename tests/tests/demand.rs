//! Demand control (`graphql::demand`): the formula on the published schema; the estimate
//! and the actual cost of an operation on the seed data, reported when asked on every
//! transport; refusal over `MAX_COST` before anything runs, with the estimate; and the
//! costs counted per operation.

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

/// The formula itself, on the published schema (`graphql::demand::formula`).
mod formula {
    use api::graphql::demand::{actual, estimate};
    use api::graphql::schema::cost_model;
    use async_graphql::parser::types::ExecutableDocument;
    use async_graphql::{Value, Variables};
    use serde_json::json;

    fn doc(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).expect("a valid document")
    }

    fn estimated(q: &str, variables: serde_json::Value) -> u64 {
        estimate(
            cost_model(),
            &doc(q),
            None,
            &Variables::from_json(variables),
            10,
        )
        .expect("one operation")
        .cost
    }

    #[test]
    fn an_estimate_that_read_no_variable_holds_for_any() {
        let any = |q: &str| {
            estimate(
                cost_model(),
                &doc(q),
                None,
                &Variables::from_json(json!({ "a": "x", "n": 3 })),
                10,
            )
            .expect("one operation")
            .for_any_variables
        };
        // A cursor is a scalar: its value costs nothing and is not read.
        assert!(any(
            "query($a: String) { companies(first: 5, after: $a) { nodes { name } } }"
        ));
        assert!(!any(
            "query($n: Int) { companies(first: $n) { nodes { name } } }"
        ));
        assert!(!any(
            "query($s: Boolean!) { companies @skip(if: $s) { nodes { name } } }"
        ));
    }

    #[test]
    fn a_page_costs_its_slicing_argument_times_its_items() {
        // companies: 1 × (connection 1 + edges 5 × (edge 1 + node 1 × (company 1 + name 0)))
        let q = "{ companies(first: 5) { edges { node { name } } } }";
        assert_eq!(estimated(q, json!({})), 11);
        // Without `first`, the page's assumed size (20) stands.
        let q = "{ companies { edges { node { name } } nodes { name } totalCount } }";
        assert_eq!(estimated(q, json!({})), 1 + 20 * 2 + 20);
        // A variable sizes the page as a literal does; an absent one with a default too.
        let q = "query($n: Int = 3) { companies(first: $n) { nodes { name } } }";
        assert_eq!(estimated(q, json!({ "n": 7 })), 8);
        assert_eq!(estimated(q, json!({})), 4);
    }

    #[test]
    fn nested_pages_multiply_and_lists_without_a_size_take_the_default() {
        // Each of 100 companies: 1 + employees 1 × (1 + 50 × (person 1 + certifications
        // 5 (their assumed size) × 1)); a list without a size takes the default (10).
        let q = "{ companies(first: 100) { nodes { employees(first: 50) { nodes { certifications { name } } } } } }";
        assert_eq!(estimated(q, json!({})), 1 + 100 * (1 + (1 + 50 * (1 + 5))));
        let q = "{ companies(first: 2) { nodes { solutions { name } } } }";
        assert_eq!(estimated(q, json!({})), 1 + 2 * (1 + 10));
    }

    #[test]
    fn the_benchmark_pages_fit_the_default_budget_and_a_page_of_pages_does_not() {
        let max = api::config::Config::defaults().max_cost;
        let tree = "countryEnterprises { country locations { name people(first: 5) { edges { node { ibmId certifications { name } } } } } }";
        // people 1 + 5 × (1 + 1 + 5); locations 3 × (1 + 36); countries 3 × (1 + 111).
        let s3 = format!("{{ companies(first: 100) {{ edges {{ node {{ name {tree} }} }} }} }}");
        assert_eq!(
            estimated(&s3, json!({})),
            1 + 100 * (1 + 1 + 3 * (1 + 3 * (1 + 36)))
        );
        assert!(estimated(&s3, json!({})) <= max);
        let q = "{ companies(first: 100) { edges { node { employees(first: 100) { edges { node { ibmId certifications { name } } } } } } } }";
        assert_eq!(
            estimated(q, json!({})),
            1 + 100 * (1 + 1 + (1 + 100 * (1 + 1 + 5)))
        );
        assert!(estimated(q, json!({})) > max);
    }

    #[test]
    fn weights_arguments_mutations_and_skipped_selections() {
        // @cost(weight: 10) per recommendation, `count` of them (its default, 3, when left out).
        let q = "{ recommendPartners(opportunityId: \"x\", count: 4) { leadsPassed } }";
        assert_eq!(estimated(q, json!({})), 40);
        let q = "{ recommendPartners(opportunityId: \"x\") { leadsPassed } }";
        assert_eq!(estimated(q, json!({})), 30);
        // A mutation starts at 10; each input object in the arguments costs 1.
        let q = "mutation { addLocation(input: { countryEnterpriseId: \"x\", location: { city: \"a\" } }) { location { city } } }";
        assert_eq!(estimated(q, json!({})), 10 + 2 + 2);
        let q = "query($s: Boolean!) { companies(first: 5) @skip(if: $s) { nodes { name } } __typename }";
        assert_eq!(estimated(q, json!({ "s": true })), 0);
        assert_eq!(estimated(q, json!({ "s": false })), 6);
    }

    #[test]
    fn entities_cost_one_per_representation() {
        let q =
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on Company { name } } }";
        let r = json!({ "r": [{ "__typename": "Company", "id": "1" }, { "__typename": "Company", "id": "2" }] });
        assert_eq!(estimated(q, r), 2);
    }

    #[test]
    fn a_fragment_chain_is_costed_in_linear_time() {
        // Each fragment spreads the next twice: 2^40 selections, costed once per fragment.
        let mut q = String::from("{ companies(first: 1) { nodes { ...F0 } } }");
        for i in 0..40 {
            q.push_str(&format!(
                " fragment F{i} on Company {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        q.push_str(" fragment F40 on Company { solutions { __typename } }");
        let started = std::time::Instant::now();
        assert_eq!(estimated(&q, json!({})), 1 + (1 + (1u64 << 40) * 10));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn the_actual_cost_counts_what_the_answer_holds() {
        let q = "{ companies(first: 5) { edges { node { name solutions { __typename } } } } }";
        let data = Value::from_json(json!({ "companies": { "edges": [
            { "node": { "name": "a", "solutions": [{ "__typename": "Solution" }, { "__typename": "Solution" }] } },
            { "node": { "name": "b", "solutions": [] } },
        ] } }))
        .expect("json");
        let d = doc(q);
        // 1 connection + 2 edges + 2 companies + 2 solutions.
        assert_eq!(
            actual(cost_model(), &d, None, &Variables::default(), &data),
            Some(7)
        );
        // A null object costs nothing.
        let data = Value::from_json(json!({ "companies": null })).expect("json");
        assert_eq!(
            actual(cost_model(), &d, None, &Variables::default(), &data),
            Some(0)
        );
    }

    #[test]
    fn the_published_sdl_links_federation_with_the_cost_directives() {
        let sdl = api::graphql::schema::sdl();
        assert!(
            sdl.contains("url: \"https://specs.apollo.dev/federation/v2.9\""),
            "{sdl}"
        );
        assert!(sdl.contains("\"@cost\", \"@listSize\"]"));
        assert!(!sdl.contains("federation/v2.5"));
        // What `_service` answers before it is published: async-graphql's own link.
        let printed = api::graphql::schema::build(None).sdl_with_options(
            async_graphql::SDLExportOptions::new()
                .federation()
                .compose_directive(),
        );
        let published = api::graphql::schema::publish(&printed);
        assert!(published.contains("federation/v2.9") && !published.contains("federation/v2.5"));
    }
}

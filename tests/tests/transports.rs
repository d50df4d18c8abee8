//! Every transport is held to the same rules: a WebSocket sees the caller's current
//! standing on every operation and event and closes when its token expires; the document
//! limits (expanded size), both budgets and the `_service` rule apply to POST, GET,
//! persisted queries and WebSocket operations alike. Each test runs on both engines.

use serde_json::{Value, json};
use std::time::Duration;
use tests::ws::{Frame, WsClient};
use tests::{Backend, TestApp, codes_of as codes, test_config};

const ACME: &str = "PW-000001";
const SITE_SUB: &str =
    "subscription { accessRequestSubmitted(siteNumber: \"S-1000001\") { requesterIbmId status } }";
const REQUEST_ACCESS: &str = "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { id } } }";

async fn app_with(backend: Backend, edit: impl FnOnce(&mut api::config::Config)) -> TestApp {
    let mut config = test_config(backend).await;
    edit(&mut config);
    TestApp::with_config(backend, config).await
}

async fn company_id(app: &TestApp) -> String {
    let a = app
        .graphql(
            &format!("{{ company(partnerWorldId: \"{ACME}\") {{ id version }} }}"),
            json!({}),
            None,
        )
        .await;
    a.data()["company"]["id"].as_str().expect("id").to_owned()
}

async fn sql(app: &TestApp, statement: &str) {
    use sea_orm::ConnectionTrait;
    app.app
        .state
        .db
        .execute_unprepared(statement)
        .await
        .expect("statement");
}

/// `query{...F0} fragment F0 on Query{...F1 ...F1} …`: 2^levels fields in ~40 bytes a level.
fn doubling_chain(levels: usize) -> String {
    let mut q = String::from("query{...F0}");
    for i in 0..levels {
        q.push_str(&format!(
            " fragment F{i} on Query{{...F{n} ...F{n}}}",
            n = i + 1
        ));
    }
    q.push_str(&format!(" fragment F{levels} on Query{{__typename}}"));
    q
}

/// Three levels of fragments, each spreading the next `width` times.
fn wide_fan(width: usize) -> String {
    let spreads = |next: &str| format!("...{next} ").repeat(width);
    format!(
        "query{{...A}} fragment A on Query{{{}}} fragment B on Query{{{}}} fragment C on Query{{__typename}}",
        spreads("B"),
        spreads("C")
    )
}

tests::with_each_backend! {
    async fn a_demoted_apa_loses_the_token_and_the_update_on_an_open_socket(backend) {
        let app = app_with(backend, |c| c.role_cache_secs = 1).await;
        let addr = app.serve().await;
        let id = company_id(&app).await;
        let mut ws = WsClient::connect(addr, Some(&app.token("apa@acme.example"))).await;
        let read = format!("{{ company(id: \"{id}\") {{ name companyToken version }} }}");
        let before = ws.execute(&read, json!({})).await;
        assert!(before["data"]["company"]["companyToken"].is_string(), "{before}");
        sql(&app, "UPDATE people SET is_apa = false, is_prc = false WHERE ibm_id = 'apa@acme.example'").await;
        // Within ROLE_CACHE_SECS, as over HTTP.
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        let after = ws.execute(&read, json!({})).await;
        assert_eq!(codes(&after), ["FORBIDDEN"], "{after}");
        assert_eq!(after["data"]["company"]["companyToken"], Value::Null, "{after}");
        let version = after["data"]["company"]["version"].as_i64().expect("version");
        let update = ws
            .execute(
                "mutation($id: ID!, $v: Int!) { updateCompanyProfile(input: { companyId: $id, version: $v, description: \"taken over\" }) { company { description } } }",
                json!({ "id": id, "v": version }),
            )
            .await;
        assert_eq!(codes(&update), ["FORBIDDEN"], "{update}");
        // And HTTP agrees with the socket.
        let http = app.as_user("apa@acme.example", &read, json!({})).await;
        assert_eq!(http.codes(), ["FORBIDDEN"]);
    }

    async fn a_site_contact_who_loses_account_management_receives_no_more_events(backend) {
        let app = app_with(backend, |c| c.role_cache_secs = 1).await;
        let addr = app.serve().await;
        let mut ws = WsClient::connect(addr, Some(&app.token("site.primary@acme.example"))).await;
        let sub = ws.subscribe(SITE_SUB, json!({})).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        app.as_user("apa@globex.example", REQUEST_ACCESS, json!({})).await.assert_no_errors();
        let first = ws.next_json().await;
        assert_eq!(
            first["payload"]["data"]["accessRequestSubmitted"]["requesterIbmId"],
            "apa@globex.example",
            "{first}"
        );
        sql(&app, "UPDATE site_users SET role = 'SECONDARY_CONTACT', account_management = false WHERE ibm_id = 'site.primary@acme.example'").await;
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        app.as_user("prc@acme.example", REQUEST_ACCESS, json!({})).await.assert_no_errors();
        let refused = ws.next_json().await;
        assert_eq!(refused["id"], sub.as_str());
        assert_eq!(refused["payload"], json!({
            "data": null,
            "errors": [{
                "message": "not allowed for this caller",
                "locations": [{ "line": 1, "column": 16 }],
                "path": ["accessRequestSubmitted"],
                "extensions": { "code": "FORBIDDEN" },
            }],
        }), "the event is withheld, e-mail and all");
        let complete = ws.next_json().await;
        assert_eq!(complete, json!({ "type": "complete", "id": sub }));
        app.as_user("member@acme.example", REQUEST_ACCESS, json!({})).await;
        assert!(
            ws.next_frame(Duration::from_millis(500)).await.is_none(),
            "nothing more is sent"
        );
    }

    async fn a_socket_whose_token_expires_is_closed_with_4403(backend) {
        let app = app_with(backend, |c| c.jwt_leeway_secs = 0).await;
        let addr = app.serve().await;
        let token = app
            .app
            .state
            .auth
            .mint("site.primary@acme.example", &[], 2)
            .expect("mint");
        let mut ws = WsClient::connect(addr, Some(&token)).await;
        ws.subscribe(SITE_SUB, json!({})).await;
        let frame = ws.next_frame(Duration::from_secs(6)).await;
        assert!(
            matches!(frame, Some(Frame::Closed(Some(4403)))),
            "expected close 4403, got {frame:?}"
        );
    }

    async fn the_request_budget_counts_websocket_operations(backend) {
        let app = app_with(backend, |c| c.rate_limit_requests = 10).await;
        let addr = app.serve().await;
        let mut ws = WsClient::connect(addr, Some(&app.token("member@acme.example"))).await;
        let mut ran = 0;
        let mut limited = 0;
        for _ in 0..30 {
            let payload = ws.execute("{ __typename }", json!({})).await;
            match codes(&payload).as_slice() {
                [] => ran += 1,
                [code] if code == "RATE_LIMITED" => limited += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((ran, limited), (10, 20));
        // The same budget as HTTP: the caller has none left there either.
        let http = app.as_user("member@acme.example", "{ __typename }", json!({})).await;
        assert_eq!(http.codes(), ["RATE_LIMITED"]);
    }

    async fn the_sensitive_budget_counts_through_deep_fragments_on_every_transport(backend) {
        let app = app_with(backend, |c| c.rate_limit_sensitive = 1).await;
        let addr = app.serve().await;
        let call = "requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { id } }";
        let inline = format!(
            "mutation {{ {open} a: {call} b: {call} {close} }}",
            open = "... on Mutation { ".repeat(9),
            close = "}".repeat(9)
        );
        let mut chain = String::from("mutation { ...M0 }");
        for i in 0..10 {
            chain.push_str(&format!(" fragment M{i} on Mutation {{ ...M{} }}", i + 1));
        }
        chain.push_str(&format!(" fragment M10 on Mutation {{ a: {call} b: {call} }}"));
        for document in [&inline, &chain] {
            let http = app.as_user("apa@globex.example", document, json!({})).await;
            assert_eq!(http.codes(), ["RATE_LIMITED"], "{}", http.body);
        }
        let mut ws = WsClient::connect(addr, Some(&app.token("prc@acme.example"))).await;
        for document in [&inline, &chain] {
            let payload = ws.execute(document, json!({})).await;
            assert_eq!(codes(&payload), ["RATE_LIMITED"], "{payload}");
        }
        // Nothing ran.
        for who in ["apa@globex.example", "prc@acme.example"] {
            let mine = app.as_user(who, "{ myAccessRequests { id } }", json!({})).await;
            assert_eq!(mine.data()["myAccessRequests"], json!([]), "{who}");
        }
    }

    async fn exponential_and_wide_fragment_documents_are_refused_on_every_transport(backend) {
        let app = TestApp::start(backend).await;
        let addr = app.serve().await;
        let mut ws = WsClient::connect(addr, None).await;
        for document in [doubling_chain(40), wide_fan(80)] {
            assert!(document.len() < 2_000, "{} bytes", document.len());
            let post = app.graphql(&document, json!({}), None).await;
            assert_eq!(post.status, 400, "{}", post.body);
            assert_eq!(post.codes(), ["OPERATION_LIMIT_EXCEEDED"], "{}", post.body);
            let url = format!(
                "/graphql?query={}",
                url_escape(&document)
            );
            let (status, body) = app.get(&url).await;
            assert_eq!((status.as_u16(), body["errors"][0]["extensions"]["code"].as_str()), (400, Some("OPERATION_LIMIT_EXCEEDED")), "{body}");
            let payload = ws.execute(&document, json!({})).await;
            assert_eq!(codes(&payload), ["OPERATION_LIMIT_EXCEEDED"], "{payload}");
        }
        // Under the limit, the same shapes run.
        app.graphql(&doubling_chain(10), json!({}), None).await.assert_no_errors();
        app.graphql(&wide_fan(8), json!({}), None).await.assert_no_errors();
    }

    async fn a_small_query_is_answered_while_expensive_documents_arrive(backend) {
        let app = TestApp::start(backend).await;
        let addr = app.serve().await;
        let url = format!("http://{addr}/graphql");
        let client = reqwest::Client::new();
        let attack = |document: String| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                for _ in 0..20 {
                    let resp = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(json!({ "query": document }).to_string())
                        .send()
                        .await
                        .expect("answer");
                    assert_eq!(resp.status(), 400);
                }
            })
        };
        let attackers: Vec<_> = (0..4)
            .map(|i| attack(if i % 2 == 0 { doubling_chain(40 + i) } else { wide_fan(80 + i) }))
            .collect();
        for _ in 0..5 {
            let small = tokio::time::timeout(
                Duration::from_secs(5),
                client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(json!({ "query": "{ __typename }" }).to_string())
                    .send(),
            )
            .await
            .expect("the small query is answered while the attack runs")
            .expect("answer");
            assert_eq!(small.status(), 200);
        }
        for a in attackers {
            a.await.expect("every expensive document was refused");
        }
    }

    async fn the_federation_sdl_is_not_published_to_anonymous_callers_in_production(backend) {
        let app = TestApp::start(backend).await;
        for document in [
            "{ _service { sdl } }",
            "{ x: _service { sdl } }",
            "{ ...F } fragment F on Query { ... on Query { _service { sdl } } }",
            "{ y: __schema { queryType { name } } }",
        ] {
            let post = app.graphql(document, json!({}), None).await;
            assert_eq!(post.status, 400, "{document}: {}", post.body);
            assert_eq!(post.codes(), ["GRAPHQL_VALIDATION_FAILED"], "{document}");
            assert!(!post.body.to_string().contains("type Query"));
        }
        let (status, body) = app.get(&format!("/graphql?query={}", url_escape("{ _service { sdl } }"))).await;
        assert_eq!(status, 400, "{body}");
        let addr = app.serve().await;
        let mut ws = WsClient::connect(addr, None).await;
        let payload = ws.execute("{ _service { sdl } }", json!({})).await;
        assert_eq!(codes(&payload), ["GRAPHQL_VALIDATION_FAILED"], "{payload}");
    }

    async fn an_unparsable_document_is_a_parse_failure_on_every_transport(backend) {
        let app = TestApp::start(backend).await;
        let document = "{ company(partnerWorldId: ";
        let expected = json!([{
            "message": "the document does not parse: expected value",
            "locations": [{ "line": 1, "column": 27 }],
            "extensions": { "code": "GRAPHQL_PARSE_FAILED" }
        }]);
        let post = app.graphql(document, json!({}), None).await;
        assert_eq!(post.status, 400, "{}", post.body);
        assert_eq!(post.body, json!({ "errors": expected }));
        let (status, body) = app.get(&format!("/graphql?query={}", url_escape(document))).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body, json!({ "errors": expected }));
        let addr = app.serve().await;
        let mut ws = WsClient::connect(addr, None).await;
        let payload = ws.execute(document, json!({})).await;
        assert_eq!(codes(&payload), ["GRAPHQL_PARSE_FAILED"], "{payload}");
    }

    async fn the_router_network_reads_the_federation_sdl(backend) {
        let app = app_with(backend, |c| c.trusted_callers = vec!["127.0.0.1/32".into()]).await;
        let addr = app.serve().await;
        let resp = reqwest::Client::new()
            .post(format!("http://{addr}/graphql"))
            .header("content-type", "application/json")
            .body(json!({ "query": "{ _service { sdl } }" }).to_string())
            .send()
            .await
            .expect("answer");
        assert_eq!(resp.status(), 200);
        let body: Value = serde_json::from_str(&resp.text().await.expect("body")).expect("json");
        assert!(body["data"]["_service"]["sdl"].as_str().is_some_and(|s| s.contains("type Company")), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn development_answers_the_federation_sdl_to_anyone() {
    let app = app_with(Backend::Sqlite, |c| {
        c.environment = api::config::Environment::Development;
    })
    .await;
    let a = app.graphql("{ _service { sdl } }", json!({}), None).await;
    a.assert_no_errors();
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

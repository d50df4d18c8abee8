//! Bad inputs 1–15 of shared/bad-inputs.md: query shapes, transport, the limits that
//! refuse them, and a panicking handler. Each refusal is one error with a stable code, and
//! the next request works.

use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};
use tests::{Backend, TestApp, test_config};

const LIMIT: &str = "OPERATION_LIMIT_EXCEEDED";

async fn app() -> TestApp {
    TestApp::start(Backend::Sqlite).await
}

/// A selection `depth` fields deep: company → countryEnterprises → company → … → a leaf.
fn nested(depth: usize) -> String {
    let containers = depth.saturating_sub(2);
    let leaf = if containers % 2 == 1 {
        "country"
    } else {
        "name"
    };
    let mut q = leaf.to_owned();
    for i in (0..containers).rev() {
        let field = if i % 2 == 0 {
            "countryEnterprises"
        } else {
            "company"
        };
        q = format!("{field} {{ {q} }}");
    }
    format!("{{ company(partnerWorldId: \"PW-000001\") {{ {q} }} }}")
}

async fn still_serves(app: &TestApp) {
    let a = app
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { name } }",
            json!({}),
            None,
        )
        .await;
    a.assert_no_errors();
}

#[tokio::test]
async fn nesting_beyond_the_limit_is_refused_directly_and_through_fragments() {
    let app = app().await;
    let limit = api::config::Config::defaults().max_depth;
    let ok = app.graphql(&nested(limit), json!({}), None).await;
    ok.assert_no_errors();
    let deep = app.graphql(&nested(limit + 1), json!({}), None).await;
    assert_eq!(deep.codes(), vec![LIMIT], "{}", deep.body);
    assert_eq!(deep.status.as_u16(), 400);
    let via_fragments = "query { company(partnerWorldId: \"PW-000001\") { ...A } } \
        fragment A on Company { countryEnterprises { ...B } } fragment B on CountryEnterprise { company { ...C } } \
        fragment C on Company { countryEnterprises { company { countryEnterprises { company { countryEnterprises { company { countryEnterprises { company { countryEnterprises { company { countryEnterprises { company { name } } } } } } } } } } } } }";
    assert!(limit < 16, "the fragment document below is 16 deep");
    assert_eq!(
        app.graphql(via_fragments, json!({}), None).await.codes(),
        vec![LIMIT]
    );
    still_serves(&app).await;
}

#[tokio::test]
async fn huge_documents_are_refused_before_parsing() {
    let app = app().await;
    let braces = format!("{}{}", "{".repeat(10_000), "}".repeat(10_000));
    let a = app.graphql(&braces, json!({}), None).await;
    assert_eq!(a.codes(), vec![LIMIT]);
    assert_eq!(a.status.as_u16(), 400);
    let list_literal = format!(
        "{{ companies(filter: {{ nameContains: {}\"x\"{} }}) {{ edges {{ cursor }} }} }}",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    assert_eq!(
        app.graphql(&list_literal, json!({}), None).await.codes(),
        vec![LIMIT]
    );
    let directives = format!(
        "{{ company(partnerWorldId: \"PW-000001\") {{ name {} }} }}",
        "@skip(if: false) ".repeat(5_000)
    );
    let d = app.graphql(&directives, json!({}), None).await;
    assert_eq!(d.codes(), vec![LIMIT], "one error, not one per directive");
    let big = format!(
        "{{ company(partnerWorldId: \"PW-000001\") {{ name }} }} # {}",
        "x".repeat(20_000)
    );
    assert_eq!(
        app.graphql(&big, json!({}), None).await.codes(),
        vec![LIMIT]
    );
    still_serves(&app).await;
}

#[tokio::test]
async fn deeply_nested_variables_are_a_400_not_a_crash() {
    let app = app().await;
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let body = format!(
        "{{\"query\": \"{{ companies {{ edges {{ cursor }} }} }}\", \"variables\": {{ \"x\": {deep} }} }}"
    );
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request");
    let (status, _) = app.request(req).await;
    assert_eq!(status.as_u16(), 400);
    still_serves(&app).await;
}

#[tokio::test]
async fn circular_fragments_fail_validation_fast() {
    let app = app().await;
    let q = "query { company(partnerWorldId: \"PW-000001\") { ...A } } fragment A on Company { ...B } fragment B on Company { ...A }";
    let started = std::time::Instant::now();
    let a = app.graphql(q, json!({}), None).await;
    assert_eq!(
        a.codes(),
        vec!["GRAPHQL_VALIDATION_FAILED"; a.codes().len()]
    );
    assert!(!a.codes().is_empty());
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[tokio::test]
async fn many_aliases_and_root_fields_are_refused() {
    let app = app().await;
    let aliases: String = (0..100)
        .map(|i| format!("a{i}: company(partnerWorldId: \"PW-000001\") {{ name }} "))
        .collect();
    let a = app
        .graphql(&format!("{{ {aliases} }}"), json!({}), None)
        .await;
    assert_eq!(a.codes(), vec![LIMIT]);
    let few: String = (0..5)
        .map(|i| format!("a{i}: company(partnerWorldId: \"PW-000001\") {{ name }} "))
        .collect();
    app.graphql(&format!("{{ {few} }}"), json!({}), None)
        .await
        .assert_no_errors();
    // The same field 2 000 times without aliases merges into one: answered, and fast.
    let repeated = format!(
        "{{ company(partnerWorldId: \"PW-000001\") {{ {} }} }}",
        "name ".repeat(2_000)
    );
    app.graphql(&repeated, json!({}), None)
        .await
        .assert_no_errors();
    let typenames = format!("{{ {} }}", "__typename ".repeat(500));
    app.graphql(&typenames, json!({}), None)
        .await
        .assert_no_errors();
}

#[tokio::test]
async fn large_pages_cost_their_size() {
    let app = app().await;
    // 100 companies × 100 people each is far over the cost budget even though each `first` is legal.
    let q = "{ companies(first: 100) { edges { node { employees(first: 100) { edges { node { ibmId certifications { name } } } } } } } }";
    let a = app
        .graphql(q, json!({}), Some(&app.ibm_channel_token()))
        .await;
    assert_eq!(a.codes(), vec![LIMIT]);
}

#[tokio::test]
async fn introspection_and_suggestions_are_off_in_production_and_on_in_development() {
    let app = app().await;
    let intro = app
        .graphql("{ __schema { types { name } } }", json!({}), None)
        .await;
    assert_eq!(intro.status.as_u16(), 400);
    assert_eq!(
        intro.body,
        json!({ "errors": [{ "message": "introspection is disabled", "extensions": { "code": "GRAPHQL_VALIDATION_FAILED" } }] }),
        "introspection must be off"
    );
    let typo = app
        .graphql(
            "{ compny(partnerWorldId: \"PW-000001\") { name } }",
            json!({}),
            None,
        )
        .await;
    assert!(
        !typo.body.to_string().contains("Did you mean"),
        "{}",
        typo.body
    );
    let mut config = test_config(Backend::Sqlite).await;
    config.environment = api::config::Environment::Development;
    let dev = TestApp::with_config(Backend::Sqlite, config).await;
    dev.graphql("{ __schema { types { name } } }", json!({}), None)
        .await
        .assert_no_errors();
    let (status, _) = dev
        .request(
            Request::get("/graphql")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "GraphiQL in development");
    let (status, _) = app
        .request(
            Request::get("/graphql")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status.as_u16(), 400, "no GraphiQL in production");
}

#[tokio::test]
async fn oversized_bodies_get_413_and_batches_are_refused() {
    let app = app().await;
    let body = format!(
        "{{\"query\": \"{{ __typename }}\", \"pad\": \"{}\"}}",
        "x".repeat(20 * 1024 * 1024)
    );
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .expect("request");
    assert_eq!(app.request(req).await.0.as_u16(), 413);
    let batch: Vec<Value> = (0..1000)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(Value::from(batch).to_string()))
        .expect("request");
    assert_eq!(app.request(req).await.0.as_u16(), 400);
    still_serves(&app).await;
}

#[tokio::test]
async fn mutations_only_over_post_and_only_as_json() {
    let app = app().await;
    let get_mutation = "/graphql?query=mutation%20%7B%20requestSiteAccess(input%3A%20%7BsiteNumber%3A%20%22S-1000001%22%7D)%20%7B%20accessRequest%20%7B%20id%20%7D%20%7D%20%7D";
    let (status, _) = app
        .request(
            Request::get(get_mutation)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status.as_u16(), 405);
    let get_query = "/graphql?query=%7B%20company(partnerWorldId%3A%20%22PW-000001%22)%20%7B%20name%20%7D%20%7D";
    let (status, body) = app
        .request(
            Request::get(get_query)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status.as_u16(), 200);
    assert!(String::from_utf8_lossy(&body).contains("Acme Analytics"));
    // A lone named operation is told apart the same way.
    for (document, expected) in [
        ("query%20Named%20%7B%20__typename%20%7D", 200),
        ("mutation%20Named%20%7B%20__typename%20%7D", 405),
    ] {
        let (status, _) = app
            .request(
                Request::get(format!("/graphql?query={document}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(status.as_u16(), expected, "{document}");
    }
    let body = json!({ "query": "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\" }) { accessRequest { id } } }" }).to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut req = Request::post("/graphql");
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let (status, _) = app
            .request(req.body(Body::from(body.clone())).expect("request"))
            .await;
        assert_eq!(status.as_u16(), 415, "{content_type:?}");
    }
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::from(json!({ "query": "{ __typename }" }).to_string()))
        .expect("request");
    assert_eq!(app.request(req).await.0.as_u16(), 200);
}

#[tokio::test]
async fn a_request_over_its_time_limit_fails_alone_and_the_pool_survives() {
    let mut config = test_config(Backend::Sqlite).await;
    config.request_timeout_ms = 20;
    // Every loader waits 100 ms: any nested read outlives the 20 ms limit.
    config.loader_delay_micros = 100_000;
    let app = TestApp::with_config(Backend::Sqlite, config).await;
    let slow = app
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { name countryEnterprises { country } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(slow.status.as_u16(), 503);
    assert_eq!(slow.codes(), vec!["SERVICE_UNAVAILABLE"]);
    for _ in 0..20 {
        let _ = app.graphql("{ company(partnerWorldId: \"PW-000001\") { name countryEnterprises { country } } }", json!({}), None).await;
    }
    app.app
        .state
        .db
        .ping()
        .await
        .expect("the pool still answers");
    app.graphql("{ __typename }", json!({}), None)
        .await
        .assert_no_errors();
}

#[tokio::test]
async fn two_hundred_headers_get_431_over_a_real_socket() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = app.app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut req =
        String::from("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n");
    for i in 0..200 {
        req.push_str(&format!("X-H{i}: v\r\n"));
    }
    req.push_str("Content-Length: 2\r\n\r\n{}");
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut buf = vec![0u8; 256];
    let n = stream.read(&mut buf).await.expect("read");
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 431"), "{head}");
    still_serves(&app).await;
}

#[tokio::test]
async fn a_panicking_handler_fails_alone_and_the_next_request_is_served() {
    use tower::ServiceExt;
    let app = app().await;
    // A route that panics, behind exactly the layers every gateway route has.
    let boom = axum::Router::new()
        .route(
            "/boom",
            axum::routing::get(|| async {
                let fail = true;
                if fail {
                    panic!("a resolver bug");
                }
                "unreachable"
            }),
        )
        .route("/fine", axum::routing::get(|| async { "fine" }));
    let router = api::http::with_layers(boom, app.app.state.clone());
    let get = |path: &'static str| {
        router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
    };
    let resp = get("/boom")
        .await
        .expect("an answer, not a dropped connection");
    assert_eq!(resp.status().as_u16(), 500);
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "INTERNAL_SERVER_ERROR"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["errorId"]
            .as_str()
            .map(str::len),
        Some(16),
        "an id to find the log line by: {body}"
    );
    assert!(
        !body.to_string().contains("a resolver bug"),
        "the panic text stays in the log"
    );
    assert_eq!(get("/fine").await.expect("answer").status().as_u16(), 200);
    still_serves(&app).await;
}

#[tokio::test]
async fn arguments_beyond_their_type_are_bad_user_input_not_internal_errors() {
    // Found by the schemathesis run (tests/fuzz): an Int literal past 32 bits.
    let app = app().await;
    for q in [
        "{ companies(first: 10584458069) { edges { cursor } } }",
        "{ recommendPartners(opportunityId: \"x\", count: -10584458069) { leadsPassed } }",
    ] {
        let answer = app
            .graphql(q, json!({}), Some(&app.ibm_channel_token()))
            .await;
        // Read during validation (a cost function uses `first`) or during execution: a
        // client error either way, never INTERNAL_SERVER_ERROR.
        let codes = answer.codes();
        assert!(
            codes == ["BAD_USER_INPUT"] || codes == ["GRAPHQL_VALIDATION_FAILED"],
            "{q}: {}",
            answer.body
        );
        assert!(
            answer.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("Int"))
        );
    }
    still_serves(&app).await;
}

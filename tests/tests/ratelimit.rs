//! Rate limits per caller: a request budget, a smaller budget for sensitive mutations where
//! every aliased occurrence counts, `RATE_LIMITED` with a retry hint, and an in-process
//! fallback when Redis does not answer.

use serde_json::{Value, json};
use tests::{Backend, RATE_LIMIT_WINDOW_SECS as WINDOW, TestApp, test_config};

async fn limited(backend: Backend, requests: u32, sensitive: u32) -> TestApp {
    let mut config = test_config(backend).await;
    config.rate_limit_requests = requests;
    config.rate_limit_sensitive = sensitive;
    TestApp::with_config(backend, config).await
}

const NAME: &str = "{ company(partnerWorldId: \"PW-000001\") { name } }";

fn assert_rate_limited(answer: &tests::Answer) {
    assert_eq!(answer.status.as_u16(), 429, "{}", answer.body);
    assert_eq!(answer.codes(), vec!["RATE_LIMITED"]);
    let retry = answer.body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .expect("a retry hint");
    assert!((1..=WINDOW).contains(&retry), "{retry}");
    assert_eq!(answer.data(), &Value::Null, "nothing ran");
}

async fn requests_past_the_budget_are_refused_per_caller(backend: Backend) {
    let app = limited(backend, 5, 0).await;
    for _ in 0..5 {
        app.graphql(NAME, json!({}), None).await.assert_no_errors();
    }
    assert_rate_limited(&app.graphql(NAME, json!({}), None).await);
    // Another caller has a budget of their own, and so does each signed-in subject.
    let apa = app.token("apa@acme.example");
    for _ in 0..5 {
        app.graphql(NAME, json!({}), Some(&apa))
            .await
            .assert_no_errors();
    }
    assert_rate_limited(&app.graphql(NAME, json!({}), Some(&apa)).await);
    app.as_user("member@acme.example", NAME, json!({}))
        .await
        .assert_no_errors();
}

fn cards(n: usize) -> String {
    let fields: String = (0..n)
        .map(|i| format!("c{i}: submitResponseCard(input: {{ solutionId: $s, readerName: \"Pat\", readerEmail: \"pat{i}@customer.example\", message: \"Call me\" }}) {{ responseCard {{ id }} }} "))
        .collect();
    format!("mutation($s: ID!) {{ {fields} }}")
}

async fn card_count(app: &TestApp, company: &Value) -> usize {
    let q = "query($id: ID!) { node(id: $id) { ... on Company { solutions { responseCards { readerEmail } } } } }";
    let own = app
        .as_user("apa@acme.example", q, json!({ "id": company }))
        .await;
    own.assert_no_errors();
    own.data()["node"]["solutions"]
        .as_array()
        .expect("solutions")
        .iter()
        .map(|s| s["responseCards"].as_array().map_or(0, Vec::len))
        .sum()
}

async fn aliased_sensitive_mutations_each_spend_the_budget(backend: Backend) {
    let app = limited(backend, 0, 3).await;
    let c = app
        .as_user(
            "apa@acme.example",
            "{ company(partnerWorldId: \"PW-000001\") { id solutions { id } } }",
            json!({}),
        )
        .await;
    let company = c.data()["company"]["id"].clone();
    let solution = c.data()["company"]["solutions"][0]["id"].clone();
    let before = card_count(&app, &company).await;
    app.graphql(&cards(2), json!({ "s": solution }), None)
        .await
        .assert_no_errors();
    // Two more aliases would make four: the whole operation is refused, nothing written.
    assert_rate_limited(&app.graphql(&cards(2), json!({ "s": solution }), None).await);
    assert_eq!(card_count(&app, &company).await, before + 2);
    // Reads are not sensitive and stay open.
    app.graphql(NAME, json!({}), None).await.assert_no_errors();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_requests_past_the_budget_are_refused_per_caller() {
    requests_past_the_budget_are_refused_per_caller(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_requests_past_the_budget_are_refused_per_caller() {
    requests_past_the_budget_are_refused_per_caller(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_aliased_sensitive_mutations_each_spend_the_budget() {
    aliased_sensitive_mutations_each_spend_the_budget(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_aliased_sensitive_mutations_each_spend_the_budget() {
    aliased_sensitive_mutations_each_spend_the_budget(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_redis_falls_back_to_counting_in_process() {
    let addr = tests::silent_listener().await;
    let mut config = test_config(Backend::Postgres).await;
    config.redis_url = Some(format!("redis://{addr}"));
    config.redis_command_timeout_ms = 50;
    config.rate_limit_requests = 3;
    let app = TestApp::with_config(Backend::Postgres, config).await;
    for _ in 0..3 {
        app.graphql(NAME, json!({}), None).await.assert_no_errors();
    }
    assert_rate_limited(&app.graphql(NAME, json!({}), None).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forwarded_client_counts_only_behind_a_trusted_proxy() {
    let mut config = test_config(Backend::Sqlite).await;
    config.rate_limit_requests = 2;
    config.trusted_callers = vec!["127.0.0.1".into()];
    let app = TestApp::with_config(Backend::Sqlite, config).await;
    let addr = app.serve().await;
    let client = reqwest::Client::new();
    let send = |forwarded: &'static str| {
        client
            .post(format!("http://{addr}/graphql"))
            .header("content-type", "application/json")
            .header("x-forwarded-for", forwarded)
            .body(json!({ "query": NAME }).to_string())
            .send()
    };
    // From the trusted proxy, each forwarded client has a budget of its own.
    for client_ip in ["203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.2"] {
        assert_eq!(
            send(client_ip).await.expect("answer").status().as_u16(),
            200
        );
    }
    assert_eq!(
        send("203.0.113.1").await.expect("answer").status().as_u16(),
        429
    );
    // Without a socket peer (the in-process router) the header is not believed.
    let direct = app.graphql(NAME, json!({}), None).await;
    direct.assert_no_errors();
}

/// A mutation added to the schema must be placed in one budget: the sensitive one, or the
/// list of mutations bound to a role on their object.
#[test]
fn every_mutation_is_either_sensitive_or_bound_to_a_role() {
    use api::ratelimit::{ROLE_BOUND_MUTATIONS, SENSITIVE_MUTATIONS};
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let sdl = api::graphql::schema::build(None).sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).expect("the SDL parses");
    let fields: Vec<String> = doc
        .definitions
        .iter()
        .filter_map(|d| match d {
            TypeSystemDefinition::Type(t) if t.node.name.node == "Mutation" => Some(&t.node.kind),
            _ => None,
        })
        .flat_map(|kind| match kind {
            TypeKind::Object(o) => o
                .fields
                .iter()
                .map(|f| f.node.name.node.to_string())
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    assert!(fields.len() > 50, "the Mutation type: {fields:?}");
    let unplaced: Vec<_> = fields
        .iter()
        .filter(|n| {
            SENSITIVE_MUTATIONS.contains(&n.as_str()) == ROLE_BOUND_MUTATIONS.contains(&n.as_str())
        })
        .collect();
    assert!(
        unplaced.is_empty(),
        "in neither list or in both: {unplaced:?}"
    );
    let stale: Vec<_> = SENSITIVE_MUTATIONS
        .iter()
        .chain(ROLE_BOUND_MUTATIONS)
        .filter(|n| !fields.iter().any(|f| f == *n))
        .collect();
    assert!(stale.is_empty(), "listed but not in the schema: {stale:?}");
}

//! Federation proof: the gateway's subgraph composed with a second subgraph by Apollo's
//! composition library and queried through a real federation gateway (@apollo/gateway),
//! both from the npm registry (`npm ci --prefix tests/node`, run by .ci/run).
//!
//! The second subgraph, "insights", is served here: it extends `Company` (key `id`) with
//! `partnerScore` and names a company by reference only (`topPartner`), so the router must
//! join across both subgraphs in each direction, and guarded fields travel through
//! `_entities` of this gateway.

use async_graphql::{ComplexObject, EmptyMutation, EmptySubscription, ID, Object, SimpleObject};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tests::{Answer, Backend, TestApp};

#[derive(SimpleObject)]
#[graphql(name = "Company", complex)]
struct InsightCompany {
    id: ID,
}

/// Deterministic, so the test can predict it: derived from the key alone.
fn score(id: &str) -> i32 {
    id.bytes().map(i32::from).sum::<i32>() % 97
}

#[ComplexObject]
impl InsightCompany {
    async fn partner_score(&self) -> i32 {
        score(&self.id)
    }
}

struct InsightsQuery {
    top: ID,
}

#[Object(name = "Query")]
impl InsightsQuery {
    /// A company by reference: everything but its score comes from PartnerWorld.
    async fn top_partner(&self) -> InsightCompany {
        InsightCompany {
            id: self.top.clone(),
        }
    }

    #[graphql(entity)]
    async fn find_company_by_id(&self, id: ID) -> InsightCompany {
        InsightCompany { id }
    }
}

async fn serve_insights(top: ID) -> String {
    let schema =
        async_graphql::Schema::build(InsightsQuery { top }, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish();
    let router = axum::Router::new().route(
        "/",
        axum::routing::post_service(async_graphql_axum::GraphQL::new(schema)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    format!("http://{addr}/")
}

/// The federation gateway as a child process, killed when the test ends.
struct Router {
    child: Child,
    url: String,
}

impl Drop for Router {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_router(subgraphs: Value, supergraph_out: &std::path::Path) -> Router {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/node");
    assert!(
        std::path::Path::new(dir).join("node_modules").is_dir(),
        "the federation tooling is not installed: run `npm ci --prefix tests/node`"
    );
    let mut child = Command::new("node")
        .arg("router.mjs")
        .current_dir(dir)
        .env("SUBGRAPHS", subgraphs.to_string())
        .env("SUPERGRAPH_OUT", supergraph_out)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node on PATH (apt-get install nodejs npm)");
    let stdout = child.stdout.take().expect("stdout");
    // A blocking read on its own thread: the router prints one line once it listens.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("READY ") {
                let _ = tx.send(url.to_owned());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("the router did not start (composition failed? see stderr)"));
    Router { child, url }
}

async fn query(router: &Router, q: &str, token: Option<&str>) -> Answer {
    let client = reqwest::Client::new();
    let mut req = client
        .post(&router.url)
        .header("content-type", "application/json")
        .body(json!({ "query": q }).to_string());
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = req.send().await.expect("router answers");
    let status = resp.status();
    let text = resp.text().await.expect("body");
    let body =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON from the router: {text}"));
    Answer { status, body }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_router_composes_both_subgraphs_and_keeps_guards() {
    // The router reads `_service { sdl }`: production answers it only to TRUSTED_CALLERS.
    let mut config = tests::test_config(Backend::Postgres).await;
    config.trusted_callers = vec!["127.0.0.1/32".into()];
    let app = TestApp::with_config(Backend::Postgres, config).await;
    let acme = app
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { id } }",
            json!({}),
            None,
        )
        .await;
    let acme_id = acme.data()["company"]["id"]
        .as_str()
        .expect("Acme's id")
        .to_owned();
    let ours = format!("http://{}/graphql", app.serve().await);
    let insights = serve_insights(ID(acme_id.clone())).await;
    let supergraph =
        std::env::temp_dir().join(format!("pw-supergraph-{}.graphql", rand::random::<u32>()));
    let router = start_router(
        json!([
            { "name": "partnerworld", "url": ours },
            { "name": "insights", "url": insights },
        ]),
        &supergraph,
    );
    // The composed supergraph hands the matrix's scopes on to routers that enforce them.
    let sdl = std::fs::read_to_string(&supergraph).expect("the composed supergraph");
    let _ = std::fs::remove_file(&supergraph);
    let token_field = sdl
        .lines()
        .find(|l| l.trim_start().starts_with("companyToken:"))
        .expect("Company.companyToken in the supergraph");
    assert!(
        token_field
            .contains(r#"@requiresScopes(scopes: [["partnerworld:prc"], ["partnerworld:apa"]])"#),
        "{token_field}"
    );
    assert!(
        sdl.contains("partnerScore: Int!"),
        "insights' field composed in"
    );
    // And the demand-control costs (`graphql::demand`), read from `_service`, to routers
    // that enforce them: the cost spec linked, a page sized by `first`, a weight.
    let line = |prefix: &str| {
        sdl.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} in the supergraph"))
            .to_owned()
    };
    assert!(
        sdl.contains(r#"@link(url: "https://specs.apollo.dev/cost/v0.1""#),
        "the cost spec is linked"
    );
    assert!(
        line("companies(").contains(
            r#"@listSize(assumedSize: 20, slicingArguments: ["first"], sizedFields: ["edges", "nodes"], requireOneSlicingArgument: false)"#
        ),
        "{}",
        line("companies(")
    );
    assert!(line("recommendPartners(").contains("@cost(weight: 10)"));
    assert!(line("levelExplanation:").contains("@cost(weight: 5)"));
    let apa = app.token("apa@acme.example");

    // PartnerWorld first, then insights' `_entities` for the score.
    let q = "{ company(partnerWorldId: \"PW-000001\") { name partnerScore companyToken } }";
    let signed_in = query(&router, q, Some(&apa)).await;
    assert!(signed_in.body.get("errors").is_none(), "{}", signed_in.body);
    let company = &signed_in.body["data"]["company"];
    assert_eq!(company["name"], "Acme Analytics");
    assert_eq!(company["partnerScore"], score(&acme_id));
    assert!(
        company["companyToken"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );

    // The same through the router without a token: the guard holds, the rest answers.
    let anonymous = query(&router, q, None).await;
    assert_eq!(
        anonymous.body["data"]["company"]["name"], "Acme Analytics",
        "{}",
        anonymous.body
    );
    assert_eq!(
        anonymous.body["data"]["company"]["partnerScore"],
        score(&acme_id)
    );
    assert_eq!(
        anonymous.body["data"]["company"]["companyToken"],
        Value::Null
    );
    assert_eq!(anonymous.codes(), vec!["FORBIDDEN"], "{}", anonymous.body);

    // Insights first, then PartnerWorld's `_entities`: guarded fields stay guarded there too.
    let q = "{ topPartner { partnerScore name companyToken employees(first: 2) { edges { node { ibmId } } } } }";
    let anonymous = query(&router, q, None).await;
    assert_eq!(
        anonymous.body["data"]["topPartner"]["name"], "Acme Analytics",
        "{}",
        anonymous.body
    );
    assert_eq!(
        anonymous.body["data"]["topPartner"]["companyToken"],
        Value::Null
    );
    assert_eq!(
        anonymous.body["data"]["topPartner"]["employees"],
        Value::Null
    );
    assert_eq!(
        anonymous.codes(),
        vec!["FORBIDDEN", "FORBIDDEN"],
        "{}",
        anonymous.body
    );
    let outsider = query(&router, q, Some(&app.token("apa@globex.example"))).await;
    assert_eq!(
        outsider.body["data"]["topPartner"]["companyToken"],
        Value::Null
    );
    assert_eq!(
        outsider.codes(),
        vec!["FORBIDDEN", "FORBIDDEN"],
        "{}",
        outsider.body
    );
    let insider = query(&router, q, Some(&apa)).await;
    assert!(insider.body.get("errors").is_none(), "{}", insider.body);
    assert_eq!(
        insider.body["data"]["topPartner"]["companyToken"],
        company["companyToken"]
    );
    assert_eq!(
        insider.body["data"]["topPartner"]["employees"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

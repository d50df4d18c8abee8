//! Value Net Connections: focus registration and ranked, explained, deterministic matches.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

async fn company_id(app: &TestApp, pw: &str) -> Value {
    app.graphql(
        "query($pw: String!) { company(partnerWorldId: $pw) { id } }",
        json!({ "pw": pw }),
        None,
    )
    .await
    .data()["company"]["id"]
        .clone()
}

const REGISTER: &str = "mutation($c: ID!, $t: [String!]!, $i: [String!]!, $g: [String!]!) { registerValueNetFocus(input: { companyId: $c, technologies: $t, industries: $i, geographies: $g }) { registration { technologies industries geographies } } }";
const MATCHES: &str = "query($c: ID!, $n: Int, $after: String) { valueNetMatches(companyId: $c, first: $n, after: $after) { edges { cursor node { score reasons sharedTechnologies company { partnerWorldId } } } pageInfo { hasNextPage endCursor } } }";

on_both_backends! {
    async fn matches_are_ranked_explained_and_stable_across_pages(app) {
        let acme = company_id(&app, "PW-000001").await;
        let globex = company_id(&app, "PW-000002").await;
        let r = app.as_user("apa@acme.example", REGISTER, json!({ "c": acme, "t": ["Quantum Widgets", "AI"], "i": ["Banking"], "g": ["DE"] })).await;
        r.assert_no_errors();
        assert_eq!(r.data()["registerValueNetFocus"]["registration"]["technologies"], json!(["AI", "QUANTUM_WIDGETS"]));
        app.as_user("apa@globex.example", REGISTER, json!({ "c": globex, "t": ["QUANTUM_WIDGETS"], "i": ["BANKING"], "g": ["DE"] })).await.assert_no_errors();

        let all = app.as_user("member@acme.example", MATCHES, json!({ "c": acme, "n": 100 })).await;
        all.assert_no_errors();
        let edges = all.data()["valueNetMatches"]["edges"].as_array().expect("edges").clone();
        // Globex shares the made-up technology no seeded company has, plus industry and
        // country: 3 + 2 + 1, the top score.
        let top = &edges[0]["node"];
        assert_eq!(top["company"]["partnerWorldId"], "PW-000002");
        assert_eq!(top["score"], 6);
        assert!(top["reasons"].as_array().expect("reasons").contains(&json!("both focus on technology QUANTUM_WIDGETS")));
        let scores: Vec<i64> = edges.iter().map(|e| e["node"]["score"].as_i64().unwrap_or(0)).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

        // Paging through gives the same sequence, without gaps or repeats.
        let mut paged = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = app.as_user("member@acme.example", MATCHES, json!({ "c": acme, "n": 3, "after": after })).await;
            let conn = &page.data()["valueNetMatches"];
            paged.extend(conn["edges"].as_array().expect("edges").iter().map(|e| e["node"]["company"]["partnerWorldId"].clone()));
            if conn["pageInfo"]["hasNextPage"] != true { break; }
            after = conn["pageInfo"]["endCursor"].clone();
        }
        let whole: Vec<Value> = edges.iter().map(|e| e["node"]["company"]["partnerWorldId"].clone()).collect();
        assert_eq!(paged, whole);
        assert_eq!(app.as_user("apa@globex.example", MATCHES, json!({ "c": acme })).await.codes(), vec!["FORBIDDEN"]);
    }

    async fn focus_values_are_validated(app) {
        let acme = company_id(&app, "PW-000001").await;
        let bad = app.as_user("apa@acme.example", REGISTER, json!({ "c": acme, "t": ["AI"], "i": [], "g": ["Germany"] })).await;
        assert_eq!(bad.codes(), vec!["BAD_USER_INPUT"]);
        assert_eq!(bad.body["errors"][0]["extensions"]["field"], "input.geographies");
        let none = app.as_user("apa@acme.example", REGISTER, json!({ "c": acme, "t": [], "i": [], "g": [] })).await;
        assert_eq!(none.codes(), vec!["BAD_USER_INPUT"]);
        let nets = app.as_user("apa@acme.example", "mutation($c: ID!, $m: [ID!]!) { registerValueNet(input: { companyId: $c, name: \"Joint GTM\", memberCompanyIds: $m }) { valueNet { name members { partnerWorldId } } } }", json!({ "c": acme, "m": [company_id(&app, "PW-000002").await] })).await;
        nets.assert_no_errors();
        // Globex shows as a member once its APA confirms (tests/tests/partners.rs).
        assert_eq!(nets.data()["registerValueNet"]["valueNet"]["members"], json!([{ "partnerWorldId": "PW-000001" }]));
    }
}

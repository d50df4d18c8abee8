//! Field errors as the GraphQL spec handles them, on every path: a refused field is `null`
//! at its path (never a missing key), its public parent stands, a non-null position passes
//! the null to its nearest nullable parent, and `_entities` answers entry by entry with
//! the index in every error's path. Whole responses are compared, so a leaked or missing
//! key shows.

use serde_json::{Value, json};
use tests::{Answer, TestApp};

fn forbidden(path: Value, line: u64, column: u64) -> Value {
    json!({
        "message": "not allowed for this caller",
        "locations": [{ "line": line, "column": column }],
        "path": path,
        "extensions": { "code": "FORBIDDEN" },
    })
}

/// The body without the error order mattering (fields resolve concurrently).
fn sorted(a: &Answer) -> Value {
    let mut body = a.body.clone();
    if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
        errors.sort_by_key(|e| e["path"].to_string());
    }
    body
}

async fn ids(app: &TestApp) -> (String, String, String) {
    let a = app
        .as_user(
            "apa@acme.example",
            "{ acme: company(partnerWorldId: \"PW-000001\") { id employees(first: 1) { edges { node { id } } } } globex: company(partnerWorldId: \"PW-000002\") { id } }",
            json!({}),
        )
        .await;
    let d = a.data();
    (
        d["acme"]["id"].as_str().expect("acme").to_owned(),
        d["globex"]["id"].as_str().expect("globex").to_owned(),
        d["acme"]["employees"]["edges"][0]["node"]["id"]
            .as_str()
            .expect("an Acme person")
            .to_owned(),
    )
}

tests::on_both_backends! {
    async fn a_refused_field_is_null_at_its_path_and_its_parent_stands(app) {
        let a = app
            .as_user(
                "apa@globex.example",
                "{ company(partnerWorldId: \"PW-000001\") { name companyToken } }",
                json!({}),
            )
            .await;
        assert_eq!(sorted(&a), json!({
            "data": { "company": { "name": "Acme Analytics", "companyToken": null } },
            "errors": [forbidden(json!(["company", "companyToken"]), 1, 47)],
        }));
    }

    async fn a_public_parent_whose_only_selected_field_is_refused_is_not_null(app) {
        let a = app
            .graphql(
                "{ company(partnerWorldId: \"PW-000001\") { companyToken levelExplanation { points } } }",
                json!({}),
                None,
            )
            .await;
        assert_eq!(sorted(&a), json!({
            "data": { "company": { "companyToken": null, "levelExplanation": null } },
            "errors": [
                forbidden(json!(["company", "companyToken"]), 1, 42),
                forbidden(json!(["company", "levelExplanation"]), 1, 55),
            ],
        }));
    }

    async fn refused_fields_deep_in_lists_are_null_at_their_index(app) {
        // A PRC of Acme reads Acme's people but not Globex's revenue reports.
        let a = app
            .as_user(
                "prc@acme.example",
                "{ companies(first: 2) { edges { node { name countryEnterprises { revenueReports { period } } } } } }",
                json!({}),
            )
            .await;
        let edges = a.data()["companies"]["edges"].as_array().expect("edges").clone();
        assert_eq!(edges.len(), 2);
        assert_eq!(edges[0]["node"]["name"], "Acme Analytics");
        assert!(edges[0]["node"]["countryEnterprises"][0]["revenueReports"].is_array());
        assert_eq!(edges[1]["node"]["name"], "Globex Systems");
        for (i, ce) in edges[1]["node"]["countryEnterprises"].as_array().expect("CEs").iter().enumerate() {
            assert_eq!(ce, &json!({ "revenueReports": null }), "Globex CE {i}");
        }
        let paths: Vec<Value> = a.body["errors"].as_array().expect("errors").iter().map(|e| e["path"].clone()).collect();
        let expected: Vec<Value> = (0..edges[1]["node"]["countryEnterprises"].as_array().map_or(0, Vec::len))
            .map(|i| json!(["companies", "edges", 1, "node", "countryEnterprises", i, "revenueReports"]))
            .collect();
        assert_eq!(paths, expected);
        assert!(a.codes().iter().all(|c| c == "FORBIDDEN"));
    }

    async fn a_refused_non_null_root_field_nulls_data_as_the_spec_says(app) {
        let (acme, _, _) = ids(&app).await;
        let a = app
            .as_user(
                "apa@globex.example",
                "mutation($id: ID!) { updateCompanyProfile(input: { companyId: $id, version: 1, description: \"x\" }) { company { name } } }",
                json!({ "id": acme }),
            )
            .await;
        assert_eq!(a.status, 200);
        assert_eq!(a.body["data"], Value::Null, "{}", a.body);
        assert_eq!(a.codes(), ["FORBIDDEN"]);
        assert_eq!(a.body["errors"][0]["path"], json!(["updateCompanyProfile"]));
    }

    async fn entities_answer_entry_by_entry_with_the_index_in_every_path(app) {
        let (acme, globex, acme_person) = ids(&app).await;
        let reps = json!([
            { "__typename": "Company", "id": acme },
            { "__typename": "Person", "id": acme_person },
            { "__typename": "Company", "id": globex },
            { "__typename": "Company", "id": acme },
        ]);
        let q = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Company { name companyToken } ... on Person { givenName } } }";
        let a = app.as_user("apa@globex.example", q, json!({ "r": reps })).await;
        let acme_token = Value::Null;
        let globex_token = app
            .as_user("apa@globex.example", "{ company(partnerWorldId: \"PW-000002\") { companyToken } }", json!({}))
            .await
            .data()["company"]["companyToken"]
            .clone();
        assert!(globex_token.is_string());
        assert_eq!(sorted(&a), json!({
            "data": { "_entities": [
                { "name": "Acme Analytics", "companyToken": acme_token },
                null,
                { "name": "Globex Systems", "companyToken": globex_token },
                { "name": "Acme Analytics", "companyToken": null },
            ] },
            "errors": [
                forbidden(json!(["_entities", 0, "companyToken"]), 1, 78),
                forbidden(json!(["_entities", 3, "companyToken"]), 1, 78),
            ],
        }));
    }
}

/// The keys of every object of `value` in answer order, depth first, as `path: keys`.
fn key_orders(value: &async_graphql::Value, path: &str, out: &mut Vec<String>) {
    match value {
        async_graphql::Value::Object(map) => {
            out.push(format!(
                "{path}: {}",
                map.keys().map(|k| k.as_str()).collect::<Vec<_>>().join(" ")
            ));
            for (k, v) in map {
                key_orders(v, &format!("{path}.{k}"), out);
            }
        }
        async_graphql::Value::List(items) => {
            for (i, v) in items.iter().enumerate() {
                key_orders(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

mod order {
    use super::*;

    tests::on_both_backends! {
        async fn every_object_answers_its_fields_in_selection_order(app) {
            // Fields that wait for the database between fields that do not, a fragment
            // and an alias: the spec's ordered map follows the selection set, whatever
            // finished first.
            let q = "fragment Place on Site { country name } { site(siteNumber: \"S-1000001\") { upcomingRenewals(first: 2, filter: { asOf: \"2026-11-01\" }) { nodes { lineItem { customer { name } partNumber } daysUntilRenewal } } siteNumber endUsers(first: 2) { nodes { customer { name } name } } ...Place number: siteNumber orders(first: 2) { nodes { lines { partNumber } orderNumber customer { country name } amount { currency amount } } } version } }";
            let token = app.token("member@acme.example");
            let mut answers = Vec::new();
            for _ in 0..5 {
                let req = axum::http::Request::post("/graphql")
                    .header(axum::http::header::CONTENT_TYPE, "application/json")
                    .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(axum::body::Body::from(serde_json::json!({ "query": q }).to_string()))
                    .expect("request");
                let (status, bytes) = app.request(req).await;
                assert_eq!(status, 200);
                // async-graphql's own Value keeps the order keys arrive in.
                let body: async_graphql::Value = serde_json::from_slice(&bytes).expect("json");
                let mut orders = Vec::new();
                key_orders(&body, "", &mut orders);
                answers.push(orders);
            }
            let first = &answers[0];
            assert!(answers.iter().all(|a| a == first), "the same answer every time");
            let site = first.iter().find(|l| l.starts_with(".data.site:")).expect("site");
            assert_eq!(site, ".data.site: upcomingRenewals siteNumber endUsers country name number orders version");
            for (path, keys) in [
                (".data.site.upcomingRenewals.nodes[0]", "lineItem daysUntilRenewal"),
                (".data.site.upcomingRenewals.nodes[0].lineItem", "customer partNumber"),
                (".data.site.endUsers.nodes[1]", "customer name"),
                (".data.site.orders.nodes[1]", "lines orderNumber customer amount"),
                (".data.site.orders.nodes[1].customer", "country name"),
                (".data.site.orders.nodes[1].amount", "currency amount"),
            ] {
                assert!(first.contains(&format!("{path}: {keys}")), "{path}: {first:#?}");
            }
        }
    }
}

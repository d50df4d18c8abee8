//! The profiles graph read side, end to end over HTTP, on SQLite and on PostgreSQL + Redis.

use serde_json::{Value, json};
use tests::on_both_backends;

const NESTED: &str = r#"
query Nested($pw: String!) {
  company(partnerWorldId: $pw) {
    name partnerWorldId partnerTypes achievedLevel partnerWorldLevel
    levelExplanation { achievedLevel points qualifiedSkills counted { kind points } expired { description } missing nextLevel }
    countryEnterprises {
      country countryEnterpriseId
      locations {
        name isHeadquarters
        people(first: 5) {
          pageInfo { hasNextPage }
          edges { node { ibmId status certifications { name track earnedOn expiresOn expired } } }
        }
      }
    }
  }
}"#;

fn as_array(v: &Value) -> &Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, got {v}"))
}

on_both_backends! {
    async fn apa_reads_the_nested_company_tree_with_level_explanation(app) {
        let answer = app.as_user("apa@acme.example", NESTED, json!({ "pw": "PW-000001" })).await;
        answer.assert_no_errors();
        let c = &answer.data()["company"];
        assert_eq!(c["name"], "Acme Analytics");
        assert_eq!(c["partnerTypes"], json!(["ISV", "RESELLER"]));
        let ces = as_array(&c["countryEnterprises"]);
        assert_eq!(ces.len(), 2);
        assert_eq!(ces[0]["country"], "DE");
        let hq = &ces[0]["locations"][0];
        assert_eq!(hq["isHeadquarters"], true);
        let people = as_array(&hq["people"]["edges"]);
        assert!(!people.is_empty() && people.len() <= 5);
        assert_eq!(people[0]["node"]["ibmId"], "apa@acme.example");
        assert!(!as_array(&people[0]["node"]["certifications"]).is_empty());

        // The explanation adds up and agrees with the level field.
        let ex = &c["levelExplanation"];
        assert_eq!(ex["achievedLevel"], c["achievedLevel"]);
        let sum: i64 = as_array(&ex["counted"]).iter().map(|k| k["points"].as_i64().unwrap_or(0)).sum();
        assert_eq!(ex["points"].as_i64(), Some(sum));
        // Acme's approved customer experience makes one ISV solution worth 7 points.
        assert!(as_array(&ex["counted"]).iter().any(|k| k["kind"] == "ISV_SOLUTION" && k["points"] == 7));
    }

    async fn anonymous_caller_gets_forbidden_on_guarded_fields_and_the_rest_stands(app) {
        let answer = app.graphql(NESTED, json!({ "pw": "PW-000001" }), None).await;
        let c = &answer.data()["company"];
        assert_eq!(c["name"], "Acme Analytics");
        assert_eq!(c["levelExplanation"], Value::Null);
        assert!(c["achievedLevel"].is_string(), "levels are public: {c}");
        let errors = as_array(&answer.body["errors"]);
        assert!(!errors.is_empty());
        for e in errors {
            assert_eq!(e["extensions"]["code"], "FORBIDDEN", "{e}");
            assert!(!as_array(&e["path"]).is_empty());
        }
        let paths: Vec<String> = errors.iter().map(|e| e["path"].to_string()).collect();
        assert!(paths.iter().any(|p| p == r#"["company","levelExplanation"]"#), "{paths:?}");
        assert!(paths.iter().any(|p| p.ends_with(r#""people"]"#)), "{paths:?}");
    }

    async fn company_token_is_for_prc_and_apa_of_the_company_only(app) {
        let q = "{ company(partnerWorldId: \"PW-000001\") { companyToken } }";
        for who in ["apa@acme.example", "prc@acme.example"] {
            let a = app.as_user(who, q, json!({})).await;
            a.assert_no_errors();
            assert_eq!(a.data()["company"]["companyToken"].as_str().map(str::len), Some(32), "{who}");
        }
        for who in ["member@acme.example", "apa@globex.example", "site.primary@acme.example"] {
            let a = app.as_user(who, q, json!({})).await;
            assert_eq!(a.codes(), vec!["FORBIDDEN"], "{who}");
            assert_eq!(a.data()["company"]["companyToken"], Value::Null);
        }
        let a = app.graphql(q, json!({}), Some(&app.ibm_channel_token())).await;
        assert_eq!(a.codes(), vec!["FORBIDDEN"]);
    }

    async fn companies_connection_pages_without_gaps_or_overlap(app) {
        let q = "query($after: String) { companies(first: 7, after: $after) { totalCount edges { cursor node { partnerWorldId } } pageInfo { hasNextPage endCursor } } }";
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let a = app.graphql(q, json!({ "after": after }), None).await;
            a.assert_no_errors();
            let page = &a.data()["companies"];
            assert_eq!(page["totalCount"], 40);
            for e in as_array(&page["edges"]) {
                seen.push(e["node"]["partnerWorldId"].as_str().unwrap_or_default().to_owned());
            }
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        let expected: Vec<String> = (1..=40).map(|n| format!("PW-{n:06}")).collect();
        assert_eq!(seen, expected);
    }

    async fn companies_filters_combine(app) {
        let q = "query($f: CompanyFilter) { companies(first: 100, filter: $f) { totalCount edges { node { name partnerTypes partnerWorldLevel countryEnterprises { country } } } } }";
        let a = app.graphql(q, json!({ "f": { "country": "DE", "partnerType": "ISV" } }), None).await;
        a.assert_no_errors();
        let edges = as_array(&a.data()["companies"]["edges"]);
        assert!(!edges.is_empty());
        assert_eq!(a.data()["companies"]["totalCount"].as_u64(), Some(edges.len() as u64));
        for e in edges {
            let n = &e["node"];
            assert!(as_array(&n["partnerTypes"]).contains(&json!("ISV")), "{n}");
            assert!(as_array(&n["countryEnterprises"]).iter().any(|c| c["country"] == "DE"), "{n}");
        }
        let a = app.graphql(q, json!({ "f": { "nameContains": "acme ANAL" } }), None).await;
        assert_eq!(a.data()["companies"]["totalCount"], 1);
        let a = app.graphql(q, json!({ "f": { "level": "ADVANCED" } }), None).await;
        for e in as_array(&a.data()["companies"]["edges"]) {
            assert_eq!(e["node"]["partnerWorldLevel"], "ADVANCED");
        }
    }

    async fn filter_text_is_a_literal_never_sql(app) {
        let q = "query($f: CompanyFilter) { companies(first: 100, filter: $f) { totalCount } }";
        for text in ["' OR 1=1 --", "%", "_", "\\", "; DROP TABLE companies;", "Ä\u{202e}😀"] {
            let a = app.graphql(q, json!({ "f": { "nameContains": text } }), None).await;
            a.assert_no_errors();
            assert_eq!(a.data()["companies"]["totalCount"], 0, "{text:?}");
        }
        let a = app.graphql(q, json!({ "f": { "country": "de' OR 1=1" } }), None).await;
        assert_eq!(a.codes(), vec!["BAD_USER_INPUT"]);
        assert_eq!(a.body["errors"][0]["extensions"]["field"], "filter.country");
    }

    async fn page_size_is_bounded(app) {
        let q = "query($n: Int) { companies(first: $n) { edges { cursor } } }";
        for n in [json!(-1), json!(101)] {
            let a = app.graphql(q, json!({ "n": n }), None).await;
            assert_eq!(a.codes(), vec!["BAD_USER_INPUT"], "first: {n}");
        }
        // A huge page is refused before any resolver runs: its cost is page × selection.
        let a = app.graphql(q, json!({ "n": 99999999 }), None).await;
        assert_eq!(a.codes(), vec!["OPERATION_LIMIT_EXCEEDED"]);
        assert_eq!(a.data(), &Value::Null);
        let a = app.graphql(q, json!({ "n": 100 }), None).await;
        assert_eq!(as_array(&a.data()["companies"]["edges"]).len(), 40);
        let a = app.graphql(q, json!({ "n": Value::Null }), None).await;
        assert_eq!(as_array(&a.data()["companies"]["edges"]).len(), 20);
    }

    async fn company_lookup_by_global_id_and_by_partner_world_id_agree(app) {
        let a = app.graphql("{ company(partnerWorldId: \"PW-000002\") { id name } }", json!({}), None).await;
        a.assert_no_errors();
        let id = a.data()["company"]["id"].clone();
        let b = app.graphql("query($id: ID) { company(id: $id) { name partnerWorldId } }", json!({ "id": id }), None).await;
        b.assert_no_errors();
        assert_eq!(b.data()["company"]["name"], "Globex Systems");
        let none = app.graphql("{ company(partnerWorldId: \"PW-999999\") { name } }", json!({}), None).await;
        none.assert_no_errors();
        assert_eq!(none.data()["company"], Value::Null);
        let both = app.graphql("query($id: ID) { company(id: $id, partnerWorldId: \"PW-000002\") { name } }", json!({ "id": id }), None).await;
        assert_eq!(both.codes(), vec!["BAD_USER_INPUT"]);
        let bad = app.graphql("{ company(id: \"not-an-id\") { name } }", json!({}), None).await;
        assert_eq!(bad.codes(), vec!["BAD_USER_INPUT"]);
    }

    async fn person_by_node_id_answers_outsiders_as_an_unknown_id_and_serves_colleagues(app) {
        let me = app.as_user("member@acme.example", "{ me { id ibmId } }", json!({})).await;
        me.assert_no_errors();
        let id = me.data()["me"]["id"].clone();
        assert_eq!(me.data()["me"]["ibmId"], "member@acme.example");
        let q = "query($id: ID!) { node(id: $id) { id ... on Person { ibmId givenName } } }";
        let colleague = app.as_user("prc@acme.example", q, json!({ "id": id })).await;
        colleague.assert_no_errors();
        assert_eq!(colleague.data()["node"]["ibmId"], "member@acme.example");
        // Who may not see a person gets what an id of nobody gets: ids reveal nothing.
        let nobody = json!({ "id": api::graphql::ids::encode(api::graphql::ids::Kind::Person, 987_654_321).to_string() });
        let outsider = app.as_user("apa@globex.example", q, json!({ "id": id })).await;
        assert_eq!(outsider.body, json!({ "data": { "node": null } }));
        assert_eq!(outsider.body, app.as_user("apa@globex.example", q, nobody.clone()).await.body);
        let anonymous = app.graphql(q, json!({ "id": id }), None).await;
        assert_eq!(anonymous.body, json!({ "data": { "node": null } }));
        assert_eq!(anonymous.body, app.graphql(q, nobody, None).await.body);
    }

    async fn revenue_reports_are_for_prc_apa_and_ibm_channel(app) {
        let q = "{ company(partnerWorldId: \"PW-000001\") { countryEnterprises { revenueReports { brand period amountMinor currency source } } } }";
        let a = app.as_user("prc@acme.example", q, json!({})).await;
        a.assert_no_errors();
        assert_eq!(as_array(&a.data()["company"]["countryEnterprises"][0]["revenueReports"]).len(), 4);
        let a = app.graphql(q, json!({}), Some(&app.ibm_channel_token())).await;
        a.assert_no_errors();
        let a = app.as_user("member@acme.example", q, json!({})).await;
        assert_eq!(a.codes(), vec!["FORBIDDEN", "FORBIDDEN"]);
    }

    async fn points_table_is_for_apas_and_ibm_channel(app) {
        let q = "{ pointsTable { name track points } }";
        let a = app.as_user("apa@globex.example", q, json!({})).await;
        a.assert_no_errors();
        assert_eq!(as_array(&a.data()["pointsTable"]).len(), 12);
        let a = app.as_user("prc@acme.example", q, json!({})).await;
        assert_eq!(a.codes(), vec!["FORBIDDEN"]);
        let a = app.graphql(q, json!({}), None).await;
        assert_eq!(a.codes(), vec!["FORBIDDEN"]);
    }

    async fn a_bad_token_is_refused_with_401_and_a_generic_error(app) {
        let a = app.graphql("{ companies { edges { cursor } } }", json!({}), Some("not.a.token")).await;
        assert_eq!(a.status.as_u16(), 401);
        assert_eq!(a.codes(), vec!["UNAUTHENTICATED"]);
        assert_eq!(a.body["errors"][0]["message"], "authentication required or token invalid");
    }
}

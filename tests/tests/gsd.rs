//! The Global Solutions Directory: listings, leads, and customer experiences whose
//! approval changes the company's level at once.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

const LEVEL: &str = "{ company(partnerWorldId: \"PW-000001\") { id achievedLevel levelExplanation { points counted { kind description } } solutions { id name customerExperiences { id status version } } } }";

async fn acme(app: &TestApp, who: &str) -> Value {
    let a = app.as_user(who, LEVEL, json!({})).await;
    a.assert_no_errors();
    a.data()["company"].clone()
}

on_both_backends! {
    async fn an_unapproved_experience_is_null_through_entities_for_outsiders(app) {
        let c = acme(&app, "apa@acme.example").await;
        let all: Vec<Value> = c["solutions"].as_array().expect("solutions").iter()
            .flat_map(|s| s["customerExperiences"].as_array().cloned().unwrap_or_default())
            .collect();
        let pending = all.iter().find(|e| e["status"] == "SUBMITTED").expect("a submitted experience");
        let approved = all.iter().find(|e| e["status"] == "APPROVED").expect("an approved experience");
        let q = "query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerExperience { id status } } }";
        let reps = json!({ "r": [
            { "__typename": "CustomerExperience", "id": pending["id"] },
            { "__typename": "CustomerExperience", "id": approved["id"] },
            { "__typename": "CustomerExperience", "id": "bm9wZQ" },
        ] });
        let outsider = app.as_user("apa@globex.example", q, reps.clone()).await;
        outsider.assert_no_errors();
        assert_eq!(outsider.data()["_entities"], json!([null, { "id": approved["id"], "status": "APPROVED" }, null]));
        let anonymous = app.graphql(q, reps.clone(), None).await;
        assert_eq!(anonymous.data()["_entities"], outsider.data()["_entities"]);
        for insider in ["apa@acme.example", "member@acme.example"] {
            let seen = app.as_user(insider, q, reps.clone()).await;
            assert_eq!(seen.data()["_entities"][0]["status"], "SUBMITTED", "{insider}");
        }
        let ibm = app.graphql(q, reps, Some(&app.ibm_channel_token())).await;
        assert_eq!(ibm.data()["_entities"][0]["status"], "SUBMITTED");
    }

    async fn communities_resolve_through_entities_with_members_still_guarded(app) {
        let listed = app.graphql("{ communities(first: 50) { edges { node { id slug visibility } } } }", json!({}), None).await;
        listed.assert_no_errors();
        let private = listed.data()["communities"]["edges"].as_array().expect("edges").iter()
            .map(|e| e["node"].clone())
            .find(|n| n["visibility"] == "PRIVATE")
            .expect("a private community in the demo");
        let q = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Community { slug members { role } } } }";
        let anonymous = app.graphql(q, json!({ "r": [{ "__typename": "Community", "id": private["id"] }] }), None).await;
        assert_eq!(anonymous.data()["_entities"][0]["slug"], private["slug"]);
        assert_eq!(anonymous.data()["_entities"][0]["members"], Value::Null);
        assert_eq!(anonymous.codes(), vec!["FORBIDDEN"]);
        let ibm = app.graphql(q, json!({ "r": [{ "__typename": "Community", "id": private["id"] }] }), Some(&app.ibm_channel_token())).await;
        ibm.assert_no_errors();
        assert!(ibm.data()["_entities"][0]["members"].is_array());
    }

    async fn approving_a_customer_experience_adds_seven_points_at_once(app) {
        let before = acme(&app, "apa@acme.example").await;
        let pending = before["solutions"].as_array().expect("solutions").iter()
            .flat_map(|s| s["customerExperiences"].as_array().cloned().unwrap_or_default())
            .find(|e| e["status"] == "SUBMITTED")
            .expect("a submitted experience in the demo");
        let decide = "mutation($id: ID!, $v: Int!, $ok: Boolean!, $why: String) { decideCustomerExperience(input: { customerExperienceId: $id, version: $v, approve: $ok, reason: $why }) { customerExperience { status } } }";
        let refused = app.as_user("apa@acme.example", decide, json!({ "id": pending["id"], "v": pending["version"], "ok": true })).await;
        assert_eq!(refused.codes(), vec!["FORBIDDEN"], "only IBM decides");
        let no_reason = app.graphql(decide, json!({ "id": pending["id"], "v": pending["version"], "ok": false }), Some(&app.ibm_channel_token())).await;
        assert_eq!(no_reason.codes(), vec!["BAD_USER_INPUT"]);
        let ok = app.graphql(decide, json!({ "id": pending["id"], "v": pending["version"], "ok": true }), Some(&app.ibm_channel_token())).await;
        ok.assert_no_errors();
        let after = acme(&app, "apa@acme.example").await;
        let points = |c: &Value| c["levelExplanation"]["points"].as_i64().unwrap_or(0);
        assert_eq!(points(&after), points(&before) + 7);
        let solutions = |c: &Value| c["levelExplanation"]["counted"].as_array().expect("counted").iter().filter(|k| k["kind"] == "ISV_SOLUTION").count();
        assert_eq!(solutions(&after), solutions(&before) + 1);
    }

    async fn readers_send_leads_that_only_the_company_reads(app) {
        let c = acme(&app, "apa@acme.example").await;
        let solution = c["solutions"][0]["id"].clone();
        let card = app.graphql(
            "mutation($s: ID!) { submitResponseCard(input: { solutionId: $s, readerName: \"Pat\", readerEmail: \"pat@customer.example\", message: \"Call me\" }) { responseCard { id } } }",
            json!({ "s": solution }), None).await;
        card.assert_no_errors();
        let q = "query($id: ID!) { node(id: $id) { ... on Company { solutions { responseCards { readerEmail message } } } } }";
        let own = app.as_user("member@acme.example", q, json!({ "id": c["id"] })).await;
        own.assert_no_errors();
        let cards: Vec<Value> = own.data()["node"]["solutions"].as_array().expect("solutions").iter().flat_map(|s| s["responseCards"].as_array().cloned().unwrap_or_default()).collect();
        assert!(cards.iter().any(|c| c["readerEmail"] == "pat@customer.example" && c["message"] == "Call me"));
        let outsider = app.as_user("apa@globex.example", q, json!({ "id": c["id"] })).await;
        assert!(outsider.codes().iter().all(|c| c == "FORBIDDEN") && !outsider.codes().is_empty());
        let bad = app.graphql(
            "mutation($s: ID!) { submitResponseCard(input: { solutionId: $s, readerName: \"Pat\", readerEmail: \"no-at-sign\", message: \"x\" }) { responseCard { id } } }",
            json!({ "s": solution }), None).await;
        assert_eq!(bad.codes(), vec!["BAD_USER_INPUT"]);
        assert_eq!(bad.body["errors"][0]["extensions"]["field"], "input.readerEmail");
    }

    async fn experiences_under_review_are_hidden_from_outsiders(app) {
        let q = "{ company(partnerWorldId: \"PW-000001\") { solutions { customerExperiences { status } } } }";
        let statuses = |v: &Value| -> Vec<String> {
            v["company"]["solutions"].as_array().expect("s").iter()
                .flat_map(|s| s["customerExperiences"].as_array().cloned().unwrap_or_default())
                .map(|e| e["status"].as_str().unwrap_or_default().to_owned()).collect()
        };
        let own = app.as_user("apa@acme.example", q, json!({})).await;
        assert!(statuses(own.data()).contains(&"SUBMITTED".to_owned()));
        let public = app.graphql(q, json!({}), None).await;
        public.assert_no_errors();
        assert!(statuses(public.data()).iter().all(|s| s == "APPROVED"));
        assert!(!statuses(public.data()).is_empty());
    }

    async fn isvs_list_and_update_solutions_and_the_directory_finds_them(app) {
        let c = acme(&app, "apa@acme.example").await;
        let create = "mutation($c: ID!) { createSolution(input: { companyId: $c, name: \"Fraud Sentinel\", description: \"Real-time fraud scoring\", industries: [\"Banking\"], middleware: [\"watsonx\"], hardware: [\"z16\"] }) { solution { id version industries middleware } } }";
        let a = app.as_user("apa@acme.example", create, json!({ "c": c["id"] })).await;
        a.assert_no_errors();
        let s = a.data()["createSolution"]["solution"].clone();
        assert_eq!(s["industries"], json!(["BANKING"]));
        let found = app.graphql("{ solutions(first: 50, filter: { industry: \"banking\", middleware: \"WATSONX\", nameContains: \"sentinel\" }) { edges { node { name company { name } } } } }", json!({}), None).await;
        found.assert_no_errors();
        assert_eq!(found.data()["solutions"]["edges"].as_array().map(Vec::len), Some(1));
        let update = "mutation($id: ID!, $v: Int!) { updateSolution(input: { solutionId: $id, version: $v, inShowcase: true }) { solution { inShowcase version } } }";
        let up = app.as_user("apa@acme.example", update, json!({ "id": s["id"], "v": s["version"] })).await;
        up.assert_no_errors();
        assert_eq!(app.as_user("apa@acme.example", update, json!({ "id": s["id"], "v": s["version"] })).await.codes(), vec!["CONFLICT"]);
        assert_eq!(app.as_user("prc@acme.example", update, json!({ "id": s["id"], "v": 2 })).await.codes(), vec!["FORBIDDEN"]);
        // Globex is not an ISV.
        let g = app.graphql("{ company(partnerWorldId: \"PW-000002\") { id } }", json!({}), None).await;
        let not_isv = app.as_user("apa@globex.example", create, json!({ "c": g.data()["company"]["id"] })).await;
        assert_eq!(not_isv.codes(), vec!["BAD_USER_INPUT"]);
        let nominate = app.as_user("apa@acme.example", "mutation($id: ID!) { nominateForTechnicalValidation(input: { solutionId: $id }) { solution { nominations { status } } } }", json!({ "id": s["id"] })).await;
        nominate.assert_no_errors();
        assert_eq!(app.as_user("apa@acme.example", "mutation($id: ID!) { nominateForTechnicalValidation(input: { solutionId: $id }) { solution { id } } }", json!({ "id": s["id"] })).await.codes(), vec!["CONFLICT"]);
    }
}

//! The level in force follows the rules (domain.md §1, "qualification is dynamic"): the
//! daily review lowers it when criteria expire, a write that changes what the rules read
//! raises it the same day, each change is kept with its day and reason, and the `level`
//! filter reads the level in force.

use api::domain::profiles::level_in_force::sweep;
use chrono::NaiveDate;
use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

const COMPANY: &str = r#"query($pw: String!) { company(partnerWorldId: $pw) { partnerWorldLevel levelHistory { from to effectiveOn reason } headquarters { id } employees(first: 50) { edges { node { ibmId companyRoles } } } } }"#;

async fn company(app: &TestApp, pw: &str) -> Value {
    let a = app
        .graphql(COMPANY, json!({ "pw": pw }), Some(&app.ibm_channel_token()))
        .await;
    a.assert_no_errors();
    a.data()["company"].clone()
}

async fn at_level(app: &TestApp, pw: &str, level: &str) -> bool {
    let a = app
        .graphql(
            "query($l: MembershipLevel!) { companies(first: 50, filter: { level: $l }) { edges { node { partnerWorldId } } } }",
            json!({ "l": level }),
            None,
        )
        .await;
    a.assert_no_errors();
    a.data()["companies"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|e| e["node"]["partnerWorldId"] == pw)
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn history(c: &Value) -> &Vec<Value> {
    c["levelHistory"].as_array().expect("history")
}

on_both_backends! {
    async fn expiry_lowers_the_level_in_force_and_an_approval_raises_it_again(app) {
        // Bring the demo to the rules as of today first (the seed computed its levels
        // on its own fixed day).
        sweep(&app.app.state, api::domain::profiles::level::today()).await.expect("review");

        // Years on, every certification and attainment has lapsed: the daily review
        // lowers each company that held ADVANCED by skills alone (an approved ISV solution
        // keeps ADVANCED: it never expires), and records why.
        let changes = sweep(&app.app.state, day("2035-01-01")).await.expect("review");
        let lowered = changes
            .iter()
            .find(|c| c.from.as_db() == "ADVANCED" && c.to.as_db() == "MEMBER")
            .expect("a company lowered from ADVANCED to MEMBER");
        let pw = lowered.company.partner_world_id.clone();
        let c = company(&app, &pw).await;
        assert_eq!(c["partnerWorldLevel"], "MEMBER");
        let last = history(&c).last().expect("a change").clone();
        assert_eq!((&last["from"], &last["to"], &last["effectiveOn"]), (&json!("ADVANCED"), &json!("MEMBER"), &json!("2035-01-01")));
        let reason = last["reason"].as_str().expect("reason");
        assert!(reason.starts_with("daily review: ") && reason.contains("no longer count"), "{reason}");
        assert!(at_level(&app, &pw, "MEMBER").await && !at_level(&app, &pw, "ADVANCED").await);
        // The same review again changes nothing and records nothing.
        let recorded = history(&c).len();
        let again = sweep(&app.app.state, day("2035-01-01")).await.expect("review");
        assert!(again.is_empty(), "{again:?}");
        assert_eq!(history(&company(&app, &pw).await).len(), recorded);

        // Today the rules give ADVANCED again: a write that changes what they read (a
        // newcomer joins with the token and the PRC approves them) sets the level in force
        // at once, with that cause.
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let token = entities::companies::Entity::find()
            .filter(entities::companies::Column::PartnerWorldId.eq(pw.as_str()))
            .one(&app.app.state.db)
            .await
            .expect("read")
            .expect("the company")
            .company_token;
        let prc = c["employees"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|e| e["node"]["companyRoles"].as_array().is_some_and(|r| r.contains(&json!("PRC"))))
            .and_then(|e| e["node"]["ibmId"].as_str())
            .expect("a PRC")
            .to_owned();
        let joined = app
            .as_user(
                "newcomer@partner.example",
                "mutation($loc: ID!, $token: String!) { joinCompany(input: { locationId: $loc, companyToken: $token, givenName: \"Nina\", familyName: \"New\" }) { person { id version } } }",
                json!({ "loc": c["headquarters"]["id"], "token": token }),
            )
            .await;
        joined.assert_no_errors();
        let p = joined.data()["joinCompany"]["person"].clone();
        app.as_user(
            &prc,
            "mutation($id: ID!, $v: Int!) { reviewPerson(input: { personId: $id, version: $v, decision: APPROVE }) { person { status } } }",
            json!({ "id": p["id"], "v": p["version"] }),
        )
        .await
        .assert_no_errors();
        let raised = company(&app, &pw).await;
        assert_eq!(raised["partnerWorldLevel"], "ADVANCED");
        let last = history(&raised).last().cloned().expect("a change");
        assert_eq!((&last["from"], &last["to"]), (&json!("MEMBER"), &json!("ADVANCED")));
        assert!(last["reason"].as_str().is_some_and(|r| r.starts_with("person approved: the rules give ADVANCED")), "{last}");
        assert!(at_level(&app, &pw, "ADVANCED").await);
    }

    async fn the_history_is_for_the_apa_and_ibm_only(app) {
        const ACME: &str = r#"{ company(partnerWorldId: "PW-000001") { levelHistory { to } } }"#;
        for (who, allowed) in [("apa@acme.example", true), ("prc@acme.example", false), ("member@acme.example", false), ("apa@globex.example", false)] {
            let a = app.as_user(who, ACME, json!({})).await;
            assert_eq!(a.codes().is_empty(), allowed, "{who}: {}", a.body);
        }
        let ibm = app.graphql(ACME, json!({}), Some(&app.ibm_channel_token())).await;
        ibm.assert_no_errors();
    }
}

//! Opportunity passing: eligibility with reasons, and a fair spread over 1 000 leads.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::json;
use std::collections::HashMap;
use tests::{TestApp, on_both_backends};

/// Makes companies 3..=8 eligible for SECURITY in US, and opens `n` such leads.
async fn setup(app: &TestApp, n: usize) {
    let db = &app.app.state.db;
    for sql in [
        "UPDATE companies SET good_standing = TRUE, registered_for_sales = TRUE, description = 'ready' WHERE id BETWEEN 3 AND 8",
        "INSERT INTO authorizations (company_id, product_group, country, distribution) SELECT id, 'SECURITY', 'US', 'OPEN' FROM companies WHERE id BETWEEN 3 AND 8",
        "INSERT INTO relationship_applications (company_id, location_id, kind, vad_choice, vad_company_id, agreement_accepted, compliance_completed, status, created_by_person_id) \
         SELECT c.id, l.id, 'SOFTWARE_RESELLER', 'DISTRIBUTOR', 2, TRUE, TRUE, 'APPROVED', p.id FROM companies c \
         JOIN locations l ON l.company_id = c.id AND l.is_headquarters = TRUE \
         JOIN people p ON p.company_id = c.id AND p.is_apa = TRUE WHERE c.id BETWEEN 3 AND 8",
    ] {
        db.execute_unprepared(sql).await.expect(sql);
    }
    let rows = (0..n).map(|i| entities::opportunities::ActiveModel {
        product_group: Set("SECURITY".into()),
        country: Set("US".into()),
        customer_name: Set(format!("Customer {i}")),
        status: Set("OPEN".into()),
        ..Default::default()
    });
    entities::opportunities::Entity::insert_many(rows)
        .exec(db)
        .await
        .expect("opportunities");
}

on_both_backends! {
    /// domain.md §2: IBM passes leads only to partners that "have a VAD selected (a real
    /// distributor on an approved relationship)".
    async fn lead_eligibility_counts_only_a_real_vad_on_an_approved_relationship(app) {
        setup(&app, 0).await;
        let db = &app.app.state.db;
        let q = "query($c: ID!) { partnerEligibility(companyId: $c, productGroup: \"SECURITY\", country: \"US\") { eligible criteria { criterion met } } }";
        let ids = app.graphql("{ companies(first: 10) { edges { node { id } } } }", json!({}), None).await;
        let company3 = ids.data()["companies"]["edges"][2]["node"]["id"].clone();
        let vad = || async {
            let a = app.graphql(q, json!({ "c": company3 }), Some(&app.ibm_channel_token())).await;
            a.assert_no_errors();
            let e = &a.data()["partnerEligibility"];
            let met = e["criteria"].as_array().expect("criteria").iter().find(|c| c["criterion"] == "VAD_CHOSEN").expect("VAD_CHOSEN")["met"].clone();
            (e["eligible"].clone(), met)
        };
        assert_eq!(vad().await, (json!(true), json!(true)), "a distributor on an approved relationship");
        for (change, why) in [
            ("UPDATE relationship_applications SET status = 'SUBMITTED' WHERE company_id = 3 AND vad_choice = 'DISTRIBUTOR'", "not approved yet"),
            ("UPDATE relationship_applications SET status = 'APPROVED', vad_choice = 'IBM_COM', vad_company_id = NULL WHERE company_id = 3 AND kind = 'SOFTWARE_RESELLER'", "IBM.COM is not a distributor"),
            ("UPDATE relationship_applications SET vad_choice = 'DISTRIBUTOR_NOT_LISTED' WHERE company_id = 3 AND kind = 'SOFTWARE_RESELLER'", "a distributor not listed is none"),
        ] {
            // Company 3's other applications (from the seed) must not count either.
            db.execute_unprepared("UPDATE relationship_applications SET status = 'REJECTED' WHERE company_id = 3 AND kind <> 'SOFTWARE_RESELLER'").await.expect("reset");
            db.execute_unprepared(change).await.expect(change);
            assert_eq!(vad().await, (json!(false), json!(false)), "{why}");
        }
    }

    async fn a_thousand_leads_spread_evenly_over_the_eligible_partners(app) {
        setup(&app, 1000).await;
        let ibm = app.ibm_channel_token();
        let pass = "mutation($o: ID!) { passOpportunity(input: { opportunityId: $o }) { opportunity { passedTo { partnerWorldId } passReason } } }";
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut after = serde_json::Value::Null;
        loop {
            let page = app.graphql("query($after: String) { opportunities(first: 100, after: $after, openOnly: true) { edges { node { id productGroup country } } pageInfo { hasNextPage endCursor } } }", json!({ "after": after }), Some(&ibm)).await;
            page.assert_no_errors();
            let conn = page.data()["opportunities"].clone();
            for e in conn["edges"].as_array().expect("edges") {
                if e["node"]["productGroup"] != "SECURITY" || e["node"]["country"] != "US" { continue; }
                let a = app.graphql(pass, json!({ "o": e["node"]["id"] }), Some(&ibm)).await;
                a.assert_no_errors();
                let to = a.data()["passOpportunity"]["opportunity"]["passedTo"]["partnerWorldId"].as_str().expect("passed").to_owned();
                *counts.entry(to).or_default() += 1;
            }
            if conn["pageInfo"]["hasNextPage"] != true { break; }
            after = conn["pageInfo"]["endCursor"].clone();
        }
        let total: usize = counts.values().sum();
        assert!(total >= 1000, "{total}");
        assert!(counts.len() >= 6, "every eligible partner gets leads: {counts:?}");
        let (min, max) = (counts.values().min().copied().unwrap_or(0), counts.values().max().copied().unwrap_or(0));
        assert!(max - min <= 1, "spread {counts:?}");
    }

    async fn eligibility_names_every_failed_criterion(app) {
        setup(&app, 1).await;
        let acme = app.graphql("{ company(partnerWorldId: \"PW-000001\") { id } }", json!({}), None).await.data()["company"]["id"].clone();
        let q = "query($c: ID!) { partnerEligibility(companyId: $c, productGroup: \"security\", country: \"us\") { eligible criteria { criterion met reason } } }";
        let a = app.as_user("prc@acme.example", q, json!({ "c": acme })).await;
        a.assert_no_errors();
        let e = &a.data()["partnerEligibility"];
        assert_eq!(e["eligible"], false);
        let authorized = e["criteria"].as_array().expect("criteria").iter().find(|c| c["criterion"] == "AUTHORIZED").expect("AUTHORIZED").clone();
        assert_eq!(authorized["met"], false);
        assert_eq!(authorized["reason"], "not authorized for SECURITY in US");
        let open = app.graphql("{ opportunities(first: 100, openOnly: true) { edges { node { id productGroup country } } } }", json!({}), Some(&app.ibm_channel_token())).await;
        let opp = open.data()["opportunities"]["edges"].as_array().expect("edges").iter()
            .find(|e| e["node"]["productGroup"] == "SECURITY" && e["node"]["country"] == "US")
            .expect("the SECURITY/US lead")["node"]["id"].clone();
        let forced = app.graphql("mutation($o: ID!, $c: ID!) { passOpportunity(input: { opportunityId: $o, companyId: $c }) { opportunity { id } } }", json!({ "o": opp, "c": acme }), Some(&app.ibm_channel_token())).await;
        assert_eq!(forced.codes(), vec!["BAD_USER_INPUT"]);
        assert!(forced.body["errors"][0]["extensions"]["missing"].as_array().expect("missing").contains(&json!("not authorized for SECURITY in US")));
    }
}

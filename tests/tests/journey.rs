//! The whole PartnerWorld lifecycle on the graph alone, played as the roles would, on both
//! engines (issue 13's "done when"): a company registers, an employee joins with the
//! company token, the PRC approves them, each adds a candidate id, the vendor feed brings
//! certifications and the level in force rises, IBM registers the company for sales
//! activity, a relationship application with a distributor is approved, IBM creates a
//! lead and passes it, the APA names a Focal ID, who accepts the lead and wins it.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

const BILL: &str = "bill@initech.example";
const PETER: &str = "peter@initech.example";

async fn ok(app: &TestApp, who: Option<&str>, query: &str, variables: Value) -> Value {
    let a = match who {
        Some(who) => app.as_user(who, query, variables).await,
        None => {
            app.graphql(query, variables, Some(&app.ibm_channel_token()))
                .await
        }
    };
    a.assert_no_errors();
    a.data().clone()
}

async fn company(app: &TestApp, pw: &str) -> Value {
    ok(
        app,
        Some(BILL),
        "query($pw: String!) { company(partnerWorldId: $pw) { id version companyToken partnerWorldLevel headquarters { id } employees(first: 10) { nodes { id ibmId version } } } }",
        json!({ "pw": pw }),
    )
    .await["company"]
        .clone()
}

fn person<'a>(c: &'a Value, ibm_id: &str) -> &'a Value {
    c["employees"]["nodes"]
        .as_array()
        .expect("employees")
        .iter()
        .find(|p| p["ibmId"] == ibm_id)
        .expect("the person")
}

on_both_backends! {
    async fn a_company_joins_qualifies_gets_authorized_and_wins_a_lead(app) {
        const IBM: Option<&str> = None;
        // Joining.
        let reg = ok(&app, Some(BILL), r#"mutation { registerCompany(input: { name: "Initech", partnerTypes: [RESELLER], country: "US",
            headquarters: { name: "Initech HQ", addressLine: "4120 Freidrich Lane", city: "Austin", postalCode: "78744" },
            givenName: "Bill", familyName: "Lumbergh" }) { company { partnerWorldId } } }"#, json!({})).await;
        let pw = reg["registerCompany"]["company"]["partnerWorldId"].as_str().expect("pw").to_owned();
        let c = company(&app, &pw).await;
        let joined = ok(&app, Some(PETER), "mutation($loc: ID!, $t: String!) { joinCompany(input: { locationId: $loc, companyToken: $t, givenName: \"Peter\", familyName: \"Gibbons\" }) { person { id version status } } }",
            json!({ "loc": c["headquarters"]["id"], "t": c["companyToken"] })).await;
        let peter = joined["joinCompany"]["person"].clone();
        assert_eq!(peter["status"], "PENDING");
        ok(&app, Some(BILL), "mutation($id: ID!, $v: Int!) { reviewPerson(input: { personId: $id, version: $v, decision: APPROVE }) { person { status } } }",
            json!({ "id": peter["id"], "v": peter["version"] })).await;

        // Skills and level.
        let add = "mutation($cid: String!, $t: SkillTrack!) { addCandidateId(input: { candidateId: $cid, track: $t }) { person { id } } }";
        ok(&app, Some(PETER), add, json!({ "cid": "PG000001", "t": "SALES" })).await;
        ok(&app, Some(BILL), add, json!({ "cid": "BL000001", "t": "TECHNICAL" })).await;
        let feed = ok(&app, IBM, "mutation($rows: [CertificationFeedRow!]!) { importCertifications(input: { rows: $rows }) { added rejected { row } levelChanges { to } } }", json!({ "rows": [
            { "candidateId": "PG000001", "name": "IBM Certified Sales - Storage", "kind": "CERTIFICATION", "earnedOn": "2026-10-01", "expiresOn": "2028-10-01" },
            { "candidateId": "PG000001", "name": "IBM Sales Mastery - Data and AI", "kind": "MASTERY", "earnedOn": "2026-10-02" },
            { "candidateId": "BL000001", "name": "IBM Certified Technical - Storage", "kind": "CERTIFICATION", "earnedOn": "2026-10-03", "expiresOn": "2028-10-03" },
        ] })).await;
        assert_eq!(feed["importCertifications"], json!({ "added": 3, "rejected": [], "levelChanges": [{ "to": "ADVANCED" }] }));
        assert_eq!(company(&app, &pw).await["partnerWorldLevel"], "ADVANCED");

        // What lead eligibility needs: a complete profile, MySA, an authorization with a
        // distributor on an approved relationship.
        let c = company(&app, &pw).await;
        ok(&app, Some(BILL), "mutation($id: ID!, $v: Int!) { updateCompanyProfile(input: { companyId: $id, version: $v, description: \"Storage and security for Texas retailers\" }) { company { version } } }",
            json!({ "id": c["id"], "v": c["version"] })).await;
        let c = company(&app, &pw).await;
        let mysa = ok(&app, IBM, "mutation($id: ID!, $v: Int!) { setSalesActivityRegistration(input: { companyId: $id, version: $v, value: true, note: \"MySA registration checked\" }) { company { version } } }",
            json!({ "id": c["id"], "v": c["version"] })).await;
        assert!(mysa["setSalesActivityRegistration"]["company"]["version"].as_i64() > c["version"].as_i64());
        let distributor = ok(&app, Some(BILL), "{ companies(first: 1, filter: { partnerType: DISTRIBUTOR }) { nodes { id } } }", json!({})).await["companies"]["nodes"][0]["id"].clone();
        let draft = ok(&app, Some(BILL), "mutation($id: ID!) { createRelationshipApplication(input: { companyId: $id, kind: SOFTWARE_RESELLER }) { application { id version } } }", json!({ "id": c["id"] })).await["createRelationshipApplication"]["application"].clone();
        let c = company(&app, &pw).await;
        let staff: Vec<Value> = ["bill@initech.example", "peter@initech.example"].iter().map(|p| person(&c, p)["id"].clone()).collect();
        let updated = ok(&app, Some(BILL), "mutation($id: ID!, $v: Int!, $vad: ID!, $k: [ID!], $t: [ID!]) { updateRelationshipApplication(input: { applicationId: $id, version: $v,
            productGroups: [{ program: CVR, productGroup: \"SECURITY\" }], vadChoice: DISTRIBUTOR, vadCompanyId: $vad, agreementAccepted: true, complianceCompleted: true, keyContactIds: $k, traineeIds: $t }) { application { version missingSteps } } }",
            json!({ "id": draft["id"], "v": draft["version"], "vad": distributor, "k": [staff[0]], "t": [staff[1]] })).await;
        let mut version = updated["updateRelationshipApplication"]["application"]["version"].clone();
        let missing = updated["updateRelationshipApplication"]["application"]["missingSteps"].clone();
        if missing == json!(["upload the registration documents"]) {
            version = ok(&app, Some(BILL), "mutation($id: ID!) { addApplicationDocument(input: { applicationId: $id, fileName: \"registration.pdf\", contentType: \"application/pdf\", sizeBytes: 1234, sha256: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" }) { application { version } } }",
                json!({ "id": draft["id"] })).await["addApplicationDocument"]["application"]["version"].clone();
        } else {
            assert_eq!(missing, json!([]));
        }
        let submitted = ok(&app, Some(BILL), "mutation($id: ID!, $v: Int!) { submitRelationshipApplication(input: { applicationId: $id, version: $v }) { application { version status } } }",
            json!({ "id": draft["id"], "v": version })).await["submitRelationshipApplication"]["application"].clone();
        assert_eq!(submitted["status"], "SUBMITTED");
        // It is in IBM's queue, counted.
        let queue = ok(&app, IBM, "{ relationshipApplicationQueue(first: 100) { totalCount nodes { id } } }", json!({})).await;
        assert!(queue["relationshipApplicationQueue"]["nodes"].as_array().expect("queue").iter().any(|a| a["id"] == draft["id"]));
        ok(&app, IBM, "mutation($id: ID!, $v: Int!) { decideRelationshipApplication(input: { applicationId: $id, version: $v, approveWith: AUTHORIZED }) { application { status } } }",
            json!({ "id": draft["id"], "v": submitted["version"] })).await;
        let eligibility = ok(&app, Some(BILL), "query($id: ID!) { partnerEligibility(companyId: $id, productGroup: \"SECURITY\", country: \"US\") { eligible criteria { criterion met } } }",
            json!({ "id": c["id"] })).await;
        assert_eq!(eligibility["partnerEligibility"]["eligible"], true, "{eligibility}");

        // Leads: IBM creates one and passes it; the Focal ID accepts it and wins it.
        let lead = ok(&app, IBM, "mutation { createOpportunity(input: { productGroup: \"security\", country: \"US\", customerName: \"Chotchkie's\", estimatedValue: { amount: \"125000.50\", currency: \"USD\" } }) { opportunity { id status estimatedValue { amount currency } } } }", json!({})).await["createOpportunity"]["opportunity"].clone();
        assert_eq!(lead["status"], "OPEN");
        assert_eq!(lead["estimatedValue"], json!({ "amount": "125000.50", "currency": "USD" }));
        let passed = ok(&app, IBM, "mutation($o: ID!, $c: ID!) { passOpportunity(input: { opportunityId: $o, companyId: $c }) { opportunity { status passedTo { partnerWorldId } } } }",
            json!({ "o": lead["id"], "c": c["id"] })).await;
        assert_eq!(passed["passOpportunity"]["opportunity"]["passedTo"]["partnerWorldId"], json!(pw));
        // Peter sees nothing until Bill names him Focal ID.
        let before = app.as_user(PETER, "query($pw: String!) { company(partnerWorldId: $pw) { opportunities { totalCount } } }", json!({ "pw": pw })).await;
        assert_eq!(before.codes(), ["FORBIDDEN"], "{}", before.body);
        let c = company(&app, &pw).await;
        let p = person(&c, PETER);
        ok(&app, Some(BILL), "mutation($id: ID!, $v: Int!) { setFocalId(input: { personId: $id, version: $v }) { person { isFocalId } } }", json!({ "id": p["id"], "v": p["version"] })).await;
        let mine = ok(&app, Some(PETER), "query($pw: String!) { company(partnerWorldId: $pw) { opportunities(status: [PASSED]) { totalCount nodes { id version customerName status } } } }", json!({ "pw": pw })).await;
        let waiting = &mine["company"]["opportunities"];
        assert_eq!(waiting["totalCount"], 1);
        assert_eq!(waiting["nodes"][0]["customerName"], "Chotchkie's");
        let accepted = ok(&app, Some(PETER), "mutation($id: ID!, $v: Int!) { respondToOpportunity(input: { opportunityId: $id, version: $v, accept: true }) { accepted opportunity { version status } } }",
            json!({ "id": lead["id"], "v": waiting["nodes"][0]["version"] })).await["respondToOpportunity"].clone();
        assert_eq!(accepted["opportunity"]["status"], "ACCEPTED");
        // Forward only: WON, then nothing more.
        let won = ok(&app, Some(PETER), "mutation($id: ID!, $v: Int!) { progressOpportunity(input: { opportunityId: $id, version: $v, status: WON, note: \"Signed for three years\" }) { opportunity { version status history { event from to note } } } }",
            json!({ "id": lead["id"], "v": accepted["opportunity"]["version"] })).await["progressOpportunity"]["opportunity"].clone();
        assert_eq!(won["status"], "WON");
        let history = won["history"].as_array().expect("history");
        let events: Vec<&str> = history.iter().map(|h| h["event"].as_str().expect("event")).collect();
        assert_eq!(events, ["CREATED", "PASSED", "ACCEPTED", "PROGRESSED"]);
        assert_eq!(history[3], json!({ "event": "PROGRESSED", "from": "ACCEPTED", "to": "WON", "note": "Signed for three years" }));
        let back = app.as_user(PETER, "mutation($id: ID!, $v: Int!) { progressOpportunity(input: { opportunityId: $id, version: $v, status: PROPOSAL }) { opportunity { status } } }",
            json!({ "id": lead["id"], "v": won["version"] })).await;
        assert_eq!(back.codes(), ["CONFLICT"], "{}", back.body);
        // The partner registers its own deal too; it is theirs, accepted from the start.
        let deal = ok(&app, Some(PETER), "mutation($c: ID!) { registerDeal(input: { companyId: $c, deal: { productGroup: \"STORAGE\", country: \"US\", customerName: \"Initrode\" } }) { opportunity { origin status } } }", json!({ "c": c["id"] })).await;
        assert_eq!(deal["registerDeal"]["opportunity"], json!({ "origin": "PARTNER", "status": "ACCEPTED" }));
    }

    async fn a_declined_lead_returns_to_ibms_queue_with_the_reason(app) {
        // The demo leaves a lead waiting for Acme's answer; its Focal ID declines it.
        let member = "member@acme.example";
        let mine = ok(&app, Some(member), "{ company(partnerWorldId: \"PW-000001\") { opportunities(status: [PASSED]) { nodes { id version } } } }", json!({})).await;
        let lead = mine["company"]["opportunities"]["nodes"][0].clone();
        let no_reason = app.as_user(member, "mutation($id: ID!, $v: Int!) { respondToOpportunity(input: { opportunityId: $id, version: $v, accept: false }) { accepted } }",
            json!({ "id": lead["id"], "v": lead["version"] })).await;
        assert_eq!(no_reason.codes(), ["BAD_USER_INPUT"]);
        let declined = ok(&app, Some(member), "mutation($id: ID!, $v: Int!) { respondToOpportunity(input: { opportunityId: $id, version: $v, accept: false, reason: \"No SIEM practice in Germany\" }) { accepted opportunity { id } } }",
            json!({ "id": lead["id"], "v": lead["version"] })).await;
        assert_eq!(declined["respondToOpportunity"], json!({ "accepted": false, "opportunity": null }));
        // Gone from Acme's list, back OPEN in IBM's queue, the reason on record.
        let after = ok(&app, Some(member), "{ company(partnerWorldId: \"PW-000001\") { opportunities(status: [PASSED]) { totalCount } } }", json!({})).await;
        assert_eq!(after["company"]["opportunities"]["totalCount"], 0);
        let ibm = ok(&app, None, "{ opportunities(first: 100, openOnly: true) { totalCount nodes { id status passedTo { name } history { event note } } } }", json!({})).await;
        let back = ibm["opportunities"]["nodes"].as_array().expect("queue").iter().find(|o| o["id"] == lead["id"]).expect("back in IBM's queue").clone();
        assert_eq!(back["status"], "OPEN");
        assert_eq!(back["passedTo"], Value::Null);
        let last = back["history"].as_array().and_then(|h| h.last().cloned()).expect("history");
        assert_eq!(last, json!({ "event": "DECLINED", "note": "No SIEM practice in Germany" }));
    }

    async fn ibm_verifies_a_partner_plan_and_records_points_and_the_level_follows(app) {
        // Globex (the demo's second company) submits a plan; IBM verifies it.
        let apa = "apa@globex.example";
        let q = "{ company(partnerWorldId: \"PW-000002\") { id version partnerWorldLevel partnerPlan { status approved validUntil } } }";
        let g = ok(&app, Some(apa), q, json!({})).await["company"].clone();
        let submitted = ok(&app, Some(apa), "mutation($id: ID!, $v: Int!) { submitPartnerPlan(input: { companyId: $id, version: $v, summary: \"Grow the storage practice in DACH\", validUntil: \"2027-12-31\" }) { company { version partnerPlan { status } } } }",
            json!({ "id": g["id"], "v": g["version"] })).await["submitPartnerPlan"]["company"].clone();
        assert_eq!(submitted["partnerPlan"]["status"], "SUBMITTED");
        let twice = app.as_user(apa, "mutation($id: ID!, $v: Int!) { submitPartnerPlan(input: { companyId: $id, version: $v, summary: \"Again\", validUntil: \"2027-12-31\" }) { company { id } } }",
            json!({ "id": g["id"], "v": submitted["version"] })).await;
        assert_eq!(twice.codes(), ["CONFLICT"]);
        let verified = ok(&app, None, "mutation($id: ID!, $v: Int!) { verifyPartnerPlan(input: { companyId: $id, version: $v, approve: true }) { company { version partnerPlan { status approved current validUntil } } } }",
            json!({ "id": g["id"], "v": submitted["version"] })).await["verifyPartnerPlan"]["company"].clone();
        assert_eq!(verified["partnerPlan"], json!({ "status": "VERIFIED", "approved": true, "current": true, "validUntil": "2027-12-31" }));
        // Points IBM records count toward the level, with their dates, until they expire.
        let points = ok(&app, None, "mutation($id: ID!) { recordAttainment(input: { companyId: $id, kind: CUSTOMER_SATISFACTION, description: \"Customer satisfaction 2026\", points: 5, earnedOn: \"2026-11-15\", expiresOn: \"2027-11-15\" }) { company { levelExplanation { counted { kind description points } } } } }",
            json!({ "id": g["id"] })).await;
        let criteria = points["recordAttainment"]["company"]["levelExplanation"]["counted"].as_array().expect("criteria").clone();
        assert!(criteria.contains(&json!({ "kind": "CUSTOMER_SATISFACTION", "description": "Customer satisfaction 2026", "points": 5 })), "{criteria:?}");
        let bad = app.graphql("mutation($id: ID!) { recordAttainment(input: { companyId: $id, kind: SKILL, description: \"x\", points: 5, earnedOn: \"2026-11-15\" }) { company { id } } }",
            json!({ "id": g["id"] }), Some(&app.ibm_channel_token())).await;
        assert_eq!(bad.codes(), ["BAD_USER_INPUT"]);
        // Only IBM sets these; the APA cannot verify its own plan.
        let own = app.as_user(apa, "mutation($id: ID!, $v: Int!) { setGoodStanding(input: { companyId: $id, version: $v, value: true }) { company { id } } }",
            json!({ "id": g["id"], "v": verified["version"] })).await;
        assert_eq!(own.codes(), ["FORBIDDEN"]);
    }

    async fn ibm_validates_a_nominated_solution_and_the_directory_shows_it(app) {
        let queue = ok(&app, None, "{ nominationQueue { totalCount nodes { id version status solution { id name } } } }", json!({})).await;
        assert_eq!(queue["nominationQueue"]["totalCount"], 1);
        let n = queue["nominationQueue"]["nodes"][0].clone();
        let name = n["solution"]["name"].clone();
        let declined_without_reason = app.graphql("mutation($id: ID!, $v: Int!) { decideNomination(input: { nominationId: $id, version: $v, validate: false }) { nomination { status } } }",
            json!({ "id": n["id"], "v": n["version"] }), Some(&app.ibm_channel_token())).await;
        assert_eq!(declined_without_reason.codes(), ["BAD_USER_INPUT"]);
        let decided = ok(&app, None, "mutation($id: ID!, $v: Int!) { decideNomination(input: { nominationId: $id, version: $v, validate: true }) { nomination { status decidedAt } } }",
            json!({ "id": n["id"], "v": n["version"] })).await;
        assert_eq!(decided["decideNomination"]["nomination"]["status"], "VALIDATED");
        // Anyone finds it in the directory by the badge.
        let found = app.graphql("{ solutions(first: 50, filter: { technicallyValidated: true }) { nodes { name technicallyValidated } } }", json!({}), None).await;
        found.assert_no_errors();
        assert_eq!(found.data()["solutions"]["nodes"], json!([{ "name": name, "technicallyValidated": true }]));
        let queue = ok(&app, None, "{ nominationQueue { totalCount } }", json!({})).await;
        assert_eq!(queue["nominationQueue"]["totalCount"], 0);
    }
}

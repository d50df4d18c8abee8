//! Profile writes and the relationship application workflow: validation, versions,
//! audit, and the rules of each step.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

async fn acme(app: &TestApp) -> Value {
    let a = app
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { id version name employees(first: 20) { edges { node { id ibmId status version } } } relationshipApplications { id version status } } }",
            json!({}),
            Some(&app.ibm_channel_token()),
        )
        .await;
    a.assert_no_errors();
    a.data()["company"].clone()
}

fn person<'a>(company: &'a Value, ibm_id: &str) -> &'a Value {
    company["employees"]["edges"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["node"]["ibmId"] == ibm_id))
        .map(|e| &e["node"])
        .unwrap_or_else(|| panic!("{ibm_id} not among {company}"))
}

async fn audit_count(app: &TestApp, action: &str) -> usize {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entities::audit_log::Entity::find()
        .filter(entities::audit_log::Column::Action.eq(action))
        .count(&app.app.state.db)
        .await
        .expect("count") as usize
}

const UPDATE: &str = "mutation($id: ID!, $v: Int!, $name: String) { updateCompanyProfile(input: { companyId: $id, version: $v, name: $name }) { company { name version } } }";

on_both_backends! {
    async fn the_apa_updates_the_profile_and_a_stale_version_loses_nothing(app) {
        let c = acme(&app).await;
        let first = app.as_user("apa@acme.example", UPDATE, json!({ "id": c["id"], "v": c["version"], "name": "Acme Analytics AG" })).await;
        first.assert_no_errors();
        assert_eq!(first.data()["updateCompanyProfile"]["company"]["version"], c["version"].as_i64().unwrap_or(0) + 1);
        let stale = app.as_user("apa@acme.example", UPDATE, json!({ "id": c["id"], "v": c["version"], "name": "Overwritten" })).await;
        assert_eq!(stale.codes(), vec!["CONFLICT"]);
        assert_eq!(acme(&app).await["name"], "Acme Analytics AG");
        assert_eq!(audit_count(&app, "updateCompanyProfile").await, 1);
        // Read-your-writes for another caller too.
        let other = app.graphql("{ company(partnerWorldId: \"PW-000001\") { name } }", json!({}), None).await;
        assert_eq!(other.data()["company"]["name"], "Acme Analytics AG");
    }

    async fn concurrent_updates_from_one_version_have_exactly_one_winner(app) {
        let c = acme(&app).await;
        let token = app.token("apa@acme.example");
        let answers = futures::future::join_all((0..8).map(|i| {
            app.graphql(UPDATE, json!({ "id": c["id"], "v": c["version"], "name": format!("Acme {i}") }), Some(&token))
        }))
        .await;
        let winners: Vec<&tests::Answer> = answers.iter().filter(|a| a.body.get("errors").is_none()).collect();
        assert_eq!(winners.len(), 1);
        assert!(answers.iter().filter(|a| a.body.get("errors").is_some()).all(|a| a.codes() == vec!["CONFLICT"]));
        let name = winners[0].data()["updateCompanyProfile"]["company"]["name"].clone();
        assert_eq!(acme(&app).await["name"], name);
    }

    async fn bad_profile_input_names_the_field(app) {
        let c = acme(&app).await;
        for (name, why) in [("", "empty"), ("   ", "blank"), (&"x".repeat(201) as &str, "too long"), ("Evil\u{0007}Bell", "control character")] {
            let a = app.as_user("apa@acme.example", UPDATE, json!({ "id": c["id"], "v": c["version"], "name": name })).await;
            assert_eq!(a.codes(), vec!["BAD_USER_INPUT"], "{why}");
            assert_eq!(a.body["errors"][0]["extensions"]["field"], "input.name", "{why}");
        }
        let nothing = app.as_user("apa@acme.example", UPDATE, json!({ "id": c["id"], "v": c["version"], "name": null })).await;
        assert_eq!(nothing.codes(), vec!["BAD_USER_INPUT"]);
        let wrong_kind = app.as_user("apa@acme.example", UPDATE, json!({ "id": person(&c, "apa@acme.example")["id"], "v": 1, "name": "X" })).await;
        assert_eq!(wrong_kind.codes(), vec!["BAD_USER_INPUT"]);
    }

    async fn the_prc_approves_a_pending_person_who_then_sees_colleagues(app) {
        let c = acme(&app).await;
        let pending = person(&c, "pending@acme.example").clone();
        assert_eq!(pending["status"], "PENDING");
        let employees = "{ company(partnerWorldId: \"PW-000001\") { employees(first: 1) { edges { cursor } } } }";
        assert_eq!(app.as_user("pending@acme.example", employees, json!({})).await.codes(), vec!["FORBIDDEN"]);
        let review = "mutation($id: ID!, $v: Int!, $d: ReviewDecision!) { reviewPerson(input: { personId: $id, version: $v, decision: $d }) { person { status } } }";
        let apa_try = app.as_user("apa@acme.example", review, json!({ "id": pending["id"], "v": pending["version"], "d": "APPROVE" })).await;
        assert_eq!(apa_try.codes(), vec!["FORBIDDEN"], "approving people is the PRC's");
        let ok = app.as_user("prc@acme.example", review, json!({ "id": pending["id"], "v": pending["version"], "d": "APPROVE" })).await;
        ok.assert_no_errors();
        assert_eq!(ok.data()["reviewPerson"]["person"]["status"], "ACTIVE");
        // Roles were forgotten at commit: the new member's standing applies at once.
        app.as_user("pending@acme.example", employees, json!({})).await.assert_no_errors();
        let again = app.as_user("prc@acme.example", review, json!({ "id": pending["id"], "v": pending["version"].as_i64().unwrap_or(0) + 1, "d": "REJECT" })).await;
        assert_eq!(again.codes(), vec!["CONFLICT"]);
    }

    async fn candidate_ids_are_unique_across_people(app) {
        let c = acme(&app).await;
        let add = "mutation($id: ID!, $cid: String!) { addCandidateId(input: { personId: $id, candidateId: $cid, track: TECHNICAL }) { person { candidateIds } } }";
        let member = person(&c, "member@acme.example")["id"].clone();
        let a = app.as_user("apa@acme.example", add, json!({ "id": member, "cid": "ibm1234567" })).await;
        a.assert_no_errors();
        assert!(a.data()["addCandidateId"]["person"]["candidateIds"].as_array().expect("ids").contains(&json!("IBM1234567")));
        let prc = person(&c, "prc@acme.example")["id"].clone();
        let dup = app.as_user("apa@acme.example", add, json!({ "id": prc, "cid": "IBM1234567" })).await;
        assert_eq!(dup.codes(), vec!["CONFLICT"]);
        let bad = app.as_user("apa@acme.example", add, json!({ "id": prc, "cid": "' OR 1=1" })).await;
        assert_eq!(bad.codes(), vec!["BAD_USER_INPUT"]);
    }

    async fn a_relationship_application_goes_from_draft_to_authorizations(app) {
        let c = acme(&app).await;
        let apa = "apa@acme.example";
        let created = app.as_user(apa, "mutation($id: ID!) { createRelationshipApplication(input: { companyId: $id, kind: SOFTWARE_RESELLER }) { application { id version status missingSteps } } }", json!({ "id": c["id"] })).await;
        created.assert_no_errors();
        let draft = created.data()["createRelationshipApplication"]["application"].clone();
        assert_eq!(draft["status"], "DRAFT");
        // Registration documents are not among them: IBM has not asked for any.
        assert_eq!(draft["missingSteps"].as_array().map(Vec::len), Some(6), "{draft}");

        let submit = "mutation($id: ID!, $v: Int!) { submitRelationshipApplication(input: { applicationId: $id, version: $v }) { application { status version } } }";
        let refused = app.as_user(apa, submit, json!({ "id": draft["id"], "v": draft["version"] })).await;
        assert_eq!(refused.codes(), vec!["BAD_USER_INPUT"]);
        let missing = refused.body["errors"][0]["extensions"]["missing"].as_array().expect("missing list").clone();
        assert_eq!(missing.len(), 6, "{missing:?}");
        assert!(missing.contains(&json!("register sales people for Integrity Training")));

        // "A preferred VAD (a DISTRIBUTOR company) is required when the application
        // includes CVR Software Sales / Sales Assist": SECURITY is software, so IBM_COM is
        // not enough.
        let member = person(&c, "member@acme.example")["id"].clone();
        let apa_id = person(&c, apa)["id"].clone();
        let update = app.as_user(apa, "mutation($id: ID!, $v: Int!, $k: [ID!], $t: [ID!]) { updateRelationshipApplication(input: { applicationId: $id, version: $v,
            productGroups: [{ program: CVR, productGroup: \"SECURITY\", distribution: OPEN, countries: [\"DE\"] }, { program: CVR, productGroup: \"STORAGE\" }, { program: SVI, productGroup: \"AUTOMATION\" }],
            vadChoice: IBM_COM, agreementAccepted: true, complianceCompleted: true, keyContactIds: $k, traineeIds: $t }) { application { version missingSteps productGroups { program productGroup distribution countries } } } }",
            json!({ "id": draft["id"], "v": draft["version"], "k": [apa_id], "t": [member] })).await;
        update.assert_no_errors();
        let updated = update.data()["updateRelationshipApplication"]["application"].clone();
        assert_eq!(updated["missingSteps"], json!(["choose a Value Added Distributor (a DISTRIBUTOR company): required with CVR Software Sales / Sales Assist"]));
        assert_eq!(updated["productGroups"], json!([
            { "program": "SVI", "productGroup": "AUTOMATION", "distribution": null, "countries": null },
            { "program": "CVR", "productGroup": "SECURITY", "distribution": "OPEN", "countries": ["DE"] },
            { "program": "CVR", "productGroup": "STORAGE", "distribution": null, "countries": null },
        ]));
        let distributor = app.graphql("{ companies(first: 1, filter: { partnerType: DISTRIBUTOR }) { nodes { id } } }", json!({}), None).await.data()["companies"]["nodes"][0]["id"].clone();
        let vad = app.as_user(apa, "mutation($id: ID!, $v: Int!, $d: ID!) { updateRelationshipApplication(input: { applicationId: $id, version: $v, vadChoice: DISTRIBUTOR, vadCompanyId: $d }) { application { version missingSteps } } }",
            json!({ "id": draft["id"], "v": updated["version"], "d": distributor })).await;
        vad.assert_no_errors();
        let ready = vad.data()["updateRelationshipApplication"]["application"].clone();
        assert_eq!(ready["missingSteps"], json!([]));
        let submitted = app.as_user(apa, submit, json!({ "id": draft["id"], "v": ready["version"] })).await;
        submitted.assert_no_errors();

        // IBM asks for the registration documents: back to DRAFT until they are there.
        let ibm = app.ibm_channel_token();
        let asked = app.graphql("mutation($id: ID!, $v: Int!) { requestRegistrationDocuments(input: { applicationId: $id, version: $v, note: \"Tax registration for Germany\" }) { application { status version documentsRequested missingSteps } } }",
            json!({ "id": draft["id"], "v": submitted.data()["submitRelationshipApplication"]["application"]["version"] }), Some(&ibm)).await;
        asked.assert_no_errors();
        let asked = asked.data()["requestRegistrationDocuments"]["application"].clone();
        assert_eq!((asked["status"].clone(), asked["documentsRequested"].clone()), (json!("DRAFT"), json!(true)));
        assert_eq!(asked["missingSteps"], json!(["upload the registration documents IBM requested"]));
        let doc = app.as_user(apa, "mutation($id: ID!) { addApplicationDocument(input: { applicationId: $id, fileName: \"registration.pdf\", contentType: \"application/pdf\", sizeBytes: 12345, sha256: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" }) { application { version missingSteps } } }", json!({ "id": draft["id"] })).await;
        doc.assert_no_errors();
        let with_doc = doc.data()["addApplicationDocument"]["application"].clone();
        assert_eq!(with_doc["missingSteps"], json!([]));
        app.as_user(apa, submit, json!({ "id": draft["id"], "v": with_doc["version"] })).await.assert_no_errors();

        // The PRC may not decide; IBM_CHANNEL approves. "Approval grants resale
        // authorizations for CVR product groups only; SVI groups are incentives", with the
        // distribution and countries the application states.
        let decide = "mutation($id: ID!, $v: Int!) { decideRelationshipApplication(input: { applicationId: $id, version: $v, approveWith: AUTHORIZED }) { application { status } } }";
        let apps = acme(&app).await["relationshipApplications"].clone();
        let current = apps.as_array().expect("apps").iter().find(|a| a["id"] == draft["id"]).expect("app").clone();
        assert_eq!(current["status"], "SUBMITTED");
        assert_eq!(app.as_user("prc@acme.example", decide, json!({ "id": draft["id"], "v": current["version"] })).await.codes(), vec!["FORBIDDEN"]);
        let before = app.graphql("{ company(partnerWorldId: \"PW-000001\") { authorizations { productGroup country distribution } } }", json!({}), None).await.data()["company"]["authorizations"].clone();
        let approved = app.graphql(decide, json!({ "id": draft["id"], "v": current["version"] }), Some(&ibm)).await;
        approved.assert_no_errors();
        let auths = app.graphql("{ company(partnerWorldId: \"PW-000001\") { authorizations { productGroup country distribution } } }", json!({}), None).await;
        let list = auths.data()["company"]["authorizations"].as_array().expect("list").clone();
        assert!(list.contains(&json!({ "productGroup": "SECURITY", "country": "DE", "distribution": "OPEN" })), "{list:?}");
        for country in ["DE", "JP"] {
            assert!(list.contains(&json!({ "productGroup": "STORAGE", "country": country, "distribution": "AUTHORIZED" })), "{list:?}");
        }
        let was = |g: &str, c: &str| before.as_array().is_some_and(|b| b.iter().any(|a| a["productGroup"] == g && a["country"] == c));
        assert!(was("SECURITY", "JP") || !list.iter().any(|a| a["productGroup"] == "SECURITY" && a["country"] == "JP"), "SECURITY was asked for DE only: {list:?}");
        assert!(was("AUTOMATION", "DE") || !list.iter().any(|a| a["productGroup"] == "AUTOMATION"), "SVI groups grant no authorization: {list:?}");
        assert_eq!(audit_count(&app, "approveRelationshipApplication").await, 1);
    }

    /// "Otherwise the choice is IBM_COM or DISTRIBUTOR_NOT_LISTED": without CVR software, a
    /// distributor is not the choice.
    async fn without_cvr_software_the_vad_is_ibm_com_or_distributor_not_listed(app) {
        let c = acme(&app).await;
        let apa = "apa@acme.example";
        let created = app.as_user(apa, "mutation($id: ID!) { createRelationshipApplication(input: { companyId: $id, kind: HARDWARE_RESELLER }) { application { id version } } }", json!({ "id": c["id"] })).await;
        created.assert_no_errors();
        let draft = created.data()["createRelationshipApplication"]["application"].clone();
        let distributor = app.graphql("{ companies(first: 1, filter: { partnerType: DISTRIBUTOR }) { nodes { id } } }", json!({}), None).await.data()["companies"]["nodes"][0]["id"].clone();
        let steps = |choice: &str| format!("mutation($id: ID!, $v: Int!, $d: ID) {{ updateRelationshipApplication(input: {{ applicationId: $id, version: $v, productGroups: [{{ program: CVR, productGroup: \"POWER\" }}], vadChoice: {choice}, vadCompanyId: $d }}) {{ application {{ version missingSteps }} }} }}");
        let a = app.as_user(apa, &steps("DISTRIBUTOR"), json!({ "id": draft["id"], "v": draft["version"], "d": distributor })).await;
        a.assert_no_errors();
        let a = a.data()["updateRelationshipApplication"]["application"].clone();
        assert!(a["missingSteps"].as_array().expect("steps").contains(&json!("a Value Added Distributor is chosen only with CVR Software Sales / Sales Assist: choose IBM_COM or DISTRIBUTOR_NOT_LISTED")), "{a}");
        let b = app.as_user(apa, &steps("DISTRIBUTOR_NOT_LISTED"), json!({ "id": draft["id"], "v": a["version"], "d": null })).await;
        b.assert_no_errors();
        let b = b.data()["updateRelationshipApplication"]["application"].clone();
        assert!(!b["missingSteps"].as_array().expect("steps").iter().any(|s| s.as_str().is_some_and(|s| s.contains("Distributor") || s.contains("VAD"))), "{b}");
    }

    async fn only_the_apa_at_headquarters_may_draft_and_people_must_belong_to_the_company(app) {
        let c = acme(&app).await;
        let create = "mutation($id: ID!) { createRelationshipApplication(input: { companyId: $id, kind: SUPPORT_PROVIDER }) { application { id version } } }";
        assert_eq!(app.as_user("apa@globex.example", create, json!({ "id": c["id"] })).await.codes(), vec!["FORBIDDEN"]);
        assert_eq!(app.as_user("prc@acme.example", create, json!({ "id": c["id"] })).await.codes(), vec!["FORBIDDEN"]);
        let a = app.as_user("apa@acme.example", create, json!({ "id": c["id"] })).await;
        a.assert_no_errors();
        let draft = a.data()["createRelationshipApplication"]["application"].clone();
        let globex = app.graphql("{ company(partnerWorldId: \"PW-000002\") { employees(first: 1) { edges { node { id } } } } }", json!({}), Some(&app.ibm_channel_token())).await;
        let outsider = globex.data()["company"]["employees"]["edges"][0]["node"]["id"].clone();
        let update = app.as_user("apa@acme.example", "mutation($id: ID!, $v: Int!, $k: [ID!]) { updateRelationshipApplication(input: { applicationId: $id, version: $v, keyContactIds: $k }) { application { id } } }", json!({ "id": draft["id"], "v": draft["version"], "k": [outsider] })).await;
        assert_eq!(update.codes(), vec!["BAD_USER_INPUT"]);
        assert_eq!(update.body["errors"][0]["extensions"]["field"], "input.keyContactIds");
        let vad = app.as_user("apa@acme.example", "mutation($id: ID!, $v: Int!, $c: ID!) { updateRelationshipApplication(input: { applicationId: $id, version: $v, vadChoice: DISTRIBUTOR, vadCompanyId: $c }) { application { id } } }", json!({ "id": draft["id"], "v": draft["version"], "c": c["id"] })).await;
        assert_eq!(vad.codes(), vec!["BAD_USER_INPUT"], "Acme is no distributor");
    }
}

//! What partners do with each other and with IBM beyond their own profile (domain.md §2,
//! §4, §5, §8), on both engines: community owners decline requests and remove members,
//! search and `myCommunities`; a company added to a value net confirms before it shows;
//! a CVR participant's Technical Advocate, granted by IBM only when the requirements hold.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

async fn ok(app: &TestApp, who: &str, query: &str, variables: Value) -> Value {
    let a = app.as_user(who, query, variables).await;
    a.assert_no_errors();
    a.data().clone()
}

async fn person_id(app: &TestApp, pw: &str, ibm_id: &str) -> Value {
    let a = app
        .graphql(
            "query($pw: String!) { company(partnerWorldId: $pw) { employees(first: 20) { nodes { id ibmId } } } }",
            json!({ "pw": pw }),
            Some(&app.ibm_channel_token()),
        )
        .await;
    a.assert_no_errors();
    a.data()["company"]["employees"]["nodes"]
        .as_array()
        .expect("people")
        .iter()
        .find(|p| p["ibmId"] == ibm_id)
        .expect("the person")["id"]
        .clone()
}

on_both_backends! {
    async fn community_owners_decline_requests_and_remove_members(app) {
        let owner = "apa@acme.example";
        let create = "mutation($s: String!, $v: CommunityVisibility!) { createCommunity(input: { slug: $s, name: $s, description: \"Partners who build on Power\", visibility: $v }) { community { id } } }";
        let private = ok(&app, owner, create, json!({ "s": "power-builders", "v": "PRIVATE" })).await["createCommunity"]["community"]["id"].clone();
        let public = ok(&app, owner, create, json!({ "s": "power-users", "v": "PUBLIC" })).await["createCommunity"]["community"]["id"].clone();
        let join = "mutation($id: ID!) { joinCommunity(communityId: $id) { membership { status } } }";
        assert_eq!(ok(&app, "apa@globex.example", join, json!({ "id": private })).await["joinCommunity"]["membership"]["status"], "PENDING");
        assert_eq!(ok(&app, "apa@globex.example", join, json!({ "id": public })).await["joinCommunity"]["membership"]["status"], "ACTIVE");
        let globex_apa = person_id(&app, "PW-000002", "apa@globex.example").await;

        // Search and myCommunities.
        let found = ok(&app, "apa@globex.example", "{ communities(first: 10, search: \"POWER-\") { nodes { name } } }", json!({})).await;
        assert_eq!(found["communities"]["nodes"], json!([{ "name": "power-builders" }, { "name": "power-users" }]));
        let mine = ok(&app, "apa@globex.example", "{ myCommunities(first: 50) { nodes { name myMembership { status } } } }", json!({})).await;
        let mine: Vec<Value> = mine["myCommunities"]["nodes"].as_array().expect("mine").iter().filter(|c| c["name"].as_str().is_some_and(|n| n.starts_with("power-"))).cloned().collect();
        assert_eq!(mine, vec![
            json!({ "name": "power-builders", "myMembership": { "status": "PENDING" } }),
            json!({ "name": "power-users", "myMembership": { "status": "ACTIVE" } }),
        ]);
        let anonymous = app.graphql("{ myCommunities { nodes { name } } }", json!({}), None).await;
        assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);

        // Only an owner moderates; a request is declined, a member removed.
        let remove = "mutation($c: ID!, $p: ID!) { removeCommunityMember(input: { communityId: $c, personId: $p, reason: \"Power partners only\" }) { was } }";
        let by_member = app.as_user("apa@globex.example", remove, json!({ "c": public, "p": globex_apa })).await;
        assert_eq!(by_member.codes(), ["FORBIDDEN"]);
        assert_eq!(ok(&app, owner, remove, json!({ "c": private, "p": globex_apa })).await["removeCommunityMember"]["was"], "PENDING");
        assert_eq!(ok(&app, owner, remove, json!({ "c": public, "p": globex_apa })).await["removeCommunityMember"]["was"], "ACTIVE");
        let again = app.as_user(owner, remove, json!({ "c": public, "p": globex_apa })).await;
        assert_eq!(again.codes(), ["NOT_FOUND"]);
        // An owner is not removed (the community keeps its owners).
        let acme_apa = person_id(&app, "PW-000001", owner).await;
        let self_removal = app.as_user(owner, remove, json!({ "c": public, "p": acme_apa })).await;
        assert_eq!(self_removal.codes(), ["CONFLICT"]);
    }

    async fn a_company_added_to_a_value_net_confirms_before_it_shows(app) {
        let ids = app.graphql("{ a: company(partnerWorldId: \"PW-000001\") { id } g: company(partnerWorldId: \"PW-000002\") { id } }", json!({}), None).await;
        let (acme, globex) = (ids.data()["a"]["id"].clone(), ids.data()["g"]["id"].clone());
        let net = ok(&app, "apa@acme.example", "mutation($c: ID!, $m: [ID!]!) { registerValueNet(input: { companyId: $c, name: \"Retail analytics net\", memberCompanyIds: $m }) { valueNet { id members { partnerWorldId } } } }",
            json!({ "c": acme, "m": [globex] })).await["registerValueNet"]["valueNet"].clone();
        // Until Globex confirms, only Acme shows.
        assert_eq!(net["members"], json!([{ "partnerWorldId": "PW-000001" }]));
        let invitations = "query($c: ID!) { company(id: $c) { valueNets { id } valueNetInvitations { id name } } }";
        let g = ok(&app, "apa@globex.example", invitations, json!({ "c": globex })).await;
        assert_eq!(g["company"]["valueNetInvitations"], json!([{ "id": net["id"], "name": "Retail analytics net" }]));
        assert!(!g["company"]["valueNets"].as_array().expect("nets").iter().any(|n| n["id"] == net["id"]));
        // Only Globex's APA answers for Globex.
        let confirm = "mutation($n: ID!, $c: ID!, $a: Boolean!) { confirmValueNetMembership(input: { valueNetId: $n, companyId: $c, accept: $a }) { valueNet { members { partnerWorldId } } } }";
        assert_eq!(app.as_user("apa@acme.example", confirm, json!({ "n": net["id"], "c": globex, "a": true })).await.codes(), ["FORBIDDEN"]);
        let done = ok(&app, "apa@globex.example", confirm, json!({ "n": net["id"], "c": globex, "a": true })).await;
        assert_eq!(done["confirmValueNetMembership"]["valueNet"]["members"], json!([{ "partnerWorldId": "PW-000001" }, { "partnerWorldId": "PW-000002" }]));
        assert_eq!(app.as_user("apa@globex.example", confirm, json!({ "n": net["id"], "c": globex, "a": false })).await.codes(), ["CONFLICT"]);
        let g = ok(&app, "apa@globex.example", invitations, json!({ "c": globex })).await;
        assert_eq!(g["company"]["valueNetInvitations"], json!([]));
        assert!(g["company"]["valueNets"].as_array().expect("nets").iter().any(|n| n["id"] == net["id"]));
    }

    async fn ibm_grants_a_technical_advocate_only_when_the_requirements_are_met(app) {
        let ibm = app.ibm_channel_token();
        // The demo's request: Acme asked for member@acme.example.
        let queue = app.graphql("{ technicalAdvocateQueue { totalCount nodes { id version advocate { ibmId } company { partnerWorldId } } } }", json!({}), Some(&ibm)).await;
        queue.assert_no_errors();
        let q = &queue.data()["technicalAdvocateQueue"];
        assert_eq!(q["totalCount"], 1);
        let r = q["nodes"][0].clone();
        assert_eq!(r["advocate"]["ibmId"], "member@acme.example");
        // A second request while one waits is refused.
        let acme = app.graphql("{ company(partnerWorldId: \"PW-000001\") { id } }", json!({}), None).await.data()["company"]["id"].clone();
        let prc = person_id(&app, "PW-000001", "prc@acme.example").await;
        let ask = "mutation($c: ID!, $p: ID!) { requestTechnicalAdvocate(input: { companyId: $c, personId: $p }) { request { status } } }";
        assert_eq!(app.as_user("apa@acme.example", ask, json!({ "c": acme, "p": prc })).await.codes(), ["CONFLICT"]);
        assert_eq!(app.as_user("prc@acme.example", ask, json!({ "c": acme, "p": prc })).await.codes(), ["FORBIDDEN"]);

        // Without a current TECHNICAL skill the grant is refused with what is missing.
        // (The fixture takes the demo member's technical skills away first.)
        use sea_orm::ConnectionTrait;
        app.app.state.db.execute_unprepared(
            "DELETE FROM certifications WHERE person_id = (SELECT id FROM people WHERE ibm_id = 'member@acme.example') \
             AND name IN (SELECT name FROM skill_points WHERE track = 'TECHNICAL')",
        ).await.expect("fixture");
        let decide = "mutation($id: ID!, $v: Int!, $a: Boolean!, $r: String) { decideTechnicalAdvocate(input: { requestId: $id, version: $v, approve: $a, reason: $r }) { request { status decisionReason } } }";
        let refused = app.graphql(decide, json!({ "id": r["id"], "v": r["version"], "a": true }), Some(&ibm)).await;
        assert_eq!(refused.codes(), ["BAD_USER_INPUT"], "{}", refused.body);
        assert_eq!(refused.body["errors"][0]["extensions"]["missing"], json!(["a current TECHNICAL skill of the points table (a technical certification or mastery)"]));
        let declined_without_reason = app.graphql(decide, json!({ "id": r["id"], "v": r["version"], "a": false }), Some(&ibm)).await;
        assert_eq!(declined_without_reason.codes(), ["BAD_USER_INPUT"]);
        // The vendor feed brings one; now it is granted.
        let member = app.as_user("member@acme.example", "{ me { candidates { candidateId } } }", json!({})).await;
        let candidate = member.data()["me"]["candidates"][0]["candidateId"].clone();
        let feed = app.graphql("mutation($c: String!) { importCertifications(input: { rows: [{ candidateId: $c, name: \"IBM Certified Technical - Power\", kind: CERTIFICATION, earnedOn: \"2026-11-20\" }] }) { added } }", json!({ "c": candidate }), Some(&ibm)).await;
        feed.assert_no_errors();
        assert_eq!(feed.data()["importCertifications"]["added"], 1);
        let granted = app.graphql(decide, json!({ "id": r["id"], "v": r["version"], "a": true }), Some(&ibm)).await;
        granted.assert_no_errors();
        assert_eq!(granted.data()["decideTechnicalAdvocate"]["request"]["status"], "APPROVED");
        // The company sees it; an outsider cannot.
        let own = ok(&app, "apa@acme.example", "{ company(partnerWorldId: \"PW-000001\") { technicalAdvocateRequests { status advocate { ibmId } } } }", json!({})).await;
        assert_eq!(own["company"]["technicalAdvocateRequests"], json!([{ "status": "APPROVED", "advocate": { "ibmId": "member@acme.example" } }]));
        let outsider = app.as_user("apa@globex.example", "{ company(partnerWorldId: \"PW-000001\") { technicalAdvocateRequests { status } } }", json!({})).await;
        assert_eq!(outsider.codes(), ["FORBIDDEN"]);
    }
}

mod primary_contact {
    use serde_json::json;
    use tests::on_both_backends;

    on_both_backends! {
        /// "A secondary contact with account management may manage users, requests and
        /// privileges, but never take or hand over the primary role"; "'I believe I am
        /// the primary contact' requests go to IBM (not to the current primary), and IBM
        /// can appoint a primary for a site that has none."
        async fn the_primary_role_moves_only_by_the_primary_or_by_ibm(app) {
            let primary = "site.primary@acme.example";
            let site = app.as_user(primary, "{ site(siteNumber: \"S-1000001\") { id version users { id ibmId role } accessRequests { requesterIbmId } } }", json!({})).await;
            site.assert_no_errors();
            let s = site.data()["site"].clone();
            // The claim waiting for IBM is not in the current primary's list.
            assert!(!s["accessRequests"].as_array().expect("requests").iter().any(|r| r["requesterIbmId"] == "dana.lee@northwind.example"), "{s}");
            // A secondary contact with account management manages users but cannot hand
            // the primary role over (nor take it).
            let added = app.as_user(primary, "mutation($s: ID!) { addSiteUser(input: { siteId: $s, ibmId: \"second@acme.example\", name: \"Second\", role: SECONDARY_CONTACT, accountManagement: true }) { siteUser { id } } }", json!({ "s": s["id"] })).await;
            added.assert_no_errors();
            let second = added.data()["addSiteUser"]["siteUser"]["id"].clone();
            let s2 = app.as_user(primary, "{ site(siteNumber: \"S-1000001\") { version } }", json!({})).await.data()["site"].clone();
            let transfer = "mutation($s: ID!, $v: Int!, $u: ID!) { transferPrimaryContact(input: { siteId: $s, version: $v, toSiteUserId: $u }) { site { id } } }";
            let taken = app.as_user("second@acme.example", transfer, json!({ "s": s["id"], "v": s2["version"], "u": second })).await;
            assert_eq!(taken.codes(), ["FORBIDDEN"], "{}", taken.body);
            let users = app.as_user("second@acme.example", "{ site(siteNumber: \"S-1000001\") { users { ibmId } } }", json!({})).await;
            users.assert_no_errors();

            // IBM decides the claim: the requester becomes primary, the former primary a
            // secondary contact with account management.
            let ibm = app.ibm_channel_token();
            let queue = app.graphql("{ primaryContactRequests(first: 100) { totalCount nodes { id version requesterIbmId } } }", json!({}), Some(&ibm)).await;
            queue.assert_no_errors();
            let claim = queue.data()["primaryContactRequests"]["nodes"].as_array().expect("claims").iter()
                .find(|c| c["requesterIbmId"] == "dana.lee@northwind.example").expect("the demo's claim").clone();
            let by_primary = app.as_user(primary, "mutation($id: ID!, $v: Int!) { approveAccessRequest(input: { requestId: $id, version: $v, role: USER }) { accessRequest { status } } }", json!({ "id": claim["id"], "v": claim["version"] })).await;
            assert_eq!(by_primary.codes(), ["NOT_FOUND"], "the current primary does not see the claim: {}", by_primary.body);
            let approved = app.graphql("mutation($id: ID!, $v: Int!) { approveAccessRequest(input: { requestId: $id, version: $v, role: USER }) { accessRequest { status } } }", json!({ "id": claim["id"], "v": claim["version"] }), Some(&ibm)).await;
            approved.assert_no_errors();
            let after = app.graphql("{ site(siteNumber: \"S-1000001\") { id version users { id ibmId role accountManagement } } }", json!({}), Some(&ibm)).await;
            let users = after.data()["site"]["users"].as_array().expect("users").clone();
            let role = |who: &str| users.iter().find(|u| u["ibmId"] == who).map(|u| (u["role"].clone(), u["accountManagement"].clone()));
            assert_eq!(role("dana.lee@northwind.example"), Some((json!("SITE_PRIMARY_CONTACT"), json!(false))));
            assert_eq!(role(primary), Some((json!("SECONDARY_CONTACT"), json!(true))));

            // A site with a primary gets no appointment; IBM appoints one where there is none.
            let site = after.data()["site"].clone();
            let appoint = "mutation($s: ID!, $v: Int!, $u: ID!) { appointSitePrimary(input: { siteId: $s, version: $v, siteUserId: $u }) { site { users { ibmId role } } } }";
            let second_id = users.iter().find(|u| u["ibmId"] == "second@acme.example").expect("second")["id"].clone();
            let has_one = app.graphql(appoint, json!({ "s": site["id"], "v": site["version"], "u": second_id }), Some(&ibm)).await;
            assert_eq!(has_one.codes(), ["CONFLICT"], "{}", has_one.body);
            use sea_orm::ConnectionTrait;
            app.app.state.db.execute_unprepared("UPDATE site_users SET role = 'SECONDARY_CONTACT' WHERE site_id = 1 AND role = 'SITE_PRIMARY_CONTACT'").await.expect("fixture: a site without a primary");
            let appointed = app.graphql(appoint, json!({ "s": site["id"], "v": site["version"], "u": second_id }), Some(&ibm)).await;
            appointed.assert_no_errors();
            let now = appointed.data()["appointSitePrimary"]["site"]["users"].as_array().expect("users").clone();
            assert!(now.contains(&json!({ "ibmId": "second@acme.example", "role": "SITE_PRIMARY_CONTACT" })), "{now:?}");
            assert_eq!(app.as_user(primary, appoint, json!({ "s": site["id"], "v": site["version"], "u": second_id })).await.codes(), ["FORBIDDEN"]);
        }
    }
}

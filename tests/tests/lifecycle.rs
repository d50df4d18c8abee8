//! The PartnerWorld lifecycle (domain.md §8), played as the roles would, end to end on both
//! engines: a company registers, an employee joins with the company token, the PRC
//! approves them, the APA hands roles on; each step's rule and its refusals.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

const REGISTER: &str = r#"mutation($name: String!, $types: [PartnerType!]!, $country: String!) {
  registerCompany(input: {
    name: $name, partnerTypes: $types, country: $country,
    headquarters: { name: "Initech HQ", addressLine: "4120 Freidrich Lane", city: "Austin", postalCode: "78744" },
    givenName: "Bill", familyName: "Lumbergh", jobTitle: "Vice President"
  }) { company { id partnerWorldId name partnerTypes partnerWorldLevel goodStanding headquarters { id name country } } }
}"#;

const JOIN: &str = r#"mutation($loc: ID!, $token: String!) {
  joinCompany(input: { locationId: $loc, companyToken: $token, givenName: "Peter", familyName: "Gibbons" }) {
    person { id givenName familyName status ibmId version }
  }
}"#;

const ROLE: &str = r#"mutation($id: ID!, $v: Int!, $role: CompanyRole!, $granted: Boolean!) {
  setCompanyRole(input: { personId: $id, version: $v, role: $role, granted: $granted }) { person { companyRoles version } }
}"#;

async fn register(app: &TestApp, who: &str) -> Value {
    let a = app
        .as_user(
            who,
            REGISTER,
            json!({ "name": "Initech", "types": ["RESELLER", "ISV", "RESELLER"], "country": "US" }),
        )
        .await;
    a.assert_no_errors();
    a.data()["registerCompany"]["company"].clone()
}

async fn people(app: &TestApp, who: &str, pw: &str, status: Option<&str>) -> Vec<Value> {
    let a = app
        .as_user(
            who,
            "query($pw: String!, $s: PersonStatus) { company(partnerWorldId: $pw) { employees(first: 50, status: $s) { edges { node { id ibmId status version companyRoles } } } } }",
            json!({ "pw": pw, "s": status }),
        )
        .await;
    a.assert_no_errors();
    a.data()["company"]["employees"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn find<'a>(people: &'a [Value], ibm_id: &str) -> &'a Value {
    people
        .iter()
        .find(|p| p["ibmId"] == ibm_id)
        .unwrap_or_else(|| panic!("{ibm_id} not among {people:?}"))
}

on_both_backends! {
    async fn a_company_registers_an_employee_joins_and_the_prc_approves_them(app) {
        // Registration: the next partnerWorldId, MEMBER, the types once each, the
        // headquarters in the country given; the registrant is APA and the HQ's PRC. An
        // IBMid is an e-mail address: the case the token spells it in does not matter.
        let founder = "bill@initech.example";
        let company = register(&app, "Bill@Initech.example").await;
        let pw = company["partnerWorldId"].as_str().expect("pw").to_owned();
        assert!(pw.starts_with("PW-0000") && pw.len() == 9, "{pw}");
        assert_eq!(company["name"], "Initech");
        assert_eq!(company["partnerTypes"], json!(["ISV", "RESELLER"]));
        assert_eq!(company["partnerWorldLevel"], "MEMBER");
        assert_eq!(company["headquarters"]["country"], "US");
        let staff = people(&app, founder, &pw, None).await;
        assert_eq!(staff.len(), 1);
        assert_eq!(find(&staff, founder)["companyRoles"], json!(["APA", "PRC"]));
        assert_eq!(find(&staff, founder)["status"], "ACTIVE");
        // One company per person.
        let again = app.as_user(founder, REGISTER, json!({ "name": "Initrode", "types": ["ISV"], "country": "US" })).await;
        assert_eq!(again.codes(), ["CONFLICT"], "{}", again.body);

        // Anyone signed in sees who to ask for the token, by name only; anonymous nobody.
        let contacts = "query($pw: String!) { company(partnerWorldId: $pw) { contacts { givenName familyName roles } } }";
        let seen = app.as_user("apa@globex.example", contacts, json!({ "pw": pw })).await;
        assert_eq!(seen.body, json!({ "data": { "company": { "contacts": [
            { "givenName": "Bill", "familyName": "Lumbergh", "roles": ["APA", "PRC"] }
        ] } } }));
        let anonymous = app.graphql(contacts, json!({ "pw": pw }), None).await;
        assert_eq!(anonymous.codes(), ["FORBIDDEN"]);

        // The token, from the APA; a joiner with a wrong one learns nothing.
        let token = app
            .as_user(founder, "query($pw: String!) { company(partnerWorldId: $pw) { companyToken } }", json!({ "pw": pw }))
            .await;
        token.assert_no_errors();
        let token = token.data()["company"]["companyToken"].as_str().expect("token").to_owned();
        assert_eq!(token.len(), 32);
        let hq = company["headquarters"]["id"].clone();
        let joiner = "peter@initech.example";
        let wrong = app.as_user(joiner, JOIN, json!({ "loc": hq, "token": "0".repeat(32) })).await;
        assert_eq!(wrong.codes(), ["NOT_FOUND"]);
        let joined = app.as_user(joiner, JOIN, json!({ "loc": hq, "token": token })).await;
        joined.assert_no_errors();
        let me = &joined.data()["joinCompany"]["person"];
        assert_eq!(me["status"], "PENDING");
        assert_eq!(me["ibmId"], joiner, "the joiner reads their own profile in the payload");
        let twice = app.as_user(joiner, JOIN, json!({ "loc": hq, "token": token })).await;
        assert_eq!(twice.codes(), ["CONFLICT"]);
        // A pending person is not yet a member: the employee list stays closed to them.
        let closed = app
            .as_user(joiner, "query($pw: String!) { company(partnerWorldId: $pw) { employees(first: 5) { edges { node { id } } } } }", json!({ "pw": pw }))
            .await;
        assert_eq!(closed.codes(), ["FORBIDDEN"]);

        // The PRC's queue of pending people, and the approval.
        let pending = people(&app, founder, &pw, Some("PENDING")).await;
        assert_eq!(pending.len(), 1);
        let peter = find(&pending, joiner).clone();
        let approve = app
            .as_user(
                founder,
                "mutation($id: ID!, $v: Int!) { reviewPerson(input: { personId: $id, version: $v, decision: APPROVE }) { person { status } } }",
                json!({ "id": peter["id"], "v": peter["version"] }),
            )
            .await;
        approve.assert_no_errors();
        assert!(people(&app, founder, &pw, Some("PENDING")).await.is_empty());
        let colleagues = people(&app, joiner, &pw, None).await;
        assert_eq!(colleagues.len(), 2, "the approved member reads the employee list");
    }

    async fn the_apa_hands_roles_on_and_the_company_keeps_an_apa_and_each_location_its_prc(app) {
        let founder = "bill@initech.example";
        let company = register(&app, founder).await;
        let pw = company["partnerWorldId"].as_str().expect("pw").to_owned();
        let token = app
            .as_user(founder, "query($pw: String!) { company(partnerWorldId: $pw) { companyToken } }", json!({ "pw": pw }))
            .await
            .data()["company"]["companyToken"]
            .clone();
        let joiner = "peter@initech.example";
        app.as_user(joiner, JOIN, json!({ "loc": company["headquarters"]["id"], "token": token }))
            .await
            .assert_no_errors();
        let staff = people(&app, founder, &pw, None).await;
        let peter = find(&staff, joiner).clone();
        // Only an active person holds a role.
        let early = app.as_user(founder, ROLE, json!({ "id": peter["id"], "v": peter["version"], "role": "PRC", "granted": true })).await;
        assert_eq!(early.codes(), ["CONFLICT"]);
        app.as_user(
            founder,
            "mutation($id: ID!, $v: Int!) { reviewPerson(input: { personId: $id, version: $v, decision: APPROVE }) { person { status } } }",
            json!({ "id": peter["id"], "v": peter["version"] }),
        )
        .await
        .assert_no_errors();
        let staff = people(&app, founder, &pw, None).await;
        let (bill, peter) = (find(&staff, founder).clone(), find(&staff, joiner).clone());

        // The last APA stays; a PRC is handed over, never just removed.
        let last_apa = app.as_user(founder, ROLE, json!({ "id": bill["id"], "v": bill["version"], "role": "APA", "granted": false })).await;
        assert_eq!(last_apa.codes(), ["CONFLICT"]);
        let drop_prc = app.as_user(founder, ROLE, json!({ "id": bill["id"], "v": bill["version"], "role": "PRC", "granted": false })).await;
        assert_eq!(drop_prc.codes(), ["CONFLICT"]);
        let handover = app.as_user(founder, ROLE, json!({ "id": peter["id"], "v": peter["version"], "role": "PRC", "granted": true })).await;
        handover.assert_no_errors();
        let staff = people(&app, founder, &pw, None).await;
        assert_eq!(find(&staff, founder)["companyRoles"], json!(["APA"]));
        assert_eq!(find(&staff, joiner)["companyRoles"], json!(["PRC"]));
        // A second APA, then the first may step down.
        let peter = find(&staff, joiner).clone();
        app.as_user(founder, ROLE, json!({ "id": peter["id"], "v": peter["version"], "role": "APA", "granted": true }))
            .await
            .assert_no_errors();
        let bill = find(&people(&app, founder, &pw, None).await, founder).clone();
        let step_down = app.as_user(founder, ROLE, json!({ "id": bill["id"], "v": bill["version"], "role": "APA", "granted": false })).await;
        step_down.assert_no_errors();
        // Roles take effect at once: Bill is no longer APA, so he cannot assign any more.
        let after = app.as_user(founder, ROLE, json!({ "id": bill["id"], "v": 1, "role": "APA", "granted": true })).await;
        assert_eq!(after.codes(), ["FORBIDDEN"]);
        // Another company's APA cannot touch Initech's people (they are not theirs to see).
        let outsider = app.as_user("apa@globex.example", ROLE, json!({ "id": bill["id"], "v": 1, "role": "APA", "granted": true })).await;
        assert_eq!(outsider.codes(), ["NOT_FOUND"]);
    }

    async fn registration_input_is_checked_field_by_field(app) {
        for (name, types, country, field) in [
            ("", json!(["ISV"]), "US", "input.name"),
            ("Initech", json!([]), "US", "input.partnerTypes"),
            ("Initech", json!(["ISV"]), "usa", "input.country"),
        ] {
            let a = app.as_user("bill@initech.example", REGISTER, json!({ "name": name, "types": types, "country": country })).await;
            assert_eq!(a.codes(), ["BAD_USER_INPUT"], "{field}: {}", a.body);
            assert_eq!(a.body["errors"][0]["extensions"]["field"], field);
        }
        let anonymous = app.graphql(REGISTER, json!({ "name": "Initech", "types": ["ISV"], "country": "US" }), None).await;
        assert_eq!(anonymous.codes(), ["FORBIDDEN"]);
    }
}

//! The access matrix, cell by cell: every action of `auth::policy::MATRIX` probed as every
//! demo persona against their own and another company or site, on every path the action
//! has (direct, `node`, federation `_entities`, lists), asserting data where the matrix
//! allows and FORBIDDEN where it does not. A second test pins `MATRIX` to the table in
//! `docs/access-matrix.md` (the repository's copy of domain.md §7), so the declaration cannot drift from the requirement.

use api::auth::policy::{Action, Cell, MATRIX, Standing, rule};
use serde_json::{Value, json};
use std::collections::HashMap;
use strum::IntoEnumIterator;
use tests::{Answer, Backend, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Acme,
    Globex,
    AcmeSite,
    GlobexSite,
}

/// A demo caller and how they stand toward each target: written out here by hand,
/// independently of the gateway's own `Viewer::holds`.
struct Persona {
    label: &'static str,
    sub: Option<&'static str>,
    ibm_channel: bool,
    standings: fn(Target) -> &'static [Standing],
    /// Sites on which the persona has REPORTING.
    reporting: &'static [Target],
    /// Whether the persona works at the headquarters of the target company.
    at_headquarters: fn(Target) -> bool,
    /// Whether the persona is the Focal ID of the target company.
    focal: fn(Target) -> bool,
    /// Whether the persona has an active person profile: "self" toward it, in the probes
    /// of actions on the caller's own profile.
    profile: bool,
}

use Standing::{
    Anonymous as A, Apa, IbmChannel as Ibm, Member as M, Prc, SignedIn as SI, SitePrimary as SP,
};

fn personas() -> Vec<Persona> {
    vec![
        Persona {
            label: "anonymous",
            sub: None,
            ibm_channel: false,
            standings: |_| &[A],
            reporting: &[],
            focal: |_| false,
            profile: false,
            at_headquarters: |_| false,
        },
        Persona {
            label: "member of Acme, REPORTING on Acme's site",
            sub: Some("member@acme.example"),
            ibm_channel: false,
            standings: |t| match t {
                Target::Acme | Target::AcmeSite => &[A, SI, M],
                _ => &[A, SI],
            },
            reporting: &[Target::AcmeSite],
            focal: |t| t == Target::Acme,
            profile: true,
            at_headquarters: |_| false,
        },
        Persona {
            label: "PRC of Acme",
            sub: Some("prc@acme.example"),
            ibm_channel: false,
            standings: |t| match t {
                Target::Acme => &[A, SI, M, Prc],
                _ => &[A, SI],
            },
            reporting: &[],
            focal: |_| false,
            profile: true,
            at_headquarters: |t| t == Target::Acme,
        },
        Persona {
            label: "APA of Acme",
            sub: Some("apa@acme.example"),
            ibm_channel: false,
            standings: |t| match t {
                Target::Acme => &[A, SI, M, Apa],
                _ => &[A, SI],
            },
            reporting: &[],
            focal: |_| false,
            profile: true,
            at_headquarters: |t| t == Target::Acme,
        },
        Persona {
            label: "site primary of Acme's site (also a member of Acme)",
            sub: Some("site.primary@acme.example"),
            ibm_channel: false,
            standings: |t| match t {
                Target::Acme => &[A, SI, M],
                Target::AcmeSite => &[A, SI, M, SP],
                _ => &[A, SI],
            },
            reporting: &[Target::AcmeSite],
            focal: |_| false,
            profile: true,
            at_headquarters: |_| false,
        },
        Persona {
            label: "APA of Globex",
            sub: Some("apa@globex.example"),
            ibm_channel: false,
            standings: |t| match t {
                Target::Globex => &[A, SI, M, Apa],
                _ => &[A, SI],
            },
            reporting: &[],
            focal: |_| false,
            profile: true,
            at_headquarters: |t| t == Target::Globex,
        },
        Persona {
            label: "IBM channel",
            sub: Some("channel@ibm.example"),
            ibm_channel: true,
            standings: |_| &[A, SI, Ibm],
            reporting: &[],
            focal: |_| false,
            profile: false,
            at_headquarters: |_| false,
        },
    ]
}

/// What the matrix promises this persona for this action on this target.
fn expected(p: &Persona, action: Action, t: Target) -> bool {
    let rule = rule(action);
    let own = p.profile.then_some(Standing::Person);
    (p.standings)(t)
        .iter()
        .chain(own.iter())
        .any(|s| match rule.cell(*s) {
            Cell::No => false,
            Cell::Yes => true,
            Cell::AtHeadquarters => (p.at_headquarters)(t),
            Cell::WithReporting => p.reporting.contains(&t),
            Cell::AsFocalId => (p.focal)(t),
        })
}

/// Ids the probes need, read once as IBM_CHANNEL.
struct Fixture {
    ids: HashMap<Target, String>,
    numbers: HashMap<Target, String>,
    pw: HashMap<Target, String>,
    active_person: HashMap<Target, String>,
    application: HashMap<Target, String>,
    site_user: HashMap<Target, String>,
    headquarters: HashMap<Target, String>,
    opportunity: String,
    merge: String,
    /// A lead passed to the company, waiting for its answer.
    passed_lead: HashMap<Target, String>,
    nomination: String,
    country_enterprise: HashMap<Target, String>,
    /// Acme's revenue correction request waiting in IBM's queue.
    correction: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let ibm = app.ibm_channel_token();
    let mut f = Fixture {
        ids: HashMap::new(),
        numbers: HashMap::new(),
        pw: HashMap::new(),
        active_person: HashMap::new(),
        application: HashMap::new(),
        site_user: HashMap::new(),
        headquarters: HashMap::new(),
        opportunity: String::new(),
        merge: String::new(),
        passed_lead: HashMap::new(),
        nomination: String::new(),
        country_enterprise: HashMap::new(),
        correction: String::new(),
    };
    let c = app
        .graphql(
            "{ revenueCorrectionQueue(first: 1) { nodes { id } } }",
            json!({}),
            Some(&ibm),
        )
        .await;
    c.assert_no_errors();
    f.correction = c.data()["revenueCorrectionQueue"]["nodes"][0]["id"]
        .as_str()
        .expect("a revenue correction waiting in the demo")
        .to_owned();
    let n = app
        .graphql(
            "{ nominationQueue(first: 1) { nodes { id } } }",
            json!({}),
            Some(&ibm),
        )
        .await;
    n.assert_no_errors();
    f.nomination = n.data()["nominationQueue"]["nodes"][0]["id"]
        .as_str()
        .expect("a nomination waiting in the demo")
        .to_owned();
    let leads = app
        .graphql(
            "{ opportunities(first: 100) { nodes { id status passedTo { partnerWorldId } } } }",
            json!({}),
            Some(&ibm),
        )
        .await;
    leads.assert_no_errors();
    for (t, pw) in [(Target::Acme, "PW-000001"), (Target::Globex, "PW-000002")] {
        let lead = leads.data()["opportunities"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|o| o["status"] == "PASSED" && o["passedTo"]["partnerWorldId"] == pw)
            .expect("a lead waiting for the company's answer in the demo");
        f.passed_lead
            .insert(t, lead["id"].as_str().expect("id").to_owned());
    }
    let m = app
        .graphql(
            "{ candidateIdMergeRequests(first: 1) { edges { node { id } } } }",
            json!({}),
            Some(&ibm),
        )
        .await;
    m.assert_no_errors();
    f.merge = m.data()["candidateIdMergeRequests"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("a merge request in the demo")
        .to_owned();
    let o = app
        .graphql(
            "{ opportunities(first: 1) { edges { node { id } } } }",
            json!({}),
            Some(&ibm),
        )
        .await;
    o.assert_no_errors();
    f.opportunity = o.data()["opportunities"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("an opportunity")
        .to_owned();
    for (t, pw) in [(Target::Acme, "PW-000001"), (Target::Globex, "PW-000002")] {
        let a = app.graphql(
            "query($pw: String!) { company(partnerWorldId: $pw) { id headquarters { id } countryEnterprises { id } employees(first: 20) { edges { node { id status } } } relationshipApplications { id } } }",
            json!({ "pw": pw }), Some(&ibm)).await;
        a.assert_no_errors();
        let c = &a.data()["company"];
        f.ids.insert(t, c["id"].as_str().expect("id").to_owned());
        f.pw.insert(t, pw.to_owned());
        f.headquarters
            .insert(t, c["headquarters"]["id"].as_str().expect("hq").to_owned());
        f.country_enterprise.insert(
            t,
            c["countryEnterprises"][0]["id"]
                .as_str()
                .expect("a country enterprise")
                .to_owned(),
        );
        let active = c["employees"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|e| e["node"]["status"] == "ACTIVE")
            .expect("an active person");
        f.active_person
            .insert(t, active["node"]["id"].as_str().expect("id").to_owned());
        f.application.insert(
            t,
            c["relationshipApplications"][0]["id"]
                .as_str()
                .expect("an application")
                .to_owned(),
        );
    }
    for (t, number) in [
        (Target::AcmeSite, "S-1000001"),
        (Target::GlobexSite, "S-1000002"),
    ] {
        let a = app.graphql("query($n: String!) { site(siteNumber: $n) { id resellerCompany { partnerWorldId } users { id role } } }", json!({ "n": number }), Some(&ibm)).await;
        a.assert_no_errors();
        let s = &a.data()["site"];
        let owner = if t == Target::AcmeSite {
            "PW-000001"
        } else {
            "PW-000002"
        };
        assert_eq!(
            s["resellerCompany"]["partnerWorldId"], owner,
            "site fixture belongs to the expected company"
        );
        f.ids.insert(t, s["id"].as_str().expect("id").to_owned());
        f.numbers.insert(t, number.to_owned());
        let user = s["users"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["role"] != "SITE_PRIMARY_CONTACT")
            .expect("a non-primary user");
        f.site_user
            .insert(t, user["id"].as_str().expect("id").to_owned());
    }
    f
}

/// One way of asking: the document and its variables.
struct Probe {
    path: &'static str,
    query: String,
    variables: Value,
}

fn company_paths(f: &Fixture, t: Target, selection: &str) -> Vec<Probe> {
    vec![
        Probe {
            path: "direct",
            query: format!(
                "query($pw: String!) {{ company(partnerWorldId: $pw) {{ {selection} }} }}"
            ),
            variables: json!({ "pw": f.pw[&t] }),
        },
        Probe {
            path: "node",
            query: format!(
                "query($id: ID!) {{ node(id: $id) {{ ... on Company {{ {selection} }} }} }}"
            ),
            variables: json!({ "id": f.ids[&t] }),
        },
        Probe {
            path: "_entities",
            query: format!(
                "query($r: [_Any!]!) {{ _entities(representations: $r) {{ ... on Company {{ {selection} }} }} }}"
            ),
            variables: json!({ "r": [{ "__typename": "Company", "partnerWorldId": f.pw[&t] }] }),
        },
        Probe {
            path: "list",
            query: format!(
                "query($name: String!) {{ companies(first: 5, filter: {{ nameContains: $name }}) {{ edges {{ node {{ {selection} }} }} }} }}"
            ),
            variables: json!({ "name": if t == Target::Acme { "Acme Analytics" } else { "Globex Systems" } }),
        },
    ]
}

fn site_paths(f: &Fixture, t: Target, selection: &str) -> Vec<Probe> {
    vec![
        Probe {
            path: "direct",
            query: format!("query($n: String!) {{ site(siteNumber: $n) {{ {selection} }} }}"),
            variables: json!({ "n": f.numbers[&t] }),
        },
        Probe {
            path: "node",
            query: format!(
                "query($id: ID!) {{ node(id: $id) {{ ... on Site {{ {selection} }} }} }}"
            ),
            variables: json!({ "id": f.ids[&t] }),
        },
        Probe {
            path: "_entities",
            query: format!(
                "query($r: [_Any!]!) {{ _entities(representations: $r) {{ ... on Site {{ {selection} }} }} }}"
            ),
            variables: json!({ "r": [{ "__typename": "Site", "id": f.ids[&t] }] }),
        },
    ]
}

/// A selection of every `Site` field the declaration guards with ReadSiteReports, read
/// from the declaration itself: a report added to `Site` is probed here without anyone
/// listing it, and one this cannot probe fails the test until it gets a probe.
fn site_report_fields() -> Vec<String> {
    let policy = api::graphql::GUARDED_FIELDS
        .iter()
        .find(|p| p.type_name == "Site")
        .expect("Site is guarded");
    let sdl = api::graphql::schema::sdl();
    let fields: Vec<String> = policy
        .fields
        .iter()
        .filter(|(_, p)| *p == api::auth::policy::FieldPolicy::Guarded(Action::ReadSiteReports))
        .map(|(name, _)| match *name {
            "renewalQuote" => "renewalQuote(quoteNumber: \"RQ1\") { quoteNumber }".to_owned(),
            "download" => "download(report: { customers: {} }) { url }".to_owned(),
            n if sdl.contains(&format!("\t{n}(first: Int, after: String")) => {
                format!("{n}(first: 1) {{ edges {{ cursor }} }}")
            }
            n => panic!("Site.{n}: a report field this test has no probe for"),
        })
        .collect();
    assert!(fields.len() >= 14, "{fields:?}");
    fields
}

fn mutation(query: &str, variables: Value) -> Vec<Probe> {
    vec![Probe {
        path: "mutation",
        query: query.to_owned(),
        variables,
    }]
}

/// The probes of an action on a target. Mutations are built so that an allowed caller
/// meets a harmless refusal (a stale version, a non-pending person) instead of a change.
fn probes(f: &Fixture, action: Action, t: Target) -> Vec<Probe> {
    let company = matches!(t, Target::Acme | Target::Globex);
    match action {
        Action::ReadPublicProfile if company => company_paths(f, t, "name partnerWorldId"),
        Action::ReadCompanyToken if company => company_paths(f, t, "companyToken"),
        Action::ReadLevelExplanation if company => {
            company_paths(f, t, "levelExplanation { points missing }")
        }
        Action::ReadLevel if company => company_paths(f, t, "achievedLevel partnerWorldLevel"),
        Action::ReadEmployees if company => {
            let mut p = company_paths(f, t, "employees(first: 2) { edges { node { ibmId } } }");
            p.extend(company_paths(f, t, "countryEnterprises { passportAdvantageId }"));
            p.push(Probe {
                path: "person by node",
                query: "query($id: ID!) { node(id: $id) { ... on Person { ibmId } } }".into(),
                variables: json!({ "id": f.active_person[&t] }),
            });
            p.push(Probe { path: "person by _entities", query: "query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ibmId } } }".into(), variables: json!({ "r": [{ "__typename": "Person", "id": f.active_person[&t] }] }) });
            p
        }
        Action::ReadRevenueReports if company => {
            let mut p = company_paths(f, t, "countryEnterprises { revenueReports { period } }");
            p.extend(company_paths(f, t, "countryEnterprises { revenueCorrections { period } }"));
            p
        }
        Action::ReadRelationshipApplications if company => {
            let mut p = company_paths(f, t, "relationshipApplications { id status }");
            p.push(Probe { path: "eligibility", query: "query($id: ID!) { partnerEligibility(companyId: $id, productGroup: \"SECURITY\", country: \"DE\") { eligible } }".into(), variables: json!({ "id": f.ids[&t] }) });
            p
        }
        Action::PassOpportunities if company => {
            let mut p = mutation(
                "mutation($o: ID!, $c: ID!) { passOpportunity(input: { opportunityId: $o, companyId: $c }) { opportunity { status } } }",
                json!({ "o": f.opportunity, "c": f.ids[&t] }),
            );
            p.push(Probe {
                path: "recommend",
                query: "query($o: ID!) { recommendPartners(opportunityId: $o) { reason } }".into(),
                variables: json!({ "o": f.opportunity }),
            });
            p
        }
        Action::ReadAuditLog if company => vec![Probe {
            path: "auditLog",
            query: "{ auditLog(first: 1) { edges { cursor } } }".into(),
            variables: json!({}),
        }],
        Action::UpdateCompanyProfile if company => {
            let mut p = mutation(
                "mutation($id: ID!) { updateCompanyProfile(input: { companyId: $id, version: -1, name: \"Probe\" }) { company { name } } }",
                json!({ "id": f.ids[&t] }),
            );
            p.extend(mutation("mutation($id: ID!) { addCandidateId(input: { personId: $id, candidateId: \"!\", track: SALES }) { person { id } } }", json!({ "id": f.active_person[&t] })));
            p
        }
        Action::ReviewPendingPeople if company => mutation(
            "mutation($id: ID!) { reviewPerson(input: { personId: $id, version: -1, decision: APPROVE }) { person { status } } }",
            json!({ "id": f.active_person[&t] }),
        ),
        Action::SubmitRelationshipApplication if company => {
            let mut p = mutation(
                "mutation($id: ID!) { createRelationshipApplication(input: { companyId: $id, kind: SUPPORT_PROVIDER }) { application { status } } }",
                json!({ "id": f.ids[&t] }),
            );
            p.extend(mutation("mutation($id: ID!) { submitRelationshipApplication(input: { applicationId: $id, version: -1 }) { application { status } } }", json!({ "id": f.application[&t] })));
            p
        }
        Action::DecideApplications if company => {
            let mut p = mutation(
                "mutation($id: ID!) { decideRelationshipApplication(input: { applicationId: $id, version: -1, reason: \"probe\" }) { application { status } } }",
                json!({ "id": f.application[&t] }),
            );
            p.extend(mutation(
                "mutation($id: ID!) { requestRegistrationDocuments(input: { applicationId: $id, version: -1, note: \"probe\" }) { application { status } } }",
                json!({ "id": f.application[&t] }),
            ));
            p
        }
        Action::ReadSiteAdministration if !company => {
            let mut p = site_paths(f, t, "users { ibmId privileges }");
            p.extend(site_paths(f, t, "accessRequests { requesterIbmId }"));
            p
        }
        Action::ManageSite if !company => mutation(
            "mutation($id: ID!) { updateSiteUser(input: { siteUserId: $id, version: -1, name: \"Probe\" }) { siteUser { name } } }",
            json!({ "id": f.site_user[&t] }),
        ),
        Action::ReadSiteReports if !company => site_report_fields()
            .iter()
            .flat_map(|selection| site_paths(f, t, selection))
            .collect(),
        // No line items: an allowed caller meets BAD_USER_INPUT.
        Action::GenerateRenewalQuotes if !company => mutation(
            "mutation($s: ID!) { generateRenewalQuote(input: { siteId: $s, lineItemIds: [] }) { quote { quoteNumber } } }",
            json!({ "s": f.ids[&t] }),
        ),
        // Not about any one company: probed once.
        Action::RegisterCompany if t == Target::Acme => mutation(
            "mutation { registerCompany(input: { name: \"\", partnerTypes: [ISV], country: \"DE\", headquarters: { name: \"HQ\", addressLine: \"1 Main Street\", city: \"Bonn\", postalCode: \"53111\" }, givenName: \"Pat\", familyName: \"Probe\" }) { company { name } } }",
            json!({}),
        ),
        Action::JoinCompany if company => mutation(
            "mutation($loc: ID!) { joinCompany(input: { locationId: $loc, companyToken: \"not-the-token\", givenName: \"Pat\", familyName: \"Probe\" }) { person { status } } }",
            json!({ "loc": f.headquarters[&t] }),
        ),
        Action::ReadCompanyContacts if company => {
            company_paths(f, t, "contacts { givenName familyName roles }")
        }
        Action::AssignCompanyRoles if company => mutation(
            "mutation($id: ID!) { setCompanyRole(input: { personId: $id, version: -1, role: PRC, granted: true }) { person { companyRoles } } }",
            json!({ "id": f.active_person[&t] }),
        ),
        // On the caller's own profile: probed once.
        Action::ManageOwnSkills if t == Target::Acme => {
            let mut p = mutation(
                "mutation { addCandidateId(input: { candidateId: \"!\", track: SALES }) { person { id } } }",
                json!({}),
            );
            p.extend(mutation(
                "mutation { requestCandidateIdMerge(input: { candidateIds: [\"!\"], keep: \"!\" }) { merge { id } } }",
                json!({}),
            ));
            p
        }
        Action::ManageCertifications if t == Target::Acme => {
            let mut p = mutation(
                "mutation { importCertifications(input: { rows: [] }) { received } }",
                json!({}),
            );
            p.extend(mutation(
                "mutation($id: ID!) { decideCandidateIdMerge(input: { mergeId: $id, version: -1, approve: true }) { merge { id } } }",
                json!({ "id": f.merge }),
            ));
            p
        }
        Action::CreateOpportunities if t == Target::Acme => mutation(
            "mutation { createOpportunity(input: { productGroup: \"\", country: \"DE\", customerName: \"Probe\" }) { opportunity { id } } }",
            json!({}),
        ),
        Action::WorkOpportunities if company => {
            let mut p = company_paths(f, t, "opportunities(first: 1) { totalCount }");
            p.extend(mutation(
                "mutation($id: ID!) { respondToOpportunity(input: { opportunityId: $id, version: -1, accept: true }) { accepted } }",
                json!({ "id": f.passed_lead[&t] }),
            ));
            p.extend(mutation(
                "mutation($c: ID!) { registerDeal(input: { companyId: $c, deal: { productGroup: \"\", country: \"DE\", customerName: \"Probe\" } }) { opportunity { id } } }",
                json!({ "c": f.ids[&t] }),
            ));
            p
        }
        Action::SetFocalId if company => mutation(
            "mutation($id: ID!) { setFocalId(input: { personId: $id, version: -1 }) { person { isFocalId } } }",
            json!({ "id": f.active_person[&t] }),
        ),
        Action::ReadChannelQueues if t == Target::Acme => [
            ("merge queue", "{ candidateIdMergeRequests(first: 1) { totalCount edges { node { candidateIds } } } }"),
            ("application queue", "{ relationshipApplicationQueue(first: 1) { totalCount nodes { status } } }"),
            ("experience queue", "{ customerExperienceQueue(first: 1) { totalCount nodes { status } } }"),
            ("nomination queue", "{ nominationQueue(first: 1) { totalCount nodes { status } } }"),
            ("advocate queue", "{ technicalAdvocateQueue(first: 1) { totalCount nodes { status } } }"),
            ("correction queue", "{ revenueCorrectionQueue(first: 1) { totalCount nodes { status } } }"),
        ]
        .into_iter()
        .map(|(path, query)| Probe {
            path,
            query: query.into(),
            variables: json!({}),
        })
        .collect(),
        Action::SubmitPartnerPlan if company => mutation(
            "mutation($c: ID!) { submitPartnerPlan(input: { companyId: $c, version: -1, summary: \"Probe\", validUntil: \"2099-01-01\" }) { company { id } } }",
            json!({ "c": f.ids[&t] }),
        ),
        Action::SetProgramStanding if company => {
            let mut p = mutation(
                "mutation($c: ID!) { setGoodStanding(input: { companyId: $c, version: -1, value: true }) { company { id } } }",
                json!({ "c": f.ids[&t] }),
            );
            p.extend(mutation(
                "mutation($c: ID!) { setSalesActivityRegistration(input: { companyId: $c, version: -1, value: true }) { company { id } } }",
                json!({ "c": f.ids[&t] }),
            ));
            p.extend(mutation(
                "mutation($c: ID!) { verifyPartnerPlan(input: { companyId: $c, version: -1, approve: true }) { company { id } } }",
                json!({ "c": f.ids[&t] }),
            ));
            p.extend(mutation(
                "mutation($c: ID!) { recordAttainment(input: { companyId: $c, kind: CUSTOMER_SATISFACTION, description: \"Probe\", points: 0, earnedOn: \"2026-01-01\" }) { company { id } } }",
                json!({ "c": f.ids[&t] }),
            ));
            p
        }
        Action::EditCompanyDetails if company => {
            let mut p = mutation(
                "mutation($id: ID!) { updateCountryEnterprise(input: { countryEnterpriseId: $id, version: -1, publishToPartners: true }) { countryEnterprise { id } } }",
                json!({ "id": f.country_enterprise[&t] }),
            );
            p.extend(mutation(
                "mutation($id: ID!) { updateLocation(input: { locationId: $id, version: -1, location: { name: \"HQ\", addressLine: \"1 Main Street\", city: \"Bonn\", postalCode: \"53111\" } }) { location { id } } }",
                json!({ "id": f.headquarters[&t] }),
            ));
            p.extend(mutation(
                "mutation($id: ID!) { setPartnerTypes(input: { companyId: $id, version: -1, partnerTypes: [ISV] }) { company { id } } }",
                json!({ "id": f.ids[&t] }),
            ));
            p.extend(mutation(
                "mutation($id: ID!) { addCountryEnterprise(input: { companyId: $id, country: \"de\", location: { name: \"x\", addressLine: \"x\", city: \"x\", postalCode: \"x\" } }) { countryEnterprise { id } } }",
                json!({ "id": f.ids[&t] }),
            ));
            p
        }
        Action::ConfirmValueNet if company => {
            let mut p = company_paths(f, t, "valueNetInvitations { id }");
            p.extend(mutation(
                "mutation($n: ID!, $c: ID!) { confirmValueNetMembership(input: { valueNetId: $n, companyId: $c, accept: true }) { valueNet { id } } }",
                json!({ "n": api::graphql::ids::encode(api::graphql::ids::Kind::ValueNet, 987_654).to_string(), "c": f.ids[&t] }),
            ));
            p
        }
        // A note with a control character: an allowed caller meets BAD_USER_INPUT.
        Action::RequestTechnicalAdvocate if company => mutation(
            "mutation($c: ID!, $p: ID!) { requestTechnicalAdvocate(input: { companyId: $c, personId: $p, note: \"\\u0001\" }) { request { id } } }",
            json!({ "c": f.ids[&t], "p": f.active_person[&t] }),
        ),
        Action::AppointSitePrimary if !company => {
            let mut p = mutation(
                "mutation($s: ID!, $u: ID!) { appointSitePrimary(input: { siteId: $s, version: -1, siteUserId: $u }) { site { id } } }",
                json!({ "s": f.ids[&t], "u": f.site_user[&t] }),
            );
            if t == Target::AcmeSite {
                p.push(Probe {
                    path: "primary claims queue",
                    query: "{ primaryContactRequests(first: 1) { totalCount } }".into(),
                    variables: json!({}),
                });
            }
            p
        }
        // A period that is not one: an allowed caller meets BAD_USER_INPUT.
        Action::RequestRevenueCorrection if company => mutation(
            "mutation($e: ID!) { requestRevenueCorrection(input: { countryEnterpriseId: $e, period: \"probe\", contact: { name: \"P\", email: \"p@example.com\" }, amounts: [{ brand: POWER, amount: { amount: \"1\", currency: \"EUR\" } }] }) { correction { id } } }",
            json!({ "e": f.country_enterprise[&t] }),
        ),
        Action::DecideRevenueCorrections if t == Target::Acme => mutation(
            "mutation($id: ID!) { decideRevenueCorrection(input: { correctionId: $id, version: -1, approve: true }) { correction { id } } }",
            json!({ "id": f.correction }),
        ),
        // A name with a control character: an allowed caller meets BAD_USER_INPUT.
        Action::ManageBenefits if company => mutation(
            "mutation($l: ID!) { addBenefit(input: { locationId: $l, kind: VALUE_OPTION, name: \"\\u0001\", validUntil: \"2099-01-01\" }) { benefit { id } } }",
            json!({ "l": f.headquarters[&t] }),
        ),
        Action::DecideNominations if t == Target::Acme => mutation(
            "mutation($id: ID!) { decideNomination(input: { nominationId: $id, version: -1, validate: true }) { nomination { id } } }",
            json!({ "id": f.nomination }),
        ),
        _ => Vec::new(),
    }
}

fn refused(a: &Answer) -> bool {
    let codes = a.codes();
    !codes.is_empty()
        && codes
            .iter()
            .all(|c| c == "FORBIDDEN" || c == "UNAUTHENTICATED")
}

/// The probe's variables with every id and site number replaced by one that names
/// nothing of the same kind.
fn unknown_ids(v: &Value) -> Value {
    match v {
        Value::String(s) => match api::graphql::ids::decode_any(s) {
            Ok((kind, _)) => json!(api::graphql::ids::encode(kind, 987_654_321).to_string()),
            Err(_) if s.starts_with("S-") => json!("S-9876543"),
            Err(_) => v.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(unknown_ids).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if k == "__typename" {
                        v.clone()
                    } else {
                        unknown_ids(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn granted(a: &Answer) -> bool {
    a.status.as_u16() == 200
        && !a
            .codes()
            .iter()
            .any(|c| c == "FORBIDDEN" || c == "UNAUTHENTICATED")
}

/// Walks every cell as every persona. With the answer cache on, three times over (an
/// answer is kept on its second miss): the third pass is answered from what was kept
/// wherever it was kept, so a cached answer reaching a caller of another standing would
/// show as a wrong cell.
async fn run_matrix(backend: Backend, answers: bool) {
    let mut config = tests::test_config(backend).await;
    if answers {
        config.response_cache_secs = 300;
    }
    let app = TestApp::with_config(backend, config).await;
    let f = fixture(&app).await;
    let mut cells = 0;
    let mut failures = Vec::new();
    let mut covered = std::collections::HashSet::new();
    let passes = if answers { 3 } else { 1 };
    for p in (0..passes).flat_map(|_| personas()) {
        let token = p.sub.map(|s| {
            let roles: &[&str] = if p.ibm_channel { &["IBM_CHANNEL"] } else { &[] };
            app.app.state.auth.mint(s, roles, 600).expect("mint")
        });
        for action in Action::iter() {
            for t in [
                Target::Acme,
                Target::Globex,
                Target::AcmeSite,
                Target::GlobexSite,
            ] {
                for probe in probes(&f, action, t) {
                    covered.insert(action);
                    cells += 1;
                    let a = app
                        .graphql(&probe.query, probe.variables.clone(), token.as_deref())
                        .await;
                    let want = expected(&p, action, t);
                    // A refusal is FORBIDDEN, or, for an object the caller may not see at
                    // all, exactly the answer an id that names nothing gets (so ids
                    // reveal nothing).
                    let ok = if want {
                        granted(&a)
                    } else if refused(&a) {
                        true
                    } else {
                        let unknown = app
                            .graphql(
                                &probe.query,
                                unknown_ids(&probe.variables),
                                token.as_deref(),
                            )
                            .await;
                        a.status == unknown.status && a.body == unknown.body
                    };
                    if !ok {
                        failures.push(format!(
                            "{} / {action:?} / {t:?} / {}: expected {}, got {}",
                            p.label,
                            probe.path,
                            if want { "data" } else { "FORBIDDEN" },
                            a.body
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let uncovered: Vec<Action> = Action::iter().filter(|a| !covered.contains(a)).collect();
    assert!(
        uncovered.is_empty(),
        "actions without a probe: {uncovered:?}"
    );
    assert!(cells >= 300 * passes, "only {cells} cells");
    if answers {
        let hits = app
            .metric("partnerworld_answer_cache_total{outcome=\"hit\"}")
            .await;
        assert!(
            hits >= 100,
            "the third pass was answered from the cache ({hits} hits)"
        );
        eprintln!("access matrix with the answer cache: {hits} cells answered from it");
    }
    eprintln!("access matrix on {backend:?}: {cells} cells, all as declared");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cell_of_the_access_matrix_holds_on_sqlite() {
    run_matrix(Backend::Sqlite, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cell_of_the_access_matrix_holds_on_postgres_and_redis() {
    run_matrix(Backend::Postgres, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cell_of_the_access_matrix_holds_through_the_answer_cache() {
    run_matrix(Backend::Postgres, true).await;
}

#[tokio::test]
async fn the_points_table_follows_the_level_explanation_row_for_every_persona() {
    let app = TestApp::start(Backend::Sqlite).await;
    for p in personas() {
        let token = p.sub.map(|s| {
            let roles: &[&str] = if p.ibm_channel { &["IBM_CHANNEL"] } else { &[] };
            app.app.state.auth.mint(s, roles, 600).expect("mint")
        });
        let a = app
            .graphql("{ pointsTable { name } }", json!({}), token.as_deref())
            .await;
        // "Own" for a global table: any company where the caller holds the column.
        let want = [Target::Acme, Target::Globex]
            .iter()
            .any(|t| expected(&p, Action::ReadLevelExplanation, *t));
        assert_eq!(granted(&a), want, "{}: {}", p.label, a.body);
    }
}

/// A table of `docs/access-matrix.md`, parsed: row label -> its cells. `header` is the
/// start of the table's header row: the §7 matrix, or the §8 lifecycle actions.
fn doc_table(header: &str) -> Vec<(String, Vec<String>)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/access-matrix.md");
    let text = std::fs::read_to_string(path).expect("docs/access-matrix.md");
    text.lines()
        .skip_while(|l| !l.starts_with(header))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| !l.starts_with("|---") && !l.starts_with(header))
        .map(|l| {
            let cols: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect();
            (cols[0].clone(), cols[1..].to_vec())
        })
        .collect()
}

fn parse_cells(cells: &[String]) -> Vec<Cell> {
    let mut previous = Cell::No;
    cells
        .iter()
        .map(|c| {
            let cell = match c.as_str() {
                "yes" | "yes (read)" => Cell::Yes,
                "no" => Cell::No,
                "yes (HQ)" => Cell::AtHeadquarters,
                "yes (Focal ID)" => Cell::AsFocalId,
                "with REPORTING on that site" => Cell::WithReporting,
                "same" => previous,
                other => panic!("unknown cell {other:?}"),
            };
            previous = cell;
            cell
        })
        .collect()
}

#[test]
fn the_declared_matrix_is_the_one_in_domain_md() {
    let label = |a: Action| match a {
        Action::ReadPublicProfile => Some("company name, partnerWorldId, published directory info"),
        Action::ReadCompanyToken => Some("company token"),
        Action::ReadLevelExplanation => Some("points table, level explanation"),
        Action::ReadLevel => Some("achieved and PartnerWorld level"),
        Action::ReadEmployees => Some("employee list with e-mails"),
        Action::UpdateCompanyProfile => {
            Some("update company profile, add candidate ID to an employee")
        }
        Action::ReviewPendingPeople => Some("approve or reject pending person profiles"),
        Action::ReadRevenueReports => Some("revenue reports"),
        Action::SubmitRelationshipApplication => {
            Some("create and submit relationship applications")
        }
        Action::DecideApplications => {
            Some("approve relationship applications, customer experiences")
        }
        Action::ReadSiteAdministration => Some("site users, privileges, access requests"),
        Action::ManageSite => Some("grant privileges, approve access requests, change primary"),
        Action::ReadSiteReports => Some("site reports"),
        // Our own additions, for what domain.md leaves open.
        Action::ReadRelationshipApplications
        | Action::PassOpportunities
        | Action::ReadAuditLog
        | Action::GenerateRenewalQuotes => None,
        // domain.md §8's rows: the second table.
        Action::RegisterCompany
        | Action::JoinCompany
        | Action::ReadCompanyContacts
        | Action::AssignCompanyRoles
        | Action::ManageOwnSkills
        | Action::ManageCertifications
        | Action::ReadChannelQueues
        | Action::CreateOpportunities
        | Action::WorkOpportunities
        | Action::SetFocalId
        | Action::SubmitPartnerPlan
        | Action::SetProgramStanding
        | Action::DecideNominations
        | Action::EditCompanyDetails
        | Action::ConfirmValueNet
        | Action::RequestTechnicalAdvocate
        | Action::AppointSitePrimary
        | Action::RequestRevenueCorrection
        | Action::DecideRevenueCorrections
        | Action::ManageBenefits => None,
    };
    let table = doc_table("| field or action");
    assert_eq!(table.len(), 13, "{table:?}");
    let lifecycle = doc_table("| action (domain.md §8)");
    let lifecycle_label = |a: Action| match a {
        Action::RegisterCompany => Some("register a new company (becomes its first APA)"),
        Action::JoinCompany => Some("join a location with the company token (becomes PENDING)"),
        Action::ReadCompanyContacts => Some("see the names of a company's APA and PRC"),
        Action::AssignCompanyRoles => Some(
            "assign or remove APA and PRC roles (a location keeps one PRC, a company at least one APA)",
        ),
        Action::ManageOwnSkills => Some("add own candidate ID, request a candidate ID merge"),
        Action::ManageCertifications => {
            Some("certification feed from testing vendors, decide merges")
        }
        Action::ReadChannelQueues => Some(
            "queues: submitted applications, customer experiences, nominations, merges, corrections",
        ),
        Action::CreateOpportunities => Some("create an opportunity"),
        Action::WorkOpportunities => {
            Some("read, accept, decline, progress the company's opportunities; register a deal")
        }
        Action::SetFocalId => Some("set the Focal ID"),
        Action::SubmitPartnerPlan => Some("submit a PartnerPlan"),
        Action::SetProgramStanding => Some(
            "set good standing, MySA registration, verify a PartnerPlan, invite an ISV to Premier, record revenue attainment and customer satisfaction",
        ),
        Action::DecideNominations => Some("decide a technical-validation nomination"),
        Action::EditCompanyDetails => Some(
            "edit company, country enterprises, locations, publish flags, marketing text, PA reseller ID",
        ),
        Action::ConfirmValueNet => Some("confirm membership of a value net"),
        Action::RequestTechnicalAdvocate => Some("request a Technical Advocate"),
        Action::AppointSitePrimary => Some(
            "appoint a site's primary contact when it has none; decide \"I am the primary\" requests",
        ),
        Action::RequestRevenueCorrection => Some("request a revenue correction"),
        Action::DecideRevenueCorrections => Some("decide a revenue correction"),
        Action::ManageBenefits => Some("manage benefits of a location"),
        _ => None,
    };
    assert_eq!(lifecycle.len(), 20, "{lifecycle:?}");
    for r in MATRIX {
        let declared = [
            r.anonymous,
            r.member,
            r.prc,
            r.apa,
            r.site_primary,
            r.ibm_channel,
        ];
        if let Some(label) = label(r.action) {
            let (_, cells) = table
                .iter()
                .find(|(l, _)| l == label)
                .unwrap_or_else(|| panic!("row {label:?} not in docs/access-matrix.md"));
            assert_eq!(parse_cells(cells), declared, "row {label:?}");
            // §7's rows: a token adds nothing to what everyone may see, and what a person
            // reads about themself is declared per field.
            assert_eq!(r.signed_in, r.anonymous, "row {label:?}: signed in");
            assert_eq!(r.person, Cell::No, "row {label:?}: self");
        } else if let Some(label) = lifecycle_label(r.action) {
            let (_, cells) = lifecycle
                .iter()
                .find(|(l, _)| l == label)
                .unwrap_or_else(|| panic!("row {label:?} not in docs/access-matrix.md"));
            let declared = [
                r.anonymous,
                r.signed_in,
                r.person,
                r.member,
                r.prc,
                r.apa,
                r.site_primary,
                r.ibm_channel,
            ];
            assert_eq!(parse_cells(cells), declared, "row {label:?}");
        } else {
            assert!(
                matches!(
                    r.action,
                    Action::ReadRelationshipApplications
                        | Action::PassOpportunities
                        | Action::ReadAuditLog
                        | Action::GenerateRenewalQuotes
                ),
                "{:?} has no row in docs/access-matrix.md",
                r.action
            );
        }
    }
}

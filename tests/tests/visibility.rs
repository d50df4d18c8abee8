//! Every field whose type is a guarded object (`auth::visibility::GUARDED_OBJECTS`, and
//! `node` / `_entities`, whose types include them), read from the schema itself, reached
//! as an outsider of Acme: no object of Acme's that the outsider may not see comes back,
//! whatever the path (root lookup, list, nested edge, mutation payload, interface, entity
//! lookup, subscription event). A field added with a guarded type and no probe here fails
//! the test. Query probes also run as an insider, so a probe that does not reach its field
//! cannot pass by accident.

use api::auth::visibility::GUARDED_OBJECTS;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tests::ws::WsClient;
use tests::{Answer, TestApp};

/// (parent type, field) of every field whose named type is a guarded object, or an
/// interface or union one of them belongs to.
fn guarded_fields() -> BTreeSet<(String, String)> {
    let sdl = api::graphql::schema::build(None).sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).expect("the SDL parses");
    let mut abstracts: BTreeSet<String> = BTreeSet::new();
    let mut fields = Vec::new();
    for def in &doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let name = t.node.name.node.to_string();
        match &t.node.kind {
            TypeKind::Union(u)
                if u.members
                    .iter()
                    .any(|m| GUARDED_OBJECTS.contains(&m.node.as_str())) =>
            {
                abstracts.insert(name);
            }
            TypeKind::Object(o) => {
                if o.implements.iter().any(|i| i.node.as_str() == "Node")
                    && GUARDED_OBJECTS.contains(&name.as_str())
                {
                    abstracts.insert("Node".into());
                }
                for f in &o.fields {
                    fields.push((
                        name.clone(),
                        f.node.name.node.to_string(),
                        f.node.ty.node.clone(),
                    ));
                }
            }
            _ => {}
        }
    }
    fn named(t: &Type) -> String {
        match &t.base {
            BaseType::Named(n) => n.to_string(),
            BaseType::List(inner) => named(inner),
        }
    }
    fields
        .into_iter()
        .filter(|(_, _, ty)| {
            let n = named(ty);
            GUARDED_OBJECTS.contains(&n.as_str()) || abstracts.contains(&n)
        })
        .map(|(parent, field, _)| (parent, field))
        .collect()
}

struct Ids {
    acme: String,
    acme_person: String,
    site: String,
    site_user: String,
    request: String,
    application: String,
    experience: String,
    opportunity: String,
    globex_community: String,
    private_community: String,
    /// An active member of that private community.
    private_member: String,
    merge: String,
    /// A lead passed to Acme, waiting for its answer.
    acme_lead: String,
    globex: String,
    country_enterprise: String,
    location: String,
    solution: String,
    nomination: String,
    advocate: String,
    /// A value net Acme is invited to and has not confirmed.
    value_net: String,
    /// Acme's revenue correction request waiting for IBM.
    correction: String,
    /// A benefit of one of Acme's locations.
    benefit: String,
    /// An active renewal line item of S-1000001.
    line_item: String,
    /// A notification of member@acme.example's.
    notification: String,
}

async fn ids(app: &TestApp) -> Ids {
    let ibm = app.ibm_channel_token();
    let a = app
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { id employees(first: 5) { edges { node { id ibmId } } } relationshipApplications { id } technicalAdvocateRequests { id } countryEnterprises { id locations { id } } solutions { id customerExperiences { id status } } }
               globex: company(partnerWorldId: \"PW-000002\") { id }
               nominationQueue(first: 1) { nodes { id } }
               revenueCorrectionQueue(first: 1) { nodes { id } }
               acmeBenefits: company(partnerWorldId: \"PW-000001\") { countryEnterprises { locations { benefits { id } } } }
               site(siteNumber: \"S-1000001\") { id users { id ibmId } accessRequests { id } renewalLineItems(first: 1, filter: { from: \"2000-01-01\" }) { nodes { id } } }
               opportunities(first: 100) { edges { node { id status passedTo { partnerWorldId } } } }
               candidateIdMergeRequests(first: 1) { nodes { id } }
               communities(first: 50) { edges { node { id visibility members { status person { ibmId } } } } } }",
            json!({}),
            Some(&ibm),
        )
        .await;
    a.assert_no_errors();
    let invited = app
        .as_user(
            "apa@acme.example",
            "{ company(partnerWorldId: \"PW-000001\") { valueNetInvitations { id } } }",
            json!({}),
        )
        .await;
    invited.assert_no_errors();
    let mine = app
        .as_user(
            "member@acme.example",
            "{ myNotifications(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    mine.assert_no_errors();
    let d = a.data();
    let c = &d["company"];
    let s = |v: &Value| v.as_str().expect("an id").to_owned();
    let person = c["employees"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["ibmId"] == "member@acme.example")
        .expect("member@acme.example");
    let experience = c["solutions"]
        .as_array()
        .expect("solutions")
        .iter()
        .flat_map(|s| {
            s["customerExperiences"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find(|e| e["status"] != "APPROVED")
        .expect("an unapproved customer experience of Acme");
    let user = d["site"]["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["ibmId"] == "member@acme.example")
        .expect("member@acme.example on the site");
    let communities = d["communities"]["edges"].as_array().expect("communities");
    let member_of = |c: &Value, who: &str| {
        c["node"]["members"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["person"]["ibmId"] == who))
    };
    let private = communities
        .iter()
        .find(|c| c["node"]["visibility"] == "PRIVATE" && !member_of(c, "apa@globex.example"))
        .expect("a private community Globex's APA is not in");
    Ids {
        acme: s(&c["id"]),
        acme_person: s(&person["node"]["id"]),
        site: s(&d["site"]["id"]),
        site_user: s(&user["id"]),
        request: s(&d["site"]["accessRequests"][0]["id"]),
        application: s(&c["relationshipApplications"][0]["id"]),
        experience: s(&experience["id"]),
        opportunity: s(&d["opportunities"]["edges"][0]["node"]["id"]),
        globex_community: String::new(),
        private_community: s(&private["node"]["id"]),
        private_member: private["node"]["members"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["status"] == "ACTIVE"))
            .map(|m| s(&m["person"]["ibmId"]))
            .expect("an active member of the private community"),
        merge: s(&d["candidateIdMergeRequests"]["nodes"][0]["id"]),
        acme_lead: s(&d["opportunities"]["edges"]
            .as_array()
            .expect("leads")
            .iter()
            .find(|e| {
                e["node"]["status"] == "PASSED"
                    && e["node"]["passedTo"]["partnerWorldId"] == "PW-000001"
            })
            .expect("a lead waiting for Acme")["node"]["id"]),
        globex: s(&d["globex"]["id"]),
        country_enterprise: s(&c["countryEnterprises"][0]["id"]),
        location: s(&c["countryEnterprises"][0]["locations"][0]["id"]),
        solution: s(&c["solutions"][0]["id"]),
        nomination: s(&d["nominationQueue"]["nodes"][0]["id"]),
        advocate: s(&c["technicalAdvocateRequests"][0]["id"]),
        value_net: s(&invited.data()["company"]["valueNetInvitations"][0]["id"]),
        correction: s(&d["revenueCorrectionQueue"]["nodes"][0]["id"]),
        benefit: d["acmeBenefits"]["countryEnterprises"]
            .as_array()
            .expect("country enterprises")
            .iter()
            .flat_map(|ce| ce["locations"].as_array().cloned().unwrap_or_default())
            .flat_map(|l| l["benefits"].as_array().cloned().unwrap_or_default())
            .map(|b| s(&b["id"]))
            .next()
            .expect("a benefit of Acme's"),
        line_item: s(&d["site"]["renewalLineItems"]["nodes"][0]["id"]),
        notification: s(&mine.data()["myNotifications"]["nodes"][0]["id"]),
    }
}

/// How a probe reaches its field.
enum Via {
    /// A query: run as the outsider (nothing of Acme's may come back) and as the insider
    /// (it must, proving the probe reaches the field).
    Query {
        outsider: Option<&'static str>,
        insider: Insider,
    },
    /// A mutation by the outsider on Acme's object: refused, nothing comes back.
    Mutation { outsider: Option<&'static str> },
    /// A subscription by the outsider over a socket: refused.
    Subscription { outsider: &'static str },
}

#[derive(Clone, Copy)]
enum Insider {
    User(&'static str),
    /// The active member of the private community in `Ids`.
    PrivateMember,
    Ibm,
}

struct Probe {
    field: (&'static str, &'static str),
    query: String,
    variables: Value,
    via: Via,
}

fn probes(ids: &Ids) -> Vec<Probe> {
    use Insider::{Ibm, PrivateMember, User};
    let q = |field, outsider, insider, query: &str, variables: Value| Probe {
        field,
        query: query.to_owned(),
        variables,
        via: Via::Query { outsider, insider },
    };
    let m = |field, outsider, query: &str, variables: Value| Probe {
        field,
        query: query.to_owned(),
        variables,
        via: Via::Mutation { outsider },
    };
    let globex = Some("apa@globex.example");
    let acme = json!({ "id": ids.acme });
    let site = json!({ "n": "S-1000001" });
    vec![
        q(
            ("Query", "me"),
            None,
            User("member@acme.example"),
            "{ me { __typename } }",
            json!({}),
        ),
        q(
            ("Query", "site"),
            None,
            User("member@acme.example"),
            "query($n: String!) { site(siteNumber: $n) { __typename } }",
            site.clone(),
        ),
        q(
            ("Query", "node"),
            globex,
            User("prc@acme.example"),
            "query($id: ID!) { node(id: $id) { __typename } }",
            json!({ "id": ids.acme_person }),
        ),
        q(
            ("Query", "_entities"),
            globex,
            User("prc@acme.example"),
            "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }",
            json!({ "r": [{ "__typename": "Person", "id": ids.acme_person }] }),
        ),
        q(
            ("Query", "myAccessRequests"),
            globex,
            User("apa@globex.example"),
            "{ myAccessRequests { __typename } }",
            json!({}),
        ),
        q(
            ("Notification", "site"),
            globex,
            User("member@acme.example"),
            "{ myNotifications(first: 5) { nodes { site { __typename } } } }",
            json!({}),
        ),
        q(
            ("AccessRequest", "site"),
            None,
            User("apa@globex.example"),
            "{ myAccessRequests { site { __typename } } }",
            json!({}),
        ),
        q(
            ("PersonEdge", "node"),
            globex,
            User("prc@acme.example"),
            "query($id: ID!) { company(id: $id) { employees(first: 5) { edges { node { __typename } } } } }",
            acme.clone(),
        ),
        q(
            ("PersonConnection", "nodes"),
            globex,
            User("prc@acme.example"),
            "query($id: ID!) { company(id: $id) { employees(first: 5) { nodes { __typename } } } }",
            acme.clone(),
        ),
        q(
            ("Company", "relationshipApplications"),
            globex,
            User("apa@acme.example"),
            "query($id: ID!) { company(id: $id) { relationshipApplications { __typename } } }",
            acme.clone(),
        ),
        q(
            ("RelationshipApplication", "createdBy"),
            globex,
            User("apa@acme.example"),
            "query($id: ID!) { company(id: $id) { relationshipApplications { createdBy { __typename } } } }",
            acme.clone(),
        ),
        q(
            ("RelationshipApplication", "keyContacts"),
            globex,
            User("apa@acme.example"),
            "query($id: ID!) { company(id: $id) { relationshipApplications { keyContacts { __typename } } } }",
            acme.clone(),
        ),
        q(
            ("Solution", "customerExperiences"),
            globex,
            User("apa@acme.example"),
            "query($id: ID!) { company(id: $id) { solutions { customerExperiences { __typename status } } } }",
            acme.clone(),
        ),
        q(
            ("Query", "mySites"),
            None,
            User("member@acme.example"),
            "{ mySites { __typename } }",
            json!({}),
        ),
        q(
            ("SiteUser", "site"),
            None,
            User("member@acme.example"),
            "{ mySites { site { __typename } } }",
            json!({}),
        ),
        q(
            ("Company", "sites"),
            globex,
            User("member@acme.example"),
            "query($id: ID!) { company(id: $id) { sites { __typename } } }",
            acme.clone(),
        ),
        q(
            ("Site", "users"),
            globex,
            User("site.primary@acme.example"),
            "query($n: String!) { site(siteNumber: $n) { users { __typename } } }",
            site.clone(),
        ),
        q(
            ("Site", "accessRequests"),
            globex,
            User("site.primary@acme.example"),
            "query($n: String!) { site(siteNumber: $n) { accessRequests { __typename } } }",
            site.clone(),
        ),
        q(
            ("Community", "members"),
            globex,
            Ibm,
            "query($id: ID!) { node: _entities(representations: [{ __typename: \"Community\", id: $id }]) { ... on Community { members { __typename } } } }",
            json!({ "id": ids.private_community }),
        ),
        q(
            ("Membership", "person"),
            globex,
            Ibm,
            "query($id: ID!) { node: _entities(representations: [{ __typename: \"Community\", id: $id }]) { ... on Community { members { person { __typename } } } } }",
            json!({ "id": ids.private_community }),
        ),
        q(
            ("Community", "myMembership"),
            globex,
            PrivateMember,
            "query($id: ID!) { node: _entities(representations: [{ __typename: \"Community\", id: $id }]) { ... on Community { myMembership { __typename } } } }",
            json!({ "id": ids.private_community }),
        ),
        q(
            ("OpportunityEdge", "node"),
            globex,
            Ibm,
            "{ opportunities(first: 3) { edges { node { __typename } } } }",
            json!({}),
        ),
        q(
            ("OpportunityConnection", "nodes"),
            globex,
            Ibm,
            "{ opportunities(first: 3) { nodes { __typename } } }",
            json!({}),
        ),
        q(
            ("AuditRecordEdge", "node"),
            globex,
            Ibm,
            "{ auditLog(first: 3) { edges { node { __typename } } } }",
            json!({}),
        ),
        q(
            ("AuditRecordConnection", "nodes"),
            globex,
            Ibm,
            "{ auditLog(first: 3) { nodes { __typename } } }",
            json!({}),
        ),
        q(
            ("Person", "candidateIdMerges"),
            globex,
            User("member@acme.example"),
            "query($id: ID!) { node(id: $id) { ... on Person { candidateIdMerges { __typename } } } }",
            json!({ "id": ids.acme_person }),
        ),
        q(
            ("RelationshipApplicationEdge", "node"),
            globex,
            Ibm,
            "{ relationshipApplicationQueue(status: APPROVED, first: 3) { edges { node { __typename } } } }",
            json!({}),
        ),
        q(
            ("RelationshipApplicationConnection", "nodes"),
            globex,
            Ibm,
            "{ relationshipApplicationQueue(status: APPROVED, first: 3) { nodes { __typename } } }",
            json!({}),
        ),
        q(
            ("CustomerExperienceEdge", "node"),
            globex,
            Ibm,
            "{ customerExperienceQueue(first: 3) { edges { node { __typename } } } }",
            json!({}),
        ),
        q(
            ("CustomerExperienceConnection", "nodes"),
            globex,
            Ibm,
            "{ customerExperienceQueue(first: 3) { nodes { __typename } } }",
            json!({}),
        ),
        q(
            ("Company", "technicalAdvocateRequests"),
            globex,
            User("apa@acme.example"),
            "query($id: ID!) { company(id: $id) { technicalAdvocateRequests { __typename } } }",
            acme.clone(),
        ),
        q(
            ("TechnicalAdvocateRequest", "advocate"),
            globex,
            User("apa@acme.example"),
            "query($id: ID!) { company(id: $id) { technicalAdvocateRequests { advocate { __typename } } } }",
            acme.clone(),
        ),
        q(
            ("TechnicalAdvocateRequestEdge", "node"),
            globex,
            Ibm,
            "{ technicalAdvocateQueue(first: 3) { edges { node { __typename } } } }",
            json!({}),
        ),
        q(
            ("TechnicalAdvocateRequestConnection", "nodes"),
            globex,
            Ibm,
            "{ technicalAdvocateQueue(first: 3) { nodes { __typename } } }",
            json!({}),
        ),
        q(
            ("CountryEnterprise", "revenueCorrections"),
            globex,
            User("prc@acme.example"),
            "query($id: ID!) { company(id: $id) { countryEnterprises { revenueCorrections { __typename } } } }",
            acme.clone(),
        ),
        q(
            ("RevenueCorrection", "requestedBy"),
            globex,
            User("apa@acme.example"),
            "query($id: ID!) { company(id: $id) { countryEnterprises { revenueCorrections { requestedBy { __typename } } } } }",
            acme.clone(),
        ),
        q(
            ("RevenueCorrectionEdge", "node"),
            globex,
            Ibm,
            "{ revenueCorrectionQueue(first: 3) { edges { node { __typename } } } }",
            json!({}),
        ),
        q(
            ("RevenueCorrectionConnection", "nodes"),
            globex,
            Ibm,
            "{ revenueCorrectionQueue(first: 3) { nodes { __typename } } }",
            json!({}),
        ),
        m(
            ("RevenueCorrectionPayload", "correction"),
            globex,
            "mutation($e: ID!) { requestRevenueCorrection(input: { countryEnterpriseId: $e, period: \"2026-Q1\", contact: { name: \"P\", email: \"p@globex.example\" }, amounts: [{ brand: POWER, amount: { amount: \"1\", currency: \"USD\" } }] }) { correction { __typename } } }",
            json!({ "e": ids.country_enterprise }),
        ),
        m(
            ("TechnicalAdvocatePayload", "request"),
            globex,
            "mutation($c: ID!, $p: ID!) { requestTechnicalAdvocate(input: { companyId: $c, personId: $p }) { request { __typename } } }",
            json!({ "c": ids.acme, "p": ids.acme_person }),
        ),
        q(
            ("AccessRequestEdge", "node"),
            globex,
            Ibm,
            "{ primaryContactRequests(first: 3) { edges { node { __typename } } } }",
            json!({}),
        ),
        q(
            ("AccessRequestConnection", "nodes"),
            globex,
            Ibm,
            "{ primaryContactRequests(first: 3) { nodes { __typename } } }",
            json!({}),
        ),
        q(
            ("CandidateIdMergeEdge", "node"),
            globex,
            Ibm,
            "{ candidateIdMergeRequests(first: 3) { edges { node { __typename } } } }",
            json!({}),
        ),
        q(
            ("CandidateIdMergeConnection", "nodes"),
            globex,
            Ibm,
            "{ candidateIdMergeRequests(first: 3) { nodes { __typename } } }",
            json!({}),
        ),
        q(
            ("CandidateIdMerge", "person"),
            globex,
            Ibm,
            "{ candidateIdMergeRequests(first: 3) { nodes { person { __typename } } } }",
            json!({}),
        ),
        m(
            ("CandidateIdMergePayload", "merge"),
            globex,
            "mutation($id: ID!) { decideCandidateIdMerge(input: { mergeId: $id, version: 1, approve: true }) { merge { __typename } } }",
            json!({ "id": ids.merge }),
        ),
        m(
            ("PersonPayload", "person"),
            globex,
            "mutation($id: ID!) { addCandidateId(input: { personId: $id, candidateId: \"CPROBE\", track: SALES }) { person { __typename } } }",
            json!({ "id": ids.acme_person }),
        ),
        m(
            ("MembershipPayload", "membership"),
            globex,
            "mutation($c: ID!, $p: ID!) { inviteOrApproveMember(input: { communityId: $c, personId: $p }) { membership { __typename person { __typename } } } }",
            json!({ "c": ids.globex_community, "p": ids.acme_person }),
        ),
        m(
            ("SitePayload", "site"),
            globex,
            "mutation($s: ID!, $u: ID!) { transferPrimaryContact(input: { siteId: $s, toSiteUserId: $u, version: 1 }) { site { __typename } } }",
            json!({ "s": ids.site, "u": ids.site_user }),
        ),
        m(
            ("SiteUserPayload", "siteUser"),
            globex,
            "mutation($s: ID!) { addSiteUser(input: { siteId: $s, ibmId: \"probe@globex.example\", name: \"Probe\", role: USER }) { siteUser { __typename } } }",
            json!({ "s": ids.site }),
        ),
        m(
            ("AccessRequestPayload", "accessRequest"),
            globex,
            "mutation($id: ID!) { approveAccessRequest(input: { requestId: $id, version: 1, role: USER }) { accessRequest { __typename } } }",
            json!({ "id": ids.request }),
        ),
        m(
            ("CustomerExperiencePayload", "customerExperience"),
            globex,
            "mutation($id: ID!) { decideCustomerExperience(input: { customerExperienceId: $id, version: 1, approve: true }) { customerExperience { __typename } } }",
            json!({ "id": ids.experience }),
        ),
        m(
            ("RelationshipApplicationPayload", "application"),
            globex,
            "mutation($id: ID!) { submitRelationshipApplication(input: { applicationId: $id, version: 1 }) { application { __typename } } }",
            json!({ "id": ids.application }),
        ),
        m(
            ("OpportunityPayload", "opportunity"),
            globex,
            "mutation($c: ID!) { registerDeal(input: { companyId: $c, deal: { productGroup: \"SECURITY\", country: \"DE\", customerName: \"Probe\" } }) { opportunity { __typename } } }",
            acme.clone()
                .as_object()
                .map(|o| json!({ "c": o["id"] }))
                .unwrap_or_default(),
        ),
        m(
            ("RespondToOpportunityPayload", "opportunity"),
            globex,
            "mutation($id: ID!) { respondToOpportunity(input: { opportunityId: $id, version: 1, accept: true }) { opportunity { __typename } } }",
            json!({ "id": ids.acme_lead }),
        ),
        m(
            ("PassOpportunityPayload", "opportunity"),
            globex,
            "mutation($id: ID!) { passOpportunity(input: { opportunityId: $id }) { opportunity { __typename } } }",
            json!({ "id": ids.opportunity }),
        ),
        Probe {
            field: ("Subscription", "accessRequestSubmitted"),
            query:
                "subscription { accessRequestSubmitted(siteNumber: \"S-1000001\") { __typename } }"
                    .into(),
            variables: json!({}),
            via: Via::Subscription {
                outsider: "apa@globex.example",
            },
        },
    ]
}

/// Every object of a guarded type in the answer, but the published ones (approved
/// customer experiences are the directory's public content).
fn guarded_objects(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            let published = map.get("__typename") == Some(&json!("CustomerExperience"))
                && map.get("status") == Some(&json!("APPROVED"));
            if let Some(Value::String(t)) = map.get("__typename")
                && GUARDED_OBJECTS.contains(&t.as_str())
                && !published
            {
                out.push(t.clone());
            }
            map.values().for_each(|v| guarded_objects(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| guarded_objects(v, out)),
        _ => {}
    }
}

fn found(a: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    guarded_objects(&a.body["data"], &mut out);
    out
}

/// Only refusals: no validation or parse error may make a probe pass by not running.
fn only_refusals(a: &Answer) -> bool {
    a.codes()
        .iter()
        .all(|c| matches!(c.as_str(), "FORBIDDEN" | "NOT_FOUND" | "UNAUTHENTICATED"))
}

tests::on_both_backends! {
    async fn no_field_of_a_guarded_type_hands_an_outsider_what_they_may_not_see(app) {
        let mut ids = ids(&app).await;
        // Globex's APA owns a community of their own: the original exploit invited ids
        // into it to read people of every company through the payload.
        let made = app.as_user(
            "apa@globex.example",
            "mutation { createCommunity(input: { slug: \"probe\", name: \"Probe\", description: \"probe\", visibility: PUBLIC }) { community { id } } }",
            json!({}),
        ).await;
        made.assert_no_errors();
        ids.globex_community = made.data()["createCommunity"]["community"]["id"].as_str().expect("id").to_owned();
        // Globex's APA asks for access to Acme's site: their own request is theirs to see.
        app.as_user("apa@globex.example", "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { id } } }", json!({})).await.assert_no_errors();

        let probes = probes(&ids);
        let covered: BTreeSet<(String, String)> = probes
            .iter()
            .map(|p| (p.field.0.to_owned(), p.field.1.to_owned()))
            .collect();
        let fields = guarded_fields();
        let missing: Vec<_> = fields.difference(&covered).collect();
        let stale: Vec<_> = covered.difference(&fields).collect();
        assert!(missing.is_empty(), "fields of a guarded type without a probe: {missing:?}");
        assert!(stale.is_empty(), "probes of fields that are not guarded: {stale:?}");

        let addr = app.serve().await;
        for probe in &probes {
            let label = format!("{}.{}", probe.field.0, probe.field.1);
            match probe.via {
                Via::Query { outsider, insider } => {
                    let token = outsider.map(|s| app.token(s));
                    let a = app.graphql(&probe.query, probe.variables.clone(), token.as_deref()).await;
                    assert!(only_refusals(&a), "{label}: {}", a.body);
                    // The outsider's own things are theirs: a request they made, its site.
                    let own = matches!(probe.field, ("Query", "myAccessRequests") | ("AccessRequest", "site")) && outsider.is_some();
                    if !own {
                        assert!(found(&a).is_empty(), "{label} leaked to {outsider:?}: {}", a.body);
                    }
                    let token = match insider {
                        Insider::User(s) => app.token(s),
                        Insider::PrivateMember => app.token(&ids.private_member),
                        Insider::Ibm => app.ibm_channel_token(),
                    };
                    let b = app.graphql(&probe.query, probe.variables.clone(), Some(&token)).await;
                    assert!(!found(&b).is_empty(), "{label}: the probe does not reach its field: {}", b.body);
                }
                Via::Mutation { outsider } => {
                    let token = outsider.map(|s| app.token(s));
                    let a = app.graphql(&probe.query, probe.variables.clone(), token.as_deref()).await;
                    assert!(!a.codes().is_empty() && only_refusals(&a), "{label}: {}", a.body);
                    assert!(found(&a).is_empty(), "{label} leaked: {}", a.body);
                }
                Via::Subscription { outsider } => {
                    let mut ws = WsClient::connect(addr, Some(&app.token(outsider))).await;
                    ws.subscribe(&probe.query, probe.variables.clone()).await;
                    let event = ws.next_json().await;
                    assert_eq!(event["payload"]["data"], Value::Null, "{label}: {event}");
                    assert_eq!(event["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{label}: {event}");
                }
            }
        }
    }

    async fn an_object_the_caller_may_not_see_answers_every_operation_as_an_unknown_id(app) {
        let ids = ids(&app).await;
        let made = app.as_user(
            "apa@globex.example",
            "mutation { createCommunity(input: { slug: \"oracle\", name: \"Oracle\", description: \"probe\", visibility: PUBLIC }) { community { id } } }",
            json!({}),
        ).await;
        made.assert_no_errors();
        let community = made.data()["createCommunity"]["community"]["id"].clone();
        let cases = oracle_cases(&ids, &community);
        // Every root field that takes an id (in its arguments or their input objects),
        // read from the schema: an operation added without a case here fails the test.
        let covered: BTreeSet<String> = cases.iter().map(|c| c.0.to_owned()).collect();
        let fields = operations_taking_ids();
        let missing: Vec<_> = fields.difference(&covered).collect();
        let stale: Vec<_> = covered.difference(&fields).collect();
        assert!(missing.is_empty(), "operations taking an id without an oracle case: {missing:?}");
        assert!(stale.is_empty(), "oracle cases of operations that take no id: {stale:?}");

        // Outsiders of every kind: anonymous, an APA elsewhere, a PRC and a Focal ID who
        // see some of Acme's objects and not others (and may act on none of these).
        let callers = [None, Some("apa@globex.example"), Some("prc@acme.example"), Some("member@acme.example")];
        let mut compared: BTreeSet<&'static str> = BTreeSet::new();
        let mut oracles = Vec::new();
        let mut seen = Vec::new();
        for who in callers {
            seen.push(seen_by(&app, who, &ids, &community).await);
        }
        for (name, query, variables) in &cases {
            for (who, seen) in callers.iter().copied().zip(&seen) {
                let token = who.map(|s| app.token(s));
                let real = app.graphql(query, variables.clone(), token.as_deref()).await;
                let Value::Object(vars) = variables else { unreachable!("variables are objects") };
                // Each id the caller may not see, replaced alone by one that names
                // nothing: the answer must not change.
                for (key, value) in vars {
                    if !names_ids(value) || all_seen(value, seen) {
                        continue;
                    }
                    let mut probe = variables.clone();
                    probe[key] = unknown_ids(value);
                    let unknown = app.graphql(query, probe, token.as_deref()).await;
                    if real.status != unknown.status || real.body != unknown.body {
                        oracles.push(format!(
                            "{who:?} learns whether ${key} = {value} exists through {name}:\n real: {}\n unknown: {}",
                            real.body, unknown.body
                        ));
                    }
                    compared.insert(*name);
                    compared.extend(kinds_of(value));
                }
            }
        }
        assert!(oracles.is_empty(), "{} oracles:\n{}", oracles.len(), oracles.join("\n"));
        // Every kind of object that some of these callers may not see was put to the test.
        for kind in ["Person", "RelationshipApplication", "CustomerExperience", "SiteUser", "AccessRequest", "Opportunity", "CandidateIdMerge", "ValidationNomination", "TechnicalAdvocateRequest", "ValueNet", "RevenueCorrection", "Benefit", "Notification"] {
            assert!(compared.contains(kind), "no operation on a {kind} was compared: {compared:?}");
        }
        // The subscription too, over a socket.
        let addr = app.serve().await;
        for who in [None, Some("apa@globex.example")] {
            let token = who.map(|s| app.token(s));
            let mut answers = Vec::new();
            for n in ["S-1000001", "S-9876543"] {
                let mut ws = WsClient::connect(addr, token.as_deref()).await;
                ws.subscribe(&format!("subscription {{ accessRequestSubmitted(siteNumber: \"{n}\") {{ id }} }}"), json!({})).await;
                answers.push(ws.next_json().await["payload"].clone());
            }
            assert_eq!(answers[0], answers[1], "{who:?}");
        }
    }
}

/// Root fields of Query and Mutation with an argument that reaches an `ID`, directly or
/// through input objects.
fn operations_taking_ids() -> BTreeSet<String> {
    let sdl = api::graphql::schema::build(None).sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).expect("the SDL parses");
    let mut inputs = std::collections::HashMap::new();
    let mut roots = Vec::new();
    for def in &doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let name = t.node.name.node.to_string();
        match &t.node.kind {
            TypeKind::InputObject(i) => {
                let fields: Vec<Type> = i.fields.iter().map(|f| f.node.ty.node.clone()).collect();
                inputs.insert(name, fields);
            }
            TypeKind::Object(o) if name == "Query" || name == "Mutation" => {
                for f in &o.fields {
                    let args: Vec<Type> = f
                        .node
                        .arguments
                        .iter()
                        .map(|a| a.node.ty.node.clone())
                        .collect();
                    roots.push((f.node.name.node.to_string(), args));
                }
            }
            _ => {}
        }
    }
    fn named(t: &Type) -> String {
        match &t.base {
            BaseType::Named(n) => n.to_string(),
            BaseType::List(inner) => named(inner),
        }
    }
    fn reaches_id(
        t: &Type,
        inputs: &std::collections::HashMap<String, Vec<Type>>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let n = named(t);
        n == "ID"
            || (seen.insert(n.clone())
                && inputs
                    .get(&n)
                    .is_some_and(|fields| fields.iter().any(|f| reaches_id(f, inputs, seen))))
    }
    roots
        .into_iter()
        .filter(|(_, args)| {
            args.iter()
                .any(|a| reaches_id(a, &inputs, &mut BTreeSet::new()))
        })
        .map(|(name, _)| name)
        .collect()
}

/// One call per operation that takes an id, on objects of Acme's (or IBM's), with inputs
/// valid enough to reach the lookup.
fn oracle_cases(ids: &Ids, community: &Value) -> Vec<(&'static str, &'static str, Value)> {
    let location = json!({ "name": "Probe", "addressLine": "1 Probe St", "city": "Probe", "postalCode": "1000" });
    vec![
        (
            "markNotificationsRead",
            "mutation($id: ID!) { markNotificationsRead(input: { ids: [$id] }) { unreadCount } }",
            json!({ "id": ids.notification }),
        ),
        (
            "node",
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": ids.acme_person }),
        ),
        (
            "company",
            "query($id: ID!) { company(id: $id) { employees(first: 1) { totalCount } } }",
            json!({ "id": ids.acme }),
        ),
        (
            "partnerEligibility",
            "query($id: ID!) { partnerEligibility(companyId: $id, productGroup: \"Security\", country: \"US\") { eligible } }",
            json!({ "id": ids.acme }),
        ),
        (
            "recommendPartners",
            "query($id: ID!) { recommendPartners(opportunityId: $id) { score } }",
            json!({ "id": ids.opportunity }),
        ),
        (
            "valueNetMatches",
            "query($id: ID!) { valueNetMatches(companyId: $id, first: 1) { totalCount } }",
            json!({ "id": ids.acme }),
        ),
        (
            "addCandidateId",
            "mutation($id: ID!) { addCandidateId(input: { personId: $id, candidateId: \"C-ORACLE\", track: SALES }) { person { id } } }",
            json!({ "id": ids.acme_person }),
        ),
        (
            "reviewPerson",
            "mutation($id: ID!) { reviewPerson(input: { personId: $id, version: 1, decision: APPROVE }) { person { id } } }",
            json!({ "id": ids.acme_person }),
        ),
        (
            "setCompanyRole",
            "mutation($id: ID!) { setCompanyRole(input: { personId: $id, version: 1, role: PRC, granted: true }) { person { id } } }",
            json!({ "id": ids.acme_person }),
        ),
        (
            "setFocalId",
            "mutation($id: ID!) { setFocalId(input: { personId: $id, version: 1 }) { person { id } } }",
            json!({ "id": ids.acme_person }),
        ),
        (
            "requestTechnicalAdvocate",
            "mutation($c: ID!, $id: ID!) { requestTechnicalAdvocate(input: { companyId: $c, personId: $id }) { request { id } } }",
            json!({ "c": ids.acme, "id": ids.acme_person }),
        ),
        (
            "decideTechnicalAdvocate",
            "mutation($id: ID!) { decideTechnicalAdvocate(input: { requestId: $id, version: 1, approve: true }) { request { id } } }",
            json!({ "id": ids.advocate }),
        ),
        (
            "decideCandidateIdMerge",
            "mutation($id: ID!) { decideCandidateIdMerge(input: { mergeId: $id, version: 1, approve: true }) { merge { id } } }",
            json!({ "id": ids.merge }),
        ),
        (
            "inviteOrApproveMember",
            "mutation($c: ID!, $id: ID!) { inviteOrApproveMember(input: { communityId: $c, personId: $id }) { membership { status } } }",
            json!({ "c": community, "id": ids.acme_person }),
        ),
        (
            "setCommunityOwner",
            "mutation($c: ID!, $id: ID!) { setCommunityOwner(input: { communityId: $c, personId: $id, owner: true }) { membership { status } } }",
            json!({ "c": community, "id": ids.acme_person }),
        ),
        (
            "removeCommunityMember",
            "mutation($c: ID!, $id: ID!) { removeCommunityMember(input: { communityId: $c, personId: $id }) { communityId } }",
            json!({ "c": community, "id": ids.acme_person }),
        ),
        (
            "joinCommunity",
            "mutation($c: ID!) { joinCommunity(communityId: $c) { membership { status } } }",
            json!({ "c": ids.private_community }),
        ),
        (
            "leaveCommunity",
            "mutation($c: ID!) { leaveCommunity(communityId: $c) { communityId } }",
            json!({ "c": ids.private_community }),
        ),
        (
            "updateRelationshipApplication",
            "mutation($id: ID!) { updateRelationshipApplication(input: { applicationId: $id, version: 1, agreementAccepted: true }) { application { id } } }",
            json!({ "id": ids.application }),
        ),
        (
            "addApplicationDocument",
            "mutation($id: ID!) { addApplicationDocument(input: { applicationId: $id, name: \"a.pdf\", contentType: \"application/pdf\", sizeBytes: 1, sha256: \"0000000000000000000000000000000000000000000000000000000000000000\" }) { application { id } } }",
            json!({ "id": ids.application }),
        ),
        (
            "submitRelationshipApplication",
            "mutation($id: ID!) { submitRelationshipApplication(input: { applicationId: $id, version: 1 }) { application { id } } }",
            json!({ "id": ids.application }),
        ),
        (
            "decideRelationshipApplication",
            "mutation($id: ID!) { decideRelationshipApplication(input: { applicationId: $id, version: 1, reason: \"no\" }) { application { id } } }",
            json!({ "id": ids.application }),
        ),
        (
            "requestRegistrationDocuments",
            "mutation($id: ID!) { requestRegistrationDocuments(input: { applicationId: $id, version: 1, note: \"the registration\" }) { application { id } } }",
            json!({ "id": ids.application }),
        ),
        (
            "createRelationshipApplication",
            "mutation($c: ID!) { createRelationshipApplication(input: { companyId: $c, kind: RESELLER }) { application { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "decideCustomerExperience",
            "mutation($id: ID!) { decideCustomerExperience(input: { customerExperienceId: $id, version: 1, approve: true }) { customerExperience { id } } }",
            json!({ "id": ids.experience }),
        ),
        (
            "submitCustomerExperience",
            "mutation($s: ID!) { submitCustomerExperience(input: { solutionId: $s, customerName: \"C\", summary: \"S\" }) { customerExperience { id } } }",
            json!({ "s": ids.solution }),
        ),
        (
            "nominateForTechnicalValidation",
            "mutation($s: ID!) { nominateForTechnicalValidation(input: { solutionId: $s }) { solution { id } } }",
            json!({ "s": ids.solution }),
        ),
        (
            "decideNomination",
            "mutation($id: ID!) { decideNomination(input: { nominationId: $id, version: 1, validate: true }) { nomination { id } } }",
            json!({ "id": ids.nomination }),
        ),
        (
            "submitResponseCard",
            "mutation($s: ID!) { submitResponseCard(input: { solutionId: $s, readerName: \"R\", readerEmail: \"r@example.com\", message: \"m\" }) { responseCard { id } } }",
            json!({ "s": ids.solution }),
        ),
        (
            "createSolution",
            "mutation($c: ID!) { createSolution(input: { companyId: $c, name: \"N\", description: \"D\" }) { solution { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "updateSolution",
            "mutation($s: ID!) { updateSolution(input: { solutionId: $s, version: 1, name: \"N\" }) { solution { id } } }",
            json!({ "s": ids.solution }),
        ),
        (
            "updateCompanyProfile",
            "mutation($c: ID!) { updateCompanyProfile(input: { companyId: $c, version: 1, name: \"N\" }) { company { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "setPartnerTypes",
            "mutation($c: ID!) { setPartnerTypes(input: { companyId: $c, version: 1, partnerTypes: [RESELLER] }) { company { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "submitPartnerPlan",
            "mutation($c: ID!) { submitPartnerPlan(input: { companyId: $c, version: 1, summary: \"S\", validUntil: \"2030-01-01\" }) { company { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "verifyPartnerPlan",
            "mutation($c: ID!) { verifyPartnerPlan(input: { companyId: $c, version: 1, approve: true, validUntil: \"2030-01-01\" }) { company { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "setGoodStanding",
            "mutation($c: ID!) { setGoodStanding(input: { companyId: $c, version: 1, value: true }) { company { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "setSalesActivityRegistration",
            "mutation($c: ID!) { setSalesActivityRegistration(input: { companyId: $c, version: 1, value: true }) { company { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "inviteIsvToPremier",
            "mutation($c: ID!) { inviteIsvToPremier(input: { companyId: $c, version: 1, value: true }) { company { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "recordAttainment",
            "mutation($c: ID!) { recordAttainment(input: { companyId: $c, kind: REVENUE_ATTAINMENT, points: 1, description: \"D\", earnedOn: \"2026-01-01\" }) { company { id } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "addCountryEnterprise",
            "mutation($c: ID!, $l: LocationInput!) { addCountryEnterprise(input: { companyId: $c, country: \"DE\", location: $l }) { countryEnterprise { id } } }",
            json!({ "c": ids.acme, "l": location }),
        ),
        (
            "updateCountryEnterprise",
            "mutation($e: ID!) { updateCountryEnterprise(input: { countryEnterpriseId: $e, version: 1, publishToPartners: true }) { countryEnterprise { id } } }",
            json!({ "e": ids.country_enterprise }),
        ),
        (
            "addLocation",
            "mutation($e: ID!, $l: LocationInput!) { addLocation(input: { countryEnterpriseId: $e, location: $l }) { location { id } } }",
            json!({ "e": ids.country_enterprise, "l": location }),
        ),
        (
            "updateLocation",
            "mutation($id: ID!, $l: LocationInput!) { updateLocation(input: { locationId: $id, version: 1, location: $l }) { location { id } } }",
            json!({ "id": ids.location, "l": location }),
        ),
        (
            "joinCompany",
            "mutation($id: ID!) { joinCompany(input: { locationId: $id, companyToken: \"not-the-token\", givenName: \"G\", familyName: \"F\" }) { person { id } } }",
            json!({ "id": ids.location }),
        ),
        (
            "registerValueNet",
            "mutation($c: ID!, $m: [ID!]!) { registerValueNet(input: { companyId: $c, name: \"N\", memberCompanyIds: $m }) { valueNet { id } } }",
            json!({ "c": ids.acme, "m": [ids.globex] }),
        ),
        (
            "registerValueNetFocus",
            "mutation($c: ID!) { registerValueNetFocus(input: { companyId: $c, industries: [\"Retail\"] }) { registration { company { id } } } }",
            json!({ "c": ids.acme }),
        ),
        (
            "confirmValueNetMembership",
            "mutation($c: ID!, $v: ID!) { confirmValueNetMembership(input: { companyId: $c, valueNetId: $v, accept: true }) { valueNet { id } } }",
            json!({ "c": ids.acme, "v": ids.value_net }),
        ),
        (
            "updateSiteUser",
            "mutation($id: ID!) { updateSiteUser(input: { siteUserId: $id, version: 1, name: \"X\" }) { siteUser { id } } }",
            json!({ "id": ids.site_user }),
        ),
        (
            "removeSiteUser",
            "mutation($id: ID!) { removeSiteUser(input: { siteUserId: $id, version: 1 }) { removedSiteUserId } }",
            json!({ "id": ids.site_user }),
        ),
        (
            "approveAccessRequest",
            "mutation($id: ID!) { approveAccessRequest(input: { requestId: $id, version: 1, role: USER }) { accessRequest { id } } }",
            json!({ "id": ids.request }),
        ),
        (
            "rejectAccessRequest",
            "mutation($id: ID!) { rejectAccessRequest(input: { requestId: $id, version: 1, reason: \"no\" }) { accessRequest { id } } }",
            json!({ "id": ids.request }),
        ),
        (
            "addSiteUser",
            "mutation($s: ID!) { addSiteUser(input: { siteId: $s, ibmId: \"x@globex.example\", name: \"X\", role: USER }) { siteUser { id } } }",
            json!({ "s": ids.site }),
        ),
        (
            "transferPrimaryContact",
            "mutation($s: ID!, $u: ID!) { transferPrimaryContact(input: { siteId: $s, toSiteUserId: $u, version: 1 }) { site { id } } }",
            json!({ "s": ids.site, "u": ids.site_user }),
        ),
        (
            "appointSitePrimary",
            "mutation($s: ID!, $u: ID!) { appointSitePrimary(input: { siteId: $s, siteUserId: $u, version: 1 }) { site { id } } }",
            json!({ "s": ids.site, "u": ids.site_user }),
        ),
        (
            "passOpportunity",
            "mutation($id: ID!) { passOpportunity(input: { opportunityId: $id }) { opportunity { id } } }",
            json!({ "id": ids.opportunity }),
        ),
        (
            "respondToOpportunity",
            "mutation($id: ID!) { respondToOpportunity(input: { opportunityId: $id, version: 1, accept: true }) { accepted } }",
            json!({ "id": ids.acme_lead }),
        ),
        (
            "progressOpportunity",
            "mutation($id: ID!) { progressOpportunity(input: { opportunityId: $id, version: 1, status: WON }) { opportunity { id } } }",
            json!({ "id": ids.acme_lead }),
        ),
        (
            "requestRevenueCorrection",
            "mutation($e: ID!) { requestRevenueCorrection(input: { countryEnterpriseId: $e, period: \"2026-Q1\", contact: { name: \"P\", email: \"p@example.com\" }, amounts: [{ brand: POWER, amount: { amount: \"1\", currency: \"USD\" } }] }) { correction { id } } }",
            json!({ "e": ids.country_enterprise }),
        ),
        (
            "decideRevenueCorrection",
            "mutation($id: ID!) { decideRevenueCorrection(input: { correctionId: $id, version: 1, approve: false, reason: \"no\" }) { correction { id } } }",
            json!({ "id": ids.correction }),
        ),
        (
            "addBenefit",
            "mutation($l: ID!) { addBenefit(input: { locationId: $l, kind: VALUE_OPTION, name: \"Probe\", validUntil: \"2099-01-01\" }) { benefit { id } } }",
            json!({ "l": ids.location }),
        ),
        (
            "updateBenefit",
            "mutation($id: ID!) { updateBenefit(input: { benefitId: $id, version: 1, validUntil: \"2099-01-01\" }) { benefit { id } } }",
            json!({ "id": ids.benefit }),
        ),
        (
            "generateRenewalQuote",
            "mutation($s: ID!, $l: [ID!]!) { generateRenewalQuote(input: { siteId: $s, lineItemIds: $l }) { quote { quoteNumber } } }",
            json!({ "s": ids.site, "l": [ids.line_item] }),
        ),
        (
            "registerDeal",
            "mutation($c: ID!) { registerDeal(input: { companyId: $c, deal: { customerName: \"C\", productGroup: \"Security\", country: \"US\" } }) { opportunity { id } } }",
            json!({ "c": ids.acme }),
        ),
    ]
}

/// The kinds of the global ids a value holds.
fn kinds_of(v: &Value) -> Vec<&'static str> {
    match v {
        Value::String(s) => api::graphql::ids::decode_any(s)
            .map(|(kind, _)| vec![<&'static str>::from(kind)])
            .unwrap_or_default(),
        Value::Array(items) => items.iter().flat_map(kinds_of).collect(),
        _ => Vec::new(),
    }
}

/// Does the value hold a global id (or a list of them)?
fn names_ids(v: &Value) -> bool {
    match v {
        Value::String(s) => api::graphql::ids::decode_any(s).is_ok(),
        Value::Array(items) => !items.is_empty() && items.iter().all(names_ids),
        _ => false,
    }
}

fn all_seen(v: &Value, seen: &BTreeSet<String>) -> bool {
    match v {
        Value::String(s) => seen.contains(s),
        Value::Array(items) => items.iter().all(|i| all_seen(i, seen)),
        _ => false,
    }
}

/// Every id of Acme's, IBM's and the caller's own that `who` can read on some path: the
/// objects a refusal may then name without telling the caller anything new.
async fn seen_by(
    app: &TestApp,
    who: Option<&str>,
    ids: &Ids,
    community: &Value,
) -> BTreeSet<String> {
    let token = who.map(|s| app.token(s));
    let entities: Vec<Value> = [
        ("Company", &ids.acme),
        ("Company", &ids.globex),
        ("Person", &ids.acme_person),
        ("CountryEnterprise", &ids.country_enterprise),
        ("Location", &ids.location),
        ("Site", &ids.site),
        ("Solution", &ids.solution),
        ("CustomerExperience", &ids.experience),
        ("Community", &ids.private_community),
    ]
    .into_iter()
    .map(|(t, id)| json!({ "__typename": t, "id": id }))
    .chain([json!({ "__typename": "Community", "id": community })])
    .collect();
    // One query per path, so a refusal on one (a signed-in field asked anonymously)
    // hides nothing the others show.
    let paths = [
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Node { id } ... on Solution { id } ... on CustomerExperience { id } ... on Community { id } } }",
        "query($c: ID!) { company(id: $c) { relationshipApplications { id } } }",
        "query($c: ID!) { company(id: $c) { technicalAdvocateRequests { id } } }",
        "query($c: ID!) { company(id: $c) { opportunities(first: 100) { nodes { id } } } }",
        "query($c: ID!) { company(id: $c) { valueNets { id } } }",
        "query($c: ID!) { company(id: $c) { valueNetInvitations { id } } }",
        "{ site(siteNumber: \"S-1000001\") { users { id } } }",
        "{ site(siteNumber: \"S-1000001\") { accessRequests { id } } }",
        "{ myAccessRequests { id } }",
        "{ me { candidateIdMerges { id } } }",
        "{ site(siteNumber: \"S-1000001\") { renewalLineItems(first: 100, filter: { from: \"2000-01-01\" }) { nodes { id } } } }",
        "{ myNotifications(first: 100) { nodes { id } } }",
        "query($c: ID!) { company(id: $c) { countryEnterprises { revenueCorrections { id } } } }",
        "query($c: ID!) { company(id: $c) { countryEnterprises { locations { benefits { id } } } } }",
    ];
    let mut answers = Vec::new();
    for query in paths {
        let variables = json!({ "r": entities, "c": ids.acme });
        answers.push(
            app.graphql(query, variables, token.as_deref())
                .await
                .data()
                .clone(),
        );
    }
    let mut out = BTreeSet::new();
    fn strings(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
            Value::Object(map) => map.values().for_each(|i| strings(i, out)),
            _ => {}
        }
    }
    answers.iter().for_each(|a| strings(a, &mut out));
    out
}

/// Every id the variables hold, replaced by one of the same kind that names nothing.
fn unknown_ids(v: &Value) -> Value {
    match v {
        Value::String(s) => match api::graphql::ids::decode_any(s) {
            Ok((kind, _)) => json!(api::graphql::ids::encode(kind, 987_654_321).to_string()),
            Err(_) => v.clone(),
        },
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), unknown_ids(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(unknown_ids).collect()),
        other => other.clone(),
    }
}

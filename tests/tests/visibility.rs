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
}

async fn ids(app: &TestApp) -> Ids {
    let ibm = app.ibm_channel_token();
    let a = app
        .graphql(
            "{ company(partnerWorldId: \"PW-000001\") { id employees(first: 5) { edges { node { id ibmId } } } relationshipApplications { id } solutions { customerExperiences { id status } } }
               site(siteNumber: \"S-1000001\") { id users { id ibmId } accessRequests { id } }
               opportunities(first: 100) { edges { node { id status passedTo { partnerWorldId } } } }
               candidateIdMergeRequests(first: 1) { nodes { id } }
               communities(first: 50) { edges { node { id visibility members { status person { ibmId } } } } } }",
            json!({}),
            Some(&ibm),
        )
        .await;
    a.assert_no_errors();
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

    async fn an_object_the_caller_may_not_see_answers_every_mutation_as_an_unknown_id(app) {
        let ids = ids(&app).await;
        let made = app.as_user(
            "apa@globex.example",
            "mutation { createCommunity(input: { slug: \"oracle\", name: \"Oracle\", description: \"probe\", visibility: PUBLIC }) { community { id } } }",
            json!({}),
        ).await;
        made.assert_no_errors();
        let community = made.data()["createCommunity"]["community"]["id"].clone();
        let cases: Vec<(&str, Value)> = vec![
            ("mutation($id: ID!) { addCandidateId(input: { personId: $id, candidateId: \"C-ORACLE\" }) { person { id } } }", json!({ "id": ids.acme_person })),
            ("mutation($id: ID!) { reviewPerson(input: { personId: $id, version: 1, decision: APPROVE }) { person { id } } }", json!({ "id": ids.acme_person })),
            ("mutation($c: ID!, $id: ID!) { inviteOrApproveMember(input: { communityId: $c, personId: $id }) { membership { status } } }", json!({ "c": community, "id": ids.acme_person })),
            ("mutation($id: ID!) { updateRelationshipApplication(input: { applicationId: $id, version: 1, agreementAccepted: true }) { application { id } } }", json!({ "id": ids.application })),
            ("mutation($id: ID!) { addApplicationDocument(input: { applicationId: $id, name: \"a.pdf\", contentType: \"application/pdf\", sizeBytes: 1, sha256: \"0000000000000000000000000000000000000000000000000000000000000000\" }) { application { id } } }", json!({ "id": ids.application })),
            ("mutation($id: ID!) { submitRelationshipApplication(input: { applicationId: $id, version: 1 }) { application { id } } }", json!({ "id": ids.application })),
            ("mutation($id: ID!) { decideRelationshipApplication(input: { applicationId: $id, version: 1, reason: \"no\" }) { application { id } } }", json!({ "id": ids.application })),
            ("mutation($id: ID!) { decideCustomerExperience(input: { customerExperienceId: $id, version: 1, approve: true }) { customerExperience { id } } }", json!({ "id": ids.experience })),
            ("mutation($id: ID!) { updateSiteUser(input: { siteUserId: $id, version: 1, name: \"X\" }) { siteUser { id } } }", json!({ "id": ids.site_user })),
            ("mutation($id: ID!) { removeSiteUser(input: { siteUserId: $id, version: 1 }) { removedSiteUserId } }", json!({ "id": ids.site_user })),
            ("mutation($id: ID!) { approveAccessRequest(input: { requestId: $id, version: 1, role: USER }) { accessRequest { id } } }", json!({ "id": ids.request })),
            ("mutation($id: ID!) { rejectAccessRequest(input: { requestId: $id, version: 1, reason: \"no\" }) { accessRequest { id } } }", json!({ "id": ids.request })),
            ("mutation($s: ID!) { addSiteUser(input: { siteId: $s, ibmId: \"x@globex.example\", name: \"X\", role: USER }) { siteUser { id } } }", json!({ "s": ids.site })),
            ("mutation($s: ID!, $u: ID!) { transferPrimaryContact(input: { siteId: $s, toSiteUserId: $u, version: 1 }) { site { id } } }", json!({ "s": ids.site, "u": ids.site_user })),
            ("mutation($id: ID!) { passOpportunity(input: { opportunityId: $id }) { opportunity { id } } }", json!({ "id": ids.opportunity })),
        ];
        // Outsiders of every kind: anonymous, an APA and a PRC elsewhere, the primary
        // contact of another site (who manages a site, just not this one).
        let callers = [None, Some("apa@globex.example"), Some("prc@acme.example"), Some("member@acme.example")];
        let mut checked = 0;
        for (query, variables) in &cases {
            for who in callers {
                let token = who.map(|s| app.token(s));
                let real = app.graphql(query, variables.clone(), token.as_deref()).await;
                if real.codes().iter().any(|c| c != "FORBIDDEN" && c != "NOT_FOUND" && c != "UNAUTHENTICATED") {
                    continue; // this caller may act here (or failed validation of the input)
                }
                // Only the private object's id changes; public ones (a community) stay.
                let mut probe = variables.clone();
                let private = ["id", "u"].into_iter().find(|k| variables.get(k).is_some()).unwrap_or("s");
                probe[private] = unknown_ids(&variables[private]);
                let unknown = app.graphql(query, probe, token.as_deref()).await;
                let same = real.status == unknown.status && real.body == unknown.body;
                // FORBIDDEN for a real id is fine only where the caller can see the object.
                assert!(
                    same || real.codes() == ["FORBIDDEN"] && visible_to(&app, who, variables).await,
                    "{who:?} learns whether {variables} exists through {query}:\n real: {}\n unknown: {}",
                    real.body,
                    unknown.body
                );
                checked += 1;
            }
        }
        assert!(checked >= 40, "only {checked} cases ran");
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

/// May `who` see every object the variables name (so FORBIDDEN tells them nothing new)?
async fn visible_to(app: &TestApp, who: Option<&str>, variables: &Value) -> bool {
    let Some(who) = who else { return false };
    let Value::Object(map) = variables else {
        return false;
    };
    for id in map.values().filter_map(Value::as_str) {
        let a = app
            .as_user(
                who,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        if a.data()["node"].is_null() {
            return false;
        }
    }
    true
}

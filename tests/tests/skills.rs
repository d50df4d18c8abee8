//! Skills end to end (domain.md §1 and §8, the FAQ's steps), on both engines: a company
//! registers, an employee joins and is approved, each adds their own candidate id marked
//! Sales or Technical, the testing vendors' feed brings certifications, the level in force
//! rises the same day; the feed is idempotent and reports every row it rejects; candidate
//! id merges are asked for by the person and decided by IBM.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

const REGISTER: &str = r#"mutation {
  registerCompany(input: {
    name: "Initech", partnerTypes: [RESELLER], country: "US",
    headquarters: { name: "Initech HQ", addressLine: "4120 Freidrich Lane", city: "Austin", postalCode: "78744" },
    givenName: "Bill", familyName: "Lumbergh"
  }) { company { partnerWorldId headquarters { id } } }
}"#;

const ADD: &str = r#"mutation($id: ID, $cid: String!, $track: SkillTrack!) {
  addCandidateId(input: { personId: $id, candidateId: $cid, track: $track }) { person { candidates { candidateId track } } }
}"#;

const FEED: &str = r#"mutation($rows: [CertificationFeedRow!]!) {
  importCertifications(input: { rows: $rows }) {
    received added updated unchanged
    rejected { row candidateId code }
    levelChanges { company { partnerWorldId } from to }
  }
}"#;

const MINE: &str = r#"{ me { candidates { candidateId track } certifications { name track kind earnedOn expiresOn candidateId } } }"#;

fn row(candidate: &str, name: &str, kind: &str, earned: &str, expires: Option<&str>) -> Value {
    json!({ "candidateId": candidate, "name": name, "kind": kind, "earnedOn": earned, "expiresOn": expires })
}

/// The vendor feed of the walkthrough: three skills of the points table (8 points, one
/// TECHNICAL and two SALES: Advanced for a reseller), one skill outside it, and the kinds of
/// rows a feed must refuse.
fn feed() -> Value {
    json!([
        row(
            "PG000001",
            "IBM Certified Sales - Storage",
            "CERTIFICATION",
            "2026-10-01",
            Some("2028-10-01")
        ),
        row(
            "pg000001",
            "IBM Sales Mastery - Data and AI",
            "MASTERY",
            "2026-10-02",
            None
        ),
        row(
            "BL000001",
            "IBM Certified Technical - Storage",
            "CERTIFICATION",
            "2026-10-03",
            Some("2028-10-03")
        ),
        row(
            "BL000001",
            "Vendor-neutral Project Management",
            "CERTIFICATION",
            "2026-10-04",
            None
        ),
        row(
            "ZZ999999",
            "IBM Certified Sales - Power",
            "CERTIFICATION",
            "2026-10-01",
            None
        ),
        row(
            "PG000001",
            "IBM Certified Sales - Power",
            "CERTIFICATION",
            "2026-10-05",
            Some("2026-10-01")
        ),
        row(
            "!",
            "IBM Certified Sales - Power",
            "CERTIFICATION",
            "2026-10-01",
            None
        ),
        row(
            "PG000001",
            "IBM Certified Sales - Storage",
            "CERTIFICATION",
            "2026-10-01",
            Some("2029-01-01")
        ),
        row(
            "PG000001",
            "IBM Sales Mastery - Data and AI",
            "MASTERY",
            "2026-10-02",
            None
        ),
        row(
            "PG000001",
            "IBM Certified Sales - Power",
            "CERTIFICATION",
            "2099-01-01",
            None
        ),
    ])
}

async fn setup(app: &TestApp) -> String {
    let bill = "bill@initech.example";
    let a = app.as_user(bill, REGISTER, json!({})).await;
    a.assert_no_errors();
    let c = &a.data()["registerCompany"]["company"];
    let pw = c["partnerWorldId"].as_str().expect("pw").to_owned();
    // The payload was read with the standing the caller had when the request began; the
    // token is theirs from the next request on.
    let token = app
        .as_user(
            bill,
            "query($pw: String!) { company(partnerWorldId: $pw) { companyToken } }",
            json!({ "pw": pw }),
        )
        .await;
    token.assert_no_errors();
    let join = app
        .as_user(
            "peter@initech.example",
            "mutation($loc: ID!, $t: String!) { joinCompany(input: { locationId: $loc, companyToken: $t, givenName: \"Peter\", familyName: \"Gibbons\" }) { person { id version } } }",
            json!({ "loc": c["headquarters"]["id"], "t": token.data()["company"]["companyToken"] }),
        )
        .await;
    join.assert_no_errors();
    let peter = &join.data()["joinCompany"]["person"];
    // A PENDING person cannot add a candidate id yet ("self (active)").
    let early = app
        .as_user(
            "peter@initech.example",
            ADD,
            json!({ "cid": "PG000001", "track": "SALES" }),
        )
        .await;
    assert_eq!(early.codes(), ["FORBIDDEN"], "{}", early.body);
    app.as_user(
        bill,
        "mutation($id: ID!, $v: Int!) { reviewPerson(input: { personId: $id, version: $v, decision: APPROVE }) { person { status } } }",
        json!({ "id": peter["id"], "v": peter["version"] }),
    )
    .await
    .assert_no_errors();
    pw
}

fn level(app: &TestApp, pw: &str) -> impl std::future::Future<Output = Value> {
    let q = "query($pw: String!) { company(partnerWorldId: $pw) { partnerWorldLevel achievedLevel levelHistory { from to reason } } }";
    let a = app.as_user("bill@initech.example", q, json!({ "pw": pw }));
    async move {
        let a = a.await;
        a.assert_no_errors();
        a.data()["company"].clone()
    }
}

on_both_backends! {
    async fn candidate_ids_then_the_vendor_feed_raise_the_level_the_same_day(app) {
        let pw = setup(&app).await;
        // The FAQ's step: each adds their own candidate id and chooses the track.
        let peter = app.as_user("peter@initech.example", ADD, json!({ "cid": "pg000001", "track": "SALES" })).await;
        peter.assert_no_errors();
        assert_eq!(peter.data()["addCandidateId"]["person"]["candidates"], json!([{ "candidateId": "PG000001", "track": "SALES" }]));
        app.as_user("bill@initech.example", ADD, json!({ "cid": "BL000001", "track": "TECHNICAL" })).await.assert_no_errors();
        // A candidate id belongs to one person.
        let taken = app.as_user("bill@initech.example", ADD, json!({ "cid": "PG000001", "track": "TECHNICAL" })).await;
        assert_eq!(taken.codes(), ["CONFLICT"], "{}", taken.body);
        assert_eq!(level(&app, &pw).await["partnerWorldLevel"], "MEMBER");

        // Only IBM's channel team feeds certifications.
        let outsider = app.as_user("bill@initech.example", FEED, json!({ "rows": feed() })).await;
        assert_eq!(outsider.codes(), ["FORBIDDEN"], "{}", outsider.body);

        let ibm = app.ibm_channel_token();
        let first = app.graphql(FEED, json!({ "rows": feed() }), Some(&ibm)).await;
        first.assert_no_errors();
        assert_eq!(
            first.data()["importCertifications"],
            json!({
                "received": 10, "added": 4, "updated": 0, "unchanged": 1,
                "rejected": [
                    { "row": 5, "candidateId": "ZZ999999", "code": "UNKNOWN_CANDIDATE_ID" },
                    { "row": 6, "candidateId": "PG000001", "code": "INVALID_DATES" },
                    { "row": 7, "candidateId": "!", "code": "INVALID_CANDIDATE_ID" },
                    { "row": 8, "candidateId": "PG000001", "code": "CONFLICTING_ROW" },
                    { "row": 10, "candidateId": "PG000001", "code": "INVALID_DATES" },
                ],
                "levelChanges": [{ "company": { "partnerWorldId": pw }, "from": "MEMBER", "to": "ADVANCED" }],
            })
        );
        // The level in force rose at once, with its reason on record.
        let l = level(&app, &pw).await;
        assert_eq!(l["partnerWorldLevel"], "ADVANCED");
        assert_eq!(l["achievedLevel"], "ADVANCED");
        assert_eq!(l["levelHistory"][0]["to"], "ADVANCED");
        let reason = l["levelHistory"][0]["reason"].as_str().expect("reason");
        assert!(reason.starts_with("certifications arrived: the rules give ADVANCED (8 points, 3 skills)"), "{reason}");
        let advanced = app.as_user("bill@initech.example",
            "{ companies(first: 5, filter: { nameContains: \"Initech\", level: ADVANCED }) { edges { node { partnerWorldId } } } }", json!({})).await;
        advanced.assert_no_errors();
        assert_eq!(advanced.data()["companies"]["edges"], json!([{ "node": { "partnerWorldId": pw } }]));

        // The profile shows what arrived, with the points table's track (the one the
        // level counted); a skill outside the points table does not show at all.
        let mine = app.as_user("peter@initech.example", MINE, json!({})).await;
        mine.assert_no_errors();
        assert_eq!(mine.data()["me"]["certifications"], json!([
            { "name": "IBM Certified Sales - Storage", "track": "SALES", "kind": "CERTIFICATION", "earnedOn": "2026-10-01", "expiresOn": "2028-10-01", "candidateId": "PG000001" },
            { "name": "IBM Sales Mastery - Data and AI", "track": "SALES", "kind": "MASTERY", "earnedOn": "2026-10-02", "expiresOn": null, "candidateId": "PG000001" },
        ]));
        let bills = app.as_user("bill@initech.example", MINE, json!({})).await;
        assert_eq!(bills.data()["me"]["certifications"], json!([
            { "name": "IBM Certified Technical - Storage", "track": "TECHNICAL", "kind": "CERTIFICATION", "earnedOn": "2026-10-03", "expiresOn": "2028-10-03", "candidateId": "BL000001" },
        ]));

        // The same feed again changes nothing.
        let again = app.graphql(FEED, json!({ "rows": feed() }), Some(&ibm)).await;
        again.assert_no_errors();
        let r = &again.data()["importCertifications"];
        assert_eq!((r["added"].clone(), r["updated"].clone(), r["unchanged"].clone()), (json!(0), json!(0), json!(5)));
        assert_eq!(r["levelChanges"], json!([]));
        assert_eq!(level(&app, &pw).await["levelHistory"].as_array().map(Vec::len), Some(1));
        // A renewed expiry is brought up to date, not added twice.
        let renewed = app.graphql(FEED, json!({ "rows": [row("PG000001", "IBM Certified Sales - Storage", "CERTIFICATION", "2026-10-01", Some("2029-10-01"))] }), Some(&ibm)).await;
        renewed.assert_no_errors();
        assert_eq!(renewed.data()["importCertifications"]["updated"], 1);
        let mine = app.as_user("peter@initech.example", MINE, json!({})).await;
        assert_eq!(mine.data()["me"]["certifications"][0]["expiresOn"], "2029-10-01");
        assert_eq!(mine.data()["me"]["certifications"].as_array().map(Vec::len), Some(2));
    }

    async fn a_feed_larger_than_a_call_takes_is_refused_whole(app) {
        let ibm = app.ibm_channel_token();
        let rows: Vec<Value> = (0..1_001).map(|i| row(&format!("C{i:08}"), "X", "MASTERY", "2026-10-01", None)).collect();
        let a = app.graphql(FEED, json!({ "rows": rows }), Some(&ibm)).await;
        assert_eq!(a.codes(), ["BAD_USER_INPUT"], "{}", a.body);
    }

    async fn a_person_asks_to_merge_candidate_ids_and_ibm_decides(app) {
        let member = "member@acme.example";
        // The demo left one request of member@acme.example waiting in IBM's queue.
        let ibm = app.ibm_channel_token();
        let queue = app.graphql(
            "{ candidateIdMergeRequests(first: 10) { totalCount nodes { id version status candidateIds keep person { ibmId } } } }",
            json!({}), Some(&ibm)).await;
        queue.assert_no_errors();
        let q = &queue.data()["candidateIdMergeRequests"];
        assert_eq!(q["totalCount"], 1);
        let waiting = q["nodes"][0].clone();
        assert_eq!(waiting["person"]["ibmId"], member);
        assert_eq!(waiting["status"], "SUBMITTED");
        let keep = waiting["keep"].as_str().expect("keep").to_owned();
        let ids: Vec<String> = waiting["candidateIds"].as_array().expect("ids").iter().map(|v| v.as_str().expect("id").to_owned()).collect();
        let other = ids.iter().find(|c| **c != keep).expect("a merged id").clone();

        // While it waits, a second request is refused; one naming someone else's id too.
        let twice = app.as_user(member,
            "mutation($ids: [String!]!, $keep: String!) { requestCandidateIdMerge(input: { candidateIds: $ids, keep: $keep }) { merge { id } } }",
            json!({ "ids": ids, "keep": keep })).await;
        assert_eq!(twice.codes(), ["CONFLICT"], "{}", twice.body);
        let foreign = app.as_user("prc@acme.example",
            "mutation($ids: [String!]!, $keep: String!) { requestCandidateIdMerge(input: { candidateIds: $ids, keep: $keep }) { merge { id } } }",
            json!({ "ids": ids, "keep": keep })).await;
        assert_eq!(foreign.codes(), ["BAD_USER_INPUT"], "{}", foreign.body);

        // A certification under the merged id arrives before IBM decides.
        let feed = app.graphql(FEED, json!({ "rows": [row(&other, "IBM Certified Sales - Security", "CERTIFICATION", "2026-11-20", None)] }), Some(&ibm)).await;
        feed.assert_no_errors();
        assert_eq!(feed.data()["importCertifications"]["added"], 1);

        let decide = app.graphql(
            "mutation($id: ID!, $v: Int!) { decideCandidateIdMerge(input: { mergeId: $id, version: $v, approve: true, note: \"Same person at both vendors\" }) { merge { status note } } }",
            json!({ "id": waiting["id"], "v": waiting["version"] }), Some(&ibm)).await;
        decide.assert_no_errors();
        assert_eq!(decide.data()["decideCandidateIdMerge"]["merge"], json!({ "status": "APPROVED", "note": "Same person at both vendors" }));
        // Decided once.
        let again = app.graphql(
            "mutation($id: ID!, $v: Int!) { decideCandidateIdMerge(input: { mergeId: $id, version: $v, approve: false }) { merge { status } } }",
            json!({ "id": waiting["id"], "v": waiting["version"] }), Some(&ibm)).await;
        assert_eq!(again.codes(), ["CONFLICT"], "{}", again.body);

        // The person keeps one candidate id, and every certification counts under it.
        let mine = app.as_user(member, "{ me { candidates { candidateId } certifications { name candidateId } candidateIdMerges { status } } }", json!({})).await;
        mine.assert_no_errors();
        let me = &mine.data()["me"];
        assert_eq!(me["candidates"], json!([{ "candidateId": keep }]));
        let certs = me["certifications"].as_array().expect("certs");
        assert!(certs.iter().any(|c| c["name"] == "IBM Certified Sales - Security"), "{certs:?}");
        assert!(certs.iter().all(|c| c["candidateId"] == json!(keep)), "{certs:?}");
        assert_eq!(me["candidateIdMerges"], json!([{ "status": "APPROVED" }]));
        let empty = app.graphql("{ candidateIdMergeRequests { totalCount } }", json!({}), Some(&ibm)).await;
        assert_eq!(empty.data()["candidateIdMergeRequests"]["totalCount"], 0);
    }
}

#[test]
fn a_csv_feed_is_read_row_by_row_and_unreadable_lines_are_reported_with_their_number() {
    use api::domain::profiles::skills::{RejectCode, parse_csv};
    let csv = "name,candidate_id,kind,earned_on,expires_on\n\
               IBM Certified Sales - Power,PG000001,CERTIFICATION,2026-10-01,2028-10-01\n\
               IBM Certified Sales - Power,PG000001,BADGE,2026-10-01,\n\
               \"IBM Certified Technical - Power, Linux\",PG000002,mastery,2026-10-01,\n\
               IBM Certified Sales - Power,PG000003,CERTIFICATION,01/10/2026,\n\
               short,row\n";
    let (rows, rejected) = parse_csv(csv.as_bytes()).expect("a header row");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, 2);
    assert_eq!(rows[1].0, 4);
    assert_eq!(rows[1].1.name, "IBM Certified Technical - Power, Linux");
    assert_eq!(rows[1].1.expires_on, None);
    let lines: Vec<(usize, RejectCode)> = rejected.iter().map(|r| (r.row, r.code)).collect();
    assert_eq!(
        lines,
        [
            (3, RejectCode::UnreadableRow),
            (5, RejectCode::UnreadableRow),
            (6, RejectCode::UnreadableRow)
        ]
    );
    assert!(
        parse_csv("candidate_id,name\n".as_bytes()).is_err(),
        "a header without kind and earned_on is refused"
    );
}

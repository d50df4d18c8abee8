//! IBM Communities: joining, invitations and approvals, owners, and member-list visibility.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

async fn create(app: &TestApp, owner: &str, slug: &str, visibility: &str) -> Value {
    let a = app
        .as_user(
            owner,
            "mutation($s: String!, $v: CommunityVisibility!) { createCommunity(input: { slug: $s, name: \"Test\", description: \"A test community\", visibility: $v }) { community { id slug } } }",
            json!({ "s": slug, "v": visibility }),
        )
        .await;
    a.assert_no_errors();
    a.data()["createCommunity"]["community"].clone()
}

async fn person_id(app: &TestApp, who: &str) -> Value {
    app.as_user(who, "{ me { id } }", json!({})).await.data()["me"]["id"].clone()
}

const MEMBERS: &str = "query($s: String!) { community(slug: $s) { memberCount members { role status person { givenName } } } }";
const JOIN: &str =
    "mutation($id: ID!) { joinCommunity(communityId: $id) { membership { status role } } }";

on_both_backends! {
    async fn a_public_community_is_joined_at_once_and_listed_to_signed_in_callers(app) {
        let c = create(&app, "apa@globex.example", "power-users", "PUBLIC").await;
        let joined = app.as_user("member@acme.example", JOIN, json!({ "id": c["id"] })).await;
        joined.assert_no_errors();
        assert_eq!(joined.data()["joinCommunity"]["membership"]["status"], "ACTIVE");
        let list = app.as_user("prc@acme.example", MEMBERS, json!({ "s": "power-users" })).await;
        list.assert_no_errors();
        assert_eq!(list.data()["community"]["memberCount"], 2);
        let anonymous = app.graphql(MEMBERS, json!({ "s": "power-users" }), None).await;
        assert_eq!(anonymous.codes(), vec!["FORBIDDEN"]);
        assert_eq!(app.as_user("member@acme.example", JOIN, json!({ "id": c["id"] })).await.codes(), vec!["CONFLICT"]);
    }

    async fn a_private_community_needs_owner_approval_and_hides_its_members(app) {
        let c = create(&app, "apa@acme.example", "inner-circle", "PRIVATE").await;
        let asked = app.as_user("member@acme.example", JOIN, json!({ "id": c["id"] })).await;
        assert_eq!(asked.data()["joinCommunity"]["membership"]["status"], "PENDING");
        assert_eq!(app.as_user("member@acme.example", MEMBERS, json!({ "s": "inner-circle" })).await.codes(), vec!["FORBIDDEN"]);
        let approve = "mutation($c: ID!, $p: ID!) { inviteOrApproveMember(input: { communityId: $c, personId: $p }) { membership { status } } }";
        let member = person_id(&app, "member@acme.example").await;
        assert_eq!(app.as_user("prc@acme.example", approve, json!({ "c": c["id"], "p": member })).await.codes(), vec!["FORBIDDEN"], "not an owner");
        let ok = app.as_user("apa@acme.example", approve, json!({ "c": c["id"], "p": member })).await;
        assert_eq!(ok.data()["inviteOrApproveMember"]["membership"]["status"], "ACTIVE");
        app.as_user("member@acme.example", MEMBERS, json!({ "s": "inner-circle" })).await.assert_no_errors();
        // An invitation is accepted by joining.
        let prc = person_id(&app, "prc@acme.example").await;
        let invited = app.as_user("apa@acme.example", approve, json!({ "c": c["id"], "p": prc })).await;
        assert_eq!(invited.data()["inviteOrApproveMember"]["membership"]["status"], "INVITED");
        let accepted = app.as_user("prc@acme.example", JOIN, json!({ "id": c["id"] })).await;
        assert_eq!(accepted.data()["joinCommunity"]["membership"]["status"], "ACTIVE");
        app.graphql(MEMBERS, json!({ "s": "inner-circle" }), Some(&app.ibm_channel_token())).await.assert_no_errors();
    }

    async fn the_last_owner_cannot_leave(app) {
        let c = create(&app, "apa@acme.example", "owners", "PUBLIC").await;
        let leave = "mutation($id: ID!) { leaveCommunity(communityId: $id) { communityId } }";
        assert_eq!(app.as_user("apa@acme.example", leave, json!({ "id": c["id"] })).await.codes(), vec!["CONFLICT"]);
        app.as_user("member@acme.example", JOIN, json!({ "id": c["id"] })).await.assert_no_errors();
        let promote = app.as_user("apa@acme.example", "mutation($c: ID!, $p: ID!) { setCommunityOwner(input: { communityId: $c, personId: $p, owner: true }) { membership { role } } }", json!({ "c": c["id"], "p": person_id(&app, "member@acme.example").await })).await;
        assert_eq!(promote.data()["setCommunityOwner"]["membership"]["role"], "OWNER");
        app.as_user("apa@acme.example", leave, json!({ "id": c["id"] })).await.assert_no_errors();
        let dup = app.as_user("apa@globex.example", "mutation { createCommunity(input: { slug: \"OWNERS\", name: \"x\", description: \"y\", visibility: PUBLIC }) { community { id } } }", json!({})).await;
        assert_eq!(dup.codes(), vec!["CONFLICT"]);
    }
}

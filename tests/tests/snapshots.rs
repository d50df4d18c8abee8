//! Whole responses where the response is the behaviour: a company tree as its APA sees it,
//! a site as its primary contact sees it, and the error bodies of a guarded field, a bad id
//! and an unparsable document. Any field added, dropped or leaked shows in the diff. Both
//! engines answer into the same snapshot, so SQLite and PostgreSQL + Redis must agree to
//! the byte. Fields that move with today's date (levels achieved, expiries) are left out:
//! `api`'s unit tests snapshot the level explanation at fixed dates.

use serde_json::{Value, json};
use tests::on_both_backends;

/// One snapshot per name for both engines (insta would otherwise keep one per module).
fn snapshot(name: &str, body: &Value) {
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_json_snapshot!(name, body);
    });
}

const TREE: &str = r#"
query Tree($pw: String!) {
  company(partnerWorldId: $pw) {
    id name partnerWorldId description partnerTypes goodStanding partnerWorldLevel version
    companyToken
    headquarters { name city country }
    countryEnterprises {
      countryEnterpriseId country passportAdvantageId publishToPartners publishToCustomers
      revenueReports { brand period amountMinor currency source }
      locations {
        name addressLine city postalCode country isHeadquarters
        agreements { kind status acceptedOn expiresOn }
        benefits { kind name status }
        people(first: 5) {
          pageInfo { hasNextPage }
          edges { node { givenName familyName jobTitle status ibmId companyRoles candidateIds } }
        }
      }
    }
  }
}"#;

const SITE: &str = r#"
query Site {
  site(siteNumber: "S-1000001") {
    siteNumber name country agreementType
    resellerCompany { name }
    users { ibmId name role accountManagement privileges }
    accessRequests { status }
  }
}"#;

on_both_backends! {
    async fn the_company_tree_as_its_apa_sees_it(app) {
        let answer = app.as_user("apa@acme.example", TREE, json!({ "pw": "PW-000001" })).await;
        answer.assert_no_errors();
        snapshot("company_tree_as_apa", &answer.body);
    }

    async fn the_company_tree_as_an_outsider_sees_it(app) {
        let answer = app.as_user("apa@globex.example", TREE, json!({ "pw": "PW-000001" })).await;
        snapshot("company_tree_as_outsider", &answer.body);
    }

    async fn a_site_as_its_primary_contact_sees_it(app) {
        let answer = app.as_user("site.primary@acme.example", SITE, json!({})).await;
        answer.assert_no_errors();
        snapshot("site_as_primary_contact", &answer.body);
    }

    async fn the_error_body_of_a_bad_id(app) {
        let answer = app.graphql(r#"{ company(id: "not-an-id") { name } }"#, json!({}), None).await;
        assert_eq!(answer.status.as_u16(), 200);
        snapshot("error_bad_id", &answer.body);
    }

    async fn the_error_body_of_an_unparsable_document(app) {
        let answer = app.graphql("{ company(", json!({}), None).await;
        assert_eq!(answer.status.as_u16(), 400);
        snapshot("error_unparsable", &answer.body);
    }
}

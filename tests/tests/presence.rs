//! The company's presence as its APA edits it (domain.md §8), on both engines: partner
//! types, country enterprises with their publishing, marketing text and Passport
//! Advantage id, locations; and who sees the marketing text and the reseller id.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

const APA: &str = "apa@acme.example";

async fn acme(app: &TestApp) -> Value {
    let a = app
        .as_user(
            APA,
            "{ company(partnerWorldId: \"PW-000001\") { id version partnerTypes countryEnterprises { id version country } headquarters { id version } } }",
            json!({}),
        )
        .await;
    a.assert_no_errors();
    a.data()["company"].clone()
}

const CE: &str = "query($id: ID!) { node(id: $id) { ... on CountryEnterprise { marketingDescription passportAdvantageId } } }";

on_both_backends! {
    async fn the_apa_edits_the_companys_presence_and_others_may_not(app) {
        let c = acme(&app).await;
        // Partner types, as a whole; the level in force follows them.
        let types = "mutation($id: ID!, $v: Int!, $t: [PartnerType!]!) { setPartnerTypes(input: { companyId: $id, version: $v, partnerTypes: $t }) { company { version partnerTypes } } }";
        let outsider = app.as_user("apa@globex.example", types, json!({ "id": c["id"], "v": c["version"], "t": ["ISV"] })).await;
        assert_eq!(outsider.codes(), ["FORBIDDEN"]);
        let prc = app.as_user("prc@acme.example", types, json!({ "id": c["id"], "v": c["version"], "t": ["ISV"] })).await;
        assert_eq!(prc.codes(), ["FORBIDDEN"]);
        let set = app.as_user(APA, types, json!({ "id": c["id"], "v": c["version"], "t": ["MSP", "ISV", "RESELLER", "MSP"] })).await;
        set.assert_no_errors();
        assert_eq!(set.data()["setPartnerTypes"]["company"]["partnerTypes"], json!(["ISV", "MSP", "RESELLER"]));
        let stale = app.as_user(APA, types, json!({ "id": c["id"], "v": c["version"], "t": ["ISV"] })).await;
        assert_eq!(stale.codes(), ["CONFLICT"]);
        let none = app.as_user(APA, types, json!({ "id": c["id"], "v": set.data()["setPartnerTypes"]["company"]["version"], "t": [] })).await;
        assert_eq!(none.codes(), ["BAD_USER_INPUT"]);

        // A new country with its first location; the same country twice is refused.
        let add = "mutation($id: ID!, $c: String!) { addCountryEnterprise(input: { companyId: $id, country: $c, location: { name: \"Acme Paris\", addressLine: \"1 rue de Rivoli\", city: \"Paris\", postalCode: \"75001\" } }) { countryEnterprise { id country locations { name city } } } }";
        let fr = app.as_user(APA, add, json!({ "id": c["id"], "c": "FR" })).await;
        fr.assert_no_errors();
        assert_eq!(fr.data()["addCountryEnterprise"]["countryEnterprise"]["locations"], json!([{ "name": "Acme Paris", "city": "Paris" }]));
        assert_eq!(app.as_user(APA, add, json!({ "id": c["id"], "c": "FR" })).await.codes(), ["CONFLICT"]);
        assert_eq!(app.as_user(APA, add, json!({ "id": c["id"], "c": "France" })).await.codes(), ["BAD_USER_INPUT"]);
        let fr_id = fr.data()["addCountryEnterprise"]["countryEnterprise"]["id"].clone();

        // Another location there, then its address corrected.
        let loc = app.as_user(APA, "mutation($id: ID!) { addLocation(input: { countryEnterpriseId: $id, location: { name: \"Acme Lyon\", addressLine: \"2 quai\", city: \"Lyon\", postalCode: \"69001\" } }) { location { id version country } } }", json!({ "id": fr_id })).await;
        loc.assert_no_errors();
        let l = loc.data()["addLocation"]["location"].clone();
        assert_eq!(l["country"], "FR");
        let moved = app.as_user(APA, "mutation($id: ID!, $v: Int!) { updateLocation(input: { locationId: $id, version: $v, location: { name: \"Acme Lyon\", addressLine: \"10 quai Saint-Antoine\", city: \"Lyon\", postalCode: \"69002\" } }) { location { addressLine postalCode } } }",
            json!({ "id": l["id"], "v": l["version"] })).await;
        moved.assert_no_errors();
        assert_eq!(moved.data()["updateLocation"]["location"], json!({ "addressLine": "10 quai Saint-Antoine", "postalCode": "69002" }));
    }

    /// "The marketing description shows only where the publish flags allow (partners:
    /// signed-in callers; customers: anyone). The Passport Advantage reseller ID is for
    /// the company's members and IBM_CHANNEL."
    async fn marketing_text_and_the_reseller_id_show_only_as_the_flags_and_the_matrix_allow(app) {
        let c = acme(&app).await;
        let ce = c["countryEnterprises"][0].clone();
        let update = "mutation($id: ID!, $v: Int!, $p: Boolean, $c: Boolean, $m: String, $pa: String) { updateCountryEnterprise(input: { countryEnterpriseId: $id, version: $v, publishToPartners: $p, publishToCustomers: $c, marketingDescription: $m, passportAdvantageId: $pa }) { countryEnterprise { version publishToPartners publishToCustomers marketingDescription passportAdvantageId } } }";
        let set = app.as_user(APA, update, json!({ "id": ce["id"], "v": ce["version"], "p": false, "c": false, "m": "Analytics for German retail", "pa": "ppa7777" })).await;
        set.assert_no_errors();
        let after = set.data()["updateCountryEnterprise"]["countryEnterprise"].clone();
        assert_eq!(after["passportAdvantageId"], "PPA7777");
        let seen = |who: Option<&'static str>| {
            let app = &app;
            let id = ce["id"].clone();
            async move {
                let a = match who {
                    Some(w) => app.as_user(w, CE, json!({ "id": id })).await,
                    None => app.graphql(CE, json!({ "id": id }), None).await,
                };
                (a.data()["node"]["marketingDescription"].clone(), a.data()["node"]["passportAdvantageId"].clone(), a.codes())
            }
        };
        // Published nowhere: only the company and IBM see the text.
        assert_eq!(seen(Some("member@acme.example")).await, (json!("Analytics for German retail"), json!("PPA7777"), Vec::<String>::new()));
        assert_eq!(seen(Some("apa@globex.example")).await, (Value::Null, Value::Null, vec!["FORBIDDEN".to_owned()]));
        assert_eq!(seen(None).await, (Value::Null, Value::Null, vec!["FORBIDDEN".to_owned()]));
        // Published to partners: signed-in callers.
        // Fields left out of the input keep their values; `null` clears.
        let flags = "mutation($id: ID!, $v: Int!, $p: Boolean, $c: Boolean) { updateCountryEnterprise(input: { countryEnterpriseId: $id, version: $v, publishToPartners: $p, publishToCustomers: $c }) { countryEnterprise { version marketingDescription } } }";
        let partners = app.as_user(APA, flags, json!({ "id": ce["id"], "v": after["version"], "p": true })).await;
        partners.assert_no_errors();
        let v = partners.data()["updateCountryEnterprise"]["countryEnterprise"]["version"].clone();
        assert_eq!(seen(Some("apa@globex.example")).await.0, json!("Analytics for German retail"));
        assert_eq!(seen(None).await.0, Value::Null);
        // Published to customers: anyone; the reseller id stays the company's.
        app.as_user(APA, flags, json!({ "id": ce["id"], "v": v, "c": true })).await.assert_no_errors();
        assert_eq!(seen(None).await, (json!("Analytics for German retail"), Value::Null, vec!["FORBIDDEN".to_owned()]));
        assert_eq!(seen(Some("channel@ibm.example")).await.1, Value::Null, "IBM's token needs the role");
        let ibm = app.graphql(CE, json!({ "id": ce["id"] }), Some(&app.ibm_channel_token())).await;
        assert_eq!(ibm.data()["node"]["passportAdvantageId"], "PPA7777");
        // An explicit null clears the text.
        let v = ibm.data()["node"].clone();
        let current = app.as_user(APA, "query($id: ID!) { node(id: $id) { ... on CountryEnterprise { version } } }", json!({ "id": ce["id"] })).await;
        let cleared = app.as_user(APA, "mutation($id: ID!, $v: Int!) { updateCountryEnterprise(input: { countryEnterpriseId: $id, version: $v, marketingDescription: null }) { countryEnterprise { marketingDescription passportAdvantageId } } }",
            json!({ "id": ce["id"], "v": current.data()["node"]["version"] })).await;
        cleared.assert_no_errors();
        assert_eq!(cleared.data()["updateCountryEnterprise"]["countryEnterprise"], json!({ "marketingDescription": null, "passportAdvantageId": "PPA7777" }), "{v}");
    }
}

/// GraphQL spec, input coercion: a variable the request leaves out is absent (the field's
/// default applies; a nullable input field stays unset), never `null`.
mod absent_variables {
    use super::*;
    use tests::ws::WsClient;

    on_both_backends! {
        async fn a_variable_left_out_is_absent_not_null_on_every_transport(app) {
            let ce = acme(&app).await["countryEnterprises"][0].clone();
            let update = "mutation($id: ID!, $v: Int!, $p: Boolean, $m: String, $pa: String) { updateCountryEnterprise(input: { countryEnterpriseId: $id, version: $v, publishToPartners: $p, marketingDescription: $m, passportAdvantageId: $pa }) { countryEnterprise { version publishToPartners marketingDescription passportAdvantageId } } }";
            let set = app.as_user(APA, update, json!({ "id": ce["id"], "v": ce["version"], "m": "Kept", "pa": "PPA1" })).await;
            set.assert_no_errors();
            let v = set.data()["updateCountryEnterprise"]["countryEnterprise"]["version"].clone();
            // Over POST: $m and $pa left out keep both values.
            let post = app.as_user(APA, update, json!({ "id": ce["id"], "v": v, "p": true })).await;
            post.assert_no_errors();
            let after = post.data()["updateCountryEnterprise"]["countryEnterprise"].clone();
            assert_eq!((&after["marketingDescription"], &after["passportAdvantageId"], &after["publishToPartners"]), (&json!("Kept"), &json!("PPA1"), &json!(true)));
            // Over the WebSocket, the same.
            let addr = app.serve().await;
            let mut ws = WsClient::connect(addr, Some(&app.token(APA))).await;
            let payload = ws.execute(update, json!({ "id": ce["id"], "v": after["version"], "p": false })).await;
            assert_eq!(payload["errors"], Value::Null, "{payload}");
            let after = payload["data"]["updateCountryEnterprise"]["countryEnterprise"].clone();
            assert_eq!((&after["marketingDescription"], &after["passportAdvantageId"]), (&json!("Kept"), &json!("PPA1")));
            // An explicit null still clears.
            let cleared = app.as_user(APA, update, json!({ "id": ce["id"], "v": after["version"], "m": null })).await;
            cleared.assert_no_errors();
            assert_eq!(cleared.data()["updateCountryEnterprise"]["countryEnterprise"]["marketingDescription"], Value::Null);
            assert_eq!(cleared.data()["updateCountryEnterprise"]["countryEnterprise"]["passportAdvantageId"], "PPA1");
            // An argument with a default: left out, the default applies.
            let ibm = app.ibm_channel_token();
            let queue = "query($s: MergeStatus) { candidateIdMergeRequests(status: $s, first: 5) { totalCount } }";
            let left_out = app.graphql(queue, json!({}), Some(&ibm)).await;
            left_out.assert_no_errors();
            let submitted = app.graphql(queue, json!({ "s": "SUBMITTED" }), Some(&ibm)).await;
            assert_eq!(left_out.body, submitted.body);
            // An explicit null for an argument that cannot be null is a client error.
            assert_eq!(app.graphql(queue, json!({ "s": null }), Some(&ibm)).await.codes(), ["GRAPHQL_VALIDATION_FAILED"]);
        }
    }
}

/// Revenue corrections and benefits (domain.md §8): the FAQ's fields, IBM's decision.
mod corrections_and_benefits {
    use super::*;

    const REQUEST: &str = "mutation($e: ID!, $p: String!, $a: [BrandAmountInput!]!) { requestRevenueCorrection(input: { countryEnterpriseId: $e, period: $p, contact: { name: \"Priya Raman\", email: \"Prc@Acme.Example\", phone: \"+49 228 555 0100\" }, distributor: \"Arrow ECS\", amounts: $a, other: \"Booked under the wrong CE\" }) { correction { id version status period contact { name email phone } distributor other amounts { brand amount { amount currency } } requestedBy { ibmId } countryEnterprise { country company { partnerWorldId } } } } }";
    const DECIDE: &str = "mutation($id: ID!, $v: Int!, $ok: Boolean!, $r: String) { decideRevenueCorrection(input: { correctionId: $id, version: $v, approve: $ok, reason: $r }) { correction { status decisionReason decidedAt } } }";
    const REPORTS: &str = "query($id: ID!) { node(id: $id) { ... on CountryEnterprise { revenueReports { brand period amount { amount currency } source } revenueCorrections { period status } } } }";

    on_both_backends! {
        async fn a_revenue_correction_is_requested_by_the_prc_and_decided_by_ibm(app) {
            let ce = acme(&app).await["countryEnterprises"][0]["id"].clone();
            let amounts = json!([
                { "brand": "POWER", "amount": { "amount": "182500.00", "currency": "USD" } },
                { "brand": "SECURITY", "amount": { "amount": "1200.5", "currency": "USD" } },
            ]);
            // Neither another company's APA nor a member may ask; the FAQ's fields are checked.
            let outsider = app.as_user("apa@globex.example", REQUEST, json!({ "e": ce, "p": "2026-Q1", "a": amounts })).await;
            assert_eq!(outsider.codes(), ["FORBIDDEN"]);
            let member = app.as_user("member@acme.example", REQUEST, json!({ "e": ce, "p": "2026-Q1", "a": amounts })).await;
            assert_eq!(member.codes(), ["FORBIDDEN"]);
            for (period, a) in [
                ("Q1-2026", amounts.clone()),
                ("2026-Q1", json!([])),
                ("2026-Q1", json!([{ "brand": "POWER", "amount": { "amount": "1", "currency": "USD" } }, { "brand": "POWER", "amount": { "amount": "2", "currency": "USD" } }])),
                ("2026-Q1", json!([{ "brand": "POWER", "amount": { "amount": "1", "currency": "USD" } }, { "brand": "STORAGE", "amount": { "amount": "2", "currency": "EUR" } }])),
                ("2026-Q1", json!([{ "brand": "POWER", "amount": { "amount": "-1", "currency": "USD" } }])),
                ("2026-Q1", json!([{ "brand": "POWER", "amount": { "amount": "1.001", "currency": "USD" } }])),
            ] {
                let bad = app.as_user("prc@acme.example", REQUEST, json!({ "e": ce, "p": period, "a": a })).await;
                assert_eq!(bad.codes(), ["BAD_USER_INPUT"], "{period} {a}: {}", bad.body);
            }

            let asked = app.as_user("prc@acme.example", REQUEST, json!({ "e": ce, "p": "2026-Q1", "a": amounts })).await;
            asked.assert_no_errors();
            let c = asked.data()["requestRevenueCorrection"]["correction"].clone();
            assert_eq!(c["status"], "SUBMITTED");
            assert_eq!(c["contact"], json!({ "name": "Priya Raman", "email": "prc@acme.example", "phone": "+49 228 555 0100" }));
            assert_eq!(c["amounts"], json!([
                { "brand": "POWER", "amount": { "amount": "182500.00", "currency": "USD" } },
                { "brand": "SECURITY", "amount": { "amount": "1200.50", "currency": "USD" } },
            ]));
            assert_eq!(c["requestedBy"]["ibmId"], "prc@acme.example");
            assert_eq!(c["countryEnterprise"]["company"]["partnerWorldId"], "PW-000001");
            // One waiting correction per period.
            let again = app.as_user("apa@acme.example", REQUEST, json!({ "e": ce, "p": "2026-Q1", "a": amounts })).await;
            assert_eq!(again.codes(), ["CONFLICT"]);

            // It waits in IBM's queue, counted; the company's APA sees it on the CE.
            let ibm = app.ibm_channel_token();
            let queue = app.graphql("{ revenueCorrectionQueue(first: 10) { totalCount nodes { id period } } }", json!({}), Some(&ibm)).await;
            queue.assert_no_errors();
            assert!(queue.data()["revenueCorrectionQueue"]["nodes"].as_array().expect("nodes").iter().any(|n| n["id"] == c["id"]));
            assert_eq!(app.as_user("prc@acme.example", "{ revenueCorrectionQueue(first: 1) { totalCount } }", json!({})).await.codes(), ["FORBIDDEN"]);

            // IBM only decides; a rejection needs a reason; a stale version is a conflict.
            let by_apa = app.as_user("apa@acme.example", DECIDE, json!({ "id": c["id"], "v": c["version"], "ok": true })).await;
            assert_eq!(by_apa.codes(), ["FORBIDDEN"]);
            let no_reason = app.graphql(DECIDE, json!({ "id": c["id"], "v": c["version"], "ok": false }), Some(&ibm)).await;
            assert_eq!(no_reason.codes(), ["BAD_USER_INPUT"]);
            let stale = app.graphql(DECIDE, json!({ "id": c["id"], "v": 99, "ok": true }), Some(&ibm)).await;
            assert_eq!(stale.codes(), ["CONFLICT"]);
            let before = app.as_user("apa@acme.example", REPORTS, json!({ "id": ce })).await;
            before.assert_no_errors();
            let approved = app.graphql(DECIDE, json!({ "id": c["id"], "v": c["version"], "ok": true }), Some(&ibm)).await;
            approved.assert_no_errors();
            assert_eq!(approved.data()["decideRevenueCorrection"]["correction"]["status"], "APPROVED");
            assert_eq!(app.graphql(DECIDE, json!({ "id": c["id"], "v": c["version"].as_i64().expect("v") + 1, "ok": false, "r": "late" }), Some(&ibm)).await.codes(), ["CONFLICT"]);

            // The period's reports of those brands now carry the corrected amounts; the
            // others are untouched.
            let after = app.as_user("apa@acme.example", REPORTS, json!({ "id": ce })).await;
            after.assert_no_errors();
            let reports = |a: &tests::Answer| a.data()["node"]["revenueReports"].as_array().expect("reports").clone();
            let q1 = |brand: &str| reports(&after).into_iter().find(|r| r["period"] == "2026-Q1" && r["brand"] == brand);
            assert_eq!(q1("POWER").expect("POWER 2026-Q1")["amount"], json!({ "amount": "182500.00", "currency": "USD" }));
            assert_eq!(q1("SECURITY").expect("SECURITY 2026-Q1")["amount"], json!({ "amount": "1200.50", "currency": "USD" }));
            let untouched = |r: &Value| !(r["period"] == "2026-Q1" && (r["brand"] == "POWER" || r["brand"] == "SECURITY"));
            assert_eq!(
                reports(&before).into_iter().filter(untouched).collect::<Vec<_>>(),
                reports(&after).into_iter().filter(untouched).collect::<Vec<_>>(),
            );
            assert!(after.data()["node"]["revenueCorrections"].as_array().expect("corrections").iter().any(|c| c["period"] == "2026-Q1" && c["status"] == "APPROVED"));
            // Globex's APA sees neither the reports nor the corrections.
            let outside = app.as_user("apa@globex.example", REPORTS, json!({ "id": ce })).await;
            assert_eq!(outside.data()["node"], json!({ "revenueReports": null, "revenueCorrections": null }));

            // The seeded request is rejected with a reason; nothing changes in the reports.
            let seeded = app.graphql("{ revenueCorrectionQueue(first: 10) { nodes { id version period } } }", json!({}), Some(&ibm)).await;
            let s = seeded.data()["revenueCorrectionQueue"]["nodes"].as_array().expect("nodes").iter().find(|n| n["period"] == "2026-Q2").expect("the seeded correction").clone();
            let rejected = app.graphql(DECIDE, json!({ "id": s["id"], "v": s["version"], "ok": false, "r": "The orders belong to the subsidiary" }), Some(&ibm)).await;
            rejected.assert_no_errors();
            assert_eq!(rejected.data()["decideRevenueCorrection"]["correction"]["decisionReason"], "The orders belong to the subsidiary");
            let last = app.as_user("apa@acme.example", REPORTS, json!({ "id": ce })).await;
            assert_eq!(reports(&after), reports(&last));
            // Both decisions are in the audit log.
            let log = app.graphql("{ auditLog(entityType: \"CountryEnterprise\", first: 10) { edges { node { action } } } }", json!({}), Some(&ibm)).await;
            let actions: Vec<Value> = log.data()["auditLog"]["edges"].as_array().expect("edges").iter().map(|e| e["node"]["action"].clone()).collect();
            for a in ["requestRevenueCorrection", "approveRevenueCorrection", "rejectRevenueCorrection"] {
                assert!(actions.contains(&json!(a)), "{a} in {actions:?}");
            }
        }

        async fn the_apa_manages_the_benefits_of_each_location(app) {
            let c = acme(&app).await;
            let hq = c["headquarters"]["id"].clone();
            let ce = c["countryEnterprises"][0]["id"].clone();
            let add = "mutation($l: ID!, $n: String!, $u: NaiveDate!) { addBenefit(input: { locationId: $l, kind: VALUE_OPTION, name: $n, validUntil: $u }) { benefit { id version kind name status validUntil } } }";
            let prc = app.as_user("prc@acme.example", add, json!({ "l": hq, "n": "Cloud credits", "u": "2099-06-30" })).await;
            assert_eq!(prc.codes(), ["FORBIDDEN"]);
            let past = app.as_user(APA, add, json!({ "l": hq, "n": "Cloud credits", "u": "2020-01-01" })).await;
            assert_eq!(past.codes(), ["BAD_USER_INPUT"]);
            let made = app.as_user(APA, add, json!({ "l": hq, "n": "Cloud credits", "u": "2099-06-30" })).await;
            made.assert_no_errors();
            let b = made.data()["addBenefit"]["benefit"].clone();
            assert_eq!(b["status"], "ACTIVE");
            assert_eq!(b["kind"], "VALUE_OPTION");
            assert_eq!(app.as_user(APA, add, json!({ "l": hq, "n": "Cloud credits", "u": "2099-06-30" })).await.codes(), ["CONFLICT"]);

            // A second location of the company, to move the benefit to.
            let other = app.as_user(APA, "mutation($id: ID!) { addLocation(input: { countryEnterpriseId: $id, location: { name: \"Acme Branch\", addressLine: \"5 Side St\", city: \"Bonn\", postalCode: \"53113\" } }) { location { id } } }", json!({ "id": ce })).await;
            other.assert_no_errors();
            let branch = other.data()["addLocation"]["location"]["id"].clone();
            let update = "mutation($id: ID!, $v: Int!, $l: ID, $u: NaiveDate, $x: Boolean) { updateBenefit(input: { benefitId: $id, version: $v, locationId: $l, validUntil: $u, cancel: $x }) { benefit { version status validUntil } } }";
            let nothing = app.as_user(APA, update, json!({ "id": b["id"], "v": b["version"] })).await;
            assert_eq!(nothing.codes(), ["BAD_USER_INPUT"]);
            let globex_hq = app.as_user("apa@globex.example", "{ company(partnerWorldId: \"PW-000002\") { headquarters { id } } }", json!({})).await;
            let elsewhere = app.as_user(APA, update, json!({ "id": b["id"], "v": b["version"], "l": globex_hq.data()["company"]["headquarters"]["id"] })).await;
            assert_eq!(elsewhere.codes(), ["BAD_USER_INPUT"]);
            let moved = app.as_user(APA, update, json!({ "id": b["id"], "v": b["version"], "l": branch, "u": "2100-12-31" })).await;
            moved.assert_no_errors();
            assert_eq!(moved.data()["updateBenefit"]["benefit"]["validUntil"], "2100-12-31");
            let benefits = "query($id: ID!) { node(id: $id) { ... on Location { benefits { name status } } } }";
            let at_branch = app.as_user("member@acme.example", benefits, json!({ "id": branch })).await;
            assert_eq!(at_branch.data()["node"]["benefits"], json!([{ "name": "Cloud credits", "status": "ACTIVE" }]));
            assert!(!app.as_user(APA, benefits, json!({ "id": hq })).await.data()["node"]["benefits"].as_array().expect("benefits").iter().any(|b| b["name"] == "Cloud credits"));
            // Others may neither change nor see it: Globex's APA meets what an unknown id meets.
            let v = moved.data()["updateBenefit"]["benefit"]["version"].clone();
            let foreign = app.as_user("apa@globex.example", update, json!({ "id": b["id"], "v": v, "x": true })).await;
            assert_eq!(foreign.codes(), ["NOT_FOUND"]);
            assert_eq!(app.as_user("apa@globex.example", benefits, json!({ "id": branch })).await.codes(), ["FORBIDDEN"]);
            // Cancelled, it changes no more.
            let cancelled = app.as_user(APA, update, json!({ "id": b["id"], "v": v, "x": true })).await;
            cancelled.assert_no_errors();
            assert_eq!(cancelled.data()["updateBenefit"]["benefit"]["status"], "CANCELLED");
            let v = cancelled.data()["updateBenefit"]["benefit"]["version"].clone();
            assert_eq!(app.as_user(APA, update, json!({ "id": b["id"], "v": v, "u": "2101-01-01" })).await.codes(), ["CONFLICT"]);
        }
    }
}

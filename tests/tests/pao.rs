//! Passport Advantage Online account management, end to end.

use serde_json::{Value, json};
use tests::{TestApp, on_both_backends};

const SITE: &str = "S-1000001";

async fn site(app: &TestApp, who: &str) -> Value {
    let a = app
        .as_user(
            who,
            "query($n: String!) { site(siteNumber: $n) { id version users { id ibmId role accountManagement privileges version } accessRequests(status: PENDING) { id version requesterIbmId } } }",
            json!({ "n": SITE }),
        )
        .await;
    a.assert_no_errors();
    a.data()["site"].clone()
}

fn user<'a>(site: &'a Value, ibm_id: &str) -> Option<&'a Value> {
    site["users"]
        .as_array()?
        .iter()
        .find(|u| u["ibmId"] == ibm_id)
}

on_both_backends! {
    async fn site_primary_approves_an_access_request_and_the_new_user_has_the_chosen_privileges(app) {
        let ask = app.as_user(
            "apa@globex.example",
            "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { id status } } }",
            json!({}),
        ).await;
        ask.assert_no_errors();
        let request_id = ask.data()["requestSiteAccess"]["accessRequest"]["id"].clone();
        // Before approval the requester has no REPORTING on the site.
        let reports = "{ site(siteNumber: \"S-1000001\") { customers(first: 1) { edges { cursor } } } }";
        assert_eq!(app.as_user("apa@globex.example", reports, json!({})).await.codes(), vec!["FORBIDDEN"]);

        let s = site(&app, "site.primary@acme.example").await;
        let pending = s["accessRequests"].as_array().expect("requests");
        let req = pending.iter().find(|r| r["id"] == request_id).expect("routed to the primary contact");
        let approve = app.as_user(
            "site.primary@acme.example",
            "mutation($id: ID!, $v: Int!) { approveAccessRequest(input: { requestId: $id, version: $v, role: USER, privileges: [REPORTING, ONLINE_ORDERING] }) { accessRequest { status } } }",
            json!({ "id": request_id, "v": req["version"] }),
        ).await;
        approve.assert_no_errors();
        assert_eq!(approve.data()["approveAccessRequest"]["accessRequest"]["status"], "APPROVED");

        let s = site(&app, "site.primary@acme.example").await;
        let new_user = user(&s, "apa@globex.example").expect("the new user");
        assert_eq!(new_user["role"], "USER");
        assert_eq!(new_user["privileges"], json!(["ONLINE_ORDERING", "REPORTING"]));
        let mine = app.as_user("apa@globex.example", "{ myAccessRequests { status site { siteNumber } } }", json!({})).await;
        assert_eq!(mine.data()["myAccessRequests"][0]["status"], "APPROVED");
        // The requester's roles were refreshed at once: REPORTING now opens the reports.
        app.as_user("apa@globex.example", reports, json!({})).await.assert_no_errors();
        // Deciding twice is a conflict.
        let again = app.as_user(
            "site.primary@acme.example",
            "mutation($id: ID!) { rejectAccessRequest(input: { requestId: $id, version: 2, reason: \"no\" }) { accessRequest { status } } }",
            json!({ "id": request_id }),
        ).await;
        assert_eq!(again.codes(), vec!["CONFLICT"]);
    }

    async fn reports_need_reporting_on_that_site_on_every_path(app) {
        let direct = "{ site(siteNumber: \"S-1000001\") { id customers(first: 2) { edges { node { customerNumber agreementNumber } } } renewalLineItems(first: 50, filter: { from: \"2000-01-01\" }) { edges { node { renewalDate agreementNumber } } } orders(first: 5) { edges { node { orderNumber } } } } }";
        let ok = app.as_user("member@acme.example", direct, json!({})).await;
        ok.assert_no_errors();
        let site_id = ok.data()["site"]["id"].clone();
        assert!(!ok.data()["site"]["customers"]["edges"].as_array().expect("edges").is_empty());
        assert!(!ok.data()["site"]["renewalLineItems"]["edges"].as_array().expect("edges").is_empty());
        // Amounts are exact decimals with their currency; an order's status is a typed state.
        let money = app.as_user("member@acme.example", "{ site(siteNumber: \"S-1000001\") { renewalLineItems(first: 1, filter: { from: \"2000-01-01\" }) { nodes { amount { amount currency } amountMinor } } orders(first: 1) { nodes { amount { amount currency } amountMinor status } } } }", json!({})).await;
        money.assert_no_errors();
        for list in ["renewalLineItems", "orders"] {
            let item = &money.data()["site"][list]["nodes"][0];
            let minor = item["amountMinor"].as_i64().expect("minor units");
            assert_eq!(item["amount"], json!({ "amount": format!("{}.{:02}", minor / 100, minor % 100), "currency": "USD" }), "{list}");
        }
        assert!(["OPEN", "SHIPPED", "INVOICED"].contains(&money.data()["site"]["orders"]["nodes"][0]["status"].as_str().expect("status")));
        let by_node = "query($id: ID!) { node(id: $id) { ... on Site { customers(first: 1) { edges { cursor } } orders(first: 1) { edges { cursor } } } } }";
        let by_entity = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Site { renewalLineItems(first: 1) { edges { cursor } } } } }";
        for who in ["prc@acme.example", "apa@acme.example", "apa@globex.example"] {
            assert_eq!(app.as_user(who, direct, json!({})).await.codes(), vec!["FORBIDDEN"; 3], "{who} direct");
            assert_eq!(app.as_user(who, by_node, json!({ "id": site_id })).await.codes(), vec!["FORBIDDEN"; 2], "{who} node");
            let reps = json!({ "r": [{ "__typename": "Site", "id": site_id }] });
            assert_eq!(app.as_user(who, by_entity, reps).await.codes(), vec!["FORBIDDEN"], "{who} _entities");
        }
        // Sites are for signed-in callers: anonymous callers get what an unknown site gets.
        let anonymous = app.graphql(direct, json!({}), None).await;
        let unknown = app.graphql(&direct.replace("S-1000001", "S-9999999"), json!({}), None).await;
        assert_eq!(anonymous.body, json!({ "data": { "site": null } }));
        assert_eq!(anonymous.body, unknown.body);
    }

    async fn the_primary_contact_cannot_be_removed_or_demoted_by_an_update(app) {
        let s = site(&app, "site.primary@acme.example").await;
        let primary = user(&s, "site.primary@acme.example").expect("primary");
        let remove = app.as_user(
            "site.primary@acme.example",
            "mutation($id: ID!, $v: Int!) { removeSiteUser(input: { siteUserId: $id, version: $v }) { removedSiteUserId } }",
            json!({ "id": primary["id"], "v": primary["version"] }),
        ).await;
        assert_eq!(remove.codes(), vec!["CONFLICT"]);
        let other = user(&s, "member@acme.example").expect("member");
        let promote = app.as_user(
            "site.primary@acme.example",
            "mutation($id: ID!, $v: Int!) { updateSiteUser(input: { siteUserId: $id, version: $v, role: SITE_PRIMARY_CONTACT }) { siteUser { role } } }",
            json!({ "id": other["id"], "v": other["version"] }),
        ).await;
        assert_eq!(promote.codes(), vec!["BAD_USER_INPUT"]);
    }

    async fn a_stale_version_is_a_conflict_and_changes_nothing(app) {
        let s = site(&app, "site.primary@acme.example").await;
        let member = user(&s, "member@acme.example").expect("member").clone();
        let q = "mutation($id: ID!, $v: Int!, $p: [SitePrivilege!]) { updateSiteUser(input: { siteUserId: $id, version: $v, privileges: $p }) { siteUser { privileges version } } }";
        let first = app.as_user("site.primary@acme.example", q, json!({ "id": member["id"], "v": member["version"], "p": ["REPORTING", "PARTNER_GUIDED_SELLING"] })).await;
        first.assert_no_errors();
        let second = app.as_user("site.primary@acme.example", q, json!({ "id": member["id"], "v": member["version"], "p": [] })).await;
        assert_eq!(second.codes(), vec!["CONFLICT"]);
        let s = site(&app, "site.primary@acme.example").await;
        assert_eq!(user(&s, "member@acme.example").expect("member")["privileges"], json!(["PARTNER_GUIDED_SELLING", "REPORTING"]));
    }

    async fn concurrent_primary_handovers_leave_exactly_one_primary(app) {
        let add = "mutation($site: ID!, $who: String!) { addSiteUser(input: { siteId: $site, ibmId: $who, name: \"Candidate\", role: USER }) { siteUser { id } } }";
        let s = site(&app, "site.primary@acme.example").await;
        let mut candidates = Vec::new();
        for i in 0..6 {
            let a = app.as_user("site.primary@acme.example", add, json!({ "site": s["id"], "who": format!("candidate{i}@acme.example") })).await;
            a.assert_no_errors();
            candidates.push(a.data()["addSiteUser"]["siteUser"]["id"].clone());
        }
        let s = site(&app, "site.primary@acme.example").await;
        let token = app.token("site.primary@acme.example");
        let transfer = "mutation($site: ID!, $v: Int!, $to: ID!) { transferPrimaryContact(input: { siteId: $site, version: $v, toSiteUserId: $to }) { site { version } } }";
        let answers = futures::future::join_all(candidates.iter().map(|to| {
            app.graphql(transfer, json!({ "site": s["id"], "v": s["version"], "to": to }), Some(&token))
        }))
        .await;
        let won = answers.iter().filter(|a| a.body.get("errors").is_none()).count();
        assert_eq!(won, 1, "{:?}", answers.iter().map(|a| a.codes()).collect::<Vec<_>>());
        // Every other hand-over is refused and changes nothing: CONFLICT when it began
        // before the winner committed (it holds the old version), FORBIDDEN when it began
        // after (its caller is a secondary contact by then, who never hands the role
        // over). Which one a loser meets depends on when its request started.
        for a in answers.iter().filter(|a| a.body.get("errors").is_some()) {
            let codes = a.codes();
            assert!(codes == ["CONFLICT"] || codes == ["FORBIDDEN"], "{codes:?}");
        }
        let s = app.graphql("{ site(siteNumber: \"S-1000001\") { users { role ibmId } } }", json!({}), Some(&app.ibm_channel_token())).await;
        let primaries: Vec<&Value> = s.data()["site"]["users"].as_array().expect("users").iter().filter(|u| u["role"] == "SITE_PRIMARY_CONTACT").collect();
        assert_eq!(primaries.len(), 1);
        // The previous primary is now a secondary contact with account management.
        let previous = s.data()["site"]["users"].as_array().expect("users").iter().find(|u| u["ibmId"] == "site.primary@acme.example").expect("previous").clone();
        assert_eq!(previous["role"], "SECONDARY_CONTACT");
    }

    async fn bad_account_management_input_is_refused_with_the_field_named(app) {
        let s = site(&app, "site.primary@acme.example").await;
        let add = "mutation($site: ID!, $who: String!, $name: String!) { addSiteUser(input: { siteId: $site, ibmId: $who, name: $name, role: USER }) { siteUser { id } } }";
        for (who, name, field) in [("not-an-email", "X", "input.ibmId"), ("a@b.example", "  ", "input.name"), ("a@b.example", &"n".repeat(201) as &str, "input.name")] {
            let a = app.as_user("site.primary@acme.example", add, json!({ "site": s["id"], "who": who, "name": name })).await;
            assert_eq!(a.codes(), vec!["BAD_USER_INPUT"], "{who} {name}");
            assert_eq!(a.body["errors"][0]["extensions"]["field"], field);
        }
        let dup = app.as_user("site.primary@acme.example", add, json!({ "site": s["id"], "who": "member@acme.example", "name": "Dup" })).await;
        assert_eq!(dup.codes(), vec!["CONFLICT"]);
        let anon = app.graphql("mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\" }) { accessRequest { id } } }", json!({}), None).await;
        assert_eq!(anon.codes(), vec!["UNAUTHENTICATED"]);
    }

    async fn every_person_lists_the_sites_they_hold_a_role_on(app) {
        let mine = "{ mySites { role accountManagement privileges site { siteNumber resellerCompany { partnerWorldId } } } }";
        let member = app.as_user("member@acme.example", mine, json!({})).await;
        member.assert_no_errors();
        let sites = member.data()["mySites"].as_array().expect("sites").clone();
        let s1 = sites.iter().find(|s| s["site"]["siteNumber"] == "S-1000001").expect("S-1000001");
        assert_eq!(s1["role"], "USER");
        assert!(s1["privileges"].as_array().expect("privileges").contains(&json!("REPORTING")));
        let numbers: Vec<&str> = sites.iter().map(|s| s["site"]["siteNumber"].as_str().expect("number")).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        assert_eq!(numbers, sorted, "in site-number order");
        let primary = app.as_user("site.primary@acme.example", mine, json!({})).await;
        primary.assert_no_errors();
        assert!(primary.data()["mySites"].as_array().expect("sites").iter().any(|s| s["site"]["siteNumber"] == "S-1000001" && s["role"] == "SITE_PRIMARY_CONTACT"));
        // Nobody else's: Globex's APA holds no role on Acme's site.
        let other = app.as_user("apa@globex.example", mine, json!({})).await;
        other.assert_no_errors();
        assert!(!other.data()["mySites"].as_array().expect("sites").iter().any(|s| s["site"]["siteNumber"] == "S-1000001"));
        assert_eq!(app.graphql(mine, json!({}), None).await.codes(), ["UNAUTHENTICATED"]);

        // The company's sites: its members and IBM; others are refused the field.
        let company = "{ company(partnerWorldId: \"PW-000001\") { sites { siteNumber } } }";
        let listed = app.as_user("member@acme.example", company, json!({})).await;
        listed.assert_no_errors();
        assert!(listed.data()["company"]["sites"].as_array().expect("sites").iter().any(|s| s["siteNumber"] == "S-1000001"));
        let ibm = app.graphql(company, json!({}), Some(&app.ibm_channel_token())).await;
        assert_eq!(ibm.data()["company"]["sites"], listed.data()["company"]["sites"]);
        assert_eq!(app.as_user("apa@globex.example", company, json!({})).await.codes(), ["FORBIDDEN"]);
    }

    async fn the_customer_and_renewal_reports_filter_as_the_pao_pages_do(app) {
        let q = "query($f: CustomerFilter) { site(siteNumber: \"S-1000001\") { customers(first: 50, filter: $f) { nodes { customerNumber name agreementNumber country enrollment anniversaryMonth } } } }";
        let run = |f: Value| {
            let app = &app;
            async move {
                let a = app.as_user("member@acme.example", q, json!({ "f": f })).await;
                a.assert_no_errors();
                a.data()["site"]["customers"]["nodes"].as_array().expect("nodes").clone()
            }
        };
        let all = run(json!({})).await;
        assert!(all.len() >= 3, "{all:?}");
        // The name from its start, ignoring case and accents; never from the middle.
        for prefix in ["cafe zur", "CAFÉ", "  Café   Zürich "] {
            let found = run(json!({ "namePrefix": prefix })).await;
            assert_eq!(found.iter().map(|c| c["name"].clone()).collect::<Vec<_>>(), [json!("Café Zürich Rückversicherung")], "{prefix}");
        }
        assert!(run(json!({ "namePrefix": "zurich" })).await.is_empty());
        // LIKE's wildcards are literals.
        assert!(run(json!({ "namePrefix": "%" })).await.is_empty());
        assert!(run(json!({ "namePrefix": "_" })).await.is_empty());
        let cafe = all.iter().find(|c| c["name"] == "Café Zürich Rückversicherung").expect("the demo's accented customer").clone();
        // Country, enrollment and anniversary month, each alone and combined.
        for (field, value) in [("country", cafe["country"].clone()), ("enrollment", cafe["enrollment"].clone()), ("anniversaryMonth", cafe["anniversaryMonth"].clone())] {
            let found = run(json!({ field: value })).await;
            assert!(found.iter().all(|c| c[field] == value), "{field}: {found:?}");
            assert!(found.contains(&cafe), "{field}");
            let expected: Vec<Value> = all.iter().filter(|c| c[field] == value).cloned().collect();
            assert_eq!(found, expected, "{field}");
        }
        let both = run(json!({ "country": cafe["country"], "enrollment": cafe["enrollment"], "anniversaryMonth": cafe["anniversaryMonth"], "agreementNumber": cafe["agreementNumber"], "customerNumber": cafe["customerNumber"] })).await;
        assert_eq!(both, std::slice::from_ref(&cafe));
        let pa = run(json!({ "enrollment": "PASSPORT_ADVANTAGE" })).await.len();
        let express = run(json!({ "enrollment": "PASSPORT_ADVANTAGE_EXPRESS" })).await.len();
        assert_eq!(pa + express, all.len());
        for bad in [json!({ "anniversaryMonth": 13 }), json!({ "anniversaryMonth": 0 }), json!({ "country": "Germany" })] {
            let a = app.as_user("member@acme.example", q, json!({ "f": bad })).await;
            assert_eq!(a.codes(), ["BAD_USER_INPUT"], "{bad}");
        }
        // The arguments the report had before its filter still answer.
        let old = app.as_user("member@acme.example", "query($a: String) { site(siteNumber: \"S-1000001\") { customers(first: 5, agreementNumber: $a) { nodes { name } } } }", json!({ "a": cafe["agreementNumber"] })).await;
        assert_eq!(old.data()["site"]["customers"]["nodes"], json!([{ "name": "Café Zürich Rückversicherung" }]));

        // Renewals by the customer site's name, and Committed Term License line items.
        let r = "query($f: RenewalFilter) { site(siteNumber: \"S-1000001\") { renewalLineItems(first: 100, filter: $f) { nodes { agreementNumber committedTermLicense } } } }";
        let renewals = |f: Value| {
            let app = &app;
            async move {
                let a = app.as_user("member@acme.example", r, json!({ "f": f })).await;
                a.assert_no_errors();
                a.data()["site"]["renewalLineItems"]["nodes"].as_array().expect("nodes").clone()
            }
        };
        let every = renewals(json!({ "from": "2000-01-01" })).await;
        let cafe_items = renewals(json!({ "from": "2000-01-01", "siteNamePrefix": "café zürich" })).await;
        assert!(!cafe_items.is_empty());
        assert_eq!(cafe_items, every.iter().filter(|i| i["agreementNumber"] == cafe["agreementNumber"]).cloned().collect::<Vec<_>>());
        let ctl = renewals(json!({ "from": "2000-01-01", "committedTermLicense": true })).await;
        let other = renewals(json!({ "from": "2000-01-01", "committedTermLicense": false })).await;
        assert!(ctl.iter().all(|i| i["committedTermLicense"] == true) && other.iter().all(|i| i["committedTermLicense"] == false));
        assert_eq!(ctl.len() + other.len(), every.len());

        // Order history by customer: agreement, customer site number or attributes.
        let o = "query($c: CustomerFilter) { site(siteNumber: \"S-1000001\") { orders(first: 100, customer: $c) { nodes { orderNumber customer { agreementNumber country } } } } }";
        let orders = |c: Value| {
            let app = &app;
            async move {
                let a = app.as_user("member@acme.example", o, json!({ "c": c })).await;
                a.assert_no_errors();
                a.data()["site"]["orders"]["nodes"].as_array().expect("nodes").clone()
            }
        };
        let every = orders(Value::Null).await;
        for c in [json!({ "agreementNumber": cafe["agreementNumber"] }), json!({ "customerNumber": cafe["customerNumber"] }), json!({ "namePrefix": "cafe" })] {
            let found = orders(c.clone()).await;
            assert!(!found.is_empty(), "{c}");
            assert_eq!(found, every.iter().filter(|o| o["customer"]["agreementNumber"] == cafe["agreementNumber"]).cloned().collect::<Vec<_>>(), "{c}");
        }
        let by_country = orders(json!({ "country": cafe["country"] })).await;
        assert_eq!(by_country, every.iter().filter(|o| o["customer"]["country"] == cafe["country"]).cloned().collect::<Vec<_>>());
    }

    async fn a_renewal_quote_is_generated_from_chosen_line_items(app) {
        let items = app.as_user("member@acme.example", "{ site(siteNumber: \"S-1000001\") { id renewalLineItems(first: 100, filter: { from: \"2000-01-01\" }) { nodes { id partNumber quantity renewalDate amount { amount currency } } } } }", json!({})).await;
        items.assert_no_errors();
        let site = items.data()["site"]["id"].clone();
        let nodes = items.data()["site"]["renewalLineItems"]["nodes"].as_array().expect("nodes").clone();
        let chosen: Vec<Value> = nodes.iter().filter(|n| n["amount"]["currency"] == nodes[0]["amount"]["currency"]).take(2).cloned().collect();
        let ids: Vec<Value> = chosen.iter().map(|n| n["id"].clone()).collect();
        let generate = "mutation($s: ID!, $l: [ID!]!) { generateRenewalQuote(input: { siteId: $s, lineItemIds: $l }) { quote { quoteNumber status validUntil total { amount currency } createdBy lines { lineItemId partNumber quantity renewalDate amount { amount currency } } } } }";
        // Who may quote: REPORTING on the site or its primary; IBM only reads.
        assert_eq!(app.as_user("apa@globex.example", generate, json!({ "s": site, "l": ids })).await.codes(), ["FORBIDDEN"]);
        assert_eq!(app.graphql(generate, json!({ "s": site, "l": ids }), Some(&app.ibm_channel_token())).await.codes(), ["FORBIDDEN"]);
        // Anonymous callers may quote nowhere: FORBIDDEN, whatever the site (`visibility::target`).
        assert_eq!(app.graphql(generate, json!({ "s": site, "l": ids }), None).await.codes(), ["FORBIDDEN"]);
        // Nothing, twice the same item, or an item of another site: refused alike.
        assert_eq!(app.as_user("member@acme.example", generate, json!({ "s": site, "l": [] })).await.codes(), ["BAD_USER_INPUT"]);
        assert_eq!(app.as_user("member@acme.example", generate, json!({ "s": site, "l": [ids[0], ids[0]] })).await.codes(), ["BAD_USER_INPUT"]);
        let unknown = api::graphql::ids::encode(api::graphql::ids::Kind::RenewalLineItem, 987_654_321).to_string();
        assert_eq!(app.as_user("member@acme.example", generate, json!({ "s": site, "l": [ids[0], unknown] })).await.codes(), ["BAD_USER_INPUT"]);

        let made = app.as_user("member@acme.example", generate, json!({ "s": site, "l": ids })).await;
        made.assert_no_errors();
        let quote = made.data()["generateRenewalQuote"]["quote"].clone();
        assert_eq!(quote["status"], "ISSUED");
        assert_eq!(quote["createdBy"], "member@acme.example");
        assert!(quote["quoteNumber"].as_str().expect("number").starts_with("RQ"));
        let lines = quote["lines"].as_array().expect("lines");
        assert_eq!(lines.iter().map(|l| l["lineItemId"].clone()).collect::<Vec<_>>(), ids);
        for (line, item) in lines.iter().zip(&chosen) {
            assert_eq!((&line["partNumber"], &line["quantity"], &line["renewalDate"], &line["amount"]), (&item["partNumber"], &item["quantity"], &item["renewalDate"], &item["amount"]));
        }
        // The total is the exact sum of the lines.
        let cents = |m: &Value| -> i64 { m["amount"].as_str().expect("decimal").replace('.', "").parse().expect("cents") };
        assert_eq!(cents(&quote["total"]), chosen.iter().map(|i| cents(&i["amount"])).sum::<i64>());
        let today = chrono::Utc::now().date_naive();
        assert_eq!(quote["validUntil"], json!((today + chrono::Duration::days(30)).to_string()));

        // Listed and read back by number, by whoever reads the site's reports; not by others.
        let read = "query($n: String!) { site(siteNumber: \"S-1000001\") { renewalQuotes(first: 50) { nodes { quoteNumber } } renewalQuote(quoteNumber: $n) { quoteNumber total { amount } } } }";
        let by_ibm = app.graphql(read, json!({ "n": quote["quoteNumber"] }), Some(&app.ibm_channel_token())).await;
        by_ibm.assert_no_errors();
        assert!(by_ibm.data()["site"]["renewalQuotes"]["nodes"].as_array().expect("nodes").iter().any(|q| q["quoteNumber"] == quote["quoteNumber"]));
        assert_eq!(by_ibm.data()["site"]["renewalQuote"]["total"]["amount"], quote["total"]["amount"]);
        assert_eq!(app.as_user("apa@globex.example", read, json!({ "n": quote["quoteNumber"] })).await.codes(), ["FORBIDDEN", "FORBIDDEN"]);
        let missing = app.as_user("member@acme.example", read, json!({ "n": "RQ99999999" })).await;
        missing.assert_no_errors();
        assert_eq!(missing.data()["site"]["renewalQuote"], Value::Null);
    }
}

/// A GET with an optional bearer token: status, body text.
async fn fetch(app: &TestApp, path: &str, token: Option<&str>) -> (axum::http::StatusCode, String) {
    let mut req = axum::http::Request::get(path);
    if let Some(t) = token {
        req = req.header(axum::http::header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let (status, bytes) = app
        .request(req.body(axum::body::Body::empty()).expect("request"))
        .await;
    (status, String::from_utf8(bytes).expect("utf-8"))
}

/// The report a download member stands for: its connection on `Site` and how many rows
/// its detailed file has per node (order history: one row per order line).
const FAMILIES: &[(&str, &str, &str)] = &[
    ("customers", "customers", "customerNumber"),
    ("renewalLineItems", "renewalLineItems", "agreementNumber"),
    ("upcomingRenewals", "upcomingRenewals", "daysUntilRenewal"),
    ("orders", "orders", "orderNumber lines { partNumber }"),
    ("endUsers", "endUsers", "endUserNumber"),
    (
        "saasSubscriptions",
        "saasSubscriptions",
        "subscriptionNumber",
    ),
    (
        "provisioningDataElements",
        "provisioningDataElements",
        "name",
    ),
    ("suppressedOverages", "suppressedOverages", "metric"),
    ("renewalPriceNotices", "renewalPriceNotices", "partNumber"),
    (
        "subscriptionLicenseUpdates",
        "subscriptionLicenseUpdates",
        "change",
    ),
    ("priceFile", "priceFile", "partNumber"),
];

mod reports {
    use super::*;

    on_both_backends! {
                    async fn every_report_family_filters_as_its_page_does(app) {
                        let m = "member@acme.example";
                        let nodes = |field: &'static str, args: &'static str, sel: &'static str, vars: Value| {
                            let app = &app;
                            async move {
                                let q = format!("query($f: {args}) {{ site(siteNumber: \"S-1000001\") {{ {field}(first: 100, filter: $f) {{ nodes {{ {sel} }} }} }} }}");
                                let a = app.as_user(m, &q, vars).await;
                                a.assert_no_errors();
                                a.data()["site"][field]["nodes"].as_array().expect("nodes").clone()
                            }
                        };
                        let bad = |field: &'static str, args: &'static str, f: Value| {
                            let app = &app;
                            async move {
                                let q = format!("query($f: {args}) {{ site(siteNumber: \"S-1000001\") {{ {field}(first: 1, filter: $f) {{ nodes {{ __typename }} }} }} }}");
                                app.as_user(m, &q, json!({ "f": f })).await.codes()
                            }
                        };

                        // The 180-day report: a window from a day, at most 180 days long.
                        let window = nodes("upcomingRenewals", "UpcomingRenewalFilter", "daysUntilRenewal lineItem { renewalDate }", json!({ "f": { "asOf": "2026-11-01", "days": 90 } })).await;
                        assert!(!window.is_empty());
                        for r in &window {
                            let days = r["daysUntilRenewal"].as_i64().expect("days");
                            assert!((0..=90).contains(&days), "{r}");
                            let date = chrono::NaiveDate::parse_from_str(r["lineItem"]["renewalDate"].as_str().expect("date"), "%Y-%m-%d").expect("date");
                            assert_eq!((date - chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("day")).num_days(), days);
                        }
                        let longer = nodes("upcomingRenewals", "UpcomingRenewalFilter", "daysUntilRenewal", json!({ "f": { "asOf": "2026-11-01" } })).await;
                        assert!(longer.len() >= window.len());
                        for days in [0, 181, -1] {
                            assert_eq!(bad("upcomingRenewals", "UpcomingRenewalFilter", json!({ "days": days })).await, ["BAD_USER_INPUT"], "{days}");
                        }

                        // End users, by the PA customer they are served under and by name.
                        let first = nodes("endUsers", "EndUserFilter", "endUserNumber name customer { customerNumber }", json!({ "f": { "customer": { "customerNumber": "K00000" } } })).await;
                        assert!(first.len() >= 2, "{first:?}");
                        assert!(first.iter().all(|e| e["customer"]["customerNumber"] == "K00000"));
                        let name = first[0]["name"].as_str().expect("name").to_lowercase();
                        let by_name = nodes("endUsers", "EndUserFilter", "endUserNumber name customer { customerNumber }", json!({ "f": { "namePrefix": &name[..4] } })).await;
                        assert!(by_name.contains(&first[0]));
                        assert!(by_name.iter().all(|e| e["name"].as_str().expect("name").to_lowercase().starts_with(&name[..4])));

                        // SaaS: fulfillment status and the provisioning form's missing data.
                        let waiting = nodes("saasSubscriptions", "SaasSubscriptionFilter", "subscriptionNumber fulfillmentStatus dataElements { missing }", json!({ "f": { "status": ["AWAITING_PROVISIONING_DATA"] } })).await;
                        assert!(!waiting.is_empty());
                        assert!(waiting.iter().all(|s| s["fulfillmentStatus"] == "AWAITING_PROVISIONING_DATA"));
                        let missing = nodes("provisioningDataElements", "ProvisioningFilter", "name required missing value subscription { subscriptionNumber fulfillmentStatus }", json!({ "f": { "missingOnly": true } })).await;
                        assert!(!missing.is_empty());
                        assert!(missing.iter().all(|e| e["missing"] == true && e["required"] == true && e["value"].is_null()));
                        // Exactly the subscriptions whose forms lack something wait for data.
                        let mut waiting_numbers: Vec<_> = waiting.iter().filter(|s| s["dataElements"].as_array().expect("elements").iter().any(|e| e["missing"] == true)).map(|s| s["subscriptionNumber"].clone()).collect();
                        let mut blocked: Vec<_> = missing.iter().map(|e| e["subscription"]["subscriptionNumber"].clone()).collect();
                        waiting_numbers.dedup();
                        blocked.dedup();
                        assert_eq!(waiting_numbers, blocked);

                        // Suppressed Overage: usage above entitlement, by usage month.
                        let over = nodes("suppressedOverages", "OverageFilter", "usageMonth entitledQuantity usedQuantity overageQuantity suppressionReason amount { amount currency }", json!({})).await;
                        assert!(!over.is_empty());
                        for o in &over {
                            assert_eq!(o["overageQuantity"].as_i64(), Some(o["usedQuantity"].as_i64().expect("used") - o["entitledQuantity"].as_i64().expect("entitled")));
                            assert!(o["suppressionReason"].is_string(), "only suppressed overage: {o}");
                        }
                        let month = over[0]["usageMonth"].as_str().expect("month").to_owned();
                        let in_month = nodes("suppressedOverages", "OverageFilter", "usageMonth", json!({ "f": { "from": &month, "to": &month } })).await;
                        assert!(!in_month.is_empty() && in_month.iter().all(|o| o["usageMonth"] == json!(month)));
                        assert_eq!(bad("suppressedOverages", "OverageFilter", json!({ "from": "2026-10-01", "to": "2026-09-01" })).await, ["BAD_USER_INPUT"]);

                        // Price notifications by agreement; license updates by change.
                        let notices = nodes("renewalPriceNotices", "PriceNoticeFilter", "agreementNumber", json!({ "f": { "agreementNumber": "A0000001" } })).await;
                        assert!(!notices.is_empty() && notices.iter().all(|n| n["agreementNumber"] == "A0000001"));
                        let increases = nodes("subscriptionLicenseUpdates", "LicenseUpdateFilter", "change quantityBefore quantityAfter", json!({ "f": { "change": ["INCREASE"] } })).await;
                        assert!(!increases.is_empty());
                        assert!(increases.iter().all(|u| u["change"] == "INCREASE" && u["quantityAfter"].as_i64() > u["quantityBefore"].as_i64()));

                        // Order history: Cloud Services alone; the detail adds up to the summary.
                        let cloud = nodes("orders", "OrderFilter", "offering amount { amount } lines { amount { amount } }", json!({ "f": { "offering": "CLOUD_SERVICES" } })).await;
                        assert!(!cloud.is_empty());
                        let cents = |v: &Value| v.as_str().expect("decimal").replace('.', "").parse::<i64>().expect("cents");
                        for o in &cloud {
                            assert_eq!(o["offering"], "CLOUD_SERVICES");
                            let lines: i64 = o["lines"].as_array().expect("lines").iter().map(|l| cents(&l["amount"]["amount"])).sum();
                            assert_eq!(lines, cents(&o["amount"]["amount"]), "{o}");
                        }

                        // Price files: only the groups Acme is authorized for, in that country.
                        let sel = "partNumber productGroup kind country unitPrice { currency } effectiveFrom effectiveTo";
                        let current = nodes("priceFile", "PriceFileFilter", sel, json!({ "f": { "asOf": "2026-12-01" } })).await;
                        assert!(!current.is_empty());
                        for p in &current {
                            assert!(p["productGroup"] == "DATA_AND_AI" || p["productGroup"] == "SECURITY", "{p}");
                            assert_eq!((&p["country"], &p["unitPrice"]["currency"]), (&json!("DE"), &json!("EUR")));
                            assert!(p["effectiveFrom"].as_str() <= Some("2026-12-01"));
                            assert!(p["effectiveTo"].is_null() || p["effectiveTo"].as_str() >= Some("2026-12-01"));
                        }
                        let future = nodes("priceFile", "PriceFileFilter", sel, json!({ "f": { "asOf": "2026-12-01", "pricing": "FUTURE" } })).await;
                        assert!(!future.is_empty() && future.iter().all(|p| p["effectiveFrom"].as_str() > Some("2026-12-01")));
                        let both = nodes("priceFile", "PriceFileFilter", sel, json!({ "f": { "asOf": "2026-12-01", "pricing": "CURRENT_AND_FUTURE" } })).await;
                        assert_eq!(both.len(), current.len() + future.len());
                        let saas = nodes("priceFile", "PriceFileFilter", sel, json!({ "f": { "asOf": "2026-12-01", "kind": "SAAS_MONTHLY" } })).await;
                        assert!(!saas.is_empty() && saas.iter().all(|p| p["kind"] == "SAAS_MONTHLY"));
                        let part = current[0]["partNumber"].as_str().expect("part").to_owned();
                        let by_part = nodes("priceFile", "PriceFileFilter", sel, json!({ "f": { "asOf": "2026-12-01", "partNumberPrefix": part.to_lowercase() } })).await;
                        assert!(by_part.contains(&current[0]));
                        assert!(nodes("priceFile", "PriceFileFilter", sel, json!({ "f": { "country": "US" } })).await.is_empty(), "not authorized in the US");
                        assert_eq!(bad("priceFile", "PriceFileFilter", json!({ "country": "Deutschland" })).await, ["BAD_USER_INPUT"]);
                    }

                    async fn every_report_downloads_as_the_rows_its_page_shows(app) {
                        // Every member of ReportRequest (read from the schema) has a case here.
                        let sdl = api::graphql::schema::sdl();
                        let members: Vec<&str> = sdl.split("input ReportRequest").nth(1).expect("ReportRequest").split('}').next().expect("body").lines().filter_map(|l| l.trim().split(':').next()).filter(|n| !n.is_empty() && !n.starts_with('"') && !n.starts_with('@') && !n.contains(' ') && *n != "{").collect();
                        let mut covered: Vec<&str> = FAMILIES.iter().map(|f| f.0).collect();
                        let mut listed = members.clone();
                        covered.sort();
                        listed.sort();
                        assert_eq!(covered, listed, "a report family without a download case");

                        let token = app.token("member@acme.example");
                        for (member, field, sel) in FAMILIES {
                            let q = format!("{{ site(siteNumber: \"S-1000001\") {{ {field}(first: 100) {{ pageInfo {{ hasNextPage }} nodes {{ {sel} }} }} }} }}");
                            let page = app.as_user("member@acme.example", &q, json!({})).await;
                            page.assert_no_errors();
                            assert_eq!(page.data()["site"][field]["pageInfo"]["hasNextPage"], false);
                            let nodes = page.data()["site"][field]["nodes"].as_array().expect("nodes").clone();
                            assert!(!nodes.is_empty(), "{member}: the demo site has rows");
                            let detailed_rows = if *member == "orders" {
                                nodes.iter().map(|n| n["lines"].as_array().expect("lines").len()).sum()
                            } else {
                                nodes.len()
                            };
                            for (variant, rows) in [("HIGH_LEVEL", nodes.len()), ("DETAILED", detailed_rows)] {
                                let q = format!("{{ site(siteNumber: \"S-1000001\") {{ download(report: {{ {member}: {{}} }}, variant: {variant}) {{ url bearerUrl expiresAt }} }} }}");
                                let link = app.as_user("member@acme.example", &q, json!({})).await;
                                link.assert_no_errors();
                                let d = &link.data()["site"]["download"];
                                let (status, signed) = fetch(&app, d["url"].as_str().expect("url"), None).await;
                                assert_eq!(status, 200, "{member} {variant}: {signed}");
                                let (status, bearer) = fetch(&app, d["bearerUrl"].as_str().expect("url"), Some(&token)).await;
                                assert_eq!(status, 200, "{member} {variant}: {bearer}");
                                assert_eq!(signed, bearer, "{member} {variant}: one file, either way");
                                let lines: Vec<&str> = signed.lines().collect();
                                assert_eq!(lines.len(), rows + 1, "{member} {variant}: a header and a row per row:\n{signed}");
                                let header: Vec<&str> = lines[0].split(',').collect();
                                assert!(lines[1..].iter().all(|l| l.split(',').count() >= header.len()), "{member} {variant}");
                            }
                        }
                    }

                    async fn report_files_are_authorized_exactly_like_the_reports(app) {
                        let link_q = "{ site(siteNumber: \"S-1000001\") { download(report: { customers: { country: \"DE\" } }, variant: HIGH_LEVEL) { url bearerUrl } } }";
                        let link = app.as_user("member@acme.example", link_q, json!({})).await;
                        link.assert_no_errors();
                        let url = link.data()["site"]["download"]["url"].as_str().expect("url").to_owned();
                        let bearer = link.data()["site"]["download"]["bearerUrl"].as_str().expect("url").to_owned();
                        assert!(bearer.starts_with("/sites/S-1000001/reports/customers.csv?"), "{bearer}");
                        // REPORTING on the site, the primary, IBM_CHANNEL: the file. Another company's APA:
                        // FORBIDDEN; no token: UNAUTHENTICATED.
                        for (who, expected) in [
                            (Some(app.token("member@acme.example")), 200),
                            (Some(app.token("site.primary@acme.example")), 200),
                            (Some(app.ibm_channel_token()), 200),
                            (Some(app.token("apa@globex.example")), 403),
                            (Some(app.token("apa@acme.example")), 403),
                            (None, 401),
                        ] {
                            let (status, body) = fetch(&app, &bearer, who.as_deref()).await;
                            assert_eq!(status, expected, "{body}");
                            if expected != 200 {
                                let code = if expected == 403 { "FORBIDDEN" } else { "UNAUTHENTICATED" };
                                assert_eq!(tests::codes_of(&serde_json::from_str(&body).expect("json")), [code]);
                            }
                        }
                        // Whoever may not read the reports gets no link either.
                        assert_eq!(app.as_user("apa@globex.example", link_q, json!({})).await.codes(), ["FORBIDDEN"]);
                        // (An anonymous caller does not see the site at all.)
                        let anonymous = app.graphql(link_q, json!({}), None).await;
                        anonymous.assert_no_errors();
                        assert_eq!(anonymous.data()["site"], Value::Null);
                        // A signed link covers exactly its file: another filter, variant, site, signer or
                        // expiry breaks it.
                        let (ok, _) = fetch(&app, &url, None).await;
                        assert_eq!(ok, 200);
                        for tampered in [
                            url.replace("%22DE%22", "%22FR%22"),
                            url.replace("variant=HIGH_LEVEL", "variant=DETAILED"),
                            url.replace("S-1000001", "S-1000002"),
                            url.replace("by=member", "by=site.primary"),
                            url.replace("ibm=0", "ibm=1"),
                            url.replace("&expires=", "&expires=9"),
                            url.replace("customers.csv", "orders.csv"),
                        ] {
                            assert_ne!(tampered, url);
                            let (status, _) = fetch(&app, &tampered, None).await;
                            assert_eq!(status, 401, "{tampered}");
                        }
                        // Bad requests are 4xx with a stable code, never a broken file.
                        let token = app.token("member@acme.example");
                        for (path, status, code) in [
                            ("/sites/S-1000001/reports/customers.csv?filter=%7B%22bogus%22%3A1%7D", 400, "BAD_USER_INPUT"),
                            ("/sites/S-1000001/reports/customers.csv?filter=%7B%22customer%22%3A%7B%22nope%22%3A1%7D%7D", 400, "BAD_USER_INPUT"),
                            ("/sites/S-1000001/reports/customers.csv?filter=not-json", 400, "BAD_USER_INPUT"),
                            ("/sites/S-1000001/reports/customers.csv?variant=SOME", 400, "BAD_USER_INPUT"),
                            ("/sites/S-1000001/reports/orders.csv?filter=%7B%22from%22%3A%222026-02-01%22%2C%22to%22%3A%222026-01-01%22%7D", 400, "BAD_USER_INPUT"),
                            ("/sites/S-1000001/reports/nothing.csv", 404, "NOT_FOUND"),
                            ("/sites/S-9999999/reports/customers.csv", 404, "NOT_FOUND"),
                        ] {
                            let (s, body) = fetch(&app, path, Some(&token)).await;
                            assert_eq!(s, status, "{path}: {body}");
                            assert_eq!(tests::codes_of(&serde_json::from_str(&body).expect("json")), [code], "{path}");
                        }
                        // A caller without REPORTING anywhere learns nothing about which sites exist.
                        for site in ["S-9999999", "S-1000001"] {
                            let (s, _) = fetch(&app, &format!("/sites/{site}/reports/customers.csv"), Some(&app.token("nobody@nowhere.example"))).await;
                            assert_eq!(s, 403, "{site}");
                        }

                        // The link names its signer, whose rights are read when it is followed: once the
                        // member loses REPORTING, the link they were given stops working.
                        let site = site(&app, "site.primary@acme.example").await;
                        let member = user(&site, "member@acme.example").expect("member").clone();
                        let revoke = app.as_user(
                            "site.primary@acme.example",
                            "mutation($id: ID!, $v: Int!) { updateSiteUser(input: { siteUserId: $id, version: $v, privileges: [ONLINE_ORDERING] }) { siteUser { privileges } } }",
                            json!({ "id": member["id"], "v": member["version"] }),
                        ).await;
                        revoke.assert_no_errors();
                        let (status, body) = fetch(&app, &url, None).await;
                        assert_eq!(status, 403, "{body}");
                    }

                async fn customer_activity_sums_what_was_bought_and_renewed_per_period(app) {
                    let q = "{ site(siteNumber: \"S-1000001\") { customers(first: 100) { nodes { customerNumber activity(from: \"2020-01-01\", to: \"2026-12-31\", period: YEAR) { period start end purchases purchased { amount currency } renewals renewed { amount } } } } orders(first: 100) { nodes { orderedOn kind amount { amount currency } customer { customerNumber } } } } }";
                    let a = app.as_user("member@acme.example", q, json!({})).await;
                    a.assert_no_errors();
                    let cents = |v: &Value| v.as_str().expect("decimal").replace('.', "").parse::<i64>().expect("cents");
                    // The same sums, worked out here from the order history.
                    let mut expected: std::collections::BTreeMap<(String, String), (i64, i64, i64, i64)> = Default::default();
                    for o in a.data()["site"]["orders"]["nodes"].as_array().expect("orders") {
                        let year = o["orderedOn"].as_str().expect("day")[..4].to_owned();
                        let e = expected.entry((o["customer"]["customerNumber"].as_str().expect("n").to_owned(), year)).or_default();
                        if o["kind"] == "RENEWAL" { e.2 += 1; e.3 += cents(&o["amount"]["amount"]); } else { e.0 += 1; e.1 += cents(&o["amount"]["amount"]); }
                    }
                    let mut found: std::collections::BTreeMap<(String, String), (i64, i64, i64, i64)> = Default::default();
                    for c in a.data()["site"]["customers"]["nodes"].as_array().expect("customers") {
                        for p in c["activity"].as_array().expect("activity") {
                            let year = p["period"].as_str().expect("period").to_owned();
                            assert_eq!((p["start"].as_str(), p["end"].as_str()), (Some(format!("{year}-01-01").as_str()), Some(format!("{year}-12-31").as_str())));
                            assert_eq!(p["purchased"]["currency"], "USD");
                            found.insert((c["customerNumber"].as_str().expect("n").to_owned(), year), (p["purchases"].as_i64().expect("n"), cents(&p["purchased"]["amount"]), p["renewals"].as_i64().expect("n"), cents(&p["renewed"]["amount"])));
                        }
                    }
                    assert!(!found.is_empty());
                    assert_eq!(found, expected);
                    let quarters = app.as_user("member@acme.example", "{ site(siteNumber: \"S-1000001\") { customers(first: 1) { nodes { activity(from: \"2020-01-01\", to: \"2026-12-31\") { period } } } } }", json!({})).await;
                    quarters.assert_no_errors();
                    let periods = quarters.data()["site"]["customers"]["nodes"][0]["activity"].as_array().expect("periods").clone();
                    assert!(periods.iter().all(|p| p["period"].as_str().expect("p").contains("-Q")), "quarters by default: {periods:?}");
                    for (from, to) in [("2026-02-01", "2026-01-01"), ("2001-01-01", "2026-01-01")] {
                        let bad = app.as_user("member@acme.example", &format!("{{ site(siteNumber: \"S-1000001\") {{ customers(first: 1) {{ nodes {{ activity(from: \"{from}\", to: \"{to}\") {{ period }} }} }} }} }}"), json!({})).await;
                        assert_eq!(bad.codes(), ["BAD_USER_INPUT"], "{from}..{to}");
                    }
                }

            async fn the_requester_learns_of_the_decision_without_polling(app) {
                use tests::ws::WsClient;
                let addr = app.serve().await;
                let feed = "query($after: String) { myNotifications(first: 10, after: $after) { pageInfo { hasNextPage } edges { cursor node { id kind title body read readAt about site { siteNumber } } } } unreadNotificationCount }";
                let notifications = |who: &'static str| {
                    let app = &app;
                    async move {
                        let a = app.as_user(who, feed, json!({})).await;
                        a.assert_no_errors();
                        a.data().clone()
                    }
                };
                // Anonymous callers have no feed and cannot subscribe to one.
                assert_eq!(app.graphql(feed, json!({}), None).await.codes(), ["UNAUTHENTICATED", "UNAUTHENTICATED"]);
                let mut anonymous = WsClient::connect(addr, None).await;
                anonymous.subscribe("subscription { notificationReceived { id } }", json!({})).await;
                assert_eq!(tests::codes_of(&anonymous.next_json().await["payload"]), ["UNAUTHENTICATED"]);

                // The requester and an onlooker are subscribed before anything happens.
                let mut requester = WsClient::connect(addr, Some(&app.token("apa@globex.example"))).await;
                requester.subscribe("subscription { notificationReceived { kind title about read site { siteNumber } } }", json!({})).await;
                let mut onlooker = WsClient::connect(addr, Some(&app.token("member@acme.example"))).await;
                onlooker.subscribe("subscription { notificationReceived { kind title } }", json!({})).await;
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;

                let ask = app.as_user("apa@globex.example", "mutation { requestSiteAccess(input: { siteNumber: \"S-1000001\", believesPrimary: false }) { accessRequest { id version } } }", json!({})).await;
                ask.assert_no_errors();
                let request = ask.data()["requestSiteAccess"]["accessRequest"].clone();
                // The request waits for the site's primary contact, and says so in their feed.
                let primary = notifications("site.primary@acme.example").await;
                let newest = &primary["myNotifications"]["edges"][0]["node"];
                assert_eq!((&newest["kind"], &newest["about"], &newest["read"]), (&json!("ACCESS_REQUEST_WAITING"), &request["id"], &json!(false)), "{newest}");
                assert_eq!(newest["site"]["siteNumber"], "S-1000001");

                let approve = app.as_user("site.primary@acme.example", "mutation($id: ID!, $v: Int!) { approveAccessRequest(input: { requestId: $id, version: $v, role: USER, privileges: [REPORTING] }) { accessRequest { status } } }", json!({ "id": request["id"], "v": request["version"] })).await;
                approve.assert_no_errors();
                // Pushed to the requester at once; the onlooker receives nothing of it.
                let event = requester.next_json().await;
                assert_eq!(event["payload"]["data"]["notificationReceived"], json!({ "kind": "ACCESS_REQUEST_APPROVED", "title": "Access to site S-1000001 approved", "about": request["id"], "read": false, "site": { "siteNumber": "S-1000001" } }), "{event}");
                assert!(onlooker.next_frame(std::time::Duration::from_millis(300)).await.is_none(), "another person's notification");

                let mine = notifications("apa@globex.example").await;
                assert_eq!(mine["unreadNotificationCount"], 1);
                let id = mine["myNotifications"]["edges"][0]["node"]["id"].clone();
                // Nobody else can mark it, and trying reveals no more than an unknown id would.
                let mark = "mutation($ids: [ID!]) { markNotificationsRead(input: { ids: $ids }) { unreadCount } }";
                assert_eq!(app.as_user("member@acme.example", mark, json!({ "ids": [id] })).await.codes(), ["NOT_FOUND"]);
                for _ in 0..2 {
                    let marked = app.as_user("apa@globex.example", mark, json!({ "ids": [id] })).await;
                    marked.assert_no_errors();
                    assert_eq!(marked.data()["markNotificationsRead"]["unreadCount"], 0);
                }
                let read = notifications("apa@globex.example").await;
                let node = &read["myNotifications"]["edges"][0]["node"];
                assert!(node["read"] == true && node["readAt"].is_string(), "{node}");
                for bad in [json!({ "input": {} }), json!({ "input": { "ids": [], "all": false } }), json!({ "input": { "ids": [id], "all": true } })] {
                    let a = app.as_user("apa@globex.example", "mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { unreadCount } }", bad.clone()).await;
                    assert_eq!(a.codes(), ["BAD_USER_INPUT"], "{bad}");
                }

                // A renewal quote is ready: its creator is told, and only them.
                let items = app.as_user("member@acme.example", "{ site(siteNumber: \"S-1000001\") { id renewalLineItems(first: 1, filter: { from: \"2000-01-01\" }) { nodes { id } } } }", json!({})).await;
                let site_id = items.data()["site"]["id"].clone();
                let item = items.data()["site"]["renewalLineItems"]["nodes"][0]["id"].clone();
                let quote = app.as_user("member@acme.example", "mutation($s: ID!, $i: ID!) { generateRenewalQuote(input: { siteId: $s, lineItemIds: [$i] }) { quote { id quoteNumber } } }", json!({ "s": site_id, "i": item })).await;
                quote.assert_no_errors();
                let q = &quote.data()["generateRenewalQuote"]["quote"];
                let event = onlooker.next_json().await;
                assert_eq!(event["payload"]["data"]["notificationReceived"]["kind"], "QUOTE_READY", "{event}");
                assert_eq!(event["payload"]["data"]["notificationReceived"]["title"], format!("Renewal quote {} is ready", q["quoteNumber"].as_str().expect("number")));

                // The member's feed, newest first and paged: the quote, then the seeded price notice.
                let first = app.as_user("member@acme.example", "{ myNotifications(first: 1) { pageInfo { hasNextPage } edges { cursor node { kind about } } } }", json!({})).await;
                first.assert_no_errors();
                let page = &first.data()["myNotifications"];
                assert_eq!(page["edges"][0]["node"], json!({ "kind": "QUOTE_READY", "about": q["id"] }));
                assert_eq!(page["pageInfo"]["hasNextPage"], true);
                let rest = app.as_user("member@acme.example", feed, json!({ "after": page["edges"][0]["cursor"] })).await;
                rest.assert_no_errors();
                let kinds: Vec<Value> = rest.data()["myNotifications"]["edges"].as_array().expect("edges").iter().map(|e| e["node"]["kind"].clone()).collect();
                assert_eq!(kinds, [json!("RENEWAL_PRICE_NOTICE")]);
                let all = app.as_user("member@acme.example", "mutation { markNotificationsRead(input: { all: true }) { unreadCount } }", json!({})).await;
                all.assert_no_errors();
                assert_eq!(all.data()["markNotificationsRead"]["unreadCount"], 0);
            }

        async fn reporting_without_a_company_profile_reads_reports_and_files_alike(app) {
            // A reseller's accountant: a site user with no company profile. Once granted
            // REPORTING, the page, the file and the link answer them as they answer anyone
            // with REPORTING (one rule decides "somewhere" and "here").
            let buyer = "accountant@reseller.example";
            let page = "{ site(siteNumber: \"S-1000001\") { customers(first: 1) { nodes { customerNumber } } } }";
            let file = "/sites/S-1000001/reports/customers.csv";
            let s = site(&app, "site.primary@acme.example").await;
            let added = app.as_user(
                "site.primary@acme.example",
                "mutation($s: ID!) { addSiteUser(input: { siteId: $s, ibmId: \"accountant@reseller.example\", name: \"Accountant\", role: USER, privileges: [ONLINE_ORDERING] }) { siteUser { id version } } }",
                json!({ "s": s["id"] }),
            ).await;
            added.assert_no_errors();
            let user = added.data()["addSiteUser"]["siteUser"].clone();
            assert_eq!(app.as_user(buyer, page, json!({})).await.codes(), ["FORBIDDEN"]);
            assert_eq!(fetch(&app, file, Some(&app.token(buyer))).await.0, 403);
            app.as_user(
                "site.primary@acme.example",
                "mutation($id: ID!, $v: Int!) { updateSiteUser(input: { siteUserId: $id, version: $v, privileges: [ONLINE_ORDERING, REPORTING] }) { siteUser { privileges } } }",
                json!({ "id": user["id"], "v": user["version"] }),
            ).await.assert_no_errors();
            app.as_user(buyer, page, json!({})).await.assert_no_errors();
            let (status, body) = fetch(&app, file, Some(&app.token(buyer))).await;
            assert_eq!(status, 200, "{body}");
            assert!(body.starts_with("customer_number,name,agreement_number,country,enrollment,anniversary_month\n"), "{body}");
            let link = app.as_user(buyer, "{ site(siteNumber: \"S-1000001\") { download(report: { customers: {} }) { url } } }", json!({})).await;
            link.assert_no_errors();
            let (status, signed) = fetch(&app, link.data()["site"]["download"]["url"].as_str().expect("url"), None).await;
            assert_eq!((status, signed), (axum::http::StatusCode::OK, body));
        }
    }
}

/// What report files may take from a replica (`DOWNLOAD_CONCURRENCY`,
/// `DOWNLOAD_ROWS_PER_SEC`): one place here, so a second file waits for the first.
mod throttle {
    use super::*;
    use tower::ServiceExt;

    tests::with_each_backend! {
        async fn a_file_beyond_the_replicas_places_is_told_to_retry_and_an_abandoned_one_gives_its_place_back(backend) {
            let mut config = tests::test_config(backend).await;
            config.download_concurrency = 1;
            let app = TestApp::with_config(backend, config).await;
            let token = app.token("member@acme.example");
            let file = "/sites/S-1000001/reports/customers.csv";
            let get = |path: &str| {
                axum::http::Request::get(path)
                    .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(axum::body::Body::empty())
                    .expect("request")
            };
            // A file whose body nobody reads yet holds its place.
            let held = app.app.router.clone().oneshot(get(file)).await.expect("answer");
            assert_eq!(held.status(), 200);
            let busy = app.app.router.clone().oneshot(get(file)).await.expect("answer");
            assert_eq!(busy.status(), 503);
            assert_eq!(busy.headers()[axum::http::header::RETRY_AFTER], "5");
            let body = http_body_util::BodyExt::collect(busy.into_body()).await.expect("body").to_bytes();
            let body: Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(body, json!({ "errors": [{ "message": "report downloads is unavailable; retry shortly", "extensions": { "code": "SERVICE_UNAVAILABLE", "retryAfter": 5 } }] }));
            // A bad request is still told what is wrong with it, not to come back later.
            let (status, _) = fetch(&app, "/sites/S-1000001/reports/customers.csv?variant=SOME", Some(&token)).await;
            assert_eq!(status, 400);
            // The client goes away: its place is given back, and the next file is whole.
            drop(held);
            let (status, whole) = fetch(&app, file, Some(&token)).await;
            assert_eq!(status, 200, "{whole}");
            assert!(whole.starts_with("customer_number,"), "{whole}");
            // A file read to its end gives its place back too.
            let (status, again) = fetch(&app, file, Some(&token)).await;
            assert_eq!((status, again), (axum::http::StatusCode::OK, whole));
        }
    }
}

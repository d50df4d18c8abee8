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

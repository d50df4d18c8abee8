//! The committed SDL is what the code produces, and the guard declarations cover the schema.

use api::auth::policy::{Action, MATRIX};
use api::graphql::GUARDED_FIELDS;
use std::collections::BTreeSet;
/// Field names of `type_name`, by introspection of the schema itself.
async fn fields_of(type_name: &str) -> Option<Vec<String>> {
    let query = format!("{{ __type(name: \"{type_name}\") {{ fields {{ name }} }} }}");
    let resp = api::graphql::schema::build(None).execute(query).await;
    assert!(resp.errors.is_empty(), "{:?}", resp.errors);
    let json = resp.data.into_json().ok()?;
    Some(
        json["__type"]["fields"]
            .as_array()?
            .iter()
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect(),
    )
}

#[test]
fn committed_schema_graphql_matches_the_code() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql"))
            .expect("schema.graphql at the workspace root");
    let generated = api::graphql::schema::sdl();
    assert!(
        committed == generated,
        "schema.graphql is stale: run `cargo run -p api -- sdl > schema.graphql` (make sdl)"
    );
}

#[tokio::test]
async fn every_field_of_a_guarded_type_has_a_declared_policy() {
    for policy in GUARDED_FIELDS {
        let in_schema: BTreeSet<String> = fields_of(policy.type_name)
            .await
            .unwrap_or_else(|| panic!("type {} not in the schema", policy.type_name))
            .into_iter()
            .collect();
        let declared: BTreeSet<String> =
            policy.fields.iter().map(|(f, _)| (*f).to_owned()).collect();
        assert_eq!(
            in_schema, declared,
            "fields of {} vs their declared policies",
            policy.type_name
        );
    }
}

#[test]
fn every_action_has_exactly_one_row_in_the_matrix() {
    use strum::IntoEnumIterator;
    for a in Action::iter() {
        assert_eq!(MATRIX.iter().filter(|r| r.action == a).count(), 1, "{a:?}");
    }
    assert_eq!(MATRIX.len(), Action::iter().count());
}

/// `@requiresScopes` on each field of the committed SDL, as a set of alternatives.
fn scopes_in_sdl() -> std::collections::BTreeMap<(String, String), Vec<String>> {
    use async_graphql::Value;
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let sdl = api::graphql::schema::sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).expect("the SDL parses");
    let mut out = std::collections::BTreeMap::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let TypeKind::Object(object) = &t.node.kind else {
            continue;
        };
        for field in &object.fields {
            for d in &field.node.directives {
                if d.node.name.node != "requiresScopes" {
                    continue;
                }
                let Some(Value::List(groups)) =
                    d.node.get_argument("scopes").map(|v| v.node.clone())
                else {
                    panic!(
                        "scopes argument on {}.{}",
                        t.node.name.node, field.node.name.node
                    );
                };
                let alternatives = groups
                    .into_iter()
                    .map(|g| match g {
                        Value::List(all) => all
                            .iter()
                            .map(|s| s.to_string().trim_matches('"').to_owned())
                            .collect::<Vec<_>>()
                            .join(" "),
                        other => panic!("scope group {other}"),
                    })
                    .collect();
                out.insert(
                    (
                        t.node.name.node.to_string(),
                        field.node.name.node.to_string(),
                    ),
                    alternatives,
                );
            }
        }
    }
    out
}

#[test]
fn guarded_fields_carry_the_scopes_the_matrix_grants_and_no_others() {
    let in_sdl = scopes_in_sdl();
    let mut expected = std::collections::BTreeMap::new();
    for policy in GUARDED_FIELDS {
        for (field, rule) in policy.fields {
            let scopes: Vec<String> = api::auth::policy::required_scopes(*rule)
                .into_iter()
                .map(str::to_owned)
                .collect();
            if !scopes.is_empty() {
                expected.insert((policy.type_name.to_owned(), (*field).to_owned()), scopes);
            }
        }
    }
    assert!(
        expected.len() >= 20,
        "the matrix guards fields: {expected:?}"
    );
    assert_eq!(
        in_sdl, expected,
        "@requiresScopes must follow the access matrix"
    );
    // A field only the company's APA and PRC may read is not open to IBM or members.
    assert_eq!(
        expected[&("Company".to_owned(), "companyToken".to_owned())],
        vec!["partnerworld:prc", "partnerworld:apa"]
    );
}

//! The committed SDL is what the code produces, and the guard declarations cover the schema.

use api::auth::policy::{Action, GUARDED_FIELDS, MATRIX};
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

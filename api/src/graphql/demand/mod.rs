//! Demand control: what an operation costs, by the formula of IBM's GraphQL cost
//! specification over the `@cost` and `@listSize` the schema publishes (federation v2.9,
//! so routers that enforce demand control read the same weights). The estimate is
//! checked against `MAX_COST` before anything runs, on every transport; the actual cost
//! is worked out from the answer. Both are counted per operation, and reported in the
//! answer's `extensions.cost` when the request asks (`"extensions": {"cost": true}`).

mod directives;
pub mod formula;
pub mod model;

pub use directives::{PAGE, by_first, cost, list_size, page_lists};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Value, Variables};
use formula::Costing;
use model::Model;
use std::sync::LazyLock;

/// The costs of the schema as published (`schema.graphql`, `_service`).
static MODEL: LazyLock<Model> = LazyLock::new(|| Model::from_sdl(&super::schema::sdl()));

/// The published model; built on first use (the SDL export takes a few milliseconds), so
/// the server builds it at start.
pub fn model() -> &'static Model {
    &MODEL
}

/// An operation's estimate, and whether it holds whatever the variables are.
pub struct Estimate {
    pub cost: u64,
    pub for_any_variables: bool,
}

/// The estimated cost of the operation `name` selects in `document`; None when the
/// document has no such operation (execution refuses it with its own error).
pub fn estimate(
    document: &ExecutableDocument,
    name: Option<&str>,
    variables: &Variables,
    default_list_size: u64,
) -> Option<Estimate> {
    let operation = formula::operation(document, name)?;
    let mut costing = Costing::new(model(), document, operation, variables, default_list_size);
    let estimated = costing.estimate();
    Some(Estimate {
        cost: estimated,
        for_any_variables: !costing.read_variables(),
    })
}

/// The actual cost of `data`, the answer to the operation `name` selects.
pub fn actual(
    document: &ExecutableDocument,
    name: Option<&str>,
    variables: &Variables,
    data: &Value,
) -> Option<u64> {
    let operation = formula::operation(document, name)?;
    Some(Costing::new(model(), document, operation, variables, 0).actual(data))
}

/// Whether the request asks for its cost in the answer's `extensions`.
pub fn asked(extensions: &std::collections::HashMap<String, Value>) -> bool {
    matches!(extensions.get("cost"), Some(Value::Boolean(true)))
}

/// `extensions.cost` of an answer (or of a refusal, without `actual`).
pub fn report(estimated: u64, actual: Option<u64>, max: u64) -> Value {
    let mut report = async_graphql::indexmap::IndexMap::new();
    report.insert(
        async_graphql::Name::new("estimated"),
        Value::from(estimated),
    );
    if let Some(actual) = actual {
        report.insert(async_graphql::Name::new("actual"), Value::from(actual));
    }
    report.insert(async_graphql::Name::new("max"), Value::from(max));
    Value::Object(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).expect("a valid document")
    }

    fn estimated(q: &str, variables: serde_json::Value) -> u64 {
        estimate(&doc(q), None, &Variables::from_json(variables), 10)
            .expect("one operation")
            .cost
    }

    #[test]
    fn an_estimate_that_read_no_variable_holds_for_any() {
        let any = |q: &str| {
            estimate(
                &doc(q),
                None,
                &Variables::from_json(json!({ "a": "x", "n": 3 })),
                10,
            )
            .expect("one operation")
            .for_any_variables
        };
        // A cursor is a scalar: its value costs nothing and is not read.
        assert!(any(
            "query($a: String) { companies(first: 5, after: $a) { nodes { name } } }"
        ));
        assert!(!any(
            "query($n: Int) { companies(first: $n) { nodes { name } } }"
        ));
        assert!(!any(
            "query($s: Boolean!) { companies @skip(if: $s) { nodes { name } } }"
        ));
    }

    #[test]
    fn a_page_costs_its_slicing_argument_times_its_items() {
        // companies: 1 × (connection 1 + edges 5 × (edge 1 + node 1 × (company 1 + name 0)))
        let q = "{ companies(first: 5) { edges { node { name } } } }";
        assert_eq!(estimated(q, json!({})), 11);
        // Without `first`, the page's assumed size (20) stands.
        let q = "{ companies { edges { node { name } } nodes { name } totalCount } }";
        assert_eq!(estimated(q, json!({})), 1 + 20 * 2 + 20);
        // A variable sizes the page as a literal does; an absent one with a default too.
        let q = "query($n: Int = 3) { companies(first: $n) { nodes { name } } }";
        assert_eq!(estimated(q, json!({ "n": 7 })), 8);
        assert_eq!(estimated(q, json!({})), 4);
    }

    #[test]
    fn nested_pages_multiply_and_lists_without_a_size_take_the_default() {
        // Each of 100 companies: 1 + employees 1 × (1 + 50 × (person 1 + certifications
        // 5 (their assumed size) × 1)); a list without a size takes the default (10).
        let q = "{ companies(first: 100) { nodes { employees(first: 50) { nodes { certifications { name } } } } } }";
        assert_eq!(estimated(q, json!({})), 1 + 100 * (1 + (1 + 50 * (1 + 5))));
        let q = "{ companies(first: 2) { nodes { solutions { name } } } }";
        assert_eq!(estimated(q, json!({})), 1 + 2 * (1 + 10));
    }

    #[test]
    fn the_benchmark_pages_fit_the_default_budget_and_a_page_of_pages_does_not() {
        let max = crate::config::Config::defaults().max_cost;
        let tree = "countryEnterprises { country locations { name people(first: 5) { edges { node { ibmId certifications { name } } } } } }";
        // people 1 + 5 × (1 + 1 + 5); locations 3 × (1 + 36); countries 3 × (1 + 111).
        let s3 = format!("{{ companies(first: 100) {{ edges {{ node {{ name {tree} }} }} }} }}");
        assert_eq!(
            estimated(&s3, json!({})),
            1 + 100 * (1 + 1 + 3 * (1 + 3 * (1 + 36)))
        );
        assert!(estimated(&s3, json!({})) <= max);
        let q = "{ companies(first: 100) { edges { node { employees(first: 100) { edges { node { ibmId certifications { name } } } } } } } }";
        assert_eq!(
            estimated(q, json!({})),
            1 + 100 * (1 + 1 + (1 + 100 * (1 + 1 + 5)))
        );
        assert!(estimated(q, json!({})) > max);
    }

    #[test]
    fn weights_arguments_mutations_and_skipped_selections() {
        // @cost(weight: 10) per recommendation, `count` of them (its default, 3, when left out).
        let q = "{ recommendPartners(opportunityId: \"x\", count: 4) { leadsPassed } }";
        assert_eq!(estimated(q, json!({})), 40);
        let q = "{ recommendPartners(opportunityId: \"x\") { leadsPassed } }";
        assert_eq!(estimated(q, json!({})), 30);
        // A mutation starts at 10; each input object in the arguments costs 1.
        let q = "mutation { addLocation(input: { countryEnterpriseId: \"x\", location: { city: \"a\" } }) { location { city } } }";
        assert_eq!(estimated(q, json!({})), 10 + 2 + 2);
        let q = "query($s: Boolean!) { companies(first: 5) @skip(if: $s) { nodes { name } } __typename }";
        assert_eq!(estimated(q, json!({ "s": true })), 0);
        assert_eq!(estimated(q, json!({ "s": false })), 6);
    }

    #[test]
    fn entities_cost_one_per_representation() {
        let q =
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on Company { name } } }";
        let r = json!({ "r": [{ "__typename": "Company", "id": "1" }, { "__typename": "Company", "id": "2" }] });
        assert_eq!(estimated(q, r), 2);
    }

    #[test]
    fn a_fragment_chain_is_costed_in_linear_time() {
        // Each fragment spreads the next twice: 2^40 selections, costed once per fragment.
        let mut q = String::from("{ companies(first: 1) { nodes { ...F0 } } }");
        for i in 0..40 {
            q.push_str(&format!(
                " fragment F{i} on Company {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        q.push_str(" fragment F40 on Company { solutions { __typename } }");
        let started = std::time::Instant::now();
        assert_eq!(estimated(&q, json!({})), 1 + (1 + (1u64 << 40) * 10));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn the_actual_cost_counts_what_the_answer_holds() {
        let q = "{ companies(first: 5) { edges { node { name solutions { __typename } } } } }";
        let data = Value::from_json(json!({ "companies": { "edges": [
            { "node": { "name": "a", "solutions": [{ "__typename": "Solution" }, { "__typename": "Solution" }] } },
            { "node": { "name": "b", "solutions": [] } },
        ] } }))
        .expect("json");
        let d = doc(q);
        // 1 connection + 2 edges + 2 companies + 2 solutions.
        assert_eq!(actual(&d, None, &Variables::default(), &data), Some(7));
        // A null object costs nothing.
        let data = Value::from_json(json!({ "companies": null })).expect("json");
        assert_eq!(actual(&d, None, &Variables::default(), &data), Some(0));
    }

    #[test]
    fn the_published_sdl_links_federation_with_the_cost_directives() {
        let sdl = super::super::schema::sdl();
        assert!(
            sdl.contains("url: \"https://specs.apollo.dev/federation/v2.9\""),
            "{sdl}"
        );
        assert!(sdl.contains("\"@cost\", \"@listSize\"]"));
        assert!(!sdl.contains("federation/v2.5"));
        // What `_service` answers before it is published: async-graphql's own link.
        let printed = super::super::schema::build(None).sdl_with_options(
            async_graphql::SDLExportOptions::new()
                .federation()
                .compose_directive(),
        );
        let published = super::super::schema::publish(&printed);
        assert!(published.contains("federation/v2.9") && !published.contains("federation/v2.5"));
    }
}

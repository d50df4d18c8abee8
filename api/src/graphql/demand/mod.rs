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

/// An operation's estimate, and whether it holds whatever the variables are.
pub struct Estimate {
    pub cost: u64,
    pub for_any_variables: bool,
}

/// The estimated cost of the operation `name` selects in `document`; None when the
/// document has no such operation (execution refuses it with its own error).
pub fn estimate(
    model: &Model,
    document: &ExecutableDocument,
    name: Option<&str>,
    variables: &Variables,
    default_list_size: u64,
) -> Option<Estimate> {
    let operation = crate::documents::operation::select(document, name)?;
    let mut costing = Costing::new(model, document, operation, variables, default_list_size);
    let estimated = costing.estimate();
    Some(Estimate {
        cost: estimated,
        for_any_variables: !costing.read_variables(),
    })
}

/// The actual cost of `data`, the answer to the operation `name` selects.
pub fn actual(
    model: &Model,
    document: &ExecutableDocument,
    name: Option<&str>,
    variables: &Variables,
    data: &Value,
) -> Option<u64> {
    let operation = crate::documents::operation::select(document, name)?;
    Some(Costing::new(model, document, operation, variables, 0).actual(data))
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

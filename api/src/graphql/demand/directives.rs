//! The demand-control directives of IBM's GraphQL cost specification, as Apollo
//! Federation v2.9 publishes them (`@cost`, `@listSize`). They are declared on the fields
//! they describe, printed into the subgraph SDL for routers that enforce demand control,
//! and read back from that same SDL by [`super::model`], so the gateway enforces exactly
//! what it publishes.

use async_graphql::TypeDirective;

/// The size of a page when a client leaves `first` out (`pagination::DEFAULT_PAGE_SIZE`).
pub const PAGE: Option<i32> = Some(crate::graphql::pagination::DEFAULT_PAGE_SIZE as i32);

/// `@cost(weight:)`: what resolving the field costs instead of its type's weight (1 for
/// an object, 0 for a scalar), for resolvers that do much more than read a row.
#[TypeDirective(name = "cost", location = "FieldDefinition")]
pub fn cost(weight: i32) {}

/// `@listSize`: how many items a list holds, for the cost estimate. `slicingArguments`
/// name the arguments that bound it (their largest given value is the size), and
/// `assumedSize` stands when none is given. On a connection, `sizedFields` are the lists
/// of the page (`edges`, `nodes`) the slicing argument sizes.
#[TypeDirective(name = "listSize", location = "FieldDefinition")]
pub fn list_size(
    assumed_size: Option<i32>,
    slicing_arguments: Option<Vec<String>>,
    sized_fields: Option<Vec<String>>,
    #[graphql(default_with = "Some(true)")] require_one_slicing_argument: Option<bool>,
) {
}

/// The arguments that size a connection's page.
pub fn by_first() -> Option<Vec<String>> {
    Some(vec!["first".to_owned()])
}

/// A connection's lists: what its slicing argument sizes.
pub fn page_lists() -> Option<Vec<String>> {
    Some(vec!["edges".to_owned(), "nodes".to_owned()])
}

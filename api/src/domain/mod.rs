//! The domain under the graph: the program's rules and the shape every write takes. Nothing
//! here knows GraphQL or HTTP; the `graphql` layer decodes ids, calls in and maps results.

pub mod opportunities;
pub mod profiles;
pub mod valuenet;
pub mod write;

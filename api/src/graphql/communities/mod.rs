//! IBM Communities: public ones any signed-in person may join, private ones by invitation
//! or owner approval; owners manage members; member lists follow the visibility.

pub mod loader;
pub mod mutation;
pub mod query;
pub mod types;

pub use mutation::CommunitiesMutation;
pub use query::CommunitiesQuery;
pub use types::Community;

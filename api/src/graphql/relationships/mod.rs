//! Relationships and authorizations (Channel Value Rewards): applications drafted and
//! submitted by the APA of the headquarters location, decided by IBM's channel team;
//! approval grants authorizations.

pub mod loader;
pub mod mutation;
pub mod query;
pub mod types;

pub use mutation::RelationshipsMutation;
pub use query::RelationshipsQuery;
pub use types::{Authorization, RelationshipApplication, TechnicalAdvocateRequest};

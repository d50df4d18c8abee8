//! Opportunity passing: IBM passes leads only to eligible partners (good standing,
//! registered for sales activity, authorized for the product in the country, a VAD
//! chosen, a complete profile), and spreads them fairly among those partners.

pub mod loader;
pub mod mutation;
pub mod query;
pub mod types;

pub use mutation::OpportunitiesMutation;
pub use query::OpportunitiesQuery;

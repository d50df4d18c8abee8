//! Profiles: companies, country enterprises, locations, people, certifications, agreements,
//! revenue reports, and the computed membership level.

pub mod loader;
pub mod mutation;
pub mod query;
pub mod types;

pub use mutation::ProfilesMutation;
pub use query::ProfilesQuery;
pub use types::{Company, CountryEnterprise, Location, Person};

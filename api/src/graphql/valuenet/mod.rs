//! Value Net Connections: a company's technology, industry and geographic focus,
//! registered value nets, and matching that ranks compatible partners with reasons.

pub mod loader;
pub mod mutation;
pub mod query;
pub mod types;

pub use mutation::ValueNetMutation;
pub use query::ValueNetQuery;

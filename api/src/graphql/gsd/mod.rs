//! Global Solutions Directory: ISV solutions, technical-validation nominations, response
//! cards from readers, and customer experiences approved by IBM (an approved one makes
//! its solution approved, worth 7 points toward the company's level at once).

pub mod loader;
pub mod mutation;
pub mod query;
pub mod types;

pub use mutation::GsdMutation;
pub use query::GsdQuery;
pub use types::Solution;

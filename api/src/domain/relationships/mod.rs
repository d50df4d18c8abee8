//! Relationships and authorizations: applications, their steps, IBM's decision.

pub mod advocates;
pub mod model;
pub mod service;

//! Relationships and authorizations: applications, their steps, IBM's decision.

pub mod model;
pub mod service;

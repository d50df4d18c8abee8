//! Opportunities: which partners are eligible for a lead, who gets it next, and the pass.

pub mod eligibility;
pub mod model;
pub mod reads;
pub mod service;

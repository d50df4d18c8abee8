//! Opportunities: which partners are eligible for a lead, and who gets it next.

pub mod eligibility;

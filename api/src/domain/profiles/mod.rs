//! Profiles: companies, locations, people and their roles, certifications, and the membership level rule.

pub mod level;
pub mod model;
pub mod reads;
pub mod service;

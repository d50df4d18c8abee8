//! Profiles: companies, locations, people and their roles, certifications, and the membership level rule.

pub mod level;
pub mod level_in_force;
pub mod model;
pub mod presence;
pub mod program;
pub mod reads;
pub mod service;
pub mod skills;

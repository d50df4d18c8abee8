//! Profiles: companies, locations, people and their roles, certifications, and the membership level rule.

pub mod benefits;
pub mod level;
pub mod level_in_force;
pub mod model;
pub mod presence;
pub mod program;
pub mod reads;
pub mod revenue;
pub mod service;
pub mod skills;

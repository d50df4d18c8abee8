//! Profiles: the membership level rule.

pub mod level;

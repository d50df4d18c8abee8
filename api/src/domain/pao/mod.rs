//! Passport Advantage Online: sites, site users and privileges, access requests, site reports.

pub mod activity;
pub mod model;
pub mod notifications;
pub mod quotes;
pub mod reads;
pub mod reports;
pub mod service;

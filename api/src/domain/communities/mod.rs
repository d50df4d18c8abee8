//! IBM Communities: visibility, membership and ownership.

pub mod model;
pub mod reads;
pub mod service;

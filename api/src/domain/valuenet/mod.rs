//! Value Net Connections: focus registration, value nets, and matching partners by focus.

pub mod matching;
pub mod model;
pub mod service;

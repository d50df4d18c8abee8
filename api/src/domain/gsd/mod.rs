//! Global Solutions Directory: solutions, nominations, response cards, customer experiences.

pub mod model;
pub mod reads;
pub mod service;

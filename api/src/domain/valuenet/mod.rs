//! Value Net Connections: matching partners by focus.

pub mod matching;

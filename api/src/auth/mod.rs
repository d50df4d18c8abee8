//! Who is calling and what they may do: JWT verification at the edge, the viewer built
//! from the token and the database, and the access matrix every check reads.

pub mod jwks;
pub mod jwt;
pub mod links;
pub mod policy;
pub mod viewer;
pub mod visibility;

pub use policy::{Action, Target, ensure};
pub use viewer::Viewer;

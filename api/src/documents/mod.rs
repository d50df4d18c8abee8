//! The document pipeline every operation passes before the schema sees it, on every
//! transport: parse under the size limits, measure once (fragments inlined), and keep the
//! parsed document (and persisted queries) so a repeated operation is neither parsed nor
//! measured again. A mechanism: it knows GraphQL documents, not the schema.

pub mod limits;
pub mod operation;
pub mod persisted;
pub mod safelist;
pub mod shape;
pub mod variables;

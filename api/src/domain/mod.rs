//! The domain under the graph: the program's rules, the reads and writes of each area, its
//! typed ids and states. Nothing here knows GraphQL or HTTP; the `graphql` layer decodes
//! ids, calls in and maps results. Every area has the same shape: `model` (ids and
//! states), `reads` (the queries the graph pages and filters with), `service` (the writes,
//! each one transaction through [`write::Write`]) and the area's rules beside them.

/// Declares a stored state: a Rust enum that is also the GraphQL enum of the same name,
/// parsed from and written as its SCREAMING_SNAKE_CASE text in the database.
macro_rules! db_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(
            async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash,
            strum::EnumString, strum::IntoStaticStr, strum::EnumIter,
        )]
        #[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),* }

        impl $name {
            pub fn as_db(self) -> &'static str {
                self.into()
            }
        }

        impl $crate::domain::Stored for $name {}

        // A stored column compares with and is written from the state itself, so no
        // state is ever spelled as a string literal.
        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == other.as_db()
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.as_db()
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_db().to_owned()
            }
        }

        impl From<$name> for sea_orm::Value {
            fn from(v: $name) -> Self {
                v.as_db().into()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_db())
            }
        }
    };
}

/// A state read back from its column.
pub trait Stored: std::str::FromStr {
    /// The state stored in `column`. Text no variant names is corrupt data, an internal
    /// error, never the caller's bad input.
    fn from_db(column: &'static str, text: &str) -> crate::error::AppResult<Self> {
        text.parse().map_err(|_| {
            crate::error::AppError::internal(format!("unexpected value in {column}: {text:?}"))
        })
    }
}

/// Declares a typed row id, so a site id can never be passed where a company id is meant.
macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl From<$name> for sea_orm::Value {
            fn from(id: $name) -> Self {
                id.0.into()
            }
        }
    )*};
}

pub mod audit;
pub mod communities;
pub mod gsd;
pub mod money;
pub mod opportunities;
pub mod pao;
pub mod profiles;
pub mod reads;
pub mod relationships;
pub mod valuenet;
pub mod write;

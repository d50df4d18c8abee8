//! The database loader behind every relation: one `DbLoader` implements
//! `Loader<K>` for one key type per relation, each batched into a single statement over
//! the keys ([`any_of`]). It is created per request (so its cache never outlives the
//! request).

use crate::error::AppError;
use sea_orm::sea_query::{Expr, ExprTrait, extension::postgres::PgFunc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, ModelTrait,
    QueryFilter, QueryOrder, Value,
};
use std::collections::HashMap;
use std::sync::Arc;
use tracing::Instrument;

#[derive(Clone)]
pub struct DbLoader {
    pub db: DatabaseConnection,
    /// Rows and computed values shared across requests (see `cache::entity`).
    pub cache: crate::cache::entity::EntityCache,
}

/// A loader failure, shared by every resolver waiting on the batch.
#[derive(Debug, Clone)]
pub struct LoadError(pub Arc<DbErr>);

impl From<DbErr> for LoadError {
    fn from(e: DbErr) -> Self {
        Self(Arc::new(e))
    }
}

impl From<LoadError> for AppError {
    fn from(e: LoadError) -> Self {
        match Arc::try_unwrap(e.0) {
            Ok(db) => db.into(),
            Err(shared) => AppError::internal(shared.to_string()),
        }
    }
}

/// The rows a relation holds for one key, shared rather than copied: async-graphql's
/// DataLoader clones each value once into the request's cache and once more for every
/// resolver waiting on it, and as a `Vec` of rows that was two deep copies of every row of
/// a page (callgrind on a page of 20 companies: 7 % of the request's instructions in
/// those clones). Cloning an `Arc` is a counter.
pub type Rows<M> = Arc<[M]>;

/// `col` is one of `keys`, as a batch asks. On PostgreSQL it is `col = ANY($1)` with the
/// keys bound as one array, so a batch of any size is the same prepared statement, parsed
/// and planned once per connection; `IN ($1, ..., $n)` is a new statement for every n
/// (a page of 20 companies cost PostgreSQL 2.5 ms per request where the hand-written
/// ceiling, which binds arrays, cost 0.7 ms). SQLite has no arrays: there it is a list.
pub fn any_of<C: ColumnTrait>(db: &impl ConnectionTrait, col: C, keys: Vec<i64>) -> Expr {
    match db.get_database_backend() {
        DbBackend::Postgres => ExprTrait::eq(col.into_expr(), PgFunc::any(Expr::val(keys))),
        _ => col.is_in(keys),
    }
}

/// Reads an integer key column out of a model.
pub fn key_of<M: ModelTrait>(m: &M, col: <M::Entity as EntityTrait>::Column) -> i64 {
    match m.get(col) {
        Value::BigInt(Some(v)) => v,
        Value::Int(Some(v)) => i64::from(v),
        _ => 0,
    }
}

fn span(loader: &'static str, batch: usize) -> tracing::Span {
    tracing::info_span!(
        "loader.batch",
        otel.name = %format_args!("loader.batch {loader}"),
        loader.name = loader,
        loader.batch_size = batch
    )
}

/// One row per key, looked up by a unique column.
pub async fn one_each<E>(
    db: &DatabaseConnection,
    name: &'static str,
    col: E::Column,
    keys: impl ExactSizeIterator<Item = i64>,
) -> Result<HashMap<i64, E::Model>, LoadError>
where
    E: EntityTrait,
{
    let span = span(name, keys.len());
    let keys: Vec<i64> = keys.collect();
    let rows = E::find()
        .filter(any_of(db, col, keys))
        .all(db)
        .instrument(span)
        .await?;
    Ok(rows.into_iter().map(|m| (key_of(&m, col), m)).collect())
}

/// All rows per key through a foreign key column, in `order` (ascending).
pub async fn many_each<E>(
    db: &DatabaseConnection,
    name: &'static str,
    col: E::Column,
    order: E::Column,
    keys: impl ExactSizeIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<E::Model>>, LoadError>
where
    E: EntityTrait,
{
    many_each_where::<E>(db, name, col, order, keys, sea_orm::Condition::all()).await
}

/// [`many_each`], keeping only the rows that also meet `only`.
pub async fn many_each_where<E>(
    db: &DatabaseConnection,
    name: &'static str,
    col: E::Column,
    order: E::Column,
    keys: impl ExactSizeIterator<Item = i64>,
    only: sea_orm::Condition,
) -> Result<HashMap<i64, Vec<E::Model>>, LoadError>
where
    E: EntityTrait,
{
    many_each_from(db, name, E::find().filter(only), col, order, keys).await
}

/// [`many_each`] over a query of the caller's (a join, a narrower column list), which must
/// still yield whole rows of `E`.
pub async fn many_each_from<E>(
    db: &DatabaseConnection,
    name: &'static str,
    query: sea_orm::Select<E>,
    col: E::Column,
    order: E::Column,
    keys: impl ExactSizeIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<E::Model>>, LoadError>
where
    E: EntityTrait,
{
    let span = span(name, keys.len());
    let keys: Vec<i64> = keys.collect();
    let rows = query
        .filter(any_of(db, col, keys.clone()))
        .order_by_asc(order)
        .all(db)
        .instrument(span)
        .await?;
    let mut map: HashMap<i64, Vec<E::Model>> = keys.into_iter().map(|k| (k, Vec::new())).collect();
    for m in rows {
        map.entry(key_of(&m, col)).or_default().push(m);
    }
    Ok(map)
}

/// Declares key newtypes: one per relation, so one loader serves them all.
macro_rules! keys {
    ($($(#[$doc:meta])* $name:ident;)*) => {
        $( $(#[$doc])* #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
           pub struct $name(pub i64); )*
    };
}
pub(crate) use keys;

/// `Loader<$key>` for a row looked up by a unique column.
macro_rules! load_one {
    ($key:ident => $entity:ident . $col:ident) => {
        impl async_graphql::dataloader::Loader<$key> for $crate::graphql::loader::DbLoader {
            type Value = entities::$entity::Model;
            type Error = $crate::graphql::loader::LoadError;
            async fn load(
                &self,
                keys: &[$key],
            ) -> Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                let map = $crate::graphql::loader::one_each::<entities::$entity::Entity>(
                    &self.db,
                    stringify!($key),
                    entities::$entity::Column::$col,
                    keys.iter().map(|k| k.0),
                )
                .await?;
                Ok(map.into_iter().map(|(k, v)| ($key(k), v)).collect())
            }
        }
    };
}
pub(crate) use load_one;

/// `Loader<$key>` for all rows of a foreign key, ordered.
macro_rules! load_many {
    ($key:ident => $entity:ident . $col:ident order $order:ident) => {
        impl async_graphql::dataloader::Loader<$key> for $crate::graphql::loader::DbLoader {
            type Value = $crate::graphql::loader::Rows<entities::$entity::Model>;
            type Error = $crate::graphql::loader::LoadError;
            async fn load(
                &self,
                keys: &[$key],
            ) -> Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                let map = $crate::graphql::loader::many_each::<entities::$entity::Entity>(
                    &self.db,
                    stringify!($key),
                    entities::$entity::Column::$col,
                    entities::$entity::Column::$order,
                    keys.iter().map(|k| k.0),
                )
                .await?;
                Ok(map.into_iter().map(|(k, v)| ($key(k), v.into())).collect())
            }
        }
    };
}
pub(crate) use load_many;

//! Federation `_entities`, one representation at a time. async-graphql resolves the whole
//! batch with `try_join_all`, so one lookup that fails (an object the caller may not see)
//! nulls every entry, and the errors of an entity's fields carry no list index. Every
//! entity resolver returns an [`Entity`]: its lookup error becomes `null` at that entry
//! with the error at `["_entities", i]`, and its fields resolve under that index, so
//! `["_entities", i, "companyToken"]` names the entry that was refused.
//!
//! The index is found from the representation itself: the lookup claims the first
//! unclaimed representation of its type with its key. Duplicate representations resolve
//! to the same answer, so which of them claims which index does not matter.

use crate::error::{AppError, AppResult};
use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{
    Any, Context, ContextSelectionSet, OutputType, Positioned, ServerResult, Value,
};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

/// Which representation each lookup of one request answers. Every request carries one.
#[derive(Default)]
pub struct EntityClaims {
    /// (typename, key field, key value) → the indexes of the representations naming it.
    index: OnceLock<HashMap<(String, String, String), Vec<usize>>>,
    claimed: Mutex<HashSet<usize>>,
}

impl EntityClaims {
    fn claim(&self, ctx: &Context<'_>, typename: &str, key: &str, value: &str) -> Option<usize> {
        let index = self.index.get_or_init(|| {
            let mut index: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
            let representations = ctx
                .param_value::<Vec<Any>>("representations", None)
                .map(|(_, r)| r)
                .unwrap_or_default();
            for (i, Any(rep)) in representations.into_iter().enumerate() {
                let Value::Object(fields) = rep else { continue };
                let Some(Value::String(ty)) = fields.get("__typename") else {
                    continue;
                };
                for (k, v) in &fields {
                    if let Value::String(v) = v {
                        index
                            .entry((ty.clone(), k.to_string(), v.clone()))
                            .or_default()
                            .push(i);
                    }
                }
            }
            index
        });
        let candidates = index.get(&(typename.to_owned(), key.to_owned(), value.to_owned()))?;
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        let i = candidates
            .iter()
            .copied()
            .find(|i| !claimed.contains(i))
            .or_else(|| candidates.first().copied())?;
        claimed.insert(i);
        Some(i)
    }
}

/// One answer of `_entities`: the object, `null` (no such object for this caller), or
/// the lookup's error, placed at the representation's index.
pub struct Entity<T> {
    found: AppResult<Option<T>>,
    index: Option<usize>,
}

impl<T: OutputType> Entity<T> {
    /// The answer of a lookup by `key` = `value` for a representation of `T`.
    pub fn new(ctx: &Context<'_>, key: &str, value: &str, found: AppResult<Option<T>>) -> Self {
        let index = ctx
            .data_opt::<EntityClaims>()
            .and_then(|c| c.claim(ctx, &T::type_name(), key, value));
        Self { found, index }
    }
}

impl<T: OutputType> OutputType for Entity<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::type_name().to_string()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry);
        T::type_name().to_string()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let at = match self.index {
            Some(i) => ctx.with_index(i),
            None => ctx.clone(),
        };
        match &self.found {
            Ok(Some(object)) => match object.resolve(&at, field).await {
                Ok(value) => Ok(value),
                Err(e) => {
                    at.add_error(e);
                    Ok(Value::Null)
                }
            },
            Ok(None) => Ok(Value::Null),
            Err(e) => {
                let error = AppError::into_graphql(e.clone()).into_server_error(field.pos);
                at.add_error(at.set_error_path(error));
                Ok(Value::Null)
            }
        }
    }
}

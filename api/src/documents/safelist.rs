//! Persisted operations as a safelist (`PERSISTED_QUERIES=safelist`): only operations
//! registered from a manifest run, on every transport; anything else is refused with
//! `PERSISTED_QUERY_NOT_IN_LIST` before it is parsed.
//!
//! Manifests come in the two formats clients produce:
//! - Apollo's persisted-query manifest (`generate-persisted-query-manifest`, read by
//!   Apollo Router): `{"format": "apollo-persisted-query-manifest", "version": 1,
//!   "operations": [{"id", "name", "type", "body"}]}`;
//! - GraphQL Code Generator's persisted documents (`client` preset):
//!   `{"<sha256>": "<document>", …}`.
//!
//! Each operation's id must be the SHA-256 of its body (what Apollo Client and the
//! generator send as `persistedQuery.sha256Hash`), and its body must pass the operation
//! limits, so registering cannot smuggle in what a request would be refused for. Rows are
//! immutable: registering a manifest again changes nothing. Every replica reads the same
//! table, and keeps what it found in memory.

use super::limits::Limits;
use entities::registered_operations as ops;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// One operation of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The SHA-256 of `body`, in lowercase hex.
    pub id: String,
    pub name: Option<String>,
    /// `query`, `mutation` or `subscription`.
    pub kind: &'static str,
    pub body: String,
}

/// The registered operations, as this replica has looked them up.
#[derive(Clone)]
pub struct Safelist {
    db: DatabaseConnection,
    known: moka::future::Cache<String, Arc<Operation>>,
    /// Ids found unregistered lately: a flood of unknown ids costs one lookup each per
    /// interval, and a newly registered one runs within it.
    unknown: moka::future::Cache<String, ()>,
}

impl Safelist {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            known: moka::future::Cache::builder().max_capacity(20_000).build(),
            unknown: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(5))
                .build(),
        }
    }

    /// The registered operation with this id, if any.
    pub async fn find(&self, id: &str) -> Result<Option<Arc<Operation>>, sea_orm::DbErr> {
        if let Some(op) = self.known.get(id).await {
            return Ok(Some(op));
        }
        if self.unknown.contains_key(id) {
            return Ok(None);
        }
        let row = ops::Entity::find()
            .filter(ops::Column::OperationId.eq(id))
            .one(&self.db)
            .await?;
        match row.map(|r| operation_of(&r)) {
            Some(op) => {
                let op = Arc::new(op);
                self.known.insert(id.to_owned(), op.clone()).await;
                Ok(Some(op))
            }
            None => {
                self.unknown.insert(id.to_owned(), ()).await;
                Ok(None)
            }
        }
    }
}

fn operation_of(row: &ops::Model) -> Operation {
    Operation {
        id: row.operation_id.clone(),
        name: row.name.clone(),
        kind: kind_name(&row.kind),
        body: row.body.clone(),
    }
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "mutation" => "mutation",
        "subscription" => "subscription",
        _ => "query",
    }
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The operations of a manifest, each checked: its id is its body's hash, its body one
/// operation within the limits. The first problem is the error, naming the operation.
pub fn parse_manifest(text: &str, limits: &Limits) -> Result<Vec<Operation>, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let entries: Vec<(String, String)> = match &json {
        serde_json::Value::Object(map) if map.get("format").is_some() => {
            if map.get("format").and_then(|f| f.as_str()) != Some("apollo-persisted-query-manifest")
            {
                return Err("`format` must be \"apollo-persisted-query-manifest\"".into());
            }
            if map.get("version").and_then(serde_json::Value::as_i64) != Some(1) {
                return Err("only version 1 of Apollo's manifest is known".into());
            }
            let list = map
                .get("operations")
                .and_then(|o| o.as_array())
                .ok_or("`operations` must be a list")?;
            list.iter()
                .enumerate()
                .map(|(i, op)| {
                    let field = |f: &str| {
                        op.get(f)
                            .and_then(|v| v.as_str())
                            .map(str::to_owned)
                            .ok_or(format!("operations[{i}] has no string `{f}`"))
                    };
                    Ok((field("id")?, field("body")?))
                })
                .collect::<Result<_, String>>()?
        }
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(id, body)| {
                body.as_str()
                    .map(|b| (id.clone(), b.to_owned()))
                    .ok_or(format!("the document of {id} is not a string"))
            })
            .collect::<Result<_, String>>()?,
        _ => return Err("a manifest is a JSON object".into()),
    };
    entries
        .into_iter()
        .map(|(id, body)| {
            let id = id.to_ascii_lowercase();
            if sha256_hex(&body) != id {
                return Err(format!("{id}: the id is not the SHA-256 of its body"));
            }
            let (_, shape) = limits
                .parse(&body)
                .map_err(|e| format!("{id}: {}", e.message))?;
            let [op] = shape.operations.as_slice() else {
                return Err(format!(
                    "{id}: a registered document holds exactly one operation"
                ));
            };
            Ok(Operation {
                id,
                name: op.name.clone(),
                kind: super::operation::keyword(op.ty),
                body,
            })
        })
        .collect()
}

/// Registers `operations` in one transaction, skipping those already registered; returns
/// how many were new.
pub async fn register(
    db: &DatabaseConnection,
    operations: &[Operation],
) -> Result<usize, sea_orm::DbErr> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let mut added = 0;
    for op in operations {
        let exists = ops::Entity::find()
            .filter(ops::Column::OperationId.eq(&op.id))
            .one(&txn)
            .await?
            .is_some();
        if exists {
            continue;
        }
        ops::Entity::insert(ops::ActiveModel {
            operation_id: Set(op.id.clone()),
            name: Set(op.name.clone()),
            kind: Set(op.kind.to_owned()),
            body: Set(op.body.clone()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        added += 1;
    }
    txn.commit().await?;
    Ok(added)
}

/// Every registered operation, in registration order.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<Operation>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    Ok(ops::Entity::find()
        .order_by_asc(ops::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(operation_of)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::from_config(&crate::config::Config::defaults())
    }

    #[test]
    fn both_manifest_formats_are_read_and_checked() {
        let body = "query Acme { company(partnerWorldId: \"PW-000001\") { name } }";
        let id = sha256_hex(body);
        let apollo = serde_json::json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": id, "name": "Acme", "type": "query", "body": body }]
        });
        let ops = parse_manifest(&apollo.to_string(), &limits()).expect("apollo");
        assert_eq!(
            ops,
            vec![Operation {
                id: id.clone(),
                name: Some("Acme".into()),
                kind: "query",
                body: body.into()
            }]
        );
        let codegen = serde_json::json!({ id.clone(): body });
        assert_eq!(
            parse_manifest(&codegen.to_string(), &limits()).expect("codegen"),
            ops
        );
        let wrong = serde_json::json!({ sha256_hex("x"): body });
        assert!(
            parse_manifest(&wrong.to_string(), &limits())
                .unwrap_err()
                .contains("not the SHA-256")
        );
        let two = "query A { __typename } query B { __typename }";
        let two = serde_json::json!({ sha256_hex(two): two });
        assert!(
            parse_manifest(&two.to_string(), &limits())
                .unwrap_err()
                .contains("exactly one")
        );
        let wide = format!(
            "{{ {} }}",
            (0..40)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let wide = serde_json::json!({ sha256_hex(&wide): wide });
        assert!(
            parse_manifest(&wide.to_string(), &limits())
                .unwrap_err()
                .contains("the limit is"),
            "limits apply"
        );
        assert!(parse_manifest("[]", &limits()).is_err());
        let v2 = serde_json::json!({ "format": "apollo-persisted-query-manifest", "version": 2, "operations": [] });
        assert!(parse_manifest(&v2.to_string(), &limits()).is_err());
    }
}

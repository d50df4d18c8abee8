//! The shape every write takes: one transaction, an optimistic `version` check, an audit
//! record, and the invalidations to run after commit. Domain services use these pieces;
//! resolvers never touch a transaction.

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::audit_log;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    TransactionTrait,
};
use serde_json::Value;

/// An open write: the transaction, who is writing, and whose roles to forget after commit.
pub struct Write<'a> {
    pub txn: DatabaseTransaction,
    pub viewer: &'a Viewer,
    state: &'a AppState,
    forget_roles: Vec<String>,
    events: Vec<crate::events::Event>,
}

impl<'a> Write<'a> {
    pub async fn begin(state: &'a AppState, viewer: &'a Viewer) -> AppResult<Self> {
        Ok(Self {
            txn: state.db.begin().await?,
            viewer,
            state,
            forget_roles: Vec::new(),
            events: Vec::new(),
        })
    }

    /// Records who changed what, in the same transaction as the change.
    pub async fn audit(
        &self,
        action: &str,
        entity_type: &str,
        entity_id: impl Into<i64>,
        before: Option<Value>,
        after: Option<Value>,
    ) -> AppResult<()> {
        let row = audit_log::ActiveModel {
            actor: Set(self
                .viewer
                .subject
                .clone()
                .unwrap_or_else(|| "anonymous".into())),
            action: Set(action.to_owned()),
            entity_type: Set(entity_type.to_owned()),
            entity_id: Set(entity_id.into()),
            before_json: Set(before.map(|v| v.to_string())),
            after_json: Set(after.map(|v| v.to_string())),
            ..Default::default()
        };
        audit_log::Entity::insert(row.into_active_model())
            .exec(&self.txn)
            .await?;
        Ok(())
    }

    /// After commit, the subject's cached roles are dropped (a role changed).
    pub fn forget_roles_of(&mut self, subject: impl Into<String>) {
        self.forget_roles.push(subject.into());
    }

    /// After commit, `event` goes to the subscribers (never for a write that rolled back).
    pub fn publish(&mut self, event: crate::events::Event) {
        self.events.push(event);
    }

    pub async fn commit(self) -> AppResult<()> {
        self.txn.commit().await?;
        self.state
            .responses
            .invalidate(crate::cache::footprint::take_written())
            .await;
        for subject in &self.forget_roles {
            self.state.roles.forget(subject).await;
            self.state.events.roles_changed(subject).await;
        }
        for event in self.events {
            self.state.events.publish(event).await;
        }
        Ok(())
    }
}

/// A table whose rows change under an optimistic `version`: its id, version and
/// updated-at columns.
pub trait Versioned: EntityTrait {
    const KEYS: [Self::Column; 3];
}

/// A table of requests that wait in one of IBM's (or a site's) queues until someone
/// decides them: the state, the reason and the time the decision records.
pub trait Decided: Versioned {
    const DECISION: [Self::Column; 3];
}

macro_rules! versioned {
    ($($table:ident),* $(,)?) => {$(
        impl Versioned for entities::$table::Entity {
            const KEYS: [Self::Column; 3] = [
                entities::$table::Column::Id,
                entities::$table::Column::Version,
                entities::$table::Column::UpdatedAt,
            ];
        }
    )*};
}

macro_rules! decided {
    ($($table:ident),* $(,)?) => {$(
        impl Decided for entities::$table::Entity {
            const DECISION: [Self::Column; 3] = [
                entities::$table::Column::Status,
                entities::$table::Column::DecisionReason,
                entities::$table::Column::DecidedAt,
            ];
        }
    )*};
}

versioned!(
    access_requests,
    benefits,
    candidate_merge_requests,
    companies,
    country_enterprises,
    customer_experiences,
    locations,
    opportunities,
    people,
    relationship_applications,
    revenue_corrections,
    site_users,
    sites,
    solutions,
    technical_advocate_requests,
    validation_nominations,
);

decided!(
    access_requests,
    customer_experiences,
    relationship_applications,
    revenue_corrections,
    technical_advocate_requests,
    validation_nominations,
);

/// `UPDATE … SET changes, version = version + 1, updated_at = now WHERE id = ? AND
/// version = ?`: a stale version changes nothing and answers CONFLICT.
pub async fn update_versioned<E: Versioned>(
    txn: &DatabaseTransaction,
    (id, expected_version): (impl Into<i64>, i32),
    changes: Vec<(E::Column, SimpleExpr)>,
    conflict: &'static str,
) -> AppResult<()> {
    let [id_col, version_col, updated_at_col] = E::KEYS;
    let mut update = E::update_many()
        .col_expr(version_col, Expr::col(version_col).add(1))
        .col_expr(updated_at_col, Expr::current_timestamp());
    for (col, value) in changes {
        update = update.col_expr(col, value);
    }
    let result = update
        .filter(id_col.eq(id.into()))
        .filter(version_col.eq(expected_version))
        .exec(txn)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(conflict))
    }
}

/// Records a decision on a waiting request, against the version the decider read: its new
/// state, the reason (or none) and the time, with any `more` columns the decision sets.
pub async fn record_decision<E: Decided>(
    txn: &DatabaseTransaction,
    id_version: (impl Into<i64>, i32),
    status: impl Into<sea_orm::Value>,
    reason: Option<String>,
    more: Vec<(E::Column, SimpleExpr)>,
    conflict: &'static str,
) -> AppResult<()> {
    let [status_col, reason_col, at_col] = E::DECISION;
    let mut changes = vec![
        (status_col, Expr::value(status)),
        (reason_col, Expr::value(reason)),
        (at_col, Expr::current_timestamp()),
    ];
    changes.extend(more);
    update_versioned::<E>(txn, id_version, changes, conflict).await
}

/// Trims a required text input and bounds its length.
pub fn text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::bad_input(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("at most {max} characters"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(AppError::bad_input(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_owned())
}

/// An e-mail address (an IBMid is one), trimmed and lowercased. The one validator every
/// input naming a person by address goes through: RFC 5322 syntax by `email_address`, and
/// a dotted domain, because these are internet addresses, never `user@localhost`.
pub fn email(field: &str, value: &str) -> AppResult<String> {
    let v = value.trim().to_ascii_lowercase();
    let valid = v.len() <= 254
        && email_address::EmailAddress::parse_with_options(
            &v,
            email_address::Options::default().without_display_text(),
        )
        .is_ok_and(|a| {
            let domain = a.domain();
            domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if valid {
        Ok(v)
    } else {
        Err(AppError::bad_input(field, "an e-mail address"))
    }
}

//! Benefits managed per location (domain.md §1, §8): the APA enrolls a location in a Value
//! Package or a Value Option, renews it (a later `validUntil`), moves it to another
//! location of the company, or cancels it. Each change is a versioned write with an audit
//! record; benefits are not cached (read per request through `BenefitsAt`).

use super::level::today;
use super::model::{BenefitId, BenefitKind, BenefitStatus, LocationId};
use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::write::{Write, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use entities::{benefits, locations};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

/// What an update changes; `None` leaves it.
pub struct BenefitChange {
    pub valid_until: Option<NaiveDate>,
    pub location: Option<LocationId>,
    pub cancel: bool,
}

fn future(field: &str, day: NaiveDate) -> AppResult<NaiveDate> {
    if day > today() {
        Ok(day)
    } else {
        Err(AppError::bad_input(field, "a day after today"))
    }
}

async fn location(state: &AppState, id: i64) -> AppResult<locations::Model> {
    locations::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("location"))
}

/// Is a benefit of this name already running at the location?
async fn running(w: &Write<'_>, location: i64, name: &str, except: Option<i64>) -> AppResult<bool> {
    let mut q = benefits::Entity::find()
        .filter(benefits::Column::LocationId.eq(location))
        .filter(benefits::Column::Name.eq(name))
        .filter(benefits::Column::Status.eq(BenefitStatus::Active))
        .filter(
            benefits::Column::ValidUntil
                .is_null()
                .or(benefits::Column::ValidUntil.gte(today())),
        );
    if let Some(id) = except {
        q = q.filter(benefits::Column::Id.ne(id));
    }
    Ok(q.count(&w.txn).await? > 0)
}

/// The APA enrolls one of the company's locations.
pub async fn add(
    state: &AppState,
    viewer: &Viewer,
    at: LocationId,
    kind: BenefitKind,
    name: &str,
    valid_until: NaiveDate,
) -> AppResult<benefits::Model> {
    // Locations are public (a company's addresses): an unknown one is NOT_FOUND alike.
    let loc = location(state, at.0).await?;
    ensure(
        viewer,
        Action::ManageBenefits,
        Target::company(loc.company_id),
    )?;
    let name = text("input.name", name, 200)?;
    let valid_until = future("input.validUntil", valid_until)?;
    let w = Write::begin(state, viewer).await?;
    if running(&w, loc.id, &name, None).await? {
        return Err(AppError::Conflict(
            "the location already holds this benefit; renew it instead",
        ));
    }
    let row = benefits::Entity::insert(benefits::ActiveModel {
        location_id: Set(loc.id),
        kind: Set(kind.into()),
        name: Set(name),
        status: Set(BenefitStatus::Active.into()),
        valid_until: Set(Some(valid_until)),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.audit(
        "addBenefit",
        "Location",
        loc.id,
        None,
        Some(json!({ "benefit": row.id, "kind": row.kind, "name": row.name, "validUntil": valid_until })),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// The APA renews, moves or cancels a benefit of the company.
pub async fn update(
    state: &AppState,
    viewer: &Viewer,
    id: BenefitId,
    version: i32,
    change: BenefitChange,
) -> AppResult<benefits::Model> {
    let found = match benefits::Entity::find_by_id(id.0).one(&state.db).await? {
        Some(b) => Some((location(state, b.location_id).await?, b)),
        None => None,
    };
    // Benefits are read by the company's members and IBM: anyone else meets NOT_FOUND,
    // as for an id of nothing.
    let (loc, before) = visibility::target(
        viewer,
        Action::ManageBenefits,
        found,
        "benefit",
        |v, (loc, _)| visibility::benefit(v, loc.company_id),
    )?;
    ensure(
        viewer,
        Action::ManageBenefits,
        Target::company(loc.company_id),
    )?;
    if before.status == BenefitStatus::Cancelled {
        return Err(AppError::Conflict("a cancelled benefit does not change"));
    }
    let mut sets: Vec<(benefits::Column, SimpleExpr)> = Vec::new();
    let mut after = serde_json::Map::new();
    let mut target_location = loc.id;
    if let Some(to) = change.location {
        let to = location(state, to.0).await?;
        if to.company_id != loc.company_id {
            return Err(AppError::bad_input(
                "input.locationId",
                "a location of the same company",
            ));
        }
        target_location = to.id;
        sets.push((benefits::Column::LocationId, Expr::value(to.id)));
        after.insert("location".into(), json!(to.id));
    }
    if let Some(day) = change.valid_until {
        let day = future("input.validUntil", day)?;
        sets.push((benefits::Column::ValidUntil, Expr::value(day)));
        after.insert("validUntil".into(), json!(day));
    }
    if change.cancel {
        sets.push((
            benefits::Column::Status,
            Expr::value(BenefitStatus::Cancelled),
        ));
        after.insert("status".into(), json!(BenefitStatus::Cancelled.as_db()));
    }
    if sets.is_empty() {
        return Err(AppError::bad_input(
            "input",
            "nothing to change: validUntil, locationId or cancel",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    if target_location != loc.id
        && running(&w, target_location, &before.name, Some(before.id)).await?
    {
        return Err(AppError::Conflict(
            "the other location already holds this benefit",
        ));
    }
    update_versioned::<benefits::Entity>(
        &w.txn,
        (id, version),
        sets,
        "the benefit was changed by someone else; reload it and retry",
    )
    .await?;
    w.audit(
        if change.cancel {
            "cancelBenefit"
        } else {
            "updateBenefit"
        },
        "Location",
        loc.id,
        Some(json!({ "benefit": before.id, "location": before.location_id, "validUntil": before.valid_until, "status": before.status })),
        Some(serde_json::Value::Object(after)),
    )
    .await?;
    w.commit().await?;
    benefits::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("benefit"))
}

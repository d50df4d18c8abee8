//! A company's presence, as its APA edits it (domain.md §8 "edit company, country
//! enterprises, locations, publish flags, marketing text, PA reseller ID"): its partner
//! types, its country enterprises with their directory publishing and Passport Advantage
//! reseller id, and their locations (addresses). Each edit is a versioned write with an
//! audit record.

use super::model::{CompanyId, CountryEnterpriseId, PartnerType};
use super::service::country;
use crate::auth::{Action, Target, Viewer, ensure};
use crate::cache::entity::RowKind;
use crate::domain::write::{Write, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{companies, company_partner_types, country_enterprises, locations};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// What the APA changes on a country enterprise; `None` leaves a field as it is.
#[derive(Default)]
pub struct CountryEnterpriseChanges {
    pub publish_to_partners: Option<bool>,
    pub publish_to_customers: Option<bool>,
    /// `Some(None)` clears it.
    pub marketing_description: Option<Option<String>>,
    /// `Some(None)` clears it.
    pub passport_advantage_id: Option<Option<String>>,
}

/// An address as the APA enters it.
pub struct Address {
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
}

fn address(a: &Address) -> AppResult<(String, String, String, String)> {
    Ok((
        text("input.name", &a.name, 200)?,
        text("input.addressLine", &a.address_line, 200)?,
        text("input.city", &a.city, 100)?,
        text("input.postalCode", &a.postal_code, 20)?,
    ))
}

/// A Passport Advantage reseller id: 4 to 16 letters and digits.
fn passport_advantage_id(v: &str) -> AppResult<String> {
    let v = v.trim().to_ascii_uppercase();
    if (4..=16).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(v)
    } else {
        Err(AppError::bad_input(
            "input.passportAdvantageId",
            "4 to 16 letters and digits",
        ))
    }
}

async fn enterprise(
    state: &AppState,
    viewer: &Viewer,
    id: CountryEnterpriseId,
) -> AppResult<country_enterprises::Model> {
    let ce = country_enterprises::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("country enterprise"))?;
    ensure(
        viewer,
        Action::EditCompanyDetails,
        Target::company(ce.company_id),
    )?;
    Ok(ce)
}

/// After an edit under a company: its version moves, so readers of the company see it.
async fn touch(w: &Write<'_>, company: i64) -> AppResult<()> {
    companies::Entity::update_many()
        .col_expr(
            companies::Column::Version,
            Expr::col(companies::Column::Version).add(1),
        )
        .col_expr(companies::Column::UpdatedAt, Expr::current_timestamp())
        .filter(companies::Column::Id.eq(company))
        .exec(&w.txn)
        .await?;
    Ok(())
}

async fn refresh_company(state: &AppState, id: i64) -> AppResult<()> {
    if let Some(after) = companies::Entity::find_by_id(id).one(&state.db).await? {
        state
            .entities
            .put_row(RowKind::Company, id, i64::from(after.version), &after)
            .await;
    }
    Ok(())
}

/// The company's partner types, replaced as a whole (at least one).
pub async fn set_partner_types(
    state: &AppState,
    viewer: &Viewer,
    id: CompanyId,
    version: i32,
    mut types: Vec<PartnerType>,
) -> AppResult<companies::Model> {
    ensure(viewer, Action::EditCompanyDetails, Target::company(id))?;
    types.sort_by_key(|t| t.as_db());
    types.dedup();
    if types.is_empty() {
        return Err(AppError::bad_input(
            "input.partnerTypes",
            "at least one partner type",
        ));
    }
    let before: Vec<String> = company_partner_types::Entity::find()
        .filter(company_partner_types::Column::CompanyId.eq(id.0))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| t.partner_type)
        .collect();
    let w = Write::begin(state, viewer).await?;
    update_versioned::<companies::Entity>(
        &w.txn,
        (id, version),
        Vec::new(),
        "the company was changed by someone else; reload it and retry",
    )
    .await?;
    company_partner_types::Entity::delete_many()
        .filter(company_partner_types::Column::CompanyId.eq(id.0))
        .exec(&w.txn)
        .await?;
    company_partner_types::Entity::insert_many(types.iter().map(|t| {
        company_partner_types::ActiveModel {
            company_id: Set(id.0),
            partner_type: Set((*t).into()),
        }
    }))
    .exec(&w.txn)
    .await?;
    w.audit(
        "setPartnerTypes",
        "Company",
        id,
        Some(json!({ "partnerTypes": before })),
        Some(json!({ "partnerTypes": types })),
    )
    .await?;
    // An ISV's level rules differ from a reseller's: the level in force follows.
    let changes = super::level_in_force::refresh(
        &w.txn,
        &[id.0],
        super::level::today(),
        "partner types changed",
    )
    .await?;
    w.commit().await?;
    refresh_company(state, id.0).await?;
    state
        .entities
        .bump(crate::cache::entity::ComputedKind::Level, id.0)
        .await;
    super::level_in_force::publish(state, &changes).await;
    companies::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("company"))
}

/// A new country enterprise (the company's presence in one more country), with its first
/// location.
pub async fn add_country_enterprise(
    state: &AppState,
    viewer: &Viewer,
    id: CompanyId,
    country_code: &str,
    first: Address,
) -> AppResult<country_enterprises::Model> {
    ensure(viewer, Action::EditCompanyDetails, Target::company(id))?;
    let country = country("input.country", country_code)?;
    let (name, line, city, postal) = address(&first)?;
    let w = Write::begin(state, viewer).await?;
    let exists = country_enterprises::Entity::find()
        .filter(country_enterprises::Column::CompanyId.eq(id.0))
        .filter(country_enterprises::Column::Country.eq(country.as_str()))
        .one(&w.txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(
            "the company already has a country enterprise in that country",
        ));
    }
    let ce = country_enterprises::Entity::insert(country_enterprises::ActiveModel {
        country_enterprise_id: Set(format!("CE-{country}-{:06}", id.0)),
        company_id: Set(id.0),
        country: Set(country.clone()),
        publish_to_partners: Set(false),
        publish_to_customers: Set(false),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    locations::Entity::insert(locations::ActiveModel {
        company_id: Set(id.0),
        country_enterprise_id: Set(ce.id),
        name: Set(name),
        address_line: Set(line),
        city: Set(city),
        postal_code: Set(postal),
        country: Set(country.clone()),
        is_headquarters: Set(false),
        ..Default::default()
    })
    .exec(&w.txn)
    .await?;
    w.audit(
        "addCountryEnterprise",
        "Company",
        id,
        None,
        Some(json!({ "countryEnterprise": ce.id, "country": country })),
    )
    .await?;
    touch(&w, id.0).await?;
    w.commit().await?;
    refresh_company(state, id.0).await?;
    Ok(ce)
}

/// Publishing flags, marketing text and the Passport Advantage reseller id of a country
/// enterprise.
pub async fn update_country_enterprise(
    state: &AppState,
    viewer: &Viewer,
    id: CountryEnterpriseId,
    version: i32,
    c: CountryEnterpriseChanges,
) -> AppResult<country_enterprises::Model> {
    let before = enterprise(state, viewer, id).await?;
    use country_enterprises::Column as C;
    let mut sets: Vec<(C, SimpleExpr)> = Vec::new();
    if let Some(v) = c.publish_to_partners {
        sets.push((C::PublishToPartners, Expr::value(v)));
    }
    if let Some(v) = c.publish_to_customers {
        sets.push((C::PublishToCustomers, Expr::value(v)));
    }
    if let Some(v) = &c.marketing_description {
        let v = v
            .as_deref()
            .map(|d| text("input.marketingDescription", d, 4000))
            .transpose()?;
        sets.push((C::MarketingDescription, Expr::value(v)));
    }
    if let Some(v) = &c.passport_advantage_id {
        let v = v.as_deref().map(passport_advantage_id).transpose()?;
        sets.push((C::PassportAdvantageId, Expr::value(v)));
    }
    if sets.is_empty() {
        return Err(AppError::bad_input("input", "nothing to change"));
    }
    let w = Write::begin(state, viewer).await?;
    update_versioned::<country_enterprises::Entity>(
        &w.txn,
        (id, version),
        sets,
        "the country enterprise was changed by someone else; reload it and retry",
    )
    .await?;
    w.audit(
        "updateCountryEnterprise",
        "CountryEnterprise",
        id,
        Some(json!({
            "publishToPartners": before.publish_to_partners,
            "publishToCustomers": before.publish_to_customers,
            "marketingDescription": before.marketing_description,
            "passportAdvantageId": before.passport_advantage_id,
        })),
        Some(json!({
            "publishToPartners": c.publish_to_partners,
            "publishToCustomers": c.publish_to_customers,
            "marketingDescription": c.marketing_description,
            "passportAdvantageId": c.passport_advantage_id,
        })),
    )
    .await?;
    touch(&w, before.company_id).await?;
    w.commit().await?;
    refresh_company(state, before.company_id).await?;
    country_enterprises::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("country enterprise"))
}

/// A new location (address) under a country enterprise.
pub async fn add_location(
    state: &AppState,
    viewer: &Viewer,
    id: CountryEnterpriseId,
    a: Address,
) -> AppResult<locations::Model> {
    let ce = enterprise(state, viewer, id).await?;
    let (name, line, city, postal) = address(&a)?;
    let w = Write::begin(state, viewer).await?;
    let row = locations::Entity::insert(locations::ActiveModel {
        company_id: Set(ce.company_id),
        country_enterprise_id: Set(ce.id),
        name: Set(name),
        address_line: Set(line),
        city: Set(city),
        postal_code: Set(postal),
        country: Set(ce.country.clone()),
        is_headquarters: Set(false),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.audit(
        "addLocation",
        "Location",
        row.id,
        None,
        Some(json!({ "countryEnterprise": ce.id, "name": row.name, "city": row.city })),
    )
    .await?;
    touch(&w, ce.company_id).await?;
    w.commit().await?;
    refresh_company(state, ce.company_id).await?;
    Ok(row)
}

/// A location's address, changed against the version read.
pub async fn update_location(
    state: &AppState,
    viewer: &Viewer,
    id: super::model::LocationId,
    version: i32,
    a: Address,
) -> AppResult<locations::Model> {
    let before = locations::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("location"))?;
    ensure(
        viewer,
        Action::EditCompanyDetails,
        Target::company(before.company_id),
    )?;
    let (name, line, city, postal) = address(&a)?;
    let w = Write::begin(state, viewer).await?;
    use locations::Column as L;
    update_versioned::<locations::Entity>(
        &w.txn,
        (id, version),
        vec![
            (L::Name, Expr::value(name.clone())),
            (L::AddressLine, Expr::value(line.clone())),
            (L::City, Expr::value(city.clone())),
            (L::PostalCode, Expr::value(postal.clone())),
        ],
        "the location was changed by someone else; reload it and retry",
    )
    .await?;
    w.audit(
        "updateLocation",
        "Location",
        id,
        Some(json!({ "name": before.name, "addressLine": before.address_line, "city": before.city, "postalCode": before.postal_code })),
        Some(json!({ "name": name, "addressLine": line, "city": city, "postalCode": postal })),
    )
    .await?;
    touch(&w, before.company_id).await?;
    w.commit().await?;
    refresh_company(state, before.company_id).await?;
    locations::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("location"))
}

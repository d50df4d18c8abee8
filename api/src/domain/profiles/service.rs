//! Profile writes: update the company profile, add a candidate id, review a pending person.
//! Each runs the matrix check, validation, one transaction with a version check and an
//! audit record.

use super::level_in_force;
use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::cache::entity::{ComputedKind, RowKind};
use crate::domain::profiles::model::{
    CompanyId, CompanyRole, LocationId, MembershipLevel, PartnerType, PersonId, PersonStatus,
};
use crate::domain::write::{Write, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{companies, company_partner_types, country_enterprises, locations, people};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;

pub struct CompanyChanges {
    pub name: Option<String>,
    pub description: Option<String>,
}

async fn company(state: &AppState, id: i64) -> AppResult<companies::Model> {
    companies::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("company"))
}

/// The person an action names, as `visibility::target` lets the caller know them, once
/// the caller may take `action` on the person's company.
async fn person(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    id: PersonId,
) -> AppResult<people::Model> {
    let found = people::Entity::find_by_id(id.0).one(&state.db).await?;
    let p = visibility::target(viewer, action, found, "person", visibility::person)?;
    ensure(viewer, action, Target::company(p.company_id))?;
    Ok(p)
}

/// A person just written by the caller.
async fn reload(state: &AppState, id: i64) -> AppResult<people::Model> {
    people::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("person"))
}

pub async fn update_company_profile(
    state: &AppState,
    viewer: &Viewer,
    id: CompanyId,
    version: i32,
    changes: CompanyChanges,
) -> AppResult<companies::Model> {
    let before = company(state, id.0).await?;
    ensure(viewer, Action::UpdateCompanyProfile, Target::company(id))?;
    let name = changes
        .name
        .map(|n| text("input.name", &n, 200))
        .transpose()?;
    let description = changes
        .description
        .map(|d| text("input.description", &d, 2000))
        .transpose()?;
    if name.is_none() && description.is_none() {
        return Err(AppError::bad_input("input", "nothing to change"));
    }
    let mut sets = Vec::new();
    if let Some(n) = &name {
        sets.push((companies::Column::Name, Expr::value(n.clone())));
    }
    if let Some(d) = &description {
        sets.push((companies::Column::Description, Expr::value(d.clone())));
    }
    let w = Write::begin(state, viewer).await?;
    update_versioned::<companies::Entity>(
        &w.txn,
        (id, version),
        sets,
        "the company was changed by someone else; reload it and retry",
    )
    .await?;
    w.audit(
        "updateCompanyProfile",
        "Company",
        id,
        Some(json!({ "name": before.name, "description": before.description, "version": before.version })),
        Some(json!({ "name": name.unwrap_or(before.name), "description": description.or(before.description), "version": version + 1 })),
    )
    .await?;
    w.commit().await?;
    let after = company(state, id.0).await?;
    // Write-through: every reader sees the committed row at once; older loads in flight
    // cannot overwrite it (they carry a lower version).
    state
        .entities
        .put_row(RowKind::Company, id.0, i64::from(after.version), &after)
        .await;
    Ok(after)
}

/// Approves (ACTIVE) or rejects (REJECTED) a PENDING person profile.
pub async fn review_person(
    state: &AppState,
    viewer: &Viewer,
    person_id: PersonId,
    version: i32,
    approve: bool,
) -> AppResult<people::Model> {
    let p = person(state, viewer, Action::ReviewPendingPeople, person_id).await?;
    if p.status != PersonStatus::Pending {
        return Err(AppError::Conflict(
            "only a PENDING person can be approved or rejected",
        ));
    }
    let status = if approve {
        PersonStatus::Active
    } else {
        PersonStatus::Rejected
    };
    let mut w = Write::begin(state, viewer).await?;
    update_versioned::<people::Entity>(
        &w.txn,
        (person_id, version),
        vec![(people::Column::Status, Expr::value(status))],
        "the person was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        if approve {
            "approvePerson"
        } else {
            "rejectPerson"
        },
        "Person",
        person_id,
        Some(json!({ "status": p.status })),
        Some(json!({ "status": status })),
    )
    .await?;
    // Only active people's skills count toward the level: the level in force follows.
    let changes = level_in_force::refresh(
        &w.txn,
        &[p.company_id],
        super::level::today(),
        if approve {
            "person approved"
        } else {
            "person rejected"
        },
    )
    .await?;
    // The person's standing toward the company changed: their cached roles go.
    w.forget_roles_of(p.ibm_id);
    w.commit().await?;
    state.entities.bump(ComputedKind::Level, p.company_id).await;
    level_in_force::publish(state, &changes).await;
    reload(state, person_id.0).await
}

/// What a company registers with (domain.md §8): its name and partner types, the country
/// of its headquarters' country enterprise, the headquarters location, and the registering
/// person's own profile.
pub struct NewCompany {
    pub name: String,
    pub partner_types: Vec<PartnerType>,
    pub country: String,
    pub headquarters: NewLocation,
    pub registrant: NewPerson,
}

pub struct NewLocation {
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
}

/// A person's own profile, as they enter it when registering or joining.
pub struct NewPerson {
    pub given_name: String,
    pub family_name: String,
    pub job_title: Option<String>,
}

/// An ISO 3166 alpha-2 country code in capitals.
pub fn country(field: &str, value: &str) -> AppResult<String> {
    let c = value.trim();
    if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
        Ok(c.to_owned())
    } else {
        Err(AppError::bad_input(
            field,
            "an ISO 3166 alpha-2 code in capitals, e.g. `DE`",
        ))
    }
}

/// The signed-in caller's IBMid, who must not belong to a company yet: a person profile
/// belongs to one company (joining another means leaving this one first, through IBM).
async fn newcomer<C: ConnectionTrait>(db: &C, viewer: &Viewer) -> AppResult<String> {
    let subject = viewer.subject.clone().ok_or(AppError::Unauthenticated)?;
    let existing = people::Entity::find()
        .filter(people::Column::IbmId.eq(subject.as_str()))
        .one(db)
        .await?;
    match existing {
        Some(_) => Err(AppError::Conflict(
            "this IBMid already has a person profile in a company",
        )),
        None => Ok(subject),
    }
}

/// Inserts a person's own profile at `(company, location)`; returns its row id.
async fn insert_person(
    w: &Write<'_>,
    ibm_id: String,
    p: NewPerson,
    (company, location): (i64, i64),
    status: PersonStatus,
    (is_apa, is_prc): (bool, bool),
) -> AppResult<i64> {
    let row = people::ActiveModel {
        ibm_id: Set(ibm_id),
        given_name: Set(text("input.givenName", &p.given_name, 100)?),
        family_name: Set(text("input.familyName", &p.family_name, 100)?),
        job_title: Set(p
            .job_title
            .map(|j| text("input.jobTitle", &j, 100))
            .transpose()?),
        company_id: Set(company),
        location_id: Set(location),
        status: Set(status.into()),
        is_apa: Set(is_apa),
        is_prc: Set(is_prc),
        ..Default::default()
    };
    Ok(people::Entity::insert(row)
        .exec(&w.txn)
        .await?
        .last_insert_id)
}

/// A company token: 32 hexadecimal digits from the operating system's generator.
fn new_company_token() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Registers a company. The registering person becomes its first APA and the PRC of its
/// headquarters (a location keeps one PRC, and someone must approve the people who join);
/// the APA hands either role on with `setCompanyRole`. The company starts at MEMBER, in
/// good standing, with a fresh company token and the next `partnerWorldId`.
pub async fn register_company(
    state: &AppState,
    viewer: &Viewer,
    c: NewCompany,
) -> AppResult<companies::Model> {
    ensure(viewer, Action::RegisterCompany, Target::Global)?;
    let name = text("input.name", &c.name, 200)?;
    let mut types = c.partner_types;
    types.sort_by_key(|t| t.as_db());
    types.dedup();
    if types.is_empty() {
        return Err(AppError::bad_input(
            "input.partnerTypes",
            "at least one partner type",
        ));
    }
    let country = country("input.country", &c.country)?;
    let hq = &c.headquarters;
    let location = (
        text("input.headquarters.name", &hq.name, 200)?,
        text("input.headquarters.addressLine", &hq.address_line, 200)?,
        text("input.headquarters.city", &hq.city, 100)?,
        text("input.headquarters.postalCode", &hq.postal_code, 20)?,
    );
    let mut w = Write::begin(state, viewer).await?;
    let ibm_id = newcomer(&w.txn, viewer).await?;
    // The partnerWorldId is the row id, known only once the row exists: a placeholder
    // unique to this transaction first, the real one before commit.
    let placeholder = format!("PW-{}", &new_company_token()[..12]);
    let inserted = companies::Entity::insert(companies::ActiveModel {
        partner_world_id: Set(placeholder),
        name: Set(name),
        good_standing: Set(true),
        company_token: Set(new_company_token()),
        registered_for_sales: Set(false),
        partner_plan_approved: Set(false),
        isv_premier_invited: Set(false),
        partner_world_level: Set(MembershipLevel::Member.into()),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    let id = inserted.id;
    companies::Entity::update_many()
        .col_expr(
            companies::Column::PartnerWorldId,
            Expr::value(format!("PW-{id:06}")),
        )
        .filter(companies::Column::Id.eq(id))
        .exec(&w.txn)
        .await?;
    company_partner_types::Entity::insert_many(types.iter().map(|t| {
        company_partner_types::ActiveModel {
            company_id: Set(id),
            partner_type: Set((*t).into()),
        }
    }))
    .exec(&w.txn)
    .await?;
    let ce = country_enterprises::Entity::insert(country_enterprises::ActiveModel {
        country_enterprise_id: Set(format!("CE-{country}-{id:06}")),
        company_id: Set(id),
        country: Set(country.clone()),
        publish_to_partners: Set(false),
        publish_to_customers: Set(false),
        ..Default::default()
    })
    .exec(&w.txn)
    .await?
    .last_insert_id;
    let (loc_name, address_line, city, postal_code) = location;
    let loc = locations::Entity::insert(locations::ActiveModel {
        company_id: Set(id),
        country_enterprise_id: Set(ce),
        name: Set(loc_name),
        address_line: Set(address_line),
        city: Set(city),
        postal_code: Set(postal_code),
        country: Set(country),
        is_headquarters: Set(true),
        ..Default::default()
    })
    .exec(&w.txn)
    .await?
    .last_insert_id;
    let person = insert_person(
        &w,
        ibm_id.clone(),
        c.registrant,
        (id, loc),
        PersonStatus::Active,
        (true, true),
    )
    .await?;
    w.audit(
        "registerCompany",
        "Company",
        id,
        None,
        Some(json!({
            "partnerWorldId": format!("PW-{id:06}"),
            "partnerTypes": types,
            "apa": person,
        })),
    )
    .await?;
    // The caller now stands in the company: their cached roles go.
    w.forget_roles_of(ibm_id);
    w.commit().await?;
    company(state, id).await
}

/// The caller adds themself to a location of a company whose token they hold, as a
/// PENDING person the PRC approves or rejects. A wrong token and a location that does not
/// exist get the same answer, so the call cannot probe for either.
pub async fn join_company(
    state: &AppState,
    viewer: &Viewer,
    location: LocationId,
    token: &str,
    me: NewPerson,
) -> AppResult<people::Model> {
    ensure(viewer, Action::JoinCompany, Target::Global)?;
    let mut w = Write::begin(state, viewer).await?;
    let ibm_id = newcomer(&w.txn, viewer).await?;
    let found = locations::Entity::find_by_id(location.0)
        .find_also_related(companies::Entity)
        .one(&w.txn)
        .await?;
    let location = match found {
        Some((loc, Some(company)))
            if constant_time_eq(company.company_token.as_bytes(), token.trim().as_bytes()) =>
        {
            loc
        }
        _ => return Err(AppError::NotFound("location with that company token")),
    };
    let id = insert_person(
        &w,
        ibm_id.clone(),
        me,
        (location.company_id, location.id),
        PersonStatus::Pending,
        (false, false),
    )
    .await?;
    w.audit(
        "joinCompany",
        "Person",
        id,
        None,
        Some(json!({ "company": location.company_id, "location": location.id, "status": PersonStatus::Pending })),
    )
    .await?;
    w.forget_roles_of(ibm_id);
    w.commit().await?;
    reload(state, id).await
}

/// Compares secrets in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Grants or removes the APA or PRC role (domain.md §8: the APA, for their own company).
/// Only an active person holds a role. A company keeps at least one APA; a location keeps
/// its one PRC, so granting PRC hands the role over from the location's current PRC, and
/// removing it is refused (grant it to someone else at the location instead).
pub async fn set_company_role(
    state: &AppState,
    viewer: &Viewer,
    person_id: PersonId,
    version: i32,
    role: CompanyRole,
    granted: bool,
) -> AppResult<people::Model> {
    let p = person(state, viewer, Action::AssignCompanyRoles, person_id).await?;
    if granted && p.status != PersonStatus::Active {
        return Err(AppError::Conflict("only an active person can hold a role"));
    }
    let mut w = Write::begin(state, viewer).await?;
    let column = match role {
        CompanyRole::Apa => people::Column::IsApa,
        CompanyRole::Prc => people::Column::IsPrc,
    };
    let mut handed_over_from = None;
    match (role, granted) {
        (CompanyRole::Apa, false) if p.is_apa => {
            let apas = people::Entity::find()
                .filter(people::Column::CompanyId.eq(p.company_id))
                .filter(people::Column::IsApa.eq(true))
                .filter(people::Column::Status.eq(PersonStatus::Active))
                .count(&w.txn)
                .await?;
            if apas <= 1 {
                return Err(AppError::Conflict(
                    "a company keeps at least one APA: make someone else APA first",
                ));
            }
        }
        (CompanyRole::Prc, false) if p.is_prc => {
            return Err(AppError::Conflict(
                "a location keeps its PRC: grant the role to someone else at the location",
            ));
        }
        (CompanyRole::Prc, true) if !p.is_prc => {
            let current = people::Entity::find()
                .filter(people::Column::LocationId.eq(p.location_id))
                .filter(people::Column::IsPrc.eq(true))
                .one(&w.txn)
                .await?;
            if let Some(current) = current {
                people::Entity::update_many()
                    .col_expr(people::Column::IsPrc, Expr::value(false))
                    .col_expr(people::Column::Version, Expr::value(current.version + 1))
                    .filter(people::Column::Id.eq(current.id))
                    .exec(&w.txn)
                    .await?;
                w.forget_roles_of(current.ibm_id.clone());
                handed_over_from = Some(current.id);
            }
        }
        _ => {}
    }
    update_versioned::<people::Entity>(
        &w.txn,
        (person_id, version),
        vec![(column, Expr::value(granted))],
        "the person was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        "setCompanyRole",
        "Person",
        person_id,
        Some(json!({ "apa": p.is_apa, "prc": p.is_prc })),
        Some(json!({ "role": role, "granted": granted, "handedOverFrom": handed_over_from })),
    )
    .await?;
    w.forget_roles_of(p.ibm_id);
    w.commit().await?;
    reload(state, person_id.0).await
}

/// Names the company's Focal ID, its prime contact for opportunity passing (domain.md
/// §2, §8: the APA, for their own company). One person holds it: naming another moves
/// it. Only an active person can hold it.
pub async fn set_focal_id(
    state: &AppState,
    viewer: &Viewer,
    person_id: PersonId,
    version: i32,
) -> AppResult<people::Model> {
    let p = person(state, viewer, Action::SetFocalId, person_id).await?;
    if p.status != PersonStatus::Active {
        return Err(AppError::Conflict(
            "only an active person can be the Focal ID",
        ));
    }
    let mut w = Write::begin(state, viewer).await?;
    let previous = people::Entity::find()
        .filter(people::Column::CompanyId.eq(p.company_id))
        .filter(people::Column::IsFocal.eq(true))
        .filter(people::Column::Id.ne(p.id))
        .all(&w.txn)
        .await?;
    for before in &previous {
        people::Entity::update_many()
            .col_expr(people::Column::IsFocal, Expr::value(false))
            .col_expr(people::Column::Version, Expr::value(before.version + 1))
            .filter(people::Column::Id.eq(before.id))
            .exec(&w.txn)
            .await?;
        w.forget_roles_of(before.ibm_id.clone());
    }
    update_versioned::<people::Entity>(
        &w.txn,
        (person_id, version),
        vec![(people::Column::IsFocal, Expr::value(true))],
        "the person was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        "setFocalId",
        "Company",
        p.company_id,
        Some(json!({ "focalId": previous.iter().map(|b| b.id).collect::<Vec<_>>() })),
        Some(json!({ "focalId": p.id })),
    )
    .await?;
    w.forget_roles_of(p.ibm_id);
    w.commit().await?;
    reload(state, person_id.0).await
}

//! Value Net writes, by the company's APA (the "update company profile" row).

use crate::auth::{Action, Target, Viewer, ensure};
use crate::domain::profiles::model::CompanyId;
use crate::domain::valuenet::model::{FocusKind, ValueNetId};
use crate::domain::write::{Write, text};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{
    companies, value_net_focus as focus, value_net_members, value_net_registrations as regs,
    value_nets,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

pub struct Focus {
    pub description: Option<String>,
    pub technologies: Vec<String>,
    pub industries: Vec<String>,
    pub geographies: Vec<String>,
}

fn values(field: &str, list: &[String], country: bool) -> AppResult<Vec<String>> {
    if list.len() > 20 {
        return Err(AppError::bad_input(field, "at most 20 values"));
    }
    let mut out = Vec::new();
    for v in list {
        let v = text(field, v, 64)?
            .to_ascii_uppercase()
            .replace([' ', '-'], "_");
        let ok = if country {
            v.len() == 2 && v.chars().all(|c| c.is_ascii_uppercase())
        } else {
            v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        if !ok {
            return Err(AppError::bad_input(
                field,
                if country {
                    "ISO 3166 alpha-2 codes"
                } else {
                    "letters, digits, spaces, - and _ only"
                },
            ));
        }
        out.push(v);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Registers (or replaces) the company's technology, industry and geographic focus.
pub async fn register_focus(
    state: &AppState,
    viewer: &Viewer,
    company_id: CompanyId,
    f: Focus,
) -> AppResult<regs::Model> {
    ensure(
        viewer,
        Action::UpdateCompanyProfile,
        Target::company(company_id),
    )?;
    let technologies = values("input.technologies", &f.technologies, false)?;
    let industries = values("input.industries", &f.industries, false)?;
    let geographies = values("input.geographies", &f.geographies, true)?;
    if technologies.is_empty() && industries.is_empty() && geographies.is_empty() {
        return Err(AppError::bad_input(
            "input",
            "register at least one focus area",
        ));
    }
    let description = f
        .description
        .map(|d| text("input.description", &d, 2000))
        .transpose()?;
    let w = Write::begin(state, viewer).await?;
    let existing = regs::Entity::find()
        .filter(regs::Column::CompanyId.eq(company_id))
        .one(&w.txn)
        .await?;
    let id = match existing {
        Some(r) => {
            regs::Entity::update_many()
                .col_expr(regs::Column::Description, Expr::value(description.clone()))
                .col_expr(regs::Column::Version, Expr::value(r.version + 1))
                .col_expr(regs::Column::UpdatedAt, Expr::current_timestamp())
                .filter(regs::Column::Id.eq(r.id))
                .exec(&w.txn)
                .await?;
            focus::Entity::delete_many()
                .filter(focus::Column::RegistrationId.eq(r.id))
                .exec(&w.txn)
                .await?;
            r.id
        }
        None => {
            regs::Entity::insert(regs::ActiveModel {
                company_id: Set(company_id.0),
                description: Set(description.clone()),
                ..Default::default()
            })
            .exec(&w.txn)
            .await?
            .last_insert_id
        }
    };
    let rows: Vec<focus::ActiveModel> = [
        (FocusKind::Technology, &technologies),
        (FocusKind::Industry, &industries),
        (FocusKind::Geography, &geographies),
    ]
    .into_iter()
    .flat_map(|(kind, list)| {
        list.iter().map(move |v| focus::ActiveModel {
            registration_id: Set(id),
            kind: Set(kind.into()),
            value: Set(v.clone()),
        })
    })
    .collect();
    focus::Entity::insert_many(rows).exec(&w.txn).await?;
    w.audit(
        "registerValueNetFocus",
        "Company",
        company_id,
        None,
        Some(json!({ "technologies": technologies, "industries": industries, "geographies": geographies })),
    )
    .await?;
    w.commit().await?;
    regs::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("registration"))
}

/// Registers an existing value net: the registering company and its partners.
pub async fn register_value_net(
    state: &AppState,
    viewer: &Viewer,
    company_id: CompanyId,
    name: &str,
    description: Option<String>,
    members: &[CompanyId],
) -> AppResult<value_nets::Model> {
    ensure(
        viewer,
        Action::UpdateCompanyProfile,
        Target::company(company_id),
    )?;
    let name = text("input.name", name, 200)?;
    let description = description
        .map(|d| text("input.description", &d, 2000))
        .transpose()?;
    let mut all: Vec<i64> = members.iter().map(|m| m.0).chain([company_id.0]).collect();
    all.sort_unstable();
    all.dedup();
    if all.len() < 2 || all.len() > 50 {
        return Err(AppError::bad_input(
            "input.memberCompanyIds",
            "between 1 and 49 partner companies",
        ));
    }
    let found = companies::Entity::find()
        .filter(companies::Column::Id.is_in(all.iter().copied()))
        .count(&state.db)
        .await?;
    if found as usize != all.len() {
        return Err(AppError::bad_input(
            "input.memberCompanyIds",
            "unknown company",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    let net = value_nets::Entity::insert(value_nets::ActiveModel {
        name: Set(name.clone()),
        description: Set(description),
        registered_by_company_id: Set(company_id.0),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    // The registering company is a member at once; each partner once it confirms.
    value_net_members::Entity::insert_many(all.iter().map(|c| value_net_members::ActiveModel {
        value_net_id: Set(net.id),
        company_id: Set(*c),
        confirmed: Set(*c == company_id.0),
    }))
    .exec(&w.txn)
    .await?;
    w.audit(
        "registerValueNet",
        "ValueNet",
        net.id,
        None,
        Some(json!({ "name": name, "members": all })),
    )
    .await?;
    w.commit().await?;
    Ok(net)
}

/// The APA of a company added to a value net confirms the membership (it then shows as a
/// member) or declines it (the company is taken off the net).
pub async fn confirm_membership(
    state: &AppState,
    viewer: &Viewer,
    net: ValueNetId,
    company: CompanyId,
    accept: bool,
) -> AppResult<value_nets::Model> {
    ensure(viewer, Action::ConfirmValueNet, Target::company(company))?;
    let found = value_net_members::Entity::find()
        .filter(value_net_members::Column::ValueNetId.eq(net.0))
        .filter(value_net_members::Column::CompanyId.eq(company.0))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("value net membership"))?;
    if found.confirmed {
        return Err(AppError::Conflict("the membership was already confirmed"));
    }
    let w = Write::begin(state, viewer).await?;
    let filter = sea_orm::Condition::all()
        .add(value_net_members::Column::ValueNetId.eq(net.0))
        .add(value_net_members::Column::CompanyId.eq(company.0))
        .add(value_net_members::Column::Confirmed.eq(false));
    let changed = if accept {
        value_net_members::Entity::update_many()
            .col_expr(value_net_members::Column::Confirmed, Expr::value(true))
            .filter(filter)
            .exec(&w.txn)
            .await?
            .rows_affected
    } else {
        value_net_members::Entity::delete_many()
            .filter(filter)
            .exec(&w.txn)
            .await?
            .rows_affected
    };
    if changed != 1 {
        return Err(AppError::Conflict("the membership was already answered"));
    }
    w.audit(
        if accept {
            "confirmValueNetMembership"
        } else {
            "declineValueNetMembership"
        },
        "ValueNet",
        net,
        None,
        Some(json!({ "company": company, "accepted": accept })),
    )
    .await?;
    w.commit().await?;
    value_nets::Entity::find_by_id(net.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("value net"))
}

//! Relationship application workflow: draft, update and submit (APA of the headquarters
//! location), decide (IBM_CHANNEL). Approval grants one authorization per product group
//! and country of the company.

use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::profiles::model::PersonStatus;
use crate::domain::profiles::model::{CompanyId, PartnerType, PersonId};
use crate::domain::relationships::model::ApplicationId;
use crate::domain::relationships::model::ApplicationStatus;
use crate::domain::relationships::model::{
    Distribution, ProductProgram, RelationshipKind, VadChoice, is_software_group,
};
use crate::domain::write::{Write, record_decision, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entities::{
    application_documents, application_key_contacts, application_product_groups,
    application_trainees, authorizations, company_partner_types, country_enterprises, locations,
    people, relationship_applications as apps,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;

/// Counts of what an application has, for the submission check.
pub struct Steps {
    pub product_groups: usize,
    /// Whether the application includes CVR Software Sales / Sales Assist (a CVR
    /// software product group).
    pub cvr_software: bool,
    pub key_contacts: usize,
    pub trainees: usize,
    pub documents: usize,
    /// Whether the chosen VAD company is a DISTRIBUTOR (None: no company chosen).
    pub vad_is_distributor: Option<bool>,
}

/// Every step a submission still lacks, in a stable order.
pub fn missing_steps(app: &apps::Model, s: &Steps) -> Vec<String> {
    let mut missing = Vec::new();
    if s.product_groups == 0 {
        missing.push("choose at least one CVR or SVI product group".to_owned());
    }
    if !app.agreement_accepted {
        missing.push("accept the agreement".to_owned());
    }
    if s.key_contacts == 0 {
        missing.push("name at least one key contact".to_owned());
    }
    if s.trainees == 0 {
        missing.push("register sales people for Integrity Training".to_owned());
    }
    // domain.md §2: company and tax registration documents only if IBM requested them.
    if app.documents_requested && s.documents == 0 {
        missing.push("upload the registration documents IBM requested".to_owned());
    }
    if !app.compliance_completed {
        missing.push("complete the compliance questionnaire".to_owned());
    }
    // domain.md §2: a VAD (a DISTRIBUTOR company) is required with CVR Software Sales /
    // Sales Assist; otherwise the choice is IBM_COM or DISTRIBUTOR_NOT_LISTED.
    let distributor = app.vad_choice.as_deref() == Some(VadChoice::Distributor.as_db());
    match (s.cvr_software, app.vad_choice.as_deref(), s.vad_is_distributor) {
        (true, Some(_), Some(true)) if distributor => {}
        (true, _, _) if distributor => {
            missing.push("name the distributor company chosen as VAD".to_owned())
        }
        (true, _, _) => missing.push(
            "choose a Value Added Distributor (a DISTRIBUTOR company): required with CVR Software Sales / Sales Assist"
                .to_owned(),
        ),
        (false, None, _) => {
            missing.push("choose IBM_COM or DISTRIBUTOR_NOT_LISTED as the VAD".to_owned())
        }
        (false, Some(_), _) if distributor => missing.push(
            "a Value Added Distributor is chosen only with CVR Software Sales / Sales Assist: choose IBM_COM or DISTRIBUTOR_NOT_LISTED"
                .to_owned(),
        ),
        (false, Some(_), _) => {}
    }
    missing
}

async fn load(state: &AppState, id: i64) -> AppResult<apps::Model> {
    apps::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("relationship application"))
}

/// The application an action names, as `visibility::target` lets the caller know it.
async fn target(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    id: i64,
) -> AppResult<apps::Model> {
    let found = apps::Entity::find_by_id(id).one(&state.db).await?;
    visibility::target(
        viewer,
        action,
        found,
        "relationship application",
        visibility::relationship_application,
    )
}

/// The company together with its headquarters, for the headquarters-only cell.
pub(super) async fn at_headquarters(state: &AppState, company_id: i64) -> AppResult<Target> {
    let hq = locations::Entity::find()
        .filter(locations::Column::CompanyId.eq(company_id))
        .filter(locations::Column::IsHeadquarters.eq(true))
        .one(&state.db)
        .await?;
    Ok(Target::CompanyAt {
        company_id,
        headquarters_location_id: hq.map(|l| l.id),
    })
}

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    company_id: CompanyId,
    kind: RelationshipKind,
) -> AppResult<apps::Model> {
    let target = at_headquarters(state, company_id.0).await?;
    ensure(viewer, Action::SubmitRelationshipApplication, target)?;
    let (
        Target::CompanyAt {
            headquarters_location_id: Some(hq),
            ..
        },
        Some(person),
    ) = (target, viewer.person_id())
    else {
        return Err(AppError::Forbidden);
    };
    let w = Write::begin(state, viewer).await?;
    let row = apps::Entity::insert(apps::ActiveModel {
        company_id: Set(company_id.0),
        location_id: Set(hq),
        kind: Set(kind.as_db().to_owned()),
        status: Set(ApplicationStatus::Draft.into()),
        created_by_person_id: Set(person),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.audit(
        "createRelationshipApplication",
        "RelationshipApplication",
        row.id,
        None,
        Some(json!({ "kind": row.kind })),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// A product group as the application states it. For a CVR group, the distribution and
/// the countries it is asked for (left out: the distribution IBM approves with, and every
/// country of the company); SVI groups are incentives and take neither.
pub struct ProductGroupChoice {
    pub program: ProductProgram,
    pub product_group: String,
    pub distribution: Option<Distribution>,
    pub countries: Option<Vec<String>>,
}

pub struct ApplicationChanges {
    pub product_groups: Option<Vec<ProductGroupChoice>>,
    pub vad_choice: Option<VadChoice>,
    pub vad_company_id: Option<CompanyId>,
    pub agreement_accepted: Option<bool>,
    pub compliance_completed: Option<bool>,
    pub key_contact_ids: Option<Vec<PersonId>>,
    pub trainee_ids: Option<Vec<PersonId>>,
}

/// People given for an application must be active people of the applying company.
async fn check_people<C: ConnectionTrait>(
    db: &C,
    field: &'static str,
    company_id: i64,
    ids: &[PersonId],
) -> AppResult<()> {
    let found = people::Entity::find()
        .filter(people::Column::Id.is_in(ids.iter().copied()))
        .filter(people::Column::CompanyId.eq(company_id))
        .filter(people::Column::Status.eq(PersonStatus::Active))
        .count(db)
        .await?;
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if found as usize == unique.len() {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            "every person must be an active person of the company",
        ))
    }
}

pub async fn update(
    state: &AppState,
    viewer: &Viewer,
    id: ApplicationId,
    version: i32,
    c: ApplicationChanges,
) -> AppResult<apps::Model> {
    let before = target(state, viewer, Action::SubmitRelationshipApplication, id.0).await?;
    ensure(
        viewer,
        Action::SubmitRelationshipApplication,
        at_headquarters(state, before.company_id).await?,
    )?;
    if before.status != ApplicationStatus::Draft {
        return Err(AppError::Conflict(
            "only a DRAFT application can be changed",
        ));
    }
    let mut sets = Vec::new();
    if let Some(choice) = c.vad_choice {
        sets.push((apps::Column::VadChoice, Expr::value(Some(choice.as_db()))));
        let company = match choice {
            VadChoice::Distributor => {
                let vad = c.vad_company_id.ok_or_else(|| {
                    AppError::bad_input(
                        "input.vadCompanyId",
                        "required when vadChoice is DISTRIBUTOR",
                    )
                })?;
                let is_distributor = company_partner_types::Entity::find()
                    .filter(company_partner_types::Column::CompanyId.eq(vad))
                    .filter(company_partner_types::Column::PartnerType.eq(PartnerType::Distributor))
                    .count(&state.db)
                    .await?;
                if is_distributor == 0 {
                    return Err(AppError::bad_input(
                        "input.vadCompanyId",
                        "not a DISTRIBUTOR company",
                    ));
                }
                Some(vad)
            }
            _ => None,
        };
        sets.push((
            apps::Column::VadCompanyId,
            Expr::value(company.map(i64::from)),
        ));
    } else if c.vad_company_id.is_some() {
        return Err(AppError::bad_input(
            "input.vadCompanyId",
            "give vadChoice: DISTRIBUTOR with it",
        ));
    }
    if let Some(v) = c.agreement_accepted {
        sets.push((apps::Column::AgreementAccepted, Expr::value(v)));
    }
    if let Some(v) = c.compliance_completed {
        sets.push((apps::Column::ComplianceCompleted, Expr::value(v)));
    }
    let groups = match &c.product_groups {
        Some(groups) => {
            let own: Vec<String> = country_enterprises::Entity::find()
                .filter(country_enterprises::Column::CompanyId.eq(before.company_id))
                .all(&state.db)
                .await?
                .into_iter()
                .map(|ce| ce.country)
                .collect();
            let mut out = Vec::new();
            for (i, choice) in groups.iter().enumerate() {
                let field = format!("input.productGroups[{i}]");
                let g = text(&field, &choice.product_group, 64)?.to_ascii_uppercase();
                if !g.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
                    return Err(AppError::bad_input(field, "letters, digits and _ only"));
                }
                let svi = choice.program == ProductProgram::Svi;
                if svi && (choice.distribution.is_some() || choice.countries.is_some()) {
                    return Err(AppError::bad_input(
                        field,
                        "SVI product groups are incentives, not resale authorizations: no distribution or countries",
                    ));
                }
                let countries = match &choice.countries {
                    Some(list) => {
                        let mut cs = Vec::new();
                        for c in list {
                            let c = crate::domain::profiles::service::country(
                                &format!("{field}.countries"),
                                c,
                            )?;
                            if !own.contains(&c) {
                                return Err(AppError::bad_input(
                                    format!("{field}.countries"),
                                    format!("the company has no country enterprise in {c}"),
                                ));
                            }
                            cs.push(c);
                        }
                        cs.sort();
                        cs.dedup();
                        if cs.is_empty() {
                            return Err(AppError::bad_input(
                                format!("{field}.countries"),
                                "at least one country, or leave it out for every country",
                            ));
                        }
                        Some(cs.join(","))
                    }
                    None => None,
                };
                out.push((
                    choice.program.as_db(),
                    g,
                    choice.distribution.map(|d| d.as_db().to_owned()),
                    countries,
                ));
            }
            out.sort();
            out.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
            Some(out)
        }
        None => None,
    };
    if let Some(ids) = &c.key_contact_ids {
        check_people(&state.db, "input.keyContactIds", before.company_id, ids).await?;
    }
    if let Some(ids) = &c.trainee_ids {
        check_people(&state.db, "input.traineeIds", before.company_id, ids).await?;
    }
    let w = Write::begin(state, viewer).await?;
    update_versioned::<apps::Entity>(
        &w.txn,
        (id, version),
        sets,
        "the application was changed by someone else; reload and retry",
    )
    .await?;
    if let Some(groups) = &groups {
        application_product_groups::Entity::delete_many()
            .filter(application_product_groups::Column::ApplicationId.eq(id))
            .exec(&w.txn)
            .await?;
        if !groups.is_empty() {
            application_product_groups::Entity::insert_many(groups.iter().map(
                |(p, g, distribution, countries)| application_product_groups::ActiveModel {
                    application_id: Set(id.0),
                    program: Set((*p).to_owned()),
                    product_group: Set(g.clone()),
                    distribution: Set(distribution.clone()),
                    countries: Set(countries.clone()),
                },
            ))
            .exec(&w.txn)
            .await?;
        }
    }
    if let Some(ids) = &c.key_contact_ids {
        replace_people::<application_key_contacts::Entity, _>(
            &w,
            application_key_contacts::Column::ApplicationId,
            id.0,
            ids,
            |person_id| application_key_contacts::ActiveModel {
                application_id: Set(id.0),
                person_id: Set(person_id),
            },
        )
        .await?;
    }
    if let Some(ids) = &c.trainee_ids {
        replace_people::<application_trainees::Entity, _>(
            &w,
            application_trainees::Column::ApplicationId,
            id.0,
            ids,
            |person_id| application_trainees::ActiveModel {
                application_id: Set(id.0),
                person_id: Set(person_id),
            },
        )
        .await?;
    }
    w.audit(
        "updateRelationshipApplication",
        "RelationshipApplication",
        id,
        Some(json!({ "version": before.version })),
        Some(json!({
            "version": version + 1,
            "productGroups": groups,
            "keyContacts": c.key_contact_ids,
            "trainees": c.trainee_ids,
            "agreementAccepted": c.agreement_accepted,
            "complianceCompleted": c.compliance_completed,
        })),
    )
    .await?;
    w.commit().await?;
    load(state, id.0).await
}

/// Replaces the person links of an application (key contacts or trainees).
async fn replace_people<E, F>(
    w: &Write<'_>,
    app_col: E::Column,
    app_id: i64,
    ids: &[PersonId],
    row: F,
) -> AppResult<()>
where
    E: EntityTrait,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
    F: Fn(i64) -> E::ActiveModel,
{
    E::delete_many()
        .filter(app_col.eq(app_id))
        .exec(&w.txn)
        .await?;
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if !unique.is_empty() {
        E::insert_many(unique.into_iter().map(|p| row(p.0)))
            .exec(&w.txn)
            .await?;
    }
    Ok(())
}

pub struct NewDocument {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// Records an uploaded registration document (the file itself lives in document storage).
pub async fn add_document(
    state: &AppState,
    viewer: &Viewer,
    id: ApplicationId,
    doc: NewDocument,
) -> AppResult<apps::Model> {
    let app = target(state, viewer, Action::SubmitRelationshipApplication, id.0).await?;
    ensure(
        viewer,
        Action::SubmitRelationshipApplication,
        at_headquarters(state, app.company_id).await?,
    )?;
    if app.status != ApplicationStatus::Draft {
        return Err(AppError::Conflict(
            "only a DRAFT application can be changed",
        ));
    }
    let file_name = text("input.fileName", &doc.file_name, 255)?;
    let content_type = text("input.contentType", &doc.content_type, 100)?;
    if !(1..=50 * 1024 * 1024).contains(&doc.size_bytes) {
        return Err(AppError::bad_input(
            "input.sizeBytes",
            "between 1 byte and 50 MiB",
        ));
    }
    let sha = doc.sha256.trim().to_ascii_lowercase();
    if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::bad_input("input.sha256", "64 hexadecimal digits"));
    }
    let w = Write::begin(state, viewer).await?;
    let row = application_documents::Entity::insert(application_documents::ActiveModel {
        application_id: Set(id.0),
        file_name: Set(file_name.clone()),
        content_type: Set(content_type),
        size_bytes: Set(doc.size_bytes),
        sha256: Set(sha),
        ..Default::default()
    })
    .exec(&w.txn)
    .await?;
    w.audit(
        "addApplicationDocument",
        "RelationshipApplication",
        id,
        None,
        Some(json!({ "document": row.last_insert_id, "fileName": file_name })),
    )
    .await?;
    w.commit().await?;
    load(state, id.0).await
}

async fn steps<C: ConnectionTrait>(db: &C, app: &apps::Model) -> AppResult<Steps> {
    let count_of = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let groups = application_product_groups::Entity::find()
        .filter(application_product_groups::Column::ApplicationId.eq(app.id))
        .all(db)
        .await?;
    Ok(Steps {
        product_groups: groups.len(),
        cvr_software: groups
            .iter()
            .any(|g| g.program == ProductProgram::Cvr && is_software_group(&g.product_group)),
        key_contacts: count_of(
            application_key_contacts::Entity::find()
                .filter(application_key_contacts::Column::ApplicationId.eq(app.id))
                .count(db)
                .await?,
        ),
        trainees: count_of(
            application_trainees::Entity::find()
                .filter(application_trainees::Column::ApplicationId.eq(app.id))
                .count(db)
                .await?,
        ),
        documents: count_of(
            application_documents::Entity::find()
                .filter(application_documents::Column::ApplicationId.eq(app.id))
                .count(db)
                .await?,
        ),
        vad_is_distributor: match app.vad_company_id {
            Some(vad) => Some(
                company_partner_types::Entity::find()
                    .filter(company_partner_types::Column::CompanyId.eq(vad))
                    .filter(company_partner_types::Column::PartnerType.eq(PartnerType::Distributor))
                    .count(db)
                    .await?
                    > 0,
            ),
            None => None,
        },
    })
}

/// Submits a complete DRAFT; an incomplete one is refused with every missing step.
pub async fn submit(
    state: &AppState,
    viewer: &Viewer,
    id: ApplicationId,
    version: i32,
) -> AppResult<apps::Model> {
    let app = target(state, viewer, Action::SubmitRelationshipApplication, id.0).await?;
    ensure(
        viewer,
        Action::SubmitRelationshipApplication,
        at_headquarters(state, app.company_id).await?,
    )?;
    if app.status != ApplicationStatus::Draft {
        return Err(AppError::Conflict(
            "only a DRAFT application can be submitted",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    let missing = missing_steps(&app, &steps(&w.txn, &app).await?);
    if !missing.is_empty() {
        return Err(AppError::Incomplete {
            field: "input.applicationId",
            missing,
        });
    }
    update_versioned::<apps::Entity>(
        &w.txn,
        (id, version),
        vec![
            (
                apps::Column::Status,
                Expr::value(ApplicationStatus::Submitted),
            ),
            (apps::Column::SubmittedAt, Expr::current_timestamp()),
        ],
        "the application was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        "submitRelationshipApplication",
        "RelationshipApplication",
        id,
        Some(json!({ "status": ApplicationStatus::Draft })),
        Some(json!({ "status": ApplicationStatus::Submitted })),
    )
    .await?;
    w.commit().await?;
    load(state, id.0).await
}

/// IBM_CHANNEL approves (granting authorizations) or rejects (with a reason).
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    id: ApplicationId,
    version: i32,
    approve: Option<Distribution>,
    reason: Option<String>,
) -> AppResult<apps::Model> {
    let app = target(state, viewer, Action::DecideApplications, id.0).await?;
    ensure(
        viewer,
        Action::DecideApplications,
        Target::company(app.company_id),
    )?;
    if app.status != ApplicationStatus::Submitted {
        return Err(AppError::Conflict(
            "only a SUBMITTED application can be decided",
        ));
    }
    let reason = reason.map(|r| text("input.reason", &r, 1000)).transpose()?;
    if approve.is_none() && reason.is_none() {
        return Err(AppError::bad_input(
            "input.reason",
            "a rejection needs a reason",
        ));
    }
    let status = if approve.is_some() {
        ApplicationStatus::Approved
    } else {
        ApplicationStatus::Rejected
    };
    let w = Write::begin(state, viewer).await?;
    record_decision::<apps::Entity>(
        &w.txn,
        (id, version),
        status,
        reason.clone(),
        Vec::new(),
        "the application was changed by someone else; reload and retry",
    )
    .await?;
    let mut granted = Vec::new();
    if let Some(distribution) = approve {
        let groups = application_product_groups::Entity::find()
            .filter(application_product_groups::Column::ApplicationId.eq(id))
            .all(&w.txn)
            .await?;
        let countries = country_enterprises::Entity::find()
            .filter(country_enterprises::Column::CompanyId.eq(app.company_id))
            .all(&w.txn)
            .await?;
        // domain.md §2: resale authorizations for CVR product groups only (SVI groups are
        // incentives), with the distribution and countries the application states.
        for g in groups.iter().filter(|g| g.program == ProductProgram::Cvr) {
            let stated: Option<Vec<&str>> = g.countries.as_deref().map(|c| c.split(',').collect());
            let distribution = g.distribution.as_deref().unwrap_or(distribution.as_db());
            for ce in countries.iter().filter(|ce| {
                stated
                    .as_ref()
                    .is_none_or(|s| s.contains(&ce.country.as_str()))
            }) {
                authorizations::Entity::delete_many()
                    .filter(authorizations::Column::CompanyId.eq(app.company_id))
                    .filter(authorizations::Column::ProductGroup.eq(g.product_group.as_str()))
                    .filter(authorizations::Column::Country.eq(ce.country.as_str()))
                    .exec(&w.txn)
                    .await?;
                authorizations::Entity::insert(authorizations::ActiveModel {
                    company_id: Set(app.company_id),
                    application_id: Set(Some(id.0)),
                    product_group: Set(g.product_group.clone()),
                    country: Set(ce.country.clone()),
                    distribution: Set(distribution.to_owned()),
                    ..Default::default()
                })
                .exec(&w.txn)
                .await?;
                granted.push(format!("{}/{}", g.product_group, ce.country));
            }
        }
    }
    w.audit(
        if approve.is_some() {
            "approveRelationshipApplication"
        } else {
            "rejectRelationshipApplication"
        },
        "RelationshipApplication",
        id,
        Some(json!({ "status": app.status })),
        Some(json!({ "status": status, "reason": reason, "authorizations": granted })),
    )
    .await?;
    w.commit().await?;
    load(state, id.0).await
}

/// IBM asks for the registration documents of an application; a submitted one returns to
/// DRAFT so the APA can add them and submit again.
pub async fn request_documents(
    state: &AppState,
    viewer: &Viewer,
    id: ApplicationId,
    version: i32,
    note: &str,
) -> AppResult<apps::Model> {
    let app = target(state, viewer, Action::DecideApplications, id.0).await?;
    ensure(
        viewer,
        Action::DecideApplications,
        Target::company(app.company_id),
    )?;
    let note = text("input.note", note, 1000)?;
    if !(app.status == ApplicationStatus::Submitted || app.status == ApplicationStatus::Draft) {
        return Err(AppError::Conflict(
            "documents are requested for a DRAFT or SUBMITTED application",
        ));
    }
    let w = Write::begin(state, viewer).await?;
    update_versioned::<apps::Entity>(
        &w.txn,
        (id, version),
        vec![
            (apps::Column::DocumentsRequested, Expr::value(true)),
            (apps::Column::Status, Expr::value(ApplicationStatus::Draft)),
            (apps::Column::DecisionReason, Expr::value(note.clone())),
        ],
        "the application was changed by someone else; reload and retry",
    )
    .await?;
    w.audit(
        "requestRegistrationDocuments",
        "RelationshipApplication",
        id,
        Some(json!({ "status": app.status })),
        Some(json!({ "status": ApplicationStatus::Draft, "note": note })),
    )
    .await?;
    w.commit().await?;
    load(state, id.0).await
}

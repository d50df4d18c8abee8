//! GraphQL objects of relationships. An application is visible to its company's PRC and
//! APA and to IBM_CHANNEL (`ReadRelationshipApplications`); authorizations are public.

use super::loader::*;
use crate::auth::{Viewer, visibility};
use crate::domain::Stored;
use crate::domain::relationships::model::is_software_group;
use crate::domain::relationships::model::{
    ApplicationStatus, Distribution, ProductProgram, RelationshipKind, VadChoice,
};
use crate::domain::relationships::service::{Steps, missing_steps};
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::list;
use crate::graphql::profiles::Company;
use crate::graphql::profiles::Person;
use crate::graphql::profiles::loader::CompanyKey;
use crate::graphql::profiles::loader::PersonKey;
use crate::graphql::profiles::query::person;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, FixedOffset};
use entities::{application_documents, authorizations, relationship_applications};

/// Built only by [`RelationshipApplication::visible`] (`auth::visibility`).
pub struct RelationshipApplication(relationship_applications::Model);

impl RelationshipApplication {
    pub fn visible(viewer: &Viewer, row: relationship_applications::Model) -> Option<Self> {
        visibility::relationship_application(viewer, &row).then_some(Self(row))
    }
}

#[derive(SimpleObject)]
pub struct ProductGroupSelection {
    pub program: ProductProgram,
    pub product_group: String,
    /// CVR only: the distribution asked for (none: the one IBM approves with).
    pub distribution: Option<Distribution>,
    /// CVR only: the countries asked for (none: every country of the company).
    pub countries: Option<Vec<String>>,
}

async fn company(ctx: &Context<'_>, id: i64) -> AppResult<Company> {
    ctx.loaders()?
        .load_one(CompanyKey(id))
        .await?
        .map(Company)
        .ok_or_else(|| AppError::internal("dangling company reference"))
}

#[Object]
impl RelationshipApplication {
    pub async fn id(&self) -> ID {
        encode(Kind::RelationshipApplication, self.0.id)
    }
    async fn kind(&self) -> AppResult<RelationshipKind> {
        Stored::from_db("relationship_applications.kind", &self.0.kind)
    }
    async fn status(&self) -> AppResult<ApplicationStatus> {
        Stored::from_db("relationship_applications.status", &self.0.status)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        company(ctx, self.0.company_id).await
    }
    async fn product_groups(&self, ctx: &Context<'_>) -> AppResult<Vec<ProductGroupSelection>> {
        ctx.loaders()?
            .load_one(ProductGroupsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .cloned()
            .map(|g| {
                Ok(ProductGroupSelection {
                    program: Stored::from_db("application_product_groups.program", &g.program)?,
                    product_group: g.product_group,
                    distribution: g
                        .distribution
                        .as_deref()
                        .map(|d| Stored::from_db("application_product_groups.distribution", d))
                        .transpose()?,
                    countries: g
                        .countries
                        .map(|c| c.split(',').map(str::to_owned).collect()),
                })
            })
            .collect()
    }
    async fn vad_choice(&self) -> AppResult<Option<VadChoice>> {
        self.0
            .vad_choice
            .as_deref()
            .map(|v| Stored::from_db("relationship_applications.vad_choice", v))
            .transpose()
    }
    /// The chosen distributor, when `vadChoice` is DISTRIBUTOR.
    async fn vad_company(&self, ctx: &Context<'_>) -> AppResult<Option<Company>> {
        match self.0.vad_company_id {
            Some(id) => company(ctx, id).await.map(Some),
            None => Ok(None),
        }
    }
    async fn agreement_accepted(&self) -> bool {
        self.0.agreement_accepted
    }
    async fn compliance_completed(&self) -> bool {
        self.0.compliance_completed
    }
    /// Key contacts, as people of the company (each under the usual person checks).
    async fn key_contacts(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<crate::graphql::profiles::Person>> {
        let links = ctx
            .loaders()?
            .load_one(KeyContactsOf(self.0.id))
            .await?
            .unwrap_or_default();
        let mut rows = ctx
            .loaders()?
            .load_many(links.iter().map(|l| PersonKey(l.person_id)))
            .await?;
        let viewer = ctx.viewer();
        Ok(links
            .iter()
            .filter_map(|l| rows.remove(&PersonKey(l.person_id)))
            .filter_map(|p| Person::visible(&viewer, p))
            .collect())
    }
    /// How many sales people are registered for Integrity Training.
    async fn integrity_training_registrations(&self, ctx: &Context<'_>) -> AppResult<i32> {
        let n = ctx
            .loaders()?
            .load_one(TraineesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .len();
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
    async fn documents(&self, ctx: &Context<'_>) -> AppResult<Vec<ApplicationDocument>> {
        list(ctx, DocumentsOf(self.0.id), ApplicationDocument).await
    }
    /// What a submission would still be refused for; empty when it is complete.
    async fn missing_steps(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        let l = ctx.loaders()?;
        let groups = l
            .load_one(ProductGroupsOf(self.0.id))
            .await?
            .unwrap_or_default();
        let steps = Steps {
            product_groups: groups.len(),
            cvr_software: groups
                .iter()
                .any(|g| g.program == ProductProgram::Cvr && is_software_group(&g.product_group)),
            key_contacts: l
                .load_one(KeyContactsOf(self.0.id))
                .await?
                .unwrap_or_default()
                .len(),
            trainees: l
                .load_one(TraineesOf(self.0.id))
                .await?
                .unwrap_or_default()
                .len(),
            documents: l
                .load_one(DocumentsOf(self.0.id))
                .await?
                .unwrap_or_default()
                .len(),
            vad_is_distributor: match self.0.vad_company_id {
                Some(id) => Some(
                    l.load_one(crate::graphql::profiles::loader::PartnerTypesOf(id))
                        .await?
                        .unwrap_or_default()
                        .iter()
                        .any(|t| t == "DISTRIBUTOR"),
                ),
                None => None,
            },
        };
        Ok(missing_steps(&self.0, &steps))
    }
    /// IBM asked for the company and tax registration documents.
    async fn documents_requested(&self) -> bool {
        self.0.documents_requested
    }
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    async fn submitted_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.submitted_at
    }
    async fn decided_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.decided_at
    }
    /// Who drafted it.
    async fn created_by(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<crate::graphql::profiles::Person>> {
        person(ctx, self.0.created_by_person_id).await
    }
}

pub struct ApplicationDocument(pub application_documents::Model);

#[Object]
impl ApplicationDocument {
    async fn id(&self) -> ID {
        encode(Kind::ApplicationDocument, self.0.id)
    }
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }
}

/// An approved product group in one country.
pub struct Authorization(pub authorizations::Model);

#[Object]
impl Authorization {
    async fn id(&self) -> ID {
        encode(Kind::Authorization, self.0.id)
    }
    async fn product_group(&self) -> &str {
        &self.0.product_group
    }
    async fn country(&self) -> &str {
        &self.0.country
    }
    async fn distribution(&self) -> AppResult<Distribution> {
        Stored::from_db("authorizations.distribution", &self.0.distribution)
    }
}

/// A request for a Technical Advocate. Built only by [`TechnicalAdvocateRequest::visible`]:
/// the company's PRC and APA, and IBM_CHANNEL.
pub struct TechnicalAdvocateRequest(entities::technical_advocate_requests::Model);

impl TechnicalAdvocateRequest {
    pub fn visible(
        viewer: &Viewer,
        row: entities::technical_advocate_requests::Model,
    ) -> Option<Self> {
        visibility::technical_advocate_request(viewer, &row).then_some(Self(row))
    }
}

#[Object]
impl TechnicalAdvocateRequest {
    async fn id(&self) -> ID {
        encode(Kind::TechnicalAdvocateRequest, self.0.id)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn status(&self) -> AppResult<crate::domain::relationships::model::AdvocateStatus> {
        Stored::from_db("technical_advocate_requests.status", &self.0.status)
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    async fn requested_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
    async fn decided_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.decided_at
    }
    /// The person asked for, as the caller may see them.
    async fn advocate(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        person(ctx, self.0.advocate_person_id).await
    }
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        company(ctx, self.0.company_id).await
    }
}

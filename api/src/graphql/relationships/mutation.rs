//! Relationship mutations: thin wrappers over `service`.

use super::types::{RelationshipApplication, TechnicalAdvocateRequest};
use crate::domain::profiles::model::{CompanyId, PersonId};
use crate::domain::relationships::advocates;
use crate::domain::relationships::model::AdvocateRequestId;
use crate::domain::relationships::model::ApplicationId;
use crate::domain::relationships::model::{
    Distribution, ProductProgram, RelationshipKind, VadChoice,
};
use crate::domain::relationships::service::{
    self, ApplicationChanges, NewDocument, ProductGroupChoice,
};
use crate::error::AppResult;
use crate::graphql::ids::decode_id;
use crate::graphql::{ContextExt, shown};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

#[derive(InputObject)]
pub struct CreateRelationshipApplicationInput {
    pub company_id: ID,
    pub kind: RelationshipKind,
}

#[derive(InputObject)]
pub struct ProductGroupInput {
    pub program: ProductProgram,
    pub product_group: String,
    /// CVR only: the distribution asked for (left out: the one IBM approves with).
    pub distribution: Option<Distribution>,
    /// CVR only: the countries asked for (left out: every country of the company).
    pub countries: Option<Vec<String>>,
}

#[derive(InputObject)]
pub struct RequestTechnicalAdvocateInput {
    pub company_id: ID,
    /// The person asked for: an active person of the company.
    pub person_id: ID,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct DecideTechnicalAdvocateInput {
    pub request_id: ID,
    pub version: i32,
    pub approve: bool,
    /// Required when declining.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct TechnicalAdvocatePayload {
    pub request: TechnicalAdvocateRequest,
}

#[derive(InputObject)]
pub struct RequestRegistrationDocumentsInput {
    pub application_id: ID,
    pub version: i32,
    /// What IBM needs, for the APA.
    pub note: String,
}

#[derive(InputObject)]
pub struct UpdateRelationshipApplicationInput {
    pub application_id: ID,
    pub version: i32,
    /// The full set of product groups after the change.
    pub product_groups: Option<Vec<ProductGroupInput>>,
    pub vad_choice: Option<VadChoice>,
    /// The distributor company, with `vadChoice: DISTRIBUTOR`.
    pub vad_company_id: Option<ID>,
    pub agreement_accepted: Option<bool>,
    pub compliance_completed: Option<bool>,
    pub key_contact_ids: Option<Vec<ID>>,
    /// Sales people registered for Integrity Training.
    pub trainee_ids: Option<Vec<ID>>,
}

#[derive(InputObject)]
pub struct AddApplicationDocumentInput {
    pub application_id: ID,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(InputObject)]
pub struct SubmitRelationshipApplicationInput {
    pub application_id: ID,
    pub version: i32,
}

#[derive(InputObject)]
pub struct DecideRelationshipApplicationInput {
    pub application_id: ID,
    pub version: i32,
    /// Approve with this distribution; leave out to reject.
    pub approve_with: Option<Distribution>,
    /// Required for a rejection.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct RelationshipApplicationPayload {
    pub application: RelationshipApplication,
}

fn people(ids: Option<Vec<ID>>, field: &'static str) -> AppResult<Option<Vec<PersonId>>> {
    ids.map(|ids| {
        ids.iter()
            .map(|id| decode_id::<PersonId>(id, field))
            .collect()
    })
    .transpose()
}

#[derive(Default)]
pub struct RelationshipsMutation;

#[Object]
impl RelationshipsMutation {
    /// APA of the company's headquarters location: start a DRAFT.
    async fn create_relationship_application(
        &self,
        ctx: &Context<'_>,
        input: CreateRelationshipApplicationInput,
    ) -> AppResult<RelationshipApplicationPayload> {
        let company = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let row = service::create(ctx.app()?, &ctx.viewer(), company, input.kind).await?;
        Ok(RelationshipApplicationPayload {
            application: shown(
                "relationship application",
                RelationshipApplication::visible(&ctx.viewer(), row),
            )?,
        })
    }

    /// APA of the headquarters of a CVR participant: asks for one of its people to be its
    /// Technical Advocate.
    async fn request_technical_advocate(
        &self,
        ctx: &Context<'_>,
        input: RequestTechnicalAdvocateInput,
    ) -> AppResult<TechnicalAdvocatePayload> {
        let viewer = ctx.viewer();
        let company = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let person = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let row = advocates::request(ctx.app()?, &viewer, company, person, input.note).await?;
        Ok(TechnicalAdvocatePayload {
            request: shown(
                "technical advocate request",
                TechnicalAdvocateRequest::visible(&viewer, row),
            )?,
        })
    }

    /// IBM_CHANNEL: grants a Technical Advocate (only when the skill and technical
    /// requirements are met: refused with what is missing otherwise) or declines.
    #[graphql(tag = "ibm-internal")]
    async fn decide_technical_advocate(
        &self,
        ctx: &Context<'_>,
        input: DecideTechnicalAdvocateInput,
    ) -> AppResult<TechnicalAdvocatePayload> {
        let viewer = ctx.viewer();
        let id = decode_id::<AdvocateRequestId>(&input.request_id, "input.requestId")?;
        let row = advocates::decide(
            ctx.app()?,
            &viewer,
            id,
            input.version,
            input.approve,
            input.reason,
        )
        .await?;
        Ok(TechnicalAdvocatePayload {
            request: shown(
                "technical advocate request",
                TechnicalAdvocateRequest::visible(&viewer, row),
            )?,
        })
    }

    /// IBM_CHANNEL: asks for the company and tax registration documents of an application
    /// (domain.md §2: required only when IBM asks). A submitted application returns to
    /// DRAFT for the APA to upload them and submit again.
    #[graphql(tag = "ibm-internal")]
    async fn request_registration_documents(
        &self,
        ctx: &Context<'_>,
        input: RequestRegistrationDocumentsInput,
    ) -> AppResult<RelationshipApplicationPayload> {
        let viewer = ctx.viewer();
        let id = decode_id::<ApplicationId>(&input.application_id, "input.applicationId")?;
        let row =
            service::request_documents(ctx.app()?, &viewer, id, input.version, &input.note).await?;
        Ok(RelationshipApplicationPayload {
            application: shown(
                "application",
                RelationshipApplication::visible(&viewer, row),
            )?,
        })
    }

    async fn update_relationship_application(
        &self,
        ctx: &Context<'_>,
        input: UpdateRelationshipApplicationInput,
    ) -> AppResult<RelationshipApplicationPayload> {
        let id = decode_id::<ApplicationId>(&input.application_id, "input.applicationId")?;
        let changes = ApplicationChanges {
            product_groups: input.product_groups.map(|g| {
                g.into_iter()
                    .map(|p| ProductGroupChoice {
                        program: p.program,
                        product_group: p.product_group,
                        distribution: p.distribution,
                        countries: p.countries,
                    })
                    .collect()
            }),
            vad_choice: input.vad_choice,
            vad_company_id: input
                .vad_company_id
                .map(|id| decode_id::<CompanyId>(&id, "input.vadCompanyId"))
                .transpose()?,
            agreement_accepted: input.agreement_accepted,
            compliance_completed: input.compliance_completed,
            key_contact_ids: people(input.key_contact_ids, "input.keyContactIds")?,
            trainee_ids: people(input.trainee_ids, "input.traineeIds")?,
        };
        let row = service::update(ctx.app()?, &ctx.viewer(), id, input.version, changes).await?;
        Ok(RelationshipApplicationPayload {
            application: shown(
                "relationship application",
                RelationshipApplication::visible(&ctx.viewer(), row),
            )?,
        })
    }

    /// Record an uploaded registration document.
    async fn add_application_document(
        &self,
        ctx: &Context<'_>,
        input: AddApplicationDocumentInput,
    ) -> AppResult<RelationshipApplicationPayload> {
        let id = decode_id::<ApplicationId>(&input.application_id, "input.applicationId")?;
        let doc = NewDocument {
            file_name: input.file_name,
            content_type: input.content_type,
            size_bytes: input.size_bytes,
            sha256: input.sha256,
        };
        let row = service::add_document(ctx.app()?, &ctx.viewer(), id, doc).await?;
        Ok(RelationshipApplicationPayload {
            application: shown(
                "relationship application",
                RelationshipApplication::visible(&ctx.viewer(), row),
            )?,
        })
    }

    /// Refused with `extensions.missing` listing every missing step.
    async fn submit_relationship_application(
        &self,
        ctx: &Context<'_>,
        input: SubmitRelationshipApplicationInput,
    ) -> AppResult<RelationshipApplicationPayload> {
        let id = decode_id::<ApplicationId>(&input.application_id, "input.applicationId")?;
        let row = service::submit(ctx.app()?, &ctx.viewer(), id, input.version).await?;
        Ok(RelationshipApplicationPayload {
            application: shown(
                "relationship application",
                RelationshipApplication::visible(&ctx.viewer(), row),
            )?,
        })
    }

    /// IBM_CHANNEL: approve (granting authorizations) or reject with a reason.
    #[graphql(tag = "ibm-internal")]
    async fn decide_relationship_application(
        &self,
        ctx: &Context<'_>,
        input: DecideRelationshipApplicationInput,
    ) -> AppResult<RelationshipApplicationPayload> {
        let id = decode_id::<ApplicationId>(&input.application_id, "input.applicationId")?;
        let row = service::decide(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            input.approve_with,
            input.reason,
        )
        .await?;
        Ok(RelationshipApplicationPayload {
            application: shown(
                "relationship application",
                RelationshipApplication::visible(&ctx.viewer(), row),
            )?,
        })
    }
}

//! Profile mutations: thin wrappers over `service`.

use super::types::{Company, Person};
use crate::domain::profiles::model::{CompanyId, PersonId};
use crate::domain::profiles::service::{self, CompanyChanges};
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::ids::decode_id;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

#[derive(InputObject)]
pub struct UpdateCompanyProfileInput {
    pub company_id: ID,
    /// The `version` the change was made against; a stale one answers CONFLICT.
    pub version: i32,
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(SimpleObject)]
pub struct UpdateCompanyProfilePayload {
    pub company: Company,
}

#[derive(InputObject)]
pub struct AddCandidateIdInput {
    pub person_id: ID,
    pub candidate_id: String,
}

#[derive(SimpleObject)]
pub struct PersonPayload {
    pub person: Person,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    Reject,
}

#[derive(InputObject)]
pub struct ReviewPersonInput {
    pub person_id: ID,
    pub version: i32,
    pub decision: ReviewDecision,
}

#[derive(Default)]
pub struct ProfilesMutation;

#[Object]
impl ProfilesMutation {
    /// APA of the company.
    async fn update_company_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateCompanyProfileInput,
    ) -> AppResult<UpdateCompanyProfilePayload> {
        let id = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let changes = CompanyChanges {
            name: input.name,
            description: input.description,
        };
        let model =
            service::update_company_profile(ctx.app()?, &ctx.viewer(), id, input.version, changes)
                .await?;
        Ok(UpdateCompanyProfilePayload {
            company: Company(model),
        })
    }

    /// APA of the person's company.
    async fn add_candidate_id(
        &self,
        ctx: &Context<'_>,
        input: AddCandidateIdInput,
    ) -> AppResult<PersonPayload> {
        let id = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let model =
            service::add_candidate_id(ctx.app()?, &ctx.viewer(), id, &input.candidate_id).await?;
        Ok(PersonPayload {
            person: Person::visible(&ctx.viewer(), model).ok_or(AppError::NotFound("person"))?,
        })
    }

    /// PRC of the person's company: approve or reject a PENDING profile.
    async fn review_person(
        &self,
        ctx: &Context<'_>,
        input: ReviewPersonInput,
    ) -> AppResult<PersonPayload> {
        let id = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let approve = input.decision == ReviewDecision::Approve;
        let model =
            service::review_person(ctx.app()?, &ctx.viewer(), id, input.version, approve).await?;
        Ok(PersonPayload {
            person: Person::visible(&ctx.viewer(), model).ok_or(AppError::NotFound("person"))?,
        })
    }
}

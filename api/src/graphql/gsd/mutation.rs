//! Directory mutations: thin wrappers over `service`.

use super::types::{CustomerExperience, Nomination, ResponseCard, Solution};
use crate::domain::gsd::model::{ExperienceId, NominationId, SolutionId};
use crate::domain::gsd::service::{self, Card, SolutionChanges, Tags};
use crate::domain::profiles::model::CompanyId;
use crate::error::AppResult;
use crate::graphql::ids::decode_id;
use crate::graphql::{ContextExt, shown};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

#[derive(InputObject)]
pub struct CreateSolutionInput {
    pub company_id: ID,
    pub name: String,
    pub description: String,
    #[graphql(default)]
    pub industries: Vec<String>,
    #[graphql(default)]
    pub middleware: Vec<String>,
    #[graphql(default)]
    pub hardware: Vec<String>,
}

#[derive(InputObject)]
pub struct UpdateSolutionInput {
    pub solution_id: ID,
    pub version: i32,
    pub name: Option<String>,
    pub description: Option<String>,
    pub in_showcase: Option<bool>,
    pub industries: Option<Vec<String>>,
    pub middleware: Option<Vec<String>>,
    pub hardware: Option<Vec<String>>,
}

#[derive(InputObject)]
pub struct DecideNominationInput {
    pub nomination_id: ID,
    pub version: i32,
    /// true: VALIDATED; false: DECLINED (with a reason).
    pub validate: bool,
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct NominationPayload {
    pub nomination: Nomination,
}

#[derive(InputObject)]
pub struct NominateInput {
    pub solution_id: ID,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct ResponseCardInput {
    pub solution_id: ID,
    pub reader_name: String,
    pub reader_email: String,
    pub reader_company: Option<String>,
    pub message: String,
}

#[derive(InputObject)]
pub struct SubmitCustomerExperienceInput {
    pub solution_id: ID,
    pub customer_name: String,
    pub summary: String,
}

#[derive(InputObject)]
pub struct DecideCustomerExperienceInput {
    pub customer_experience_id: ID,
    pub version: i32,
    pub approve: bool,
    /// Required for a denial.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct SolutionPayload {
    pub solution: Solution,
}

#[derive(SimpleObject)]
pub struct ResponseCardPayload {
    pub response_card: ResponseCard,
}

#[derive(SimpleObject)]
pub struct CustomerExperiencePayload {
    pub customer_experience: CustomerExperience,
}

#[derive(Default)]
pub struct GsdMutation;

#[Object]
impl GsdMutation {
    /// APA of an ISV: list a solution in the directory.
    async fn create_solution(
        &self,
        ctx: &Context<'_>,
        input: CreateSolutionInput,
    ) -> AppResult<SolutionPayload> {
        let company = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let tags = Tags {
            industries: Some(input.industries),
            middleware: Some(input.middleware),
            hardware: Some(input.hardware),
        };
        let row = service::create_solution(
            ctx.app()?,
            &ctx.viewer(),
            company,
            &input.name,
            &input.description,
            tags,
        )
        .await?;
        Ok(SolutionPayload {
            solution: Solution(row),
        })
    }

    /// APA of the company: change the listing, its tags, or its place in the showcase.
    async fn update_solution(
        &self,
        ctx: &Context<'_>,
        input: UpdateSolutionInput,
    ) -> AppResult<SolutionPayload> {
        let id = decode_id::<SolutionId>(&input.solution_id, "input.solutionId")?;
        let changes = SolutionChanges {
            name: input.name,
            description: input.description,
            in_showcase: input.in_showcase,
            tags: Tags {
                industries: input.industries,
                middleware: input.middleware,
                hardware: input.hardware,
            },
        };
        let row =
            service::update_solution(ctx.app()?, &ctx.viewer(), id, input.version, changes).await?;
        Ok(SolutionPayload {
            solution: Solution(row),
        })
    }

    /// APA of the company: nominate the solution for technical validation.
    async fn nominate_for_technical_validation(
        &self,
        ctx: &Context<'_>,
        input: NominateInput,
    ) -> AppResult<SolutionPayload> {
        let id = decode_id::<SolutionId>(&input.solution_id, "input.solutionId")?;
        let row = service::nominate(ctx.app()?, &ctx.viewer(), id, input.notes).await?;
        Ok(SolutionPayload {
            solution: Solution(row),
        })
    }

    /// Any reader: ask the ISV to get in touch.
    async fn submit_response_card(
        &self,
        ctx: &Context<'_>,
        input: ResponseCardInput,
    ) -> AppResult<ResponseCardPayload> {
        let id = decode_id::<SolutionId>(&input.solution_id, "input.solutionId")?;
        let card = Card {
            reader_name: input.reader_name,
            reader_email: input.reader_email,
            reader_company: input.reader_company,
            message: input.message,
        };
        let row = service::submit_response_card(ctx.app()?, &ctx.viewer(), id, card).await?;
        Ok(ResponseCardPayload {
            response_card: ResponseCard(row),
        })
    }

    /// APA of the company: a solution in production at a customer, for IBM to approve.
    async fn submit_customer_experience(
        &self,
        ctx: &Context<'_>,
        input: SubmitCustomerExperienceInput,
    ) -> AppResult<CustomerExperiencePayload> {
        let id = decode_id::<SolutionId>(&input.solution_id, "input.solutionId")?;
        let (row, company) = service::submit_experience(
            ctx.app()?,
            &ctx.viewer(),
            id,
            &input.customer_name,
            &input.summary,
        )
        .await?;
        Ok(CustomerExperiencePayload {
            customer_experience: shown(
                "customer experience",
                CustomerExperience::visible(&ctx.viewer(), row, company),
            )?,
        })
    }

    /// IBM_CHANNEL: a technical-validation nomination VALIDATED (the solution shows the
    /// badge in the directory) or DECLINED with a reason.
    #[graphql(tag = "ibm-internal")]
    async fn decide_nomination(
        &self,
        ctx: &Context<'_>,
        input: DecideNominationInput,
    ) -> AppResult<NominationPayload> {
        let id = decode_id::<NominationId>(&input.nomination_id, "input.nominationId")?;
        let row = service::decide_nomination(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            input.validate,
            input.reason,
        )
        .await?;
        Ok(NominationPayload {
            nomination: Nomination(row),
        })
    }

    /// IBM_CHANNEL: approve (the solution becomes approved, 7 points) or deny with a reason.
    #[graphql(tag = "ibm-internal")]
    async fn decide_customer_experience(
        &self,
        ctx: &Context<'_>,
        input: DecideCustomerExperienceInput,
    ) -> AppResult<CustomerExperiencePayload> {
        let id =
            decode_id::<ExperienceId>(&input.customer_experience_id, "input.customerExperienceId")?;
        let (row, company) = service::decide_experience(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            input.approve,
            input.reason,
        )
        .await?;
        Ok(CustomerExperiencePayload {
            customer_experience: shown(
                "customer experience",
                CustomerExperience::visible(&ctx.viewer(), row, company),
            )?,
        })
    }
}

//! IBM_CHANNEL passes a lead.

use super::types::Opportunity;
use crate::auth::Viewer;
use crate::domain::opportunities::model::{OpportunityId, OpportunityStatus};
use crate::domain::opportunities::service::{self, NewLead};
use crate::domain::profiles::model::CompanyId;
use crate::error::AppResult;
use crate::graphql::ids::decode_id;
use crate::graphql::money::MoneyInput;
use crate::graphql::{ContextExt, shown};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entities::opportunities;

#[derive(InputObject)]
pub struct PassOpportunityInput {
    pub opportunity_id: ID,
    /// A partner of IBM's choosing; left out, the fairest eligible partner.
    pub company_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct PassOpportunityPayload {
    pub opportunity: Opportunity,
}

/// A lead as IBM creates it, or a deal as a partner registers it.
#[derive(InputObject)]
pub struct LeadInput {
    /// A product group, e.g. `SECURITY`.
    pub product_group: String,
    /// ISO 3166 alpha-2, in capitals.
    pub country: String,
    pub customer_name: String,
    pub description: Option<String>,
    pub estimated_value: Option<MoneyInput>,
}

impl LeadInput {
    fn into_domain(self) -> AppResult<NewLead> {
        Ok(NewLead {
            value: self
                .estimated_value
                .as_ref()
                .map(|m| m.to_domain("input.estimatedValue"))
                .transpose()?,
            product_group: self.product_group,
            country: self.country,
            customer_name: self.customer_name,
            description: self.description,
        })
    }
}

#[derive(InputObject)]
pub struct RegisterDealInput {
    pub company_id: ID,
    pub deal: LeadInput,
}

#[derive(InputObject)]
pub struct RespondToOpportunityInput {
    pub opportunity_id: ID,
    pub version: i32,
    pub accept: bool,
    /// Required when declining: IBM reads it when passing the lead on.
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct ProgressOpportunityInput {
    pub opportunity_id: ID,
    pub version: i32,
    /// QUALIFIED, PROPOSAL, WON or LOST; forward only.
    pub status: OpportunityStatus,
    pub note: Option<String>,
}

#[derive(SimpleObject)]
pub struct RespondToOpportunityPayload {
    pub accepted: bool,
    /// The lead as the caller now sees it: null once declined (it is back in IBM's
    /// queue, no longer the company's).
    pub opportunity: Option<Opportunity>,
}

#[derive(SimpleObject)]
pub struct OpportunityPayload {
    pub opportunity: Opportunity,
}

#[derive(Default)]
pub struct OpportunitiesMutation;

#[Object]
impl OpportunitiesMutation {
    /// IBM_CHANNEL: pass an open lead to an eligible partner.
    #[graphql(tag = "ibm-internal")]
    async fn pass_opportunity(
        &self,
        ctx: &Context<'_>,
        input: PassOpportunityInput,
    ) -> AppResult<PassOpportunityPayload> {
        let viewer = ctx.viewer();
        let id = decode_id::<OpportunityId>(&input.opportunity_id, "input.opportunityId")?;
        let company = input
            .company_id
            .map(|c| decode_id::<CompanyId>(&c, "input.companyId"))
            .transpose()?;
        let row = service::pass(ctx.app()?, &viewer, id, company).await?;
        Ok(PassOpportunityPayload {
            opportunity: shown("opportunity", Opportunity::visible(&viewer, row))?,
        })
    }

    /// IBM_CHANNEL: a new lead, OPEN in the queue until it is passed.
    #[graphql(tag = "ibm-internal")]
    async fn create_opportunity(
        &self,
        ctx: &Context<'_>,
        input: LeadInput,
    ) -> AppResult<OpportunityPayload> {
        let viewer = ctx.viewer();
        let row = service::create(ctx.app()?, &viewer, input.into_domain()?).await?;
        payload(&viewer, row)
    }

    /// The company's APA, PRC or Focal ID: registers the company's own deal, accepted
    /// from the start.
    async fn register_deal(
        &self,
        ctx: &Context<'_>,
        input: RegisterDealInput,
    ) -> AppResult<OpportunityPayload> {
        let viewer = ctx.viewer();
        let company = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let row =
            service::register_deal(ctx.app()?, &viewer, company, input.deal.into_domain()?).await?;
        payload(&viewer, row)
    }

    /// The company's APA, PRC or Focal ID: accepts a lead passed to the company, or
    /// declines it with a reason (it returns to IBM's queue).
    async fn respond_to_opportunity(
        &self,
        ctx: &Context<'_>,
        input: RespondToOpportunityInput,
    ) -> AppResult<RespondToOpportunityPayload> {
        let viewer = ctx.viewer();
        let id = decode_id::<OpportunityId>(&input.opportunity_id, "input.opportunityId")?;
        let row = service::respond(
            ctx.app()?,
            &viewer,
            id,
            input.version,
            input.accept,
            input.reason,
        )
        .await?;
        // A declined lead is no longer the company's: the caller no longer sees it.
        Ok(RespondToOpportunityPayload {
            accepted: input.accept,
            opportunity: Opportunity::visible(&viewer, row),
        })
    }

    /// The company's APA, PRC or Focal ID: moves an accepted lead forward.
    async fn progress_opportunity(
        &self,
        ctx: &Context<'_>,
        input: ProgressOpportunityInput,
    ) -> AppResult<OpportunityPayload> {
        let viewer = ctx.viewer();
        let id = decode_id::<OpportunityId>(&input.opportunity_id, "input.opportunityId")?;
        let row = service::progress(
            ctx.app()?,
            &viewer,
            id,
            input.version,
            input.status,
            input.note,
        )
        .await?;
        payload(&viewer, row)
    }
}

fn payload(viewer: &Viewer, row: opportunities::Model) -> AppResult<OpportunityPayload> {
    Ok(OpportunityPayload {
        opportunity: shown("opportunity", Opportunity::visible(viewer, row))?,
    })
}

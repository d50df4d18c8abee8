//! IBM_CHANNEL passes a lead.

use super::types::Opportunity;
use crate::domain::opportunities::model::OpportunityId;
use crate::domain::opportunities::service;
use crate::domain::profiles::model::CompanyId;
use crate::error::AppResult;
use crate::graphql::ids::decode_id;
use crate::graphql::{ContextExt, shown};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

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
}

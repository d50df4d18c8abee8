//! IBM_CHANNEL's lead queue and recommendations, and a company's lead eligibility.

use super::types::{Eligibility, EligibilityCriterion, Opportunity, Recommendation};
use crate::auth::{Action, Target, ensure};
use crate::domain::opportunities::model::OpportunityId;
use crate::domain::opportunities::{reads, service};
use crate::domain::profiles::model::CompanyId;
use crate::error::AppResult;
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::ids::decode_id;
use crate::graphql::pagination::{Cursor, QueueFields, queue_page};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use entities::opportunities;

#[derive(Default)]
pub struct OpportunitiesQuery;

#[Object]
impl OpportunitiesQuery {
    /// Leads to pass, oldest first. IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false))
    )]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        open_only: Option<bool>,
    ) -> AppResult<Connection<Cursor, Opportunity, QueueFields>> {
        let viewer = ctx.viewer();
        ensure(&viewer, Action::PassOpportunities, Target::Global)?;
        queue_page(
            ctx,
            reads::leads(open_only.unwrap_or(false)),
            opportunities::Column::Id,
            first,
            after,
            |o: opportunities::Model| Some((o.id, Opportunity::visible(&viewer, o)?)),
        )
        .await
    }

    /// Whether a partner may receive leads for a product in a country, criterion by
    /// criterion. The company's PRC and APA, and IBM_CHANNEL.
    async fn partner_eligibility(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        product_group: String,
        country: String,
    ) -> AppResult<Eligibility> {
        let id = decode_id::<CompanyId>(&company_id, "companyId")?;
        let criteria =
            service::eligibility(ctx.app()?, &ctx.viewer(), id, &product_group, &country).await?;
        Ok(Eligibility {
            eligible: criteria.iter().all(|(_, failed)| failed.is_none()),
            criteria: criteria
                .into_iter()
                .map(|(c, reason)| EligibilityCriterion {
                    criterion: <&str>::from(c).to_owned(),
                    met: reason.is_none(),
                    reason,
                })
                .collect(),
        })
    }

    /// Eligible partners for a lead, fairest first. IBM_CHANNEL.
    // Each recommendation is scored over the partner's skills, capacity and history: a
    // weight of 10 each, `count` of them.
    #[graphql(
        tag = "ibm-internal",
        directive = demand::cost::apply(10),
        directive = demand::list_size::apply(None, Some(vec!["count".to_owned()]), None, Some(false))
    )]
    async fn recommend_partners(
        &self,
        ctx: &Context<'_>,
        opportunity_id: ID,
        #[graphql(default = 3)] count: i32,
    ) -> AppResult<Vec<Recommendation>> {
        let id = decode_id::<OpportunityId>(&opportunity_id, "opportunityId")?;
        let (ranked, eligible) =
            service::recommendations(ctx.app()?, &ctx.viewer(), id, count).await?;
        Ok(ranked
            .iter()
            .map(|c| Recommendation::new(c, eligible))
            .collect())
    }
}

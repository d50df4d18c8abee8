//! Value Net mutations: thin wrappers over `service`.

use super::types::{Registration, ValueNet};
use crate::domain::profiles::model::CompanyId;
use crate::domain::valuenet::model::ValueNetId;
use crate::domain::valuenet::service::{self, Focus};
use crate::error::AppResult;
use crate::graphql::ContextExt;
use crate::graphql::ids::decode_id;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

#[derive(InputObject)]
pub struct RegisterValueNetFocusInput {
    pub company_id: ID,
    pub description: Option<String>,
    #[graphql(default)]
    pub technologies: Vec<String>,
    #[graphql(default)]
    pub industries: Vec<String>,
    /// ISO 3166 alpha-2 countries.
    #[graphql(default)]
    pub geographies: Vec<String>,
}

#[derive(InputObject)]
pub struct RegisterValueNetInput {
    /// The registering company (its APA).
    pub company_id: ID,
    pub name: String,
    pub description: Option<String>,
    pub member_company_ids: Vec<ID>,
}

#[derive(SimpleObject)]
pub struct ValueNetFocusPayload {
    pub registration: Registration,
}

#[derive(SimpleObject)]
pub struct ValueNetPayload {
    pub value_net: ValueNet,
}

#[derive(InputObject)]
pub struct ConfirmValueNetMembershipInput {
    pub value_net_id: ID,
    /// The company that was added (the caller's).
    pub company_id: ID,
    pub accept: bool,
}

#[derive(Default)]
pub struct ValueNetMutation;

#[Object]
impl ValueNetMutation {
    async fn register_value_net_focus(
        &self,
        ctx: &Context<'_>,
        input: RegisterValueNetFocusInput,
    ) -> AppResult<ValueNetFocusPayload> {
        let company = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let focus = Focus {
            description: input.description,
            technologies: input.technologies,
            industries: input.industries,
            geographies: input.geographies,
        };
        let row = service::register_focus(ctx.app()?, &ctx.viewer(), company, focus).await?;
        Ok(ValueNetFocusPayload {
            registration: Registration(row),
        })
    }

    /// APA of a company another company added to a value net: confirms the membership
    /// (the company then shows as a member) or declines it (it is taken off).
    async fn confirm_value_net_membership(
        &self,
        ctx: &Context<'_>,
        input: ConfirmValueNetMembershipInput,
    ) -> AppResult<ValueNetPayload> {
        let net = decode_id::<ValueNetId>(&input.value_net_id, "input.valueNetId")?;
        let company = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let row =
            service::confirm_membership(ctx.app()?, &ctx.viewer(), net, company, input.accept)
                .await?;
        Ok(ValueNetPayload {
            value_net: ValueNet(row),
        })
    }

    async fn register_value_net(
        &self,
        ctx: &Context<'_>,
        input: RegisterValueNetInput,
    ) -> AppResult<ValueNetPayload> {
        let company = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let members = input
            .member_company_ids
            .iter()
            .map(|id| decode_id::<CompanyId>(id, "input.memberCompanyIds"))
            .collect::<AppResult<Vec<_>>>()?;
        let row = service::register_value_net(
            ctx.app()?,
            &ctx.viewer(),
            company,
            &input.name,
            input.description,
            &members,
        )
        .await?;
        Ok(ValueNetPayload {
            value_net: ValueNet(row),
        })
    }
}

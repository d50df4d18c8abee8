//! PAO mutations: thin wrappers over `service`.

use super::types::{AccessRequest, RenewalQuote, Site, SiteUser};
use crate::domain::pao::model::{AccessRequestId, RenewalLineItemId, SiteId, SiteUserId};
use crate::domain::pao::model::{SitePrivilege, SiteRole};
use crate::domain::pao::quotes;
use crate::domain::pao::service::{self, Decision, NewSiteUser, SiteUserChanges};
use crate::error::AppResult;
use crate::graphql::ids::decode_id;
use crate::graphql::{ContextExt, shown};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

#[derive(InputObject)]
pub struct AddSiteUserInput {
    pub site_id: ID,
    pub ibm_id: String,
    pub name: String,
    /// SECONDARY_CONTACT or USER.
    pub role: SiteRole,
    #[graphql(default)]
    pub account_management: bool,
    #[graphql(default)]
    pub privileges: Vec<SitePrivilege>,
}

#[derive(InputObject)]
pub struct UpdateSiteUserInput {
    pub site_user_id: ID,
    pub version: i32,
    pub name: Option<String>,
    pub role: Option<SiteRole>,
    pub account_management: Option<bool>,
    /// The full set of privileges after the change (grants and revokes in one).
    pub privileges: Option<Vec<SitePrivilege>>,
}

#[derive(InputObject)]
pub struct RemoveSiteUserInput {
    pub site_user_id: ID,
    pub version: i32,
}

#[derive(InputObject)]
pub struct AppointSitePrimaryInput {
    pub site_id: ID,
    /// The site's `version`.
    pub version: i32,
    pub site_user_id: ID,
}

#[derive(InputObject)]
pub struct TransferPrimaryContactInput {
    pub site_id: ID,
    /// The site's `version`.
    pub version: i32,
    pub to_site_user_id: ID,
}

#[derive(InputObject)]
pub struct RequestSiteAccessInput {
    pub site_number: String,
    /// "I believe I am the primary contact".
    #[graphql(default)]
    pub believes_primary: bool,
}

#[derive(InputObject)]
pub struct ApproveAccessRequestInput {
    pub request_id: ID,
    pub version: i32,
    /// SECONDARY_CONTACT or USER.
    pub role: SiteRole,
    #[graphql(default)]
    pub account_management: bool,
    #[graphql(default)]
    pub privileges: Vec<SitePrivilege>,
}

#[derive(InputObject)]
pub struct RejectAccessRequestInput {
    pub request_id: ID,
    pub version: i32,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct SiteUserPayload {
    pub site_user: SiteUser,
}

#[derive(SimpleObject)]
pub struct RemoveSiteUserPayload {
    pub removed_site_user_id: ID,
}

#[derive(SimpleObject)]
pub struct SitePayload {
    pub site: Site,
}

#[derive(SimpleObject)]
pub struct AccessRequestPayload {
    pub access_request: AccessRequest,
}

#[derive(InputObject)]
pub struct GenerateRenewalQuoteInput {
    pub site_id: ID,
    /// Active renewal line items of the site, one currency, at most 200.
    pub line_item_ids: Vec<ID>,
}

#[derive(SimpleObject)]
pub struct RenewalQuotePayload {
    pub quote: RenewalQuote,
}

#[derive(Default)]
pub struct PaoMutation;

#[Object]
impl PaoMutation {
    /// Whoever reads the site's reports (REPORTING on it, its primary contact): a renewal
    /// quote of chosen line items, valid for 30 days.
    async fn generate_renewal_quote(
        &self,
        ctx: &Context<'_>,
        input: GenerateRenewalQuoteInput,
    ) -> AppResult<RenewalQuotePayload> {
        let site = decode_id::<SiteId>(&input.site_id, "input.siteId")?;
        let items = input
            .line_item_ids
            .iter()
            .map(|id| decode_id::<RenewalLineItemId>(id, "input.lineItemIds"))
            .collect::<AppResult<Vec<_>>>()?;
        let row = quotes::generate(ctx.app()?, &ctx.viewer(), site, items).await?;
        Ok(RenewalQuotePayload {
            quote: RenewalQuote(row),
        })
    }

    /// Site Primary Contact (or a secondary contact with account management).
    async fn add_site_user(
        &self,
        ctx: &Context<'_>,
        input: AddSiteUserInput,
    ) -> AppResult<SiteUserPayload> {
        let site = decode_id::<SiteId>(&input.site_id, "input.siteId")?;
        let user = NewSiteUser {
            ibm_id: input.ibm_id,
            name: input.name,
            role: input.role,
            account_management: input.account_management,
            privileges: input.privileges,
        };
        let row = service::add_user(ctx.app()?, &ctx.viewer(), site, user).await?;
        Ok(SiteUserPayload {
            site_user: shown("site user", SiteUser::visible(&ctx.viewer(), row))?,
        })
    }

    /// Update a user's information, role, account management and privileges.
    async fn update_site_user(
        &self,
        ctx: &Context<'_>,
        input: UpdateSiteUserInput,
    ) -> AppResult<SiteUserPayload> {
        let id = decode_id::<SiteUserId>(&input.site_user_id, "input.siteUserId")?;
        let changes = SiteUserChanges {
            name: input.name,
            role: input.role,
            account_management: input.account_management,
            privileges: input.privileges,
        };
        let row =
            service::update_user(ctx.app()?, &ctx.viewer(), id, input.version, changes).await?;
        Ok(SiteUserPayload {
            site_user: shown("site user", SiteUser::visible(&ctx.viewer(), row))?,
        })
    }

    async fn remove_site_user(
        &self,
        ctx: &Context<'_>,
        input: RemoveSiteUserInput,
    ) -> AppResult<RemoveSiteUserPayload> {
        let id = decode_id::<SiteUserId>(&input.site_user_id, "input.siteUserId")?;
        service::remove_user(ctx.app()?, &ctx.viewer(), id, input.version).await?;
        Ok(RemoveSiteUserPayload {
            removed_site_user_id: input.site_user_id,
        })
    }

    /// IBM_CHANNEL: appoints the primary contact of a site that has none, from its users.
    #[graphql(tag = "ibm-internal")]
    async fn appoint_site_primary(
        &self,
        ctx: &Context<'_>,
        input: AppointSitePrimaryInput,
    ) -> AppResult<SitePayload> {
        let site = decode_id::<SiteId>(&input.site_id, "input.siteId")?;
        let user = decode_id::<SiteUserId>(&input.site_user_id, "input.siteUserId")?;
        let row =
            service::appoint_primary(ctx.app()?, &ctx.viewer(), site, input.version, user).await?;
        Ok(SitePayload {
            site: shown("site", Site::visible(&ctx.viewer(), row))?,
        })
    }

    /// The site's primary contact (not a secondary contact): hand the primary role to
    /// another user of the site.
    async fn transfer_primary_contact(
        &self,
        ctx: &Context<'_>,
        input: TransferPrimaryContactInput,
    ) -> AppResult<SitePayload> {
        let site = decode_id::<SiteId>(&input.site_id, "input.siteId")?;
        let to = decode_id::<SiteUserId>(&input.to_site_user_id, "input.toSiteUserId")?;
        let row =
            service::transfer_primary(ctx.app()?, &ctx.viewer(), site, input.version, to).await?;
        Ok(SitePayload {
            site: shown("site", Site::visible(&ctx.viewer(), row))?,
        })
    }

    /// Any signed-in person: ask for access to a site.
    async fn request_site_access(
        &self,
        ctx: &Context<'_>,
        input: RequestSiteAccessInput,
    ) -> AppResult<AccessRequestPayload> {
        let row = service::request_access(
            ctx.app()?,
            &ctx.viewer(),
            &input.site_number,
            input.believes_primary,
        )
        .await?;
        Ok(AccessRequestPayload {
            access_request: shown("access request", AccessRequest::visible(&ctx.viewer(), row))?,
        })
    }

    async fn approve_access_request(
        &self,
        ctx: &Context<'_>,
        input: ApproveAccessRequestInput,
    ) -> AppResult<AccessRequestPayload> {
        let id = decode_id::<AccessRequestId>(&input.request_id, "input.requestId")?;
        let decision = Decision::Approve(NewSiteUser {
            ibm_id: String::new(),
            name: String::new(),
            role: input.role,
            account_management: input.account_management,
            privileges: input.privileges,
        });
        let row =
            service::decide_request(ctx.app()?, &ctx.viewer(), id, input.version, decision).await?;
        Ok(AccessRequestPayload {
            access_request: shown("access request", AccessRequest::visible(&ctx.viewer(), row))?,
        })
    }

    async fn reject_access_request(
        &self,
        ctx: &Context<'_>,
        input: RejectAccessRequestInput,
    ) -> AppResult<AccessRequestPayload> {
        let id = decode_id::<AccessRequestId>(&input.request_id, "input.requestId")?;
        let decision = Decision::Reject(input.reason);
        let row =
            service::decide_request(ctx.app()?, &ctx.viewer(), id, input.version, decision).await?;
        Ok(AccessRequestPayload {
            access_request: shown("access request", AccessRequest::visible(&ctx.viewer(), row))?,
        })
    }
}

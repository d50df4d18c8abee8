//! Community mutations: thin wrappers over `service`.

use super::types::{Community, Membership};
use crate::domain::communities::model::CommunityId;
use crate::domain::communities::model::{CommunityVisibility, MembershipStatus};
use crate::domain::communities::service;
use crate::domain::profiles::model::PersonId;
use crate::error::AppResult;
use crate::graphql::ContextExt;
use crate::graphql::ids::decode_id;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

#[derive(InputObject)]
pub struct CreateCommunityInput {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub visibility: CommunityVisibility,
}

#[derive(InputObject)]
pub struct CommunityPersonInput {
    pub community_id: ID,
    pub person_id: ID,
}

#[derive(InputObject)]
pub struct RemoveCommunityMemberInput {
    pub community_id: ID,
    pub person_id: ID,
    /// Kept in the audit log.
    pub reason: Option<String>,
}

/// What the removed membership was: PENDING (a declined request), INVITED (a withdrawn
/// invitation) or ACTIVE (a removed member).
#[derive(SimpleObject)]
pub struct RemoveCommunityMemberPayload {
    pub community_id: ID,
    pub person_id: ID,
    pub was: MembershipStatus,
}

#[derive(InputObject)]
pub struct SetCommunityOwnerInput {
    pub community_id: ID,
    pub person_id: ID,
    pub owner: bool,
}

#[derive(SimpleObject)]
pub struct CommunityPayload {
    pub community: Community,
}

#[derive(SimpleObject)]
pub struct MembershipPayload {
    pub membership: Membership,
}

#[derive(SimpleObject)]
pub struct LeaveCommunityPayload {
    pub community_id: ID,
}

#[derive(Default)]
pub struct CommunitiesMutation;

#[Object]
impl CommunitiesMutation {
    /// Any active person: the creator becomes its owner.
    async fn create_community(
        &self,
        ctx: &Context<'_>,
        input: CreateCommunityInput,
    ) -> AppResult<CommunityPayload> {
        let row = service::create(
            ctx.app()?,
            &ctx.viewer(),
            &input.slug,
            &input.name,
            &input.description,
            input.visibility,
        )
        .await?;
        Ok(CommunityPayload {
            community: Community(row),
        })
    }

    /// Join a public community, ask to join a private one, or accept an invitation.
    async fn join_community(
        &self,
        ctx: &Context<'_>,
        community_id: ID,
    ) -> AppResult<MembershipPayload> {
        let id = decode_id::<CommunityId>(&community_id, "communityId")?;
        let row = service::join(ctx.app()?, &ctx.viewer(), id).await?;
        Ok(MembershipPayload {
            membership: Membership::own(row),
        })
    }

    /// Owners: invite a person, or approve their pending request.
    async fn invite_or_approve_member(
        &self,
        ctx: &Context<'_>,
        input: CommunityPersonInput,
    ) -> AppResult<MembershipPayload> {
        let id = decode_id::<CommunityId>(&input.community_id, "input.communityId")?;
        let person = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let row = service::invite_or_approve(ctx.app()?, &ctx.viewer(), id, person).await?;
        Ok(MembershipPayload {
            membership: Membership::listed(row),
        })
    }

    async fn leave_community(
        &self,
        ctx: &Context<'_>,
        community_id: ID,
    ) -> AppResult<LeaveCommunityPayload> {
        let id = decode_id::<CommunityId>(&community_id, "communityId")?;
        service::leave(ctx.app()?, &ctx.viewer(), id).await?;
        Ok(LeaveCommunityPayload { community_id })
    }

    /// Owners: decline a request to join, withdraw an invitation, or remove a member
    /// (an owner is made a member first).
    async fn remove_community_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveCommunityMemberInput,
    ) -> AppResult<RemoveCommunityMemberPayload> {
        let id = decode_id::<CommunityId>(&input.community_id, "input.communityId")?;
        let person = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let was =
            service::remove_member(ctx.app()?, &ctx.viewer(), id, person, input.reason).await?;
        Ok(RemoveCommunityMemberPayload {
            community_id: input.community_id,
            person_id: input.person_id,
            was,
        })
    }

    /// Owners: make a member an owner, or an owner a member.
    async fn set_community_owner(
        &self,
        ctx: &Context<'_>,
        input: SetCommunityOwnerInput,
    ) -> AppResult<MembershipPayload> {
        let id = decode_id::<CommunityId>(&input.community_id, "input.communityId")?;
        let person = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let row = service::set_owner(ctx.app()?, &ctx.viewer(), id, person, input.owner).await?;
        Ok(MembershipPayload {
            membership: Membership::listed(row),
        })
    }
}

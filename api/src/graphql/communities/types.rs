//! Communities and memberships as the graph shows them: members as the visibility allows.

use super::loader::*;
use crate::domain::Stored;
use crate::domain::communities::model::{CommunityRole, CommunityVisibility, MembershipStatus};
use crate::domain::communities::service;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::profiles::Person;
use crate::graphql::profiles::loader::PersonKey;
use async_graphql::{Context, ID, Object};
use entities::{communities, community_members as members};

pub struct Community(pub communities::Model);

/// A person's place in a community. `listed`: reached through the community's member
/// list by a caller who may read it (or by its owners, in their payloads).
pub struct Membership {
    row: members::Model,
    listed: bool,
}

impl Membership {
    /// A membership shown to whoever may read the community's member list.
    pub fn listed(row: members::Model) -> Self {
        Self { row, listed: true }
    }

    /// The caller's own membership.
    pub fn own(row: members::Model) -> Self {
        Self { row, listed: false }
    }
}

#[Object]
impl Membership {
    /// The member, as the caller may see them: anyone they may see anyway, and in a member
    /// list they may read, those who joined or asked to join. An invited person is shown
    /// to outsiders only once they accept (an owner cannot learn names by inviting ids).
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        let row = ctx
            .loaders()?
            .load_one(PersonKey(self.row.person_id))
            .await?
            .ok_or_else(|| AppError::internal("dangling person reference"))?;
        let shown = self.listed && (self.row.status == "ACTIVE" || self.row.status == "PENDING");
        match Person::visible(&ctx.viewer(), row.clone()) {
            Some(person) => Ok(Some(person)),
            None if shown => Ok(Some(Person::listed_member(row))),
            None => Err(AppError::Forbidden),
        }
    }
    async fn role(&self) -> AppResult<CommunityRole> {
        Stored::from_db("community_members.role", &self.row.role)
    }
    async fn status(&self) -> AppResult<MembershipStatus> {
        Stored::from_db("community_members.status", &self.row.status)
    }
}

impl Community {
    async fn all_members(&self, ctx: &Context<'_>) -> AppResult<Vec<members::Model>> {
        Ok(ctx
            .loaders()?
            .load_one(MembersOf(self.0.id))
            .await?
            .map(|rows| rows.to_vec())
            .unwrap_or_default())
    }
}

#[Object]
impl Community {
    pub async fn id(&self) -> ID {
        encode(Kind::Community, self.0.id)
    }
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn visibility(&self) -> AppResult<CommunityVisibility> {
        Stored::from_db("communities.visibility", &self.0.visibility)
    }
    async fn member_count(&self, ctx: &Context<'_>) -> AppResult<usize> {
        Ok(self
            .all_members(ctx)
            .await?
            .iter()
            .filter(|m| m.status == "ACTIVE")
            .count())
    }
    /// Members and owners: for a public community any signed-in caller, for a private one
    /// its active members and IBM_CHANNEL.
    async fn members(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Membership>>> {
        let all = self.all_members(ctx).await?;
        let viewer = ctx.viewer();
        let me = viewer.person_id();
        let insider = all
            .iter()
            .any(|m| Some(m.person_id) == me && m.status == "ACTIVE");
        if !service::may_list_members(&viewer, &self.0, insider) {
            return Err(AppError::Forbidden);
        }
        Ok(Some(all.into_iter().map(Membership::listed).collect()))
    }
    /// The caller's own membership, if any.
    async fn my_membership(&self, ctx: &Context<'_>) -> AppResult<Option<Membership>> {
        let Some(me) = ctx.viewer().person_id() else {
            return Ok(None);
        };
        Ok(self
            .all_members(ctx)
            .await?
            .into_iter()
            .find(|m| m.person_id == me)
            .map(Membership::own))
    }
}

//! GraphQL objects of the directory. Solutions and approved customer experiences are
//! published; experiences under review, nominations and reader leads are the company's
//! (its people and IBM_CHANNEL).

use super::loader::*;
use crate::auth::policy::GuardedObject;
use crate::auth::{Target, Viewer, visibility};
use crate::domain::Stored;
use crate::domain::gsd::model::{ExperienceStatus, NominationStatus};
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::list;
use crate::graphql::profiles::Company;
use crate::graphql::profiles::loader::CompanyKey;
use access_macros::guarded;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, FixedOffset};
use entities::{customer_experiences, response_cards, solutions, validation_nominations};

pub struct Solution(pub solutions::Model);

impl Solution {
    async fn tags(&self, ctx: &Context<'_>, kind: &str) -> AppResult<Vec<String>> {
        Ok(ctx
            .loaders()?
            .load_one(TagsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| t.value.clone())
            .collect())
    }
}

impl GuardedObject for Solution {
    fn target(&self) -> Target {
        Target::Company(self.0.company_id)
    }
}

#[guarded]
#[Object]
impl Solution {
    pub async fn id(&self) -> ID {
        encode(Kind::Solution, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn in_showcase(&self) -> bool {
        self.0.in_showcase
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn industries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.tags(ctx, "INDUSTRY").await
    }
    /// IBM middleware it runs on.
    async fn middleware(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.tags(ctx, "MIDDLEWARE").await
    }
    /// IBM hardware it runs on.
    async fn hardware(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.tags(ctx, "HARDWARE").await
    }
    /// Has an approved customer experience (worth 7 points to the company's level).
    async fn approved(&self, ctx: &Context<'_>) -> AppResult<bool> {
        Ok(ctx
            .loaders()?
            .load_one(ExperiencesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .any(|e| e.status == "APPROVED"))
    }
    /// IBM validated it technically (the directory's badge).
    async fn technically_validated(&self, ctx: &Context<'_>) -> AppResult<bool> {
        Ok(ctx
            .loaders()?
            .load_one(NominationsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .any(|n| n.status == NominationStatus::Validated))
    }
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        ctx.loaders()?
            .load_one(CompanyKey(self.0.company_id))
            .await?
            .map(Company)
            .ok_or_else(|| AppError::internal("dangling company reference"))
    }
    /// Approved experiences for everyone; all of them for the company and IBM_CHANNEL.
    async fn customer_experiences(&self, ctx: &Context<'_>) -> AppResult<Vec<CustomerExperience>> {
        let all = ctx
            .loaders()?
            .load_one(ExperiencesOf(self.0.id))
            .await?
            .unwrap_or_default();
        let viewer = ctx.viewer();
        Ok(all
            .iter()
            .filter_map(|e| CustomerExperience::visible(&viewer, e.clone(), self.0.company_id))
            .collect())
    }
    /// Technical-validation nominations: the company and IBM_CHANNEL.
    #[guard(ReadEmployees)]
    async fn nominations(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Nomination>>> {
        list(ctx, NominationsOf(self.0.id), Nomination)
            .await
            .map(Some)
    }
    /// Leads from readers: the company and IBM_CHANNEL.
    #[guard(ReadEmployees)]
    async fn response_cards(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<ResponseCard>>> {
        list(ctx, ResponseCardsOf(self.0.id), ResponseCard)
            .await
            .map(Some)
    }
}

/// Built only by [`CustomerExperience::visible`] (`auth::visibility`).
pub struct CustomerExperience(customer_experiences::Model);

impl CustomerExperience {
    /// `solution_company`: the company owning the experience's solution.
    pub fn visible(
        viewer: &Viewer,
        row: customer_experiences::Model,
        solution_company: i64,
    ) -> Option<Self> {
        visibility::customer_experience(viewer, &row.status, solution_company).then_some(Self(row))
    }

    /// An entry of IBM's queue: for whoever may read the channel queues.
    pub fn queued(viewer: &Viewer, row: customer_experiences::Model) -> Option<Self> {
        visibility::channel_queue(viewer).then_some(Self(row))
    }
}

#[Object]
impl CustomerExperience {
    pub async fn id(&self) -> ID {
        encode(Kind::CustomerExperience, self.0.id)
    }
    async fn customer_name(&self) -> &str {
        &self.0.customer_name
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn status(&self) -> AppResult<ExperienceStatus> {
        Stored::from_db("customer_experiences.status", &self.0.status)
    }
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    async fn decided_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.decided_at
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn solution(&self, ctx: &Context<'_>) -> AppResult<Solution> {
        ctx.loaders()?
            .load_one(SolutionKey(self.0.solution_id))
            .await?
            .map(Solution)
            .ok_or_else(|| AppError::internal("dangling solution reference"))
    }
}

pub struct Nomination(pub validation_nominations::Model);

#[Object]
impl Nomination {
    async fn id(&self) -> ID {
        encode(Kind::ValidationNomination, self.0.id)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn status(&self) -> AppResult<NominationStatus> {
        Stored::from_db("validation_nominations.status", &self.0.status)
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    async fn nominated_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
    /// IBM's reason, for a declined nomination.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    async fn decided_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.decided_at
    }
    async fn solution(&self, ctx: &Context<'_>) -> AppResult<Solution> {
        ctx.loaders()?
            .load_one(SolutionKey(self.0.solution_id))
            .await?
            .map(Solution)
            .ok_or_else(|| AppError::internal("dangling solution reference"))
    }
}

pub struct ResponseCard(pub response_cards::Model);

#[Object]
impl ResponseCard {
    async fn id(&self) -> ID {
        encode(Kind::ResponseCard, self.0.id)
    }
    async fn reader_name(&self) -> &str {
        &self.0.reader_name
    }
    async fn reader_email(&self) -> &str {
        &self.0.reader_email
    }
    async fn reader_company(&self) -> Option<&str> {
        self.0.reader_company.as_deref()
    }
    async fn message(&self) -> &str {
        &self.0.message
    }
    async fn received_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
}

//! GraphQL objects of opportunity passing.

use super::loader::EventsOf;
use crate::auth::{Viewer, visibility};
use crate::domain::Stored;
use crate::domain::opportunities::eligibility::Candidate;
use crate::domain::opportunities::model::{OpportunityEvent, OpportunityOrigin, OpportunityStatus};
use crate::domain::opportunities::service::fairness;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::money::Money;
use crate::graphql::profiles::Company;
use crate::graphql::profiles::loader::CompanyKey;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, FixedOffset};
use entities::opportunities;

/// A lead. Built only by [`Opportunity::visible`] (`auth::visibility`).
pub struct Opportunity(opportunities::Model);

impl Opportunity {
    pub fn visible(viewer: &Viewer, row: opportunities::Model) -> Option<Self> {
        visibility::opportunity(viewer, &row).then_some(Self(row))
    }
}

#[Object]
impl Opportunity {
    async fn id(&self) -> ID {
        encode(Kind::Opportunity, self.0.id)
    }
    async fn product_group(&self) -> &str {
        &self.0.product_group
    }
    async fn country(&self) -> &str {
        &self.0.country
    }
    async fn customer_name(&self) -> &str {
        &self.0.customer_name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn status(&self) -> AppResult<OpportunityStatus> {
        Stored::from_db("opportunities.status", &self.0.status)
    }
    /// IBM's lead, or a deal the partner registered.
    async fn origin(&self) -> AppResult<OpportunityOrigin> {
        Stored::from_db("opportunities.origin", &self.0.origin)
    }
    /// The estimated value, when known.
    async fn estimated_value(&self) -> AppResult<Option<Money>> {
        match (self.0.amount_minor, self.0.currency.as_deref()) {
            (Some(minor), Some(currency)) => Money::stored(minor, currency).map(Some),
            _ => Ok(None),
        }
    }
    /// Every change of the lead, oldest first: created or registered, passed, accepted or
    /// declined, each step forward.
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Vec<OpportunityHistoryEntry>> {
        let rows = ctx
            .loaders()?
            .load_one(EventsOf(self.0.id))
            .await?
            .unwrap_or_default();
        rows.iter()
            .map(|e| {
                Ok(OpportunityHistoryEntry {
                    at: e.at,
                    event: Stored::from_db("opportunity_events.event", &e.event)?,
                    from: e
                        .from_status
                        .as_deref()
                        .map(|s| Stored::from_db("opportunity_events.from_status", s))
                        .transpose()?,
                    to: Stored::from_db("opportunity_events.to_status", &e.to_status)?,
                    note: e.note.clone(),
                })
            })
            .collect()
    }
    async fn passed_to(&self, ctx: &Context<'_>) -> AppResult<Option<Company>> {
        match self.0.passed_to_company_id {
            Some(id) => Ok(ctx.loaders()?.load_one(CompanyKey(id)).await?.map(Company)),
            None => Ok(None),
        }
    }
    async fn passed_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.passed_at
    }
    /// Why this partner got the lead.
    async fn pass_reason(&self) -> Option<&str> {
        self.0.pass_reason.as_deref()
    }
}

/// One change of an opportunity. Who made it is in the audit log.
#[derive(SimpleObject)]
pub struct OpportunityHistoryEntry {
    pub at: DateTime<FixedOffset>,
    pub event: OpportunityEvent,
    pub from: Option<OpportunityStatus>,
    pub to: OpportunityStatus,
    /// Why: IBM's reason for passing it, the partner's for declining, a progress note.
    pub note: Option<String>,
}

/// One criterion of lead eligibility.
#[derive(SimpleObject)]
pub struct EligibilityCriterion {
    /// GOOD_STANDING, REGISTERED_FOR_SALES, AUTHORIZED, VAD_CHOSEN or PROFILE_COMPLETE.
    pub criterion: String,
    pub met: bool,
    /// Why it is not met.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct Eligibility {
    pub eligible: bool,
    pub criteria: Vec<EligibilityCriterion>,
}

/// A partner recommended for a lead, and why.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Recommendation {
    pub leads_passed: i32,
    pub last_passed_at: Option<DateTime<FixedOffset>>,
    pub reason: String,
    #[graphql(skip)]
    pub company_id: i64,
}

#[async_graphql::ComplexObject]
impl Recommendation {
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        ctx.loaders()?
            .load_one(CompanyKey(self.company_id))
            .await?
            .map(Company)
            .ok_or_else(|| AppError::internal("dangling company reference"))
    }
}

impl Recommendation {
    pub fn new(c: &Candidate, eligible: usize) -> Self {
        Self {
            leads_passed: i32::try_from(c.leads_passed).unwrap_or(i32::MAX),
            last_passed_at: c.last_passed_at,
            reason: fairness(c, eligible),
            company_id: c.company_id,
        }
    }
}

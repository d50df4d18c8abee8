//! Opportunity queries and the pass mutation.

use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::domain::opportunities::eligibility::{Criterion, assess, recommend};
use crate::domain::write::Write;
use crate::error::{AppError, AppResult};
use crate::graphql::ids::{Kind, decode, encode};
use crate::graphql::pagination::{Cursor, keyset_page};
use crate::graphql::profiles::Company;
use crate::graphql::profiles::loader::CompanyKey;
use crate::graphql::{ContextExt, shown};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, FixedOffset};
use entities::opportunities;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

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
    /// OPEN or PASSED.
    async fn status(&self) -> &str {
        &self.0.status
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

async fn opportunity(
    ctx: &Context<'_>,
    id: &ID,
    field: &'static str,
) -> AppResult<opportunities::Model> {
    let row = decode(id, Kind::Opportunity, field)?;
    opportunities::Entity::find_by_id(row)
        .one(&ctx.app()?.db)
        .await?
        .ok_or(AppError::NotFound("opportunity"))
}

fn recommendation(
    c: &crate::domain::opportunities::eligibility::Candidate,
    eligible: usize,
) -> Recommendation {
    Recommendation {
        leads_passed: i32::try_from(c.leads_passed).unwrap_or(i32::MAX),
        last_passed_at: c.last_passed_at,
        reason: format!(
            "eligible; {} lead(s) passed so far, the fewest among {eligible} eligible partner(s)",
            c.leads_passed
        ),
        company_id: c.company_id,
    }
}

#[derive(Default)]
pub struct OpportunitiesQuery;

#[Object]
impl OpportunitiesQuery {
    /// Leads to pass, oldest first. IBM_CHANNEL.
    #[graphql(
        tag = "ibm-internal",
        complexity = "crate::graphql::pagination::cost(first, child_complexity)"
    )]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        open_only: Option<bool>,
    ) -> AppResult<Connection<Cursor, Opportunity>> {
        let viewer = ctx.viewer();
        ensure(&viewer, Action::PassOpportunities, Target::Global)?;
        let mut select = opportunities::Entity::find();
        if open_only.unwrap_or(false) {
            select = select.filter(opportunities::Column::Status.eq("OPEN"));
        }
        keyset_page(
            ctx,
            select,
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
        let id = decode(&company_id, Kind::Company, "companyId")?;
        ensure(
            &ctx.viewer(),
            Action::ReadRelationshipApplications,
            Target::Company(id),
        )?;
        let (pg, country) = (
            product_group.trim().to_ascii_uppercase(),
            country.trim().to_ascii_uppercase(),
        );
        let failed = assess(&ctx.app()?.db, &[id], &pg, &country)
            .await?
            .remove(&id)
            .ok_or(AppError::NotFound("company"))?;
        Ok(Eligibility {
            eligible: failed.is_empty(),
            criteria: <Criterion as strum::IntoEnumIterator>::iter()
                .map(|c| EligibilityCriterion {
                    criterion: <&str>::from(c).to_owned(),
                    met: !failed.contains(&c),
                    reason: failed.contains(&c).then(|| c.reason(&pg, &country)),
                })
                .collect(),
        })
    }

    /// Eligible partners for a lead, fairest first. IBM_CHANNEL.
    #[graphql(tag = "ibm-internal")]
    async fn recommend_partners(
        &self,
        ctx: &Context<'_>,
        opportunity_id: ID,
        #[graphql(default = 3)] count: i32,
    ) -> AppResult<Vec<Recommendation>> {
        ensure(&ctx.viewer(), Action::PassOpportunities, Target::Global)?;
        if !(1..=50).contains(&count) {
            return Err(AppError::bad_input("count", "between 1 and 50"));
        }
        let o = opportunity(ctx, &opportunity_id, "opportunityId").await?;
        let ranked = recommend(&ctx.app()?.db, o.id, &o.product_group, &o.country).await?;
        Ok(ranked
            .iter()
            .take(count as usize)
            .map(|c| recommendation(c, ranked.len()))
            .collect())
    }
}

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
        ensure(&viewer, Action::PassOpportunities, Target::Global)?;
        let app = ctx.app()?;
        let o = opportunity(ctx, &input.opportunity_id, "input.opportunityId").await?;
        if o.status != "OPEN" {
            return Err(AppError::Conflict("the opportunity was already passed"));
        }
        let (company, reason) = match &input.company_id {
            Some(id) => {
                let company = decode(id, Kind::Company, "input.companyId")?;
                let failed = assess(&app.db, &[company], &o.product_group, &o.country)
                    .await?
                    .remove(&company)
                    .ok_or(AppError::NotFound("company"))?;
                if !failed.is_empty() {
                    return Err(AppError::Incomplete {
                        field: "input.companyId",
                        missing: failed
                            .iter()
                            .map(|c| c.reason(&o.product_group, &o.country))
                            .collect(),
                    });
                }
                (company, "chosen by IBM; eligible".to_owned())
            }
            None => {
                let ranked = recommend(&app.db, o.id, &o.product_group, &o.country).await?;
                let best = ranked.first().ok_or(AppError::Conflict(
                    "no eligible partner for this opportunity",
                ))?;
                (best.company_id, recommendation(best, ranked.len()).reason)
            }
        };
        let w = Write::begin(app, &viewer).await?;
        let updated = opportunities::Entity::update_many()
            .col_expr(opportunities::Column::Status, Expr::value("PASSED"))
            .col_expr(
                opportunities::Column::PassedToCompanyId,
                Expr::value(company),
            )
            .col_expr(opportunities::Column::PassedAt, Expr::current_timestamp())
            .col_expr(
                opportunities::Column::PassReason,
                Expr::value(reason.clone()),
            )
            .col_expr(opportunities::Column::Version, Expr::value(o.version + 1))
            .filter(opportunities::Column::Id.eq(o.id))
            .filter(opportunities::Column::Status.eq("OPEN"))
            .exec(&w.txn)
            .await?;
        if updated.rows_affected != 1 {
            return Err(AppError::Conflict("the opportunity was already passed"));
        }
        w.audit(
            "passOpportunity",
            "Opportunity",
            o.id,
            Some(json!({ "status": "OPEN" })),
            Some(json!({ "company": company, "reason": reason })),
        )
        .await?;
        w.commit().await?;
        let row = opportunities::Entity::find_by_id(o.id)
            .one(&app.db)
            .await?
            .ok_or(AppError::NotFound("opportunity"))?;
        Ok(PassOpportunityPayload {
            opportunity: shown("opportunity", Opportunity::visible(&viewer, row))?,
        })
    }
}

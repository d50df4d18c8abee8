//! Value Net objects: registrations, value nets, matches.

use super::loader::*;
use crate::domain::valuenet::matching::Match;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::profiles::Company;
use crate::graphql::profiles::loader::CompanyKey;
use async_graphql::{Context, ID, Object, SimpleObject};
use entities::{value_net_registrations, value_nets};

pub struct Registration(pub value_net_registrations::Model);

impl Registration {
    async fn focus(&self, ctx: &Context<'_>, kind: &str) -> AppResult<Vec<String>> {
        Ok(ctx
            .loaders()?
            .load_one(FocusOf(self.0.id))
            .await?
            .unwrap_or_default()
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.value.clone())
            .collect())
    }
}

#[Object(name = "ValueNetRegistration")]
impl Registration {
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn technologies(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.focus(ctx, "TECHNOLOGY").await
    }
    async fn industries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.focus(ctx, "INDUSTRY").await
    }
    /// ISO 3166 alpha-2 countries.
    async fn geographies(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.focus(ctx, "GEOGRAPHY").await
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

pub async fn registration(ctx: &Context<'_>, company_id: i64) -> AppResult<Option<Registration>> {
    Ok(ctx
        .loaders()?
        .load_one(RegistrationOf(company_id))
        .await?
        .unwrap_or_default()
        .first()
        .cloned()
        .map(Registration))
}

/// The value nets a company is a confirmed member of (`confirmed`), or has been added to
/// and not answered yet.
pub async fn nets_of(
    ctx: &Context<'_>,
    company_id: i64,
    confirmed: bool,
) -> AppResult<Vec<ValueNet>> {
    let loaders = ctx.loaders()?;
    let links = loaders
        .load_one(ValueNetsOf(company_id))
        .await?
        .unwrap_or_default();
    let nets = loaders
        .load_many(links.iter().map(|l| ValueNetKey(l.value_net_id)))
        .await?;
    Ok(links
        .iter()
        .filter(|l| l.confirmed == confirmed)
        .filter_map(|l| {
            nets.get(&ValueNetKey(l.value_net_id))
                .cloned()
                .map(ValueNet)
        })
        .collect())
}

/// Partners teaming on a go-to-market.
pub struct ValueNet(pub value_nets::Model);

#[Object]
impl ValueNet {
    async fn id(&self) -> ID {
        encode(Kind::ValueNet, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn registered_by(&self, ctx: &Context<'_>) -> AppResult<Company> {
        company(ctx, self.0.registered_by_company_id).await
    }
    async fn members(&self, ctx: &Context<'_>) -> AppResult<Vec<Company>> {
        let links = ctx
            .loaders()?
            .load_one(MembersOfNet(self.0.id))
            .await?
            .unwrap_or_default();
        let companies = ctx
            .loaders()?
            .load_many(links.iter().map(|l| CompanyKey(l.company_id)))
            .await?;
        // A company shows as a member once it confirmed.
        Ok(links
            .iter()
            .filter(|l| l.confirmed)
            .filter_map(|l| {
                companies
                    .get(&CompanyKey(l.company_id))
                    .cloned()
                    .map(Company)
            })
            .collect())
    }
}

async fn company(ctx: &Context<'_>, id: i64) -> AppResult<Company> {
    ctx.loaders()?
        .load_one(CompanyKey(id))
        .await?
        .map(Company)
        .ok_or_else(|| AppError::internal("dangling company reference"))
}

/// A compatible partner and why.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ValueNetMatch {
    pub score: i64,
    pub shared_technologies: Vec<String>,
    pub shared_industries: Vec<String>,
    pub shared_geographies: Vec<String>,
    /// One sentence per shared focus area.
    pub reasons: Vec<String>,
    #[graphql(skip)]
    pub company_id: i64,
}

#[async_graphql::ComplexObject]
impl ValueNetMatch {
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        company(ctx, self.company_id).await
    }
}

impl From<Match> for ValueNetMatch {
    fn from(m: Match) -> Self {
        let pick = |kind: &str| -> Vec<String> {
            m.shared
                .iter()
                .filter(|(k, _)| k == kind)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let reasons = m
            .shared
            .iter()
            .map(|(k, v)| format!("both focus on {} {v}", k.to_lowercase()))
            .collect();
        Self {
            score: m.score,
            shared_technologies: pick("TECHNOLOGY"),
            shared_industries: pick("INDUSTRY"),
            shared_geographies: pick("GEOGRAPHY"),
            reasons,
            company_id: m.company_id,
        }
    }
}

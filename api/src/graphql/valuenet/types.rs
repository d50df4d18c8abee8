//! Value Net objects and queries.

use super::loader::*;
use crate::auth::{Action, Target, ensure};
use crate::domain::valuenet::matching::{Match, matches};
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::ids::{Kind, decode, encode};
use crate::graphql::pagination::{Cursor, page_size};
use crate::graphql::profiles::Company;
use crate::graphql::profiles::loader::CompanyKey;
use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
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
            .into_iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.value)
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
        .into_iter()
        .next()
        .map(Registration))
}

pub async fn nets_of(ctx: &Context<'_>, company_id: i64) -> AppResult<Vec<ValueNet>> {
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
        Ok(links
            .iter()
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

#[derive(Default)]
pub struct ValueNetQuery;

#[Object]
impl ValueNetQuery {
    /// Partners ranked by shared technology (3), industry (2) and geography (1), with the
    /// reasons; for the company's people and IBM_CHANNEL. No match is guaranteed.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn value_net_matches(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Cursor, ValueNetMatch>> {
        let id = decode(&company_id, Kind::Company, "companyId")?;
        ensure(&ctx.viewer(), Action::ReadEmployees, Target::Company(id))?;
        let app = ctx.app()?;
        let first = page_size(first, app.config.max_page_size)?;
        // The cursor is the rank position: the order is by score, not by id.
        let offset = match after {
            None => 0,
            Some(c) => OpaqueCursor::<i64>::decode_cursor(&c)
                .map(|c| c.0 + 1)
                .map_err(|_| AppError::bad_input("after", "not a valid cursor"))?,
        };
        let offset = u64::try_from(offset)
            .map_err(|_| AppError::bad_input("after", "not a valid cursor"))?;
        let mut rows = matches(&app.db, id, offset, u64::from(first) + 1).await?;
        let has_next = rows.len() > first as usize;
        rows.truncate(first as usize);
        let mut conn = Connection::new(offset > 0, has_next);
        for (i, m) in rows.into_iter().enumerate() {
            let rank = i64::try_from(offset)
                .unwrap_or(i64::MAX)
                .saturating_add(i as i64);
            conn.edges
                .push(Edge::new(OpaqueCursor(rank), ValueNetMatch::from(m)));
        }
        Ok(conn)
    }
}

//! The Relay `Node` interface and `node(id:)`. Every object reached here is resolved by
//! the same loaders and checks as on any other path.

use super::ContextExt;
use super::ids::{Kind, decode_any};
use super::pao::Site;
use super::pao::loader::SiteKey;
use super::profiles::loader::{CompanyKey, CountryEnterpriseKey, LocationKey};
use super::profiles::{Company, CountryEnterprise, Location, Person, query::person};
use crate::error::AppResult;
use async_graphql::{Context, ID, Interface, Object};

#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Company(Company),
    CountryEnterprise(CountryEnterprise),
    Location(Location),
    Person(Person),
    Site(Site),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Node>> {
        let (kind, row) = decode_any(&id)?;
        let loaders = ctx.loaders()?;
        Ok(match kind {
            Kind::Company => loaders
                .load_one(CompanyKey(row))
                .await?
                .map(|m| Node::Company(Company(m))),
            Kind::CountryEnterprise => loaders
                .load_one(CountryEnterpriseKey(row))
                .await?
                .map(|m| Node::CountryEnterprise(CountryEnterprise(m))),
            Kind::Location => loaders
                .load_one(LocationKey(row))
                .await?
                .map(|m| Node::Location(Location(m))),
            Kind::Person => person(ctx, row).await?.map(Node::Person),
            Kind::Site => loaders
                .load_one(SiteKey(row))
                .await?
                .and_then(|s| Site::visible(&ctx.viewer(), s))
                .map(Node::Site),
            _ => None,
        })
    }
}

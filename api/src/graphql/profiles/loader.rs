//! Batched loads for the profiles graph.

use crate::cache::entity::{ComputedKind, RowKind};
use crate::domain::profiles::level::LevelInputs;
use crate::domain::profiles::model::PersonStatus;
use crate::graphql::loader::{DbLoader, LoadError, Rows, any_of, keys, load_many, load_one};
use async_graphql::dataloader::Loader;
use entities::{company_partner_types, people};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Query, WindowStatement};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, StatementBuilder,
};
use std::collections::HashMap;
use std::time::Duration;
use tracing::Instrument;

keys! {
    CompanyKey;
    /// Partner types of a company.
    PartnerTypesOf;
    CountryEnterpriseKey;
    /// Country enterprises of a company.
    CountryEnterprisesOf;
    LocationKey;
    /// Locations of a country enterprise.
    LocationsOf;
    /// The headquarters location of a company.
    HeadquartersOf;
    PersonKey;
    CertificationsOf;
    CandidateIdsOf;
    /// A person's candidate id merge requests.
    MergesOf;
    AgreementsAt;
    BenefitsAt;
    RevenueReportsOf;
    /// Revenue correction requests of a country enterprise.
    RevenueCorrectionsOf;
    /// The amounts per brand of a revenue correction.
    CorrectionAmountsOf;
    /// Everything the level rules read about a company.
    LevelInputsOf;
    /// The company's active APAs and PRCs.
    ContactsOf;
    /// Changes of the company's level in force, oldest first.
    LevelChangesOf;
}

load_one!(CountryEnterpriseKey => country_enterprises.Id);
load_one!(LocationKey => locations.Id);
load_one!(PersonKey => people.Id);
load_many!(CountryEnterprisesOf => country_enterprises.CompanyId order Id);
load_many!(LocationsOf => locations.CountryEnterpriseId order Id);
load_many!(CandidateIdsOf => candidate_ids.PersonId order Id);
load_many!(MergesOf => candidate_merge_requests.PersonId order Id);
load_many!(AgreementsAt => agreements.LocationId order Id);
load_many!(BenefitsAt => benefits.LocationId order Id);
load_many!(RevenueReportsOf => revenue_reports.CountryEnterpriseId order Id);
load_many!(RevenueCorrectionsOf => revenue_corrections.CountryEnterpriseId order Id);
load_many!(CorrectionAmountsOf => revenue_correction_amounts.CorrectionId order Id);
load_many!(LevelChangesOf => level_changes.CompanyId order Id);

/// A person's certifications of skills in the points table, each with the points table's
/// track (domain.md §1: a skill not in the table does not show; the track shown is the
/// track counted). One statement: the points table joined, not read apart (it was a
/// second statement per batch, one of six on a page of companies).
impl Loader<CertificationsOf> for DbLoader {
    type Value = Rows<entities::certifications::Model>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[CertificationsOf],
    ) -> Result<HashMap<CertificationsOf, Self::Value>, LoadError> {
        use entities::{certifications, skill_points};
        use sea_orm::{Iterable, JoinType};
        let counted = certifications::Entity::belongs_to(skill_points::Entity)
            .from(certifications::Column::Name)
            .to(skill_points::Column::Name)
            .into();
        let query = certifications::Entity::find()
            .select_only()
            .columns(
                certifications::Column::iter()
                    .filter(|c| !matches!(c, certifications::Column::Track)),
            )
            .column_as(skill_points::Column::Track, "track")
            .join(JoinType::InnerJoin, counted);
        let rows = crate::graphql::loader::many_each_from(
            &self.db,
            "CertificationsOf",
            query,
            certifications::Column::PersonId,
            certifications::Column::Id,
            keys.iter().map(|k| k.0),
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|(k, v)| (CertificationsOf(k), v.into()))
            .collect())
    }
}

impl Loader<ContactsOf> for DbLoader {
    type Value = Rows<people::Model>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ContactsOf],
    ) -> Result<HashMap<ContactsOf, Self::Value>, LoadError> {
        let only = sea_orm::Condition::all()
            .add(people::Column::Status.eq(PersonStatus::Active))
            .add(
                sea_orm::Condition::any()
                    .add(people::Column::IsApa.eq(true))
                    .add(people::Column::IsPrc.eq(true)),
            );
        let rows = crate::graphql::loader::many_each_where::<people::Entity>(
            &self.db,
            "ContactsOf",
            people::Column::CompanyId,
            people::Column::Id,
            keys.iter().map(|k| k.0),
            only,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|(k, v)| (ContactsOf(k), v.into()))
            .collect())
    }
}

impl Loader<PartnerTypesOf> for DbLoader {
    type Value = Vec<String>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[PartnerTypesOf],
    ) -> Result<HashMap<PartnerTypesOf, Vec<String>>, LoadError> {
        let rows = crate::graphql::loader::many_each::<company_partner_types::Entity>(
            &self.db,
            "PartnerTypesOf",
            company_partner_types::Column::CompanyId,
            company_partner_types::Column::PartnerType,
            keys.iter().map(|k| k.0),
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|(k, v)| {
                (
                    PartnerTypesOf(k),
                    v.into_iter().map(|r| r.partner_type).collect(),
                )
            })
            .collect())
    }
}

impl DbLoader {
    /// Company rows through the entity cache.
    async fn companies(
        &self,
        ids: Vec<i64>,
    ) -> Result<HashMap<i64, entities::companies::Model>, LoadError> {
        let db = self.db.clone();
        self.cache
            .rows(
                RowKind::Company,
                &ids,
                |c: &entities::companies::Model| i64::from(c.version),
                |misses| async move {
                    crate::graphql::loader::one_each::<entities::companies::Entity>(
                        &db,
                        "CompanyKey",
                        entities::companies::Column::Id,
                        misses.into_iter(),
                    )
                    .await
                },
            )
            .await
    }
}

impl Loader<CompanyKey> for DbLoader {
    type Value = entities::companies::Model;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[CompanyKey],
    ) -> Result<HashMap<CompanyKey, Self::Value>, LoadError> {
        let rows = self.companies(keys.iter().map(|k| k.0).collect()).await?;
        Ok(rows.into_iter().map(|(k, v)| (CompanyKey(k), v)).collect())
    }
}

/// A company by its public `partnerWorldId`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CompanyByPartnerWorldId(pub String);

impl Loader<CompanyByPartnerWorldId> for DbLoader {
    type Value = entities::companies::Model;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[CompanyByPartnerWorldId],
    ) -> Result<HashMap<CompanyByPartnerWorldId, Self::Value>, LoadError> {
        use entities::companies::{Column, Entity};
        // partnerWorldId → row id never changes: cache it, then read rows by id.
        let store = self.cache.store();
        let mut ids = HashMap::new();
        let mut misses = Vec::new();
        for k in keys {
            let cached = store
                .get(&format!("company-pw:{}", k.0))
                .await
                .and_then(|b| {
                    std::str::from_utf8(crate::cache::payload_of(&b)?)
                        .ok()?
                        .parse::<i64>()
                        .ok()
                });
            match cached {
                Some(id) => {
                    ids.insert(k.clone(), id);
                }
                None => misses.push(k.0.as_str()),
            }
        }
        if !misses.is_empty() {
            let found: Vec<(i64, String)> = Entity::find()
                .select_only()
                .column(Column::Id)
                .column(Column::PartnerWorldId)
                .filter(Column::PartnerWorldId.is_in(misses))
                .into_tuple()
                .all(&self.db)
                .instrument(tracing::debug_span!(
                    "loader.batch",
                    loader.name = "CompanyByPartnerWorldId"
                ))
                .await?;
            for (id, pw) in found {
                let key = format!("company-pw:{pw}");
                store
                    .set_if_newer(
                        &key,
                        0,
                        id.to_string().as_bytes(),
                        Duration::from_secs(86_400),
                    )
                    .await;
                ids.insert(CompanyByPartnerWorldId(pw), id);
            }
        }
        let rows = self.companies(ids.values().copied().collect()).await?;
        Ok(ids
            .into_iter()
            .filter_map(|(k, id)| rows.get(&id).cloned().map(|row| (k, row)))
            .collect())
    }
}

impl Loader<HeadquartersOf> for DbLoader {
    type Value = entities::locations::Model;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[HeadquartersOf],
    ) -> Result<HashMap<HeadquartersOf, Self::Value>, LoadError> {
        use entities::locations::{Column, Entity};
        let rows = Entity::find()
            .filter(any_of(
                &self.db,
                Column::CompanyId,
                keys.iter().map(|k| k.0).collect(),
            ))
            .filter(Column::IsHeadquarters.eq(true))
            .all(&self.db)
            .instrument(tracing::debug_span!(
                "loader.batch",
                loader.name = "HeadquartersOf"
            ))
            .await?;
        Ok(rows
            .into_iter()
            .map(|l| (HeadquartersOf(l.company_id), l))
            .collect())
    }
}

/// A page of people under one parent: `first` rows after row id `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeoplePage {
    pub parent: PeopleParent,
    pub first: u32,
    pub after: i64,
    /// Only people in this status.
    pub status: Option<PersonStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeopleParent {
    Location(i64),
    Company(i64),
}

impl Loader<PeoplePage> for DbLoader {
    /// Up to `first + 1` rows, so the caller can tell whether a next page exists.
    type Value = Rows<people::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PeoplePage],
    ) -> Result<HashMap<PeoplePage, Self::Value>, LoadError> {
        // Keys of one request nearly always share (kind, first, after): one statement each.
        let mut groups: HashMap<(bool, u32, i64, Option<PersonStatus>), Vec<i64>> = HashMap::new();
        for k in keys {
            let (by_location, id) = match k.parent {
                PeopleParent::Location(id) => (true, id),
                PeopleParent::Company(id) => (false, id),
            };
            groups
                .entry((by_location, k.first, k.after, k.status))
                .or_default()
                .push(id);
        }
        let mut out: HashMap<PeoplePage, Vec<people::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for ((by_location, first, after, status), parents) in groups {
            let parent_col = if by_location {
                people::Column::LocationId
            } else {
                people::Column::CompanyId
            };
            // First N per parent in one statement: ROW_NUMBER() over the parent partition.
            let mut inner = Query::select();
            inner
                .column(Asterisk)
                .expr_window_as(
                    Func::cust("ROW_NUMBER"),
                    WindowStatement::partition_by(parent_col)
                        .order_by(people::Column::Id, sea_orm::Order::Asc)
                        .take(),
                    "rn",
                )
                .from(people::Entity)
                .and_where(any_of(&self.db, parent_col, parents))
                .and_where(Expr::col(people::Column::Id).gt(after));
            if let Some(status) = status {
                inner.and_where(Expr::col(people::Column::Status).eq(status.as_db()));
            }
            let mut outer = Query::select();
            outer
                .column(Asterisk)
                .from_subquery(inner, Alias::new("page"))
                .and_where(Expr::col("rn").lte(i64::from(first) + 1))
                .order_by(people::Column::Id, sea_orm::Order::Asc);
            let stmt = StatementBuilder::build(&outer, &self.db.get_database_backend());
            let rows = people::Model::find_by_statement(stmt)
                .all(&self.db)
                .instrument(tracing::debug_span!(
                    "loader.batch",
                    loader.name = "PeoplePage"
                ))
                .await?;
            for p in rows {
                let parent = if by_location {
                    PeopleParent::Location(p.location_id)
                } else {
                    PeopleParent::Company(p.company_id)
                };
                out.entry(PeoplePage {
                    parent,
                    first,
                    after,
                    status,
                })
                .or_default()
                .push(p);
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

impl Loader<LevelInputsOf> for DbLoader {
    type Value = LevelInputs;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[LevelInputsOf],
    ) -> Result<HashMap<LevelInputsOf, LevelInputs>, LoadError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let loader = self.clone();
        let computed = self
            .cache
            .computed(ComputedKind::Level, &ids, |misses| async move {
                loader.level_inputs(misses).await
            })
            .await?;
        Ok(computed
            .into_iter()
            .map(|(k, v)| (LevelInputsOf(k), v))
            .collect())
    }
}

impl DbLoader {
    /// Everything the level rules read, for a batch of companies, from the database.
    async fn level_inputs(&self, ids: Vec<i64>) -> Result<HashMap<i64, LevelInputs>, LoadError> {
        let span = tracing::debug_span!(
            "loader.batch",
            loader.name = "LevelInputsOf",
            loader.batch_size = ids.len()
        );
        Ok(crate::domain::profiles::reads::level_inputs(&self.db, &ids)
            .instrument(span)
            .await?)
    }
}

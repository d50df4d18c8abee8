//! Who may receive a lead, and who should get the next one.
//!
//! Each criterion is one batched statement over the candidate companies, so assessing one
//! partner and ranking every authorized partner of a country share the same code.
//! Fairness: the next lead goes to the eligible partner that has received the fewest
//! leads, then the one served longest ago, then a hash of (opportunity, company) so ties
//! do not always favour the same partner.

use crate::domain::profiles::model::PersonStatus;
use crate::domain::relationships::model::{ApplicationStatus, VadChoice};
use crate::error::AppResult;
use entities::{
    authorizations, companies, locations, opportunities, people, relationship_applications as apps,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Criterion {
    GoodStanding,
    RegisteredForSales,
    Authorized,
    VadChosen,
    ProfileComplete,
}

impl Criterion {
    pub fn reason(self, product_group: &str, country: &str) -> String {
        match self {
            Self::GoodStanding => "the company is not in good standing".into(),
            Self::RegisteredForSales => "the company is not registered for sales activity".into(),
            Self::Authorized => format!("not authorized for {product_group} in {country}"),
            Self::VadChosen => {
                "no Value Added Distributor on an approved relationship application".into()
            }
            Self::ProfileComplete => {
                "the profile is incomplete (headquarters, description and an active PRC are needed)"
                    .into()
            }
        }
    }
}

/// Which of `ids` have at least one row of `E` matching `condition`: one statement that
/// reads only the company column.
async fn companies_where<E: EntityTrait>(
    db: &impl ConnectionTrait,
    company_col: E::Column,
    ids: &[i64],
    condition: Condition,
) -> AppResult<HashSet<i64>> {
    let found: Vec<i64> = E::find()
        .select_only()
        .column(company_col)
        .distinct()
        .filter(company_col.is_in(ids.iter().copied()))
        .filter(condition)
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// The criteria each company fails; absent from the map means unknown company.
pub async fn assess<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    product_group: &str,
    country: &str,
) -> AppResult<HashMap<i64, Vec<Criterion>>> {
    let rows = companies::Entity::find()
        .filter(companies::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let authorized = companies_where::<authorizations::Entity>(
        db,
        authorizations::Column::CompanyId,
        ids,
        Condition::all()
            .add(authorizations::Column::ProductGroup.eq(product_group))
            .add(authorizations::Column::Country.eq(country)),
    )
    .await?;
    // domain.md §2: "a VAD selected (a real distributor on an approved relationship)":
    // IBM_COM and "distributor not listed" do not count, nor does an application IBM has
    // not approved.
    let with_vad = companies_where::<apps::Entity>(
        db,
        apps::Column::CompanyId,
        ids,
        Condition::all()
            .add(apps::Column::VadChoice.eq(VadChoice::Distributor))
            .add(apps::Column::VadCompanyId.is_not_null())
            .add(apps::Column::Status.eq(ApplicationStatus::Approved)),
    )
    .await?;
    let with_hq = companies_where::<locations::Entity>(
        db,
        locations::Column::CompanyId,
        ids,
        Condition::all().add(locations::Column::IsHeadquarters.eq(true)),
    )
    .await?;
    let with_prc = companies_where::<people::Entity>(
        db,
        people::Column::CompanyId,
        ids,
        Condition::all()
            .add(people::Column::IsPrc.eq(true))
            .add(people::Column::Status.eq(PersonStatus::Active)),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let mut failed = Vec::new();
            if !c.good_standing {
                failed.push(Criterion::GoodStanding);
            }
            if !c.registered_for_sales {
                failed.push(Criterion::RegisteredForSales);
            }
            if !authorized.contains(&c.id) {
                failed.push(Criterion::Authorized);
            }
            if !with_vad.contains(&c.id) {
                failed.push(Criterion::VadChosen);
            }
            if !(with_hq.contains(&c.id) && with_prc.contains(&c.id) && c.description.is_some()) {
                failed.push(Criterion::ProfileComplete);
            }
            (c.id, failed)
        })
        .collect())
}

/// An eligible partner with what the ranking saw.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub company_id: i64,
    pub leads_passed: usize,
    pub last_passed_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    tiebreak: u64,
}

/// FNV-1a: a stable, dependency-free hash for tie-breaking.
fn mix(a: i64, b: i64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in a.to_le_bytes().into_iter().chain(b.to_le_bytes()) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Eligible partners for a lead, fairest first.
pub async fn recommend<C: ConnectionTrait>(
    db: &C,
    opportunity_id: i64,
    product_group: &str,
    country: &str,
) -> AppResult<Vec<Candidate>> {
    // Only authorized partners can be eligible: start from the (product, country) index.
    let authorized: Vec<i64> = authorizations::Entity::find()
        .filter(authorizations::Column::ProductGroup.eq(product_group))
        .filter(authorizations::Column::Country.eq(country))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.company_id)
        .collect();
    let failed = assess(db, &authorized, product_group, country).await?;
    let eligible: Vec<i64> = authorized
        .into_iter()
        .filter(|id| failed.get(id).is_some_and(Vec::is_empty))
        .collect();
    let mut served: HashMap<i64, (usize, Option<chrono::DateTime<chrono::FixedOffset>>)> =
        HashMap::new();
    for o in opportunities::Entity::find()
        .filter(opportunities::Column::PassedToCompanyId.is_in(eligible.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(c) = o.passed_to_company_id {
            let e = served.entry(c).or_default();
            e.0 += 1;
            e.1 = e.1.max(o.passed_at);
        }
    }
    let mut out: Vec<Candidate> = eligible
        .into_iter()
        .map(|id| {
            let (leads_passed, last_passed_at) = served.get(&id).copied().unwrap_or_default();
            Candidate {
                company_id: id,
                leads_passed,
                last_passed_at,
                tiebreak: mix(opportunity_id, id),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.leads_passed
            .cmp(&b.leads_passed)
            .then(a.last_passed_at.cmp(&b.last_passed_at))
            .then(a.tiebreak.cmp(&b.tiebreak))
            .then(a.company_id.cmp(&b.company_id))
    });
    Ok(out)
}

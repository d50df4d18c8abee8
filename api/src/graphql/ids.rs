//! Opaque global ids (`Node.id`): base64url of `Kind:rowid`. Row numbers are never shown
//! bare, and a decoded id is checked against the kind the caller asked for.

use crate::error::{AppError, AppResult};
use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
pub enum Kind {
    Company,
    CountryEnterprise,
    Location,
    Person,
    Certification,
    Agreement,
    Benefit,
    RevenueReport,
    Site,
    SiteUser,
    AccessRequest,
    PaoCustomer,
    RenewalLineItem,
    Order,
    RelationshipApplication,
    ApplicationDocument,
    Authorization,
    Solution,
    CustomerExperience,
    ResponseCard,
    ValidationNomination,
    Community,
    ValueNet,
    Opportunity,
    AuditRecord,
    CandidateIdMerge,
    TechnicalAdvocateRequest,
    RevenueCorrection,
    RenewalQuote,
    Notification,
}

pub fn encode(kind: Kind, id: i64) -> ID {
    let kind: &'static str = kind.into();
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// Any global id: its kind and row id.
pub fn decode_any(id: &str) -> AppResult<(Kind, i64)> {
    let bad = || AppError::bad_input("id", "not a valid id");
    if id.len() > 64 {
        return Err(bad());
    }
    let raw = URL_SAFE_NO_PAD.decode(id).map_err(|_| bad())?;
    let text = std::str::from_utf8(&raw).map_err(|_| bad())?;
    let (kind, row) = text.split_once(':').ok_or_else(bad)?;
    let kind: Kind = kind.parse().map_err(|_| bad())?;
    let row: i64 = row.parse().map_err(|_| bad())?;
    if row <= 0 {
        return Err(bad());
    }
    Ok((kind, row))
}

/// A global id that must be of `kind`.
pub fn decode(id: &str, kind: Kind, field: &'static str) -> AppResult<i64> {
    match decode_any(id) {
        Ok((k, row)) if k == kind => Ok(row),
        _ => Err(AppError::bad_input(
            field,
            format!("not a valid {} id", <&str>::from(kind)),
        )),
    }
}

/// A typed row id of the domain, and the kind its global id names.
pub trait RowId: Sized {
    const KIND: Kind;
    fn from_row(row: i64) -> Self;
}

macro_rules! row_ids {
    ($($ty:ty => $kind:ident,)*) => {$(
        impl RowId for $ty {
            const KIND: Kind = Kind::$kind;
            fn from_row(row: i64) -> Self {
                Self(row)
            }
        }
    )*};
}

use crate::domain::{communities, gsd, opportunities, pao, profiles, relationships, valuenet};

row_ids! {
    profiles::model::CompanyId => Company,
    profiles::model::PersonId => Person,
    profiles::model::LocationId => Location,
    profiles::model::CountryEnterpriseId => CountryEnterprise,
    profiles::model::MergeRequestId => CandidateIdMerge,
    profiles::model::RevenueCorrectionId => RevenueCorrection,
    profiles::model::BenefitId => Benefit,
    pao::model::SiteId => Site,
    pao::model::SiteUserId => SiteUser,
    pao::model::AccessRequestId => AccessRequest,
    pao::model::RenewalLineItemId => RenewalLineItem,
    relationships::model::ApplicationId => RelationshipApplication,
    relationships::model::AdvocateRequestId => TechnicalAdvocateRequest,
    gsd::model::SolutionId => Solution,
    gsd::model::ExperienceId => CustomerExperience,
    gsd::model::NominationId => ValidationNomination,
    communities::model::CommunityId => Community,
    opportunities::model::OpportunityId => Opportunity,
    valuenet::model::ValueNetId => ValueNet,
}

/// A global id decoded to the typed row id it must name.
pub fn decode_id<T: RowId>(id: &str, field: &'static str) -> AppResult<T> {
    decode(id, T::KIND, field).map(T::from_row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_other_kinds() {
        let id = encode(Kind::Company, 42);
        assert_eq!(decode(&id, Kind::Company, "id").ok(), Some(42));
        assert!(decode(&id, Kind::Person, "id").is_err());
        assert!(decode_any("not base64!").is_err());
        assert!(decode_any(&URL_SAFE_NO_PAD.encode("Company:-1")).is_err());
        assert!(decode_any(&URL_SAFE_NO_PAD.encode("Company:x")).is_err());
    }
}

//! Profile mutations: thin wrappers over `service`.

use super::types::{
    Benefit, CandidateIdMerge, Company, CountryEnterprise, Location, Person, RevenueCorrection,
};
use crate::auth::Viewer;
use crate::domain::profiles::benefits;
use crate::domain::profiles::model::{
    BenefitId, BenefitKind, Brand, CertificationKind, CompanyId, CompanyRole, CountryEnterpriseId,
    CriterionKind, LocationId, MembershipLevel, MergeRequestId, PartnerType, PersonId,
    RevenueCorrectionId, SkillTrack,
};
use crate::domain::profiles::presence::{self, Address, CountryEnterpriseChanges};
use crate::domain::profiles::program::{self, Attainment, StandingChange};
use crate::domain::profiles::revenue;
use crate::domain::profiles::service::{self, CompanyChanges, NewCompany, NewLocation, NewPerson};
use crate::domain::profiles::skills::{self, FeedRow, RejectCode};
use crate::error::{AppError, AppResult};
use crate::graphql::ids::decode_id;
use crate::graphql::money::MoneyInput;
use crate::graphql::{ContextExt, shown};
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::NaiveDate;
use entities::candidate_merge_requests;

#[derive(InputObject)]
pub struct RevenueContactInput {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

#[derive(InputObject)]
pub struct BrandAmountInput {
    pub brand: Brand,
    pub amount: MoneyInput,
}

/// The FAQ's fields: the country enterprise stands for the country, the company and the
/// CE id.
#[derive(InputObject)]
pub struct RequestRevenueCorrectionInput {
    pub country_enterprise_id: ID,
    /// The reporting period to correct, e.g. `2026-Q3`.
    pub period: String,
    pub contact: RevenueContactInput,
    /// The distributor the revenue went through, if any.
    pub distributor: Option<String>,
    /// The corrected amount per brand, all in one currency.
    pub amounts: Vec<BrandAmountInput>,
    /// Anything else IBM should know.
    pub other: Option<String>,
}

#[derive(InputObject)]
pub struct DecideRevenueCorrectionInput {
    pub correction_id: ID,
    pub version: i32,
    /// true: the period's reports take the corrected amounts; false: rejected (with a reason).
    pub approve: bool,
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct RevenueCorrectionPayload {
    pub correction: RevenueCorrection,
}

#[derive(InputObject)]
pub struct AddBenefitInput {
    pub location_id: ID,
    pub kind: BenefitKind,
    pub name: String,
    pub valid_until: NaiveDate,
}

/// Renew (a later `validUntil`), move to another location of the company, or cancel; at
/// least one of them.
#[derive(InputObject)]
pub struct UpdateBenefitInput {
    pub benefit_id: ID,
    pub version: i32,
    pub valid_until: Option<NaiveDate>,
    pub location_id: Option<ID>,
    /// true cancels the benefit; false or null leaves its status.
    pub cancel: Option<bool>,
}

#[derive(SimpleObject)]
pub struct BenefitPayload {
    pub benefit: Benefit,
}

#[derive(InputObject)]
pub struct UpdateCompanyProfileInput {
    pub company_id: ID,
    /// The `version` the change was made against; a stale one answers CONFLICT.
    pub version: i32,
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(SimpleObject)]
pub struct UpdateCompanyProfilePayload {
    pub company: Company,
}

#[derive(InputObject)]
pub struct AddCandidateIdInput {
    /// The employee to add it for (their company's APA); the caller themself when absent.
    pub person_id: Option<ID>,
    pub candidate_id: String,
    /// Sales or Technical, as the person chooses for this candidate id.
    pub track: SkillTrack,
}

#[derive(InputObject)]
pub struct RequestCandidateIdMergeInput {
    /// The caller's own candidate ids to merge (two to ten, with `keep`).
    pub candidate_ids: Vec<String>,
    /// The candidate id the others are merged into.
    pub keep: String,
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct DecideCandidateIdMergeInput {
    pub merge_id: ID,
    pub version: i32,
    pub approve: bool,
    pub note: Option<String>,
}

#[derive(SimpleObject)]
pub struct CandidateIdMergePayload {
    pub merge: CandidateIdMerge,
}

/// One row of a testing vendor's feed.
#[derive(InputObject)]
pub struct CertificationFeedRow {
    pub candidate_id: String,
    pub name: String,
    pub kind: CertificationKind,
    pub earned_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct ImportCertificationsInput {
    /// At most 1 000 rows a call; larger feeds go through `partnerworld
    /// import-certifications`.
    pub rows: Vec<CertificationFeedRow>,
}

/// What a feed did. Rejected rows changed nothing; the others were applied together.
#[derive(SimpleObject)]
pub struct CertificationImportReport {
    pub received: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<RejectedFeedRow>,
    /// Levels in force that moved because of what arrived.
    pub level_changes: Vec<CompanyLevelChange>,
}

#[derive(SimpleObject)]
pub struct RejectedFeedRow {
    /// 1-based position in `rows` (or line in the CSV file).
    pub row: usize,
    pub candidate_id: String,
    pub code: RejectCode,
    pub reason: String,
}

/// A company whose level in force moved.
#[derive(SimpleObject)]
pub struct CompanyLevelChange {
    pub company: Company,
    pub from: MembershipLevel,
    pub to: MembershipLevel,
}

/// A yes/no IBM sets on a company, against the version it read.
#[derive(InputObject)]
pub struct CompanyFlagInput {
    pub company_id: ID,
    pub version: i32,
    pub value: bool,
    /// Why, for the audit log.
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct SubmitPartnerPlanInput {
    pub company_id: ID,
    pub version: i32,
    pub summary: String,
    /// The day the plan runs to.
    pub valid_until: NaiveDate,
}

#[derive(InputObject)]
pub struct VerifyPartnerPlanInput {
    pub company_id: ID,
    pub version: i32,
    /// true: verified (current until `validUntil`); false: returned to the APA.
    pub approve: bool,
    /// Defaults to the day the APA asked for.
    pub valid_until: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct RecordAttainmentInput {
    pub company_id: ID,
    /// REVENUE_ATTAINMENT or CUSTOMER_SATISFACTION.
    pub kind: CriterionKind,
    pub description: String,
    pub points: i32,
    pub earned_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

#[derive(SimpleObject)]
pub struct CompanyPayload {
    pub company: Company,
}

#[derive(InputObject)]
pub struct SetPartnerTypesInput {
    pub company_id: ID,
    pub version: i32,
    /// The full set after the change (at least one).
    pub partner_types: Vec<PartnerType>,
}

#[derive(InputObject)]
pub struct AddCountryEnterpriseInput {
    pub company_id: ID,
    /// ISO 3166 alpha-2, in capitals.
    pub country: String,
    /// Its first location.
    pub location: LocationInput,
}

#[derive(InputObject)]
pub struct UpdateCountryEnterpriseInput {
    pub country_enterprise_id: ID,
    pub version: i32,
    pub publish_to_partners: Option<bool>,
    pub publish_to_customers: Option<bool>,
    /// Leave out to keep; `null` to clear.
    pub marketing_description: MaybeUndefined<String>,
    /// Leave out to keep; `null` to clear.
    pub passport_advantage_id: MaybeUndefined<String>,
}

#[derive(InputObject)]
pub struct AddLocationInput {
    pub country_enterprise_id: ID,
    pub location: LocationInput,
}

#[derive(InputObject)]
pub struct UpdateLocationInput {
    pub location_id: ID,
    pub version: i32,
    /// The address after the change.
    pub location: LocationInput,
}

#[derive(SimpleObject)]
pub struct CountryEnterprisePayload {
    pub country_enterprise: CountryEnterprise,
}

#[derive(SimpleObject)]
pub struct LocationPayload {
    pub location: Location,
}

#[derive(InputObject)]
pub struct SetFocalIdInput {
    pub person_id: ID,
    pub version: i32,
}

#[derive(SimpleObject)]
pub struct PersonPayload {
    pub person: Person,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    Reject,
}

#[derive(InputObject)]
pub struct ReviewPersonInput {
    pub person_id: ID,
    pub version: i32,
    pub decision: ReviewDecision,
}

/// A location as it is registered.
#[derive(InputObject)]
pub struct LocationInput {
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
}

#[derive(InputObject)]
pub struct RegisterCompanyInput {
    pub name: String,
    pub partner_types: Vec<PartnerType>,
    /// ISO 3166 alpha-2 country of the headquarters (its country enterprise).
    pub country: String,
    pub headquarters: LocationInput,
    /// The registering person's own profile: they become the company's first APA.
    pub given_name: String,
    pub family_name: String,
    pub job_title: Option<String>,
}

#[derive(SimpleObject)]
pub struct RegisterCompanyPayload {
    /// Read with the caller's standing when the request began: the APA's fields (the
    /// company token among them) answer from the next request on.
    pub company: Company,
}

#[derive(InputObject)]
pub struct JoinCompanyInput {
    /// The location to join (the company's locations are public).
    pub location_id: ID,
    /// The company token, from the company's APA or PRC.
    pub company_token: String,
    pub given_name: String,
    pub family_name: String,
    pub job_title: Option<String>,
}

#[derive(InputObject)]
pub struct SetCompanyRoleInput {
    pub person_id: ID,
    pub version: i32,
    pub role: CompanyRole,
    /// True to grant the role, false to remove it.
    pub granted: bool,
}

#[derive(Default)]
pub struct ProfilesMutation;

#[Object]
impl ProfilesMutation {
    /// APA of the company.
    async fn update_company_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateCompanyProfileInput,
    ) -> AppResult<UpdateCompanyProfilePayload> {
        let id = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let changes = CompanyChanges {
            name: input.name,
            description: input.description,
        };
        let model =
            service::update_company_profile(ctx.app()?, &ctx.viewer(), id, input.version, changes)
                .await?;
        Ok(UpdateCompanyProfilePayload {
            company: Company(model),
        })
    }

    /// The person themself (active), or the APA of their company: adds a candidate id
    /// marked Sales or Technical. The testing vendors' feed then brings what was earned
    /// under it.
    async fn add_candidate_id(
        &self,
        ctx: &Context<'_>,
        input: AddCandidateIdInput,
    ) -> AppResult<PersonPayload> {
        let id = input
            .person_id
            .map(|id| decode_id::<PersonId>(&id, "input.personId"))
            .transpose()?;
        let model = skills::add_candidate_id(
            ctx.app()?,
            &ctx.viewer(),
            id,
            &input.candidate_id,
            input.track,
        )
        .await?;
        Ok(PersonPayload {
            person: Person::visible(&ctx.viewer(), model).ok_or(AppError::NotFound("person"))?,
        })
    }

    /// The person themself: asks IBM to merge several of their candidate ids into one.
    async fn request_candidate_id_merge(
        &self,
        ctx: &Context<'_>,
        input: RequestCandidateIdMergeInput,
    ) -> AppResult<CandidateIdMergePayload> {
        let viewer = ctx.viewer();
        let row = skills::request_merge(
            ctx.app()?,
            &viewer,
            &input.candidate_ids,
            &input.keep,
            input.reason,
        )
        .await?;
        merge_payload(&viewer, row)
    }

    /// IBM_CHANNEL: approves (the certifications move under the kept id) or declines a
    /// candidate id merge.
    #[graphql(tag = "ibm-internal")]
    async fn decide_candidate_id_merge(
        &self,
        ctx: &Context<'_>,
        input: DecideCandidateIdMergeInput,
    ) -> AppResult<CandidateIdMergePayload> {
        let viewer = ctx.viewer();
        let id = decode_id::<MergeRequestId>(&input.merge_id, "input.mergeId")?;
        let row = skills::decide_merge(
            ctx.app()?,
            &viewer,
            id,
            input.version,
            input.approve,
            input.note,
        )
        .await?;
        merge_payload(&viewer, row)
    }

    /// IBM_CHANNEL (or a service identity with that role): the testing vendors' feed.
    /// Idempotent; each row validated on its own; the accepted rows applied together with
    /// the level in force of every company they touch.
    #[graphql(tag = "ibm-internal")]
    async fn import_certifications(
        &self,
        ctx: &Context<'_>,
        input: ImportCertificationsInput,
    ) -> AppResult<CertificationImportReport> {
        if input.rows.len() > skills::MAX_FEED_ROWS_PER_CALL {
            return Err(AppError::bad_input(
                "input.rows",
                format!(
                    "at most {} rows a call; send larger feeds with `partnerworld import-certifications`",
                    skills::MAX_FEED_ROWS_PER_CALL
                ),
            ));
        }
        let rows: Vec<(usize, FeedRow)> = input
            .rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    i + 1,
                    FeedRow {
                        candidate_id: r.candidate_id,
                        name: r.name,
                        kind: r.kind,
                        earned_on: r.earned_on,
                        expires_on: r.expires_on,
                    },
                )
            })
            .collect();
        let report = skills::import(
            ctx.app()?,
            &ctx.viewer(),
            &rows,
            Vec::new(),
            crate::domain::profiles::level::today(),
        )
        .await?;
        Ok(CertificationImportReport {
            received: report.received,
            added: report.added,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report
                .rejected
                .into_iter()
                .map(|r| RejectedFeedRow {
                    row: r.row,
                    candidate_id: r.candidate_id,
                    code: r.code,
                    reason: r.reason,
                })
                .collect(),
            level_changes: report
                .level_changes
                .into_iter()
                .map(|c| CompanyLevelChange {
                    from: c.from,
                    to: c.to,
                    company: Company(c.company),
                })
                .collect(),
        })
    }

    /// APA of the person's company: names them the company's Focal ID, its prime contact
    /// for opportunity passing (moved from whoever held it).
    async fn set_focal_id(
        &self,
        ctx: &Context<'_>,
        input: SetFocalIdInput,
    ) -> AppResult<PersonPayload> {
        let id = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let model = service::set_focal_id(ctx.app()?, &ctx.viewer(), id, input.version).await?;
        Ok(PersonPayload {
            person: Person::visible(&ctx.viewer(), model).ok_or(AppError::NotFound("person"))?,
        })
    }

    /// APA of the company: its partner types, replaced as a whole.
    async fn set_partner_types(
        &self,
        ctx: &Context<'_>,
        input: SetPartnerTypesInput,
    ) -> AppResult<CompanyPayload> {
        let id = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let row = presence::set_partner_types(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            input.partner_types,
        )
        .await?;
        Ok(CompanyPayload {
            company: Company(row),
        })
    }

    /// APA of the company: its presence in one more country, with a first location.
    async fn add_country_enterprise(
        &self,
        ctx: &Context<'_>,
        input: AddCountryEnterpriseInput,
    ) -> AppResult<CountryEnterprisePayload> {
        let id = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let row = presence::add_country_enterprise(
            ctx.app()?,
            &ctx.viewer(),
            id,
            &input.country,
            address(input.location),
        )
        .await?;
        Ok(CountryEnterprisePayload {
            country_enterprise: CountryEnterprise(row),
        })
    }

    /// APA of the company: directory publishing (to partners, to customers), the
    /// marketing text, and the Passport Advantage reseller id of a country enterprise.
    async fn update_country_enterprise(
        &self,
        ctx: &Context<'_>,
        input: UpdateCountryEnterpriseInput,
    ) -> AppResult<CountryEnterprisePayload> {
        let id = decode_id::<CountryEnterpriseId>(
            &input.country_enterprise_id,
            "input.countryEnterpriseId",
        )?;
        let maybe = |v: MaybeUndefined<String>| match v {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(v) => Some(Some(v)),
        };
        let changes = CountryEnterpriseChanges {
            publish_to_partners: input.publish_to_partners,
            publish_to_customers: input.publish_to_customers,
            marketing_description: maybe(input.marketing_description),
            passport_advantage_id: maybe(input.passport_advantage_id),
        };
        let row = presence::update_country_enterprise(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            changes,
        )
        .await?;
        Ok(CountryEnterprisePayload {
            country_enterprise: CountryEnterprise(row),
        })
    }

    /// APA of the company: a new location under a country enterprise.
    async fn add_location(
        &self,
        ctx: &Context<'_>,
        input: AddLocationInput,
    ) -> AppResult<LocationPayload> {
        let id = decode_id::<CountryEnterpriseId>(
            &input.country_enterprise_id,
            "input.countryEnterpriseId",
        )?;
        let row =
            presence::add_location(ctx.app()?, &ctx.viewer(), id, address(input.location)).await?;
        Ok(LocationPayload {
            location: Location(row),
        })
    }

    /// APA or PRC of the company: asks IBM to correct the revenue reported for one period
    /// of a country enterprise.
    async fn request_revenue_correction(
        &self,
        ctx: &Context<'_>,
        input: RequestRevenueCorrectionInput,
    ) -> AppResult<RevenueCorrectionPayload> {
        let viewer = ctx.viewer();
        let ce = decode_id::<CountryEnterpriseId>(
            &input.country_enterprise_id,
            "input.countryEnterpriseId",
        )?;
        let amounts = input
            .amounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                Ok((
                    a.brand,
                    a.amount.to_domain(&format!("input.amounts[{i}].amount"))?,
                ))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let row = revenue::request(
            ctx.app()?,
            &viewer,
            revenue::CorrectionRequest {
                country_enterprise: ce,
                period: input.period,
                contact_name: input.contact.name,
                contact_email: input.contact.email,
                contact_phone: input.contact.phone,
                distributor: input.distributor,
                amounts,
                other: input.other,
            },
        )
        .await?;
        Ok(RevenueCorrectionPayload {
            correction: shown(
                "revenue correction",
                RevenueCorrection::visible(&viewer, row),
            )?,
        })
    }

    /// IBM_CHANNEL: approves a revenue correction (the period's reports take its amounts)
    /// or rejects it with a reason.
    #[graphql(tag = "ibm-internal")]
    async fn decide_revenue_correction(
        &self,
        ctx: &Context<'_>,
        input: DecideRevenueCorrectionInput,
    ) -> AppResult<RevenueCorrectionPayload> {
        let viewer = ctx.viewer();
        let id = decode_id::<RevenueCorrectionId>(&input.correction_id, "input.correctionId")?;
        let row = revenue::decide(
            ctx.app()?,
            &viewer,
            id,
            input.version,
            input.approve,
            input.reason,
        )
        .await?;
        Ok(RevenueCorrectionPayload {
            correction: shown(
                "revenue correction",
                RevenueCorrection::visible(&viewer, row),
            )?,
        })
    }

    /// APA of the company: enrolls a location in a Value Package or a Value Option.
    async fn add_benefit(
        &self,
        ctx: &Context<'_>,
        input: AddBenefitInput,
    ) -> AppResult<BenefitPayload> {
        let at = decode_id::<LocationId>(&input.location_id, "input.locationId")?;
        let row = benefits::add(
            ctx.app()?,
            &ctx.viewer(),
            at,
            input.kind,
            &input.name,
            input.valid_until,
        )
        .await?;
        Ok(BenefitPayload {
            benefit: Benefit(row),
        })
    }

    /// APA of the company: renews, moves or cancels a location's benefit.
    async fn update_benefit(
        &self,
        ctx: &Context<'_>,
        input: UpdateBenefitInput,
    ) -> AppResult<BenefitPayload> {
        let id = decode_id::<BenefitId>(&input.benefit_id, "input.benefitId")?;
        let location = input
            .location_id
            .as_ref()
            .map(|l| decode_id::<LocationId>(l, "input.locationId"))
            .transpose()?;
        let row = benefits::update(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            benefits::BenefitChange {
                valid_until: input.valid_until,
                location,
                cancel: input.cancel.unwrap_or(false),
            },
        )
        .await?;
        Ok(BenefitPayload {
            benefit: Benefit(row),
        })
    }

    /// APA of the company: a location's address.
    async fn update_location(
        &self,
        ctx: &Context<'_>,
        input: UpdateLocationInput,
    ) -> AppResult<LocationPayload> {
        let id = decode_id::<LocationId>(&input.location_id, "input.locationId")?;
        let row = presence::update_location(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            address(input.location),
        )
        .await?;
        Ok(LocationPayload {
            location: Location(row),
        })
    }

    /// IBM_CHANNEL: whether the company is in good standing (a lead eligibility criterion).
    #[graphql(tag = "ibm-internal")]
    async fn set_good_standing(
        &self,
        ctx: &Context<'_>,
        input: CompanyFlagInput,
    ) -> AppResult<CompanyPayload> {
        flag(ctx, input, StandingChange::GoodStanding).await
    }

    /// IBM_CHANNEL: whether the company is registered for sales activity (MySA), a lead
    /// eligibility criterion.
    #[graphql(tag = "ibm-internal")]
    async fn set_sales_activity_registration(
        &self,
        ctx: &Context<'_>,
        input: CompanyFlagInput,
    ) -> AppResult<CompanyPayload> {
        flag(ctx, input, StandingChange::RegisteredForSales).await
    }

    /// IBM_CHANNEL: invites an ISV to Premier (or withdraws the invitation); the level in
    /// force follows.
    #[graphql(tag = "ibm-internal")]
    async fn invite_isv_to_premier(
        &self,
        ctx: &Context<'_>,
        input: CompanyFlagInput,
    ) -> AppResult<CompanyPayload> {
        flag(ctx, input, StandingChange::IsvPremierInvited).await
    }

    /// APA of the company: submits its PartnerPlan for IBM to verify.
    async fn submit_partner_plan(
        &self,
        ctx: &Context<'_>,
        input: SubmitPartnerPlanInput,
    ) -> AppResult<CompanyPayload> {
        let id = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let change = StandingChange::SubmitPartnerPlan {
            summary: input.summary,
            until: input.valid_until,
        };
        let row = program::set(ctx.app()?, &ctx.viewer(), id, input.version, None, change).await?;
        Ok(CompanyPayload {
            company: Company(row),
        })
    }

    /// IBM_CHANNEL: verifies a submitted PartnerPlan (a current plan is one of Premier's
    /// criteria: the level in force follows) or returns it to the APA.
    #[graphql(tag = "ibm-internal")]
    async fn verify_partner_plan(
        &self,
        ctx: &Context<'_>,
        input: VerifyPartnerPlanInput,
    ) -> AppResult<CompanyPayload> {
        let id = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let change = StandingChange::VerifyPartnerPlan {
            approve: input.approve,
            until: input.valid_until,
        };
        let row = program::set(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            input.note,
            change,
        )
        .await?;
        Ok(CompanyPayload {
            company: Company(row),
        })
    }

    /// IBM_CHANNEL: records revenue attainment or customer satisfaction points, which
    /// count toward the level until they expire.
    #[graphql(tag = "ibm-internal")]
    async fn record_attainment(
        &self,
        ctx: &Context<'_>,
        input: RecordAttainmentInput,
    ) -> AppResult<CompanyPayload> {
        let id = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
        let row = program::record_attainment(
            ctx.app()?,
            &ctx.viewer(),
            id,
            Attainment {
                kind: input.kind,
                description: input.description,
                points: input.points,
                earned_on: input.earned_on,
                expires_on: input.expires_on,
            },
        )
        .await?;
        Ok(CompanyPayload {
            company: Company(row),
        })
    }

    /// PRC of the person's company: approve or reject a PENDING profile.
    async fn review_person(
        &self,
        ctx: &Context<'_>,
        input: ReviewPersonInput,
    ) -> AppResult<PersonPayload> {
        let id = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let approve = input.decision == ReviewDecision::Approve;
        let model =
            service::review_person(ctx.app()?, &ctx.viewer(), id, input.version, approve).await?;
        Ok(PersonPayload {
            person: Person::visible(&ctx.viewer(), model).ok_or(AppError::NotFound("person"))?,
        })
    }

    /// Any signed-in person who is in no company yet: registers a company and becomes its
    /// first APA (and the PRC of its headquarters until they hand that on).
    async fn register_company(
        &self,
        ctx: &Context<'_>,
        input: RegisterCompanyInput,
    ) -> AppResult<RegisterCompanyPayload> {
        let company = NewCompany {
            name: input.name,
            partner_types: input.partner_types,
            country: input.country,
            headquarters: NewLocation {
                name: input.headquarters.name,
                address_line: input.headquarters.address_line,
                city: input.headquarters.city,
                postal_code: input.headquarters.postal_code,
            },
            registrant: NewPerson {
                given_name: input.given_name,
                family_name: input.family_name,
                job_title: input.job_title,
            },
        };
        let model = service::register_company(ctx.app()?, &ctx.viewer(), company).await?;
        Ok(RegisterCompanyPayload {
            company: Company(model),
        })
    }

    /// Any signed-in person who is in no company yet and holds the company token: joins
    /// the location as a PENDING person, for the PRC to approve.
    async fn join_company(
        &self,
        ctx: &Context<'_>,
        input: JoinCompanyInput,
    ) -> AppResult<PersonPayload> {
        let location = decode_id::<LocationId>(&input.location_id, "input.locationId")?;
        let me = NewPerson {
            given_name: input.given_name,
            family_name: input.family_name,
            job_title: input.job_title,
        };
        let model = service::join_company(
            ctx.app()?,
            &ctx.viewer(),
            location,
            &input.company_token,
            me,
        )
        .await?;
        Ok(PersonPayload {
            person: Person::visible(&ctx.viewer(), model).ok_or(AppError::NotFound("person"))?,
        })
    }

    /// APA of the person's company: grant or remove the APA or PRC role.
    async fn set_company_role(
        &self,
        ctx: &Context<'_>,
        input: SetCompanyRoleInput,
    ) -> AppResult<PersonPayload> {
        let id = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let model = service::set_company_role(
            ctx.app()?,
            &ctx.viewer(),
            id,
            input.version,
            input.role,
            input.granted,
        )
        .await?;
        Ok(PersonPayload {
            person: Person::visible(&ctx.viewer(), model).ok_or(AppError::NotFound("person"))?,
        })
    }
}

fn merge_payload(
    viewer: &Viewer,
    row: candidate_merge_requests::Model,
) -> AppResult<CandidateIdMergePayload> {
    Ok(CandidateIdMergePayload {
        merge: CandidateIdMerge::visible(viewer, row)
            .ok_or(AppError::NotFound("candidate id merge request"))?,
    })
}

async fn flag(
    ctx: &Context<'_>,
    input: CompanyFlagInput,
    change: fn(bool) -> StandingChange,
) -> AppResult<CompanyPayload> {
    let id = decode_id::<CompanyId>(&input.company_id, "input.companyId")?;
    let row = program::set(
        ctx.app()?,
        &ctx.viewer(),
        id,
        input.version,
        input.note,
        change(input.value),
    )
    .await?;
    Ok(CompanyPayload {
        company: Company(row),
    })
}

fn address(l: LocationInput) -> Address {
    Address {
        name: l.name,
        address_line: l.address_line,
        city: l.city,
        postal_code: l.postal_code,
    }
}

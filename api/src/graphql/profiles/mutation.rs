//! Profile mutations: thin wrappers over `service`.

use super::types::{Company, Person};
use crate::domain::profiles::model::{CompanyId, CompanyRole, LocationId, PartnerType, PersonId};
use crate::domain::profiles::service::{self, CompanyChanges, NewCompany, NewLocation, NewPerson};
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::ids::decode_id;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

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
    pub person_id: ID,
    pub candidate_id: String,
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

    /// APA of the person's company.
    async fn add_candidate_id(
        &self,
        ctx: &Context<'_>,
        input: AddCandidateIdInput,
    ) -> AppResult<PersonPayload> {
        let id = decode_id::<PersonId>(&input.person_id, "input.personId")?;
        let model =
            service::add_candidate_id(ctx.app()?, &ctx.viewer(), id, &input.candidate_id).await?;
        Ok(PersonPayload {
            person: Person::visible(&ctx.viewer(), model).ok_or(AppError::NotFound("person"))?,
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

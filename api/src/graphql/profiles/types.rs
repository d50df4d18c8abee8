//! GraphQL objects of the profiles graph. Each guarded field checks the access matrix in
//! its own body (see `auth::policy`), so the check holds on every path to the object.

use super::loader::*;
use crate::auth::policy::GuardedObject;
use crate::auth::{Target, Viewer, visibility};
use crate::domain::Stored;
use crate::domain::profiles::level::{self, Assessment};
use crate::domain::profiles::model::{
    AgreementKind, AgreementStatus, BenefitKind, BenefitStatus, Brand, CertificationKind,
    CompanyRole, CorrectionStatus, CriterionKind, MembershipLevel, MergeStatus, PartnerPlanStatus,
    PartnerType, PersonStatus, RevenueSource, SkillTrack,
};
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::demand;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::pagination::{Cursor, after_id, page_size};
use crate::graphql::{list, list_visible};
use access_macros::guarded;
use async_graphql::connection::{Connection, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use entities::{
    agreements, benefits, candidate_merge_requests, certifications, companies, country_enterprises,
    locations, people, revenue_corrections, revenue_reports,
};

async fn company(ctx: &Context<'_>, id: i64) -> AppResult<Company> {
    ctx.loaders()?
        .load_one(CompanyKey(id))
        .await?
        .map(Company)
        .ok_or_else(|| AppError::internal(format!("dangling company reference {id}")))
}

pub use crate::domain::profiles::level::today;

/// A person looked up by row id: None both for an id that names nobody and for a person
/// the caller may not see (the same answer, so ids reveal nothing).
pub async fn person(ctx: &Context<'_>, row: i64) -> AppResult<Option<Person>> {
    let found: Option<people::Model> = ctx.loaders()?.load_one(PersonKey(row)).await?;
    Ok(found.and_then(|p| Person::visible(&ctx.viewer(), p)))
}

pub async fn assessment(ctx: &Context<'_>, company_id: i64) -> AppResult<Assessment> {
    let inputs = ctx
        .loaders()?
        .load_one(LevelInputsOf(company_id))
        .await?
        .unwrap_or_default();
    Ok(level::assess(&inputs, today()))
}

/// A page of people from rows fetched as `first + 1`, each as the viewer may see them.
pub fn people_page(
    viewer: &Viewer,
    rows: &[people::Model],
    first: u32,
    has_previous: bool,
) -> Connection<Cursor, Person> {
    let has_next = rows.len() > first as usize;
    let mut conn = Connection::new(has_previous, has_next);
    conn.edges
        .extend(rows.iter().take(first as usize).filter_map(|p| {
            Person::visible(viewer, p.clone()).map(|person| Edge::new(OpaqueCursor(p.id), person))
        }));
    conn
}

/// A PartnerWorld member company.
pub struct Company(pub companies::Model);

impl GuardedObject for Company {
    fn target(&self) -> Target {
        Target::Company(self.0.id)
    }
}

#[guarded]
#[Object]
impl Company {
    pub async fn id(&self) -> ID {
        encode(Kind::Company, self.0.id)
    }
    /// The public PartnerWorld id, e.g. `PW-000123`.
    async fn partner_world_id(&self) -> &str {
        &self.0.partner_world_id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn good_standing(&self) -> bool {
        self.0.good_standing
    }
    /// Optimistic-concurrency version, to send back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn partner_types(&self, ctx: &Context<'_>) -> AppResult<Vec<PartnerType>> {
        let types = ctx
            .loaders()?
            .load_one(PartnerTypesOf(self.0.id))
            .await?
            .unwrap_or_default();
        types
            .iter()
            .map(|t| Stored::from_db("company_partner_types.partner_type", t))
            .collect()
    }
    async fn headquarters(&self, ctx: &Context<'_>) -> AppResult<Option<Location>> {
        Ok(ctx
            .loaders()?
            .load_one(HeadquartersOf(self.0.id))
            .await?
            .map(Location))
    }
    // Sizes the cost estimate publishes (`graphql::demand`): a partner is present in a
    // few countries, a country enterprise has a few locations, a person a handful of
    // certifications. Deep pages multiply them, so the default list size would make a
    // normal page of companies look like thousands of people.
    #[graphql(directive = demand::list_size::apply(Some(3), None, None, None))]
    async fn country_enterprises(&self, ctx: &Context<'_>) -> AppResult<Vec<CountryEnterprise>> {
        list(ctx, CountryEnterprisesOf(self.0.id), CountryEnterprise).await
    }
    /// The level the rules give today.
    #[guard(ReadLevel)]
    async fn achieved_level(&self, ctx: &Context<'_>) -> AppResult<MembershipLevel> {
        Ok(assessment(ctx, self.0.id).await?.level.into())
    }
    /// The level in force.
    #[guard(ReadLevel)]
    async fn partner_world_level(&self, ctx: &Context<'_>) -> AppResult<MembershipLevel> {
        Stored::from_db("companies.partner_world_level", &self.0.partner_world_level)
    }
    /// Secret: members need it to add themselves to the profile. PRC and APA only.
    #[guard(ReadCompanyToken)]
    async fn company_token(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        Ok(Some(&self.0.company_token))
    }
    /// Which criteria counted, which expired, and what the next level still needs.
    // The level assessment reads eight tables (certifications, revenue, plans...): a
    // weight of 5 against the 1 of an object read by id.
    #[graphql(directive = demand::cost::apply(5))]
    #[guard(ReadLevelExplanation)]
    async fn level_explanation(&self, ctx: &Context<'_>) -> AppResult<Option<LevelExplanation>> {
        let a = assessment(ctx, self.0.id).await?;
        let in_force =
            Stored::from_db("companies.partner_world_level", &self.0.partner_world_level)?;
        Ok(Some(LevelExplanation::new(a, in_force)))
    }
    /// How the level in force moved: each change with the day it took effect and why.
    #[guard(ReadLevelExplanation)]
    async fn level_history(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<LevelChange>>> {
        let rows = ctx
            .loaders()?
            .load_one(LevelChangesOf(self.0.id))
            .await?
            .unwrap_or_default();
        rows.iter()
            .cloned()
            .map(LevelChange::try_from)
            .collect::<AppResult<Vec<_>>>()
            .map(Some)
    }
    #[guard(ReadLevelExplanation)]
    async fn partner_plan(&self, ctx: &Context<'_>) -> AppResult<Option<PartnerPlan>> {
        Ok(Some(PartnerPlan {
            status: Stored::from_db("companies.partner_plan_status", &self.0.partner_plan_status)?,
            summary: self.0.partner_plan_summary.clone(),
            submitted_at: self.0.partner_plan_submitted_at,
            approved: self.0.partner_plan_approved,
            valid_until: self.0.partner_plan_valid_until,
            current: self.0.partner_plan_approved
                && self
                    .0
                    .partner_plan_valid_until
                    .is_some_and(|d| d >= today()),
        }))
    }
    /// Who the company's APA and PRC are, by name only: anyone signed in may ask, to know
    /// whom to ask for the company token.
    #[guard(ReadCompanyContacts)]
    async fn contacts(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CompanyContact>>> {
        list(ctx, ContactsOf(self.0.id), CompanyContact::from)
            .await
            .map(Some)
    }
    /// The company's people, with their e-mails, optionally only those in `status` (the
    /// PRC's list of PENDING people to review). Members of the company, its PRC and APA,
    /// and IBM_CHANNEL.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadEmployees)]
    async fn employees(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<PersonStatus>,
    ) -> AppResult<Option<Connection<Cursor, Person>>> {
        let first = page_size(first, ctx.app()?.config.max_page_size)?;
        let after = after_id(after.as_deref())?;
        let rows = ctx
            .loaders()?
            .load_one(PeoplePage {
                parent: PeopleParent::Company(self.0.id),
                first,
                after,
                status,
            })
            .await?
            .unwrap_or_default();
        Ok(Some(people_page(&ctx.viewer(), &rows, first, after > 0)))
    }

    /// The leads IBM passed to the company and the deals it registered, oldest first,
    /// optionally only in some statuses. The company's APA, PRC and Focal ID.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(WorkOpportunities)]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        status: Option<Vec<crate::domain::opportunities::model::OpportunityStatus>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<
        Option<
            Connection<
                Cursor,
                crate::graphql::opportunities::types::Opportunity,
                crate::graphql::pagination::QueueFields,
            >,
        >,
    > {
        use crate::graphql::opportunities::types::Opportunity;
        // The guard admits only the caller's own company, so this page is read once a
        // request however many companies the query lists.
        let viewer = ctx.viewer();
        crate::graphql::pagination::queue_page(
            ctx,
            crate::domain::opportunities::reads::of_company(self.0.id, status.as_deref()),
            entities::opportunities::Column::Id,
            first,
            after,
            |o: entities::opportunities::Model| Some((o.id, Opportunity::visible(&viewer, o)?)),
        )
        .await
        .map(Some)
    }

    /// The Passport Advantage sites the company is the reseller of: its members and
    /// IBM_CHANNEL (anyone signed in may look a site up by number to ask for access).
    #[guard(ReadEmployees)]
    async fn sites(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<crate::graphql::pao::Site>>> {
        list_visible(
            ctx,
            crate::graphql::pao::loader::SitesOfCompany(self.0.id),
            crate::graphql::pao::Site::visible,
        )
        .await
        .map(Some)
    }

    /// The company's Technical Advocate requests: PRC, APA, IBM_CHANNEL.
    #[guard(ReadRelationshipApplications)]
    async fn technical_advocate_requests(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<crate::graphql::relationships::TechnicalAdvocateRequest>>> {
        use crate::graphql::relationships::loader::AdvocateRequestsOf;
        list_visible(
            ctx,
            AdvocateRequestsOf(self.0.id),
            crate::graphql::relationships::TechnicalAdvocateRequest::visible,
        )
        .await
        .map(Some)
    }

    /// The company's relationship applications: PRC, APA, IBM_CHANNEL.
    #[guard(ReadRelationshipApplications)]
    pub async fn relationship_applications(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<crate::graphql::relationships::RelationshipApplication>>> {
        use crate::graphql::relationships::loader::ApplicationsOf;
        list_visible(
            ctx,
            ApplicationsOf(self.0.id),
            crate::graphql::relationships::RelationshipApplication::visible,
        )
        .await
        .map(Some)
    }
    /// The company's listings in the Global Solutions Directory.
    pub async fn solutions(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<crate::graphql::gsd::Solution>> {
        use crate::graphql::gsd::loader::SolutionsOf;
        list(ctx, SolutionsOf(self.0.id), crate::graphql::gsd::Solution).await
    }
    /// Technology, industry and geographic focus registered for Value Net Connections.
    pub async fn value_net_registration(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<crate::graphql::valuenet::types::Registration>> {
        crate::graphql::valuenet::types::registration(ctx, self.0.id).await
    }
    /// Value nets the company takes part in.
    pub async fn value_nets(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<crate::graphql::valuenet::types::ValueNet>> {
        crate::graphql::valuenet::types::nets_of(ctx, self.0.id, true).await
    }
    /// Value nets another company added this one to, waiting for its APA to confirm.
    #[guard(ConfirmValueNet)]
    async fn value_net_invitations(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<crate::graphql::valuenet::types::ValueNet>>> {
        crate::graphql::valuenet::types::nets_of(ctx, self.0.id, false)
            .await
            .map(Some)
    }
    /// Approved product groups by country: public, as in the partner locator.
    pub async fn authorizations(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Vec<crate::graphql::relationships::Authorization>> {
        use crate::graphql::relationships::loader::AuthorizationsOf;
        list(
            ctx,
            AuthorizationsOf(self.0.id),
            crate::graphql::relationships::Authorization,
        )
        .await
    }
}

/// A company's presence in one country.
pub struct CountryEnterprise(pub country_enterprises::Model);

impl GuardedObject for CountryEnterprise {
    fn target(&self) -> Target {
        Target::Company(self.0.company_id)
    }
}

#[guarded]
#[Object]
impl CountryEnterprise {
    pub async fn id(&self) -> ID {
        encode(Kind::CountryEnterprise, self.0.id)
    }
    async fn country_enterprise_id(&self) -> &str {
        &self.0.country_enterprise_id
    }
    /// ISO 3166 alpha-2.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// Optimistic-concurrency version, to send back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The Passport Advantage reseller id: the company's members and IBM_CHANNEL.
    #[guard(ReadEmployees)]
    async fn passport_advantage_id(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        Ok(self.0.passport_advantage_id.clone())
    }
    async fn publish_to_partners(&self) -> bool {
        self.0.publish_to_partners
    }
    async fn publish_to_customers(&self) -> bool {
        self.0.publish_to_customers
    }
    /// The directory text, where the publish flags show it: to anyone when published to
    /// customers, to signed-in callers when published to partners; the company's members
    /// and IBM_CHANNEL always see it. `null` where it is not published to the caller.
    async fn marketing_description(&self, ctx: &Context<'_>) -> Option<&str> {
        let viewer = ctx.viewer();
        let shown = self.0.publish_to_customers
            || (self.0.publish_to_partners && viewer.is_signed_in())
            || viewer.may(
                crate::auth::Action::ReadEmployees,
                Target::Company(self.0.company_id),
            );
        shown
            .then_some(())
            .and(self.0.marketing_description.as_deref())
    }
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        company(ctx, self.0.company_id).await
    }
    #[graphql(directive = demand::list_size::apply(Some(3), None, None, None))]
    async fn locations(&self, ctx: &Context<'_>) -> AppResult<Vec<Location>> {
        list(ctx, LocationsOf(self.0.id), Location).await
    }
    #[guard(ReadRevenueReports)]
    async fn revenue_reports(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<RevenueReport>>> {
        list(ctx, RevenueReportsOf(self.0.id), RevenueReport)
            .await
            .map(Some)
    }
    /// Revenue correction requests of this country enterprise, newest last: whoever may
    /// read its revenue reports.
    #[guard(ReadRevenueReports)]
    async fn revenue_corrections(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<RevenueCorrection>>> {
        list_visible(
            ctx,
            RevenueCorrectionsOf(self.0.id),
            RevenueCorrection::visible,
        )
        .await
        .map(Some)
    }
}

/// An address under a country enterprise; people belong to one location.
pub struct Location(pub locations::Model);

impl GuardedObject for Location {
    fn target(&self) -> Target {
        Target::Company(self.0.company_id)
    }
}

#[guarded]
#[Object]
impl Location {
    pub async fn id(&self) -> ID {
        encode(Kind::Location, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn address_line(&self) -> &str {
        &self.0.address_line
    }
    async fn city(&self) -> &str {
        &self.0.city
    }
    async fn postal_code(&self) -> &str {
        &self.0.postal_code
    }
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// Optimistic-concurrency version, to send back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn is_headquarters(&self) -> bool {
        self.0.is_headquarters
    }
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        company(ctx, self.0.company_id).await
    }
    async fn country_enterprise(&self, ctx: &Context<'_>) -> AppResult<CountryEnterprise> {
        ctx.loaders()?
            .load_one(CountryEnterpriseKey(self.0.country_enterprise_id))
            .await?
            .map(CountryEnterprise)
            .ok_or_else(|| AppError::internal("dangling country enterprise reference"))
    }
    /// People at this location, first `first` (default 20) after `after`.
    #[graphql(directive = demand::list_size::apply(demand::PAGE, demand::by_first(), demand::page_lists(), Some(false)))]
    #[guard(ReadEmployees)]
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Option<Connection<Cursor, Person>>> {
        let first = page_size(first, ctx.app()?.config.max_page_size)?;
        let after = after_id(after.as_deref())?;
        let rows = ctx
            .loaders()?
            .load_one(PeoplePage {
                parent: PeopleParent::Location(self.0.id),
                first,
                after,
                status: None,
            })
            .await?
            .unwrap_or_default();
        Ok(Some(people_page(&ctx.viewer(), &rows, first, after > 0)))
    }
    #[guard(ReadEmployees)]
    async fn agreements(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Agreement>>> {
        list(ctx, AgreementsAt(self.0.id), Agreement)
            .await
            .map(Some)
    }
    /// Value Package and Value Option benefits managed at this location.
    #[guard(ReadEmployees)]
    async fn benefits(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Benefit>>> {
        list(ctx, BenefitsAt(self.0.id), Benefit).await.map(Some)
    }
}

/// One change of a company's level in force.
#[derive(SimpleObject)]
pub struct LevelChange {
    pub from: MembershipLevel,
    pub to: MembershipLevel,
    /// The day the new level took effect.
    pub effective_on: NaiveDate,
    pub reason: String,
}

impl TryFrom<entities::level_changes::Model> for LevelChange {
    type Error = AppError;
    fn try_from(m: entities::level_changes::Model) -> AppResult<Self> {
        Ok(Self {
            from: Stored::from_db("level_changes.from_level", &m.from_level)?,
            to: Stored::from_db("level_changes.to_level", &m.to_level)?,
            effective_on: m.effective_on,
            reason: m.reason,
        })
    }
}

/// A company's APA or PRC as anyone signed in sees them: a name and the roles, no id and
/// no e-mail.
#[derive(SimpleObject)]
pub struct CompanyContact {
    pub given_name: String,
    pub family_name: String,
    pub roles: Vec<CompanyRole>,
}

impl From<people::Model> for CompanyContact {
    fn from(p: people::Model) -> Self {
        Self {
            roles: roles_of(&p),
            given_name: p.given_name,
            family_name: p.family_name,
        }
    }
}

/// The company roles a person holds, APA first.
fn roles_of(p: &people::Model) -> Vec<CompanyRole> {
    [(p.is_apa, CompanyRole::Apa), (p.is_prc, CompanyRole::Prc)]
        .into_iter()
        .filter_map(|(held, role)| held.then_some(role))
        .collect()
}

/// An employee profile. Built only by [`Person::visible`] (or, for community member lists,
/// [`Person::listed_member`]), so every path that hands out a person applies the rule of
/// `auth::visibility::person`.
pub struct Person(people::Model);

impl Person {
    /// The person, if the viewer may see them at all.
    pub fn visible(viewer: &Viewer, row: people::Model) -> Option<Self> {
        visibility::person(viewer, &row).then_some(Self(row))
    }

    /// A member shown in a community's member list that the viewer may read, who joined
    /// or asked to join (and so chose to be seen there): their public profile only, the
    /// rest of their fields stay behind their own checks.
    pub fn listed_member(row: people::Model) -> Self {
        Self(row)
    }

    pub fn row(&self) -> &people::Model {
        &self.0
    }
}

/// A person's own details: the person themself, or whoever may read their company's
/// employee list.
impl GuardedObject for Person {
    fn target(&self) -> Target {
        Target::Company(self.0.company_id)
    }

    fn is_caller(&self, viewer: &Viewer) -> bool {
        visibility::is_self(viewer, &self.0)
    }
}

#[guarded]
#[Object]
impl Person {
    pub async fn id(&self) -> ID {
        encode(Kind::Person, self.0.id)
    }
    async fn given_name(&self) -> &str {
        &self.0.given_name
    }
    async fn family_name(&self) -> &str {
        &self.0.family_name
    }
    async fn job_title(&self) -> Option<&str> {
        self.0.job_title.as_deref()
    }
    /// Optimistic-concurrency version, to send back with a review.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn status(&self) -> AppResult<PersonStatus> {
        Stored::from_db("people.status", &self.0.status)
    }
    /// The IBMid: the person's login e-mail.
    #[guard(self_or = ReadEmployees)]
    async fn ibm_id(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        Ok(Some(&self.0.ibm_id))
    }
    #[guard(self_or = ReadEmployees)]
    async fn company_roles(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CompanyRole>>> {
        Ok(Some(roles_of(&self.0)))
    }
    /// Whether the person is the company's Focal ID (its prime contact for leads).
    #[guard(self_or = ReadEmployees)]
    async fn is_focal_id(&self, ctx: &Context<'_>) -> AppResult<Option<bool>> {
        Ok(Some(self.0.is_focal))
    }
    #[guard(self_or = ReadEmployees)]
    async fn candidate_ids(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<String>>> {
        list(ctx, CandidateIdsOf(self.0.id), |c| c.candidate_id)
            .await
            .map(Some)
    }
    /// The candidate ids with the track (Sales or Technical) the person marked each with.
    #[guard(self_or = ReadEmployees)]
    async fn candidates(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CandidateId>>> {
        list(ctx, CandidateIdsOf(self.0.id), |c| {
            Ok::<_, AppError>(CandidateId {
                track: Stored::from_db("candidate_ids.track", &c.track)?,
                candidate_id: c.candidate_id,
            })
        })
        .await?
        .into_iter()
        .collect::<AppResult<Vec<_>>>()
        .map(Some)
    }
    /// The person's candidate id merge requests, newest last.
    #[guard(self_or = ReadChannelQueues)]
    async fn candidate_id_merges(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<CandidateIdMerge>>> {
        list_visible(ctx, MergesOf(self.0.id), CandidateIdMerge::visible)
            .await
            .map(Some)
    }
    /// Certifications of skills in the points table (a skill not in it does not show at
    /// all), with the track the points table gives them: the track counted toward the level.
    #[graphql(directive = demand::list_size::apply(Some(5), None, None, None))]
    #[guard(self_or = ReadEmployees)]
    async fn certifications(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Certification>>> {
        list(ctx, CertificationsOf(self.0.id), Certification)
            .await
            .map(Some)
    }
    #[guard(self_or = ReadEmployees)]
    async fn location(&self, ctx: &Context<'_>) -> AppResult<Option<Location>> {
        ctx.loaders()?
            .load_one(LocationKey(self.0.location_id))
            .await?
            .map(Location)
            .ok_or_else(|| AppError::internal("dangling location reference"))
            .map(Some)
    }
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Company> {
        company(ctx, self.0.company_id).await
    }
}

/// A candidate id, as the person added it.
#[derive(SimpleObject)]
pub struct CandidateId {
    pub candidate_id: String,
    pub track: SkillTrack,
}

/// A request to merge candidate ids. Built only by [`CandidateIdMerge::visible`]: the
/// person who asked, and IBM's channel team.
pub struct CandidateIdMerge(candidate_merge_requests::Model);

impl CandidateIdMerge {
    pub fn visible(viewer: &Viewer, row: candidate_merge_requests::Model) -> Option<Self> {
        visibility::candidate_id_merge(viewer, &row).then_some(Self(row))
    }
}

#[Object]
impl CandidateIdMerge {
    pub async fn id(&self) -> ID {
        encode(Kind::CandidateIdMerge, self.0.id)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn status(&self) -> AppResult<MergeStatus> {
        Stored::from_db("candidate_merge_requests.status", &self.0.status)
    }
    /// Every candidate id of the request, the kept one among them.
    async fn candidate_ids(&self) -> Vec<&str> {
        self.0.candidate_ids.split(',').collect()
    }
    /// The candidate id the others are merged into.
    async fn keep(&self) -> Option<&str> {
        self.0.keep_candidate_id.as_deref()
    }
    /// The person's reason, or IBM's note on the decision.
    async fn note(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn requested_at(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.0.created_at
    }
    /// Who asked (as the caller may see them).
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        person(ctx, self.0.person_id).await
    }
}

/// The certification is held by a person; its track comes from the points table row of
/// its name (the loader reads it there), the one source for what is shown and counted.
pub struct Certification(pub certifications::Model);

#[Object]
impl Certification {
    pub async fn id(&self) -> ID {
        encode(Kind::Certification, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> AppResult<CertificationKind> {
        Stored::from_db("certifications.kind", &self.0.kind)
    }
    async fn track(&self) -> AppResult<SkillTrack> {
        Stored::from_db("certifications.track", &self.0.track)
    }
    async fn earned_on(&self) -> NaiveDate {
        self.0.earned_on
    }
    async fn expires_on(&self) -> Option<NaiveDate> {
        self.0.expires_on
    }
    /// The candidate id the certification was earned under.
    async fn candidate_id(&self) -> Option<&str> {
        self.0.candidate_id.as_deref()
    }
    async fn expired(&self) -> bool {
        self.0.expires_on.is_some_and(|d| d < today())
    }
}

pub struct Agreement(pub agreements::Model);

#[Object]
impl Agreement {
    pub async fn id(&self) -> ID {
        encode(Kind::Agreement, self.0.id)
    }
    async fn kind(&self) -> AppResult<AgreementKind> {
        Stored::from_db("agreements.kind", &self.0.kind)
    }
    async fn status(&self) -> AppResult<AgreementStatus> {
        Stored::from_db("agreements.status", &self.0.status)
    }
    async fn accepted_on(&self) -> Option<NaiveDate> {
        self.0.accepted_on
    }
    async fn expires_on(&self) -> Option<NaiveDate> {
        self.0.expires_on
    }
}

pub struct Benefit(pub benefits::Model);

#[Object]
impl Benefit {
    pub async fn id(&self) -> ID {
        encode(Kind::Benefit, self.0.id)
    }
    /// Optimistic-concurrency version, to send back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn kind(&self) -> AppResult<BenefitKind> {
        Stored::from_db("benefits.kind", &self.0.kind)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// EXPIRED once an active benefit is past `validUntil`.
    async fn status(&self) -> AppResult<BenefitStatus> {
        let stored: BenefitStatus = Stored::from_db("benefits.status", &self.0.status)?;
        Ok(match (stored, self.0.valid_until) {
            (BenefitStatus::Active, Some(until)) if until < today() => BenefitStatus::Expired,
            (s, _) => s,
        })
    }
    async fn valid_until(&self) -> Option<NaiveDate> {
        self.0.valid_until
    }
}

/// A request to correct a country enterprise's reported revenue for one period, with the
/// FAQ's fields. Built only by [`RevenueCorrection::visible`]: the company's PRC and APA,
/// and IBM_CHANNEL.
pub struct RevenueCorrection(revenue_corrections::Model);

impl RevenueCorrection {
    pub fn visible(viewer: &Viewer, row: revenue_corrections::Model) -> Option<Self> {
        visibility::revenue_correction(viewer, &row).then_some(Self(row))
    }
}

/// Whom IBM contacts about a correction.
#[derive(SimpleObject)]
pub struct RevenueContact {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// The corrected amount of one brand.
#[derive(SimpleObject)]
pub struct BrandAmount {
    pub brand: Brand,
    pub amount: crate::graphql::money::Money,
}

#[Object]
impl RevenueCorrection {
    async fn id(&self) -> ID {
        encode(Kind::RevenueCorrection, self.0.id)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn status(&self) -> AppResult<CorrectionStatus> {
        Stored::from_db("revenue_corrections.status", &self.0.status)
    }
    /// The reporting period corrected, e.g. `2026-Q3`.
    async fn period(&self) -> &str {
        &self.0.period
    }
    /// The country enterprise (its country, company and CE id).
    async fn country_enterprise(&self, ctx: &Context<'_>) -> AppResult<CountryEnterprise> {
        ctx.loaders()?
            .load_one(CountryEnterpriseKey(self.0.country_enterprise_id))
            .await?
            .map(CountryEnterprise)
            .ok_or_else(|| {
                AppError::internal(format!(
                    "dangling country enterprise {}",
                    self.0.country_enterprise_id
                ))
            })
    }
    async fn contact(&self) -> RevenueContact {
        RevenueContact {
            name: self.0.contact_name.clone(),
            email: self.0.contact_email.clone(),
            phone: self.0.contact_phone.clone(),
        }
    }
    /// The distributor the revenue went through, if any.
    async fn distributor(&self) -> Option<&str> {
        self.0.distributor.as_deref()
    }
    /// The corrected amount per brand.
    async fn amounts(&self, ctx: &Context<'_>) -> AppResult<Vec<BrandAmount>> {
        let rows = ctx
            .loaders()?
            .load_one(CorrectionAmountsOf(self.0.id))
            .await?
            .unwrap_or_default();
        rows.iter()
            .map(|r| {
                Ok(BrandAmount {
                    brand: Stored::from_db("revenue_correction_amounts.brand", &r.brand)?,
                    amount: crate::graphql::money::Money::stored(r.amount_minor, &self.0.currency)?,
                })
            })
            .collect()
    }
    /// Anything else the requester told IBM.
    async fn other(&self) -> Option<&str> {
        self.0.other.as_deref()
    }
    /// Who asked, as the caller may see them.
    async fn requested_by(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        person(ctx, self.0.requested_by_person_id).await
    }
    async fn requested_at(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.0.created_at
    }
    /// IBM's reason, for a rejected correction (or a note with an approval).
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    async fn decided_at(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.0.decided_at
    }
}

pub struct RevenueReport(pub revenue_reports::Model);

#[Object]
impl RevenueReport {
    pub async fn id(&self) -> ID {
        encode(Kind::RevenueReport, self.0.id)
    }
    async fn brand(&self) -> AppResult<Brand> {
        Stored::from_db("revenue_reports.brand", &self.0.brand)
    }
    /// Reporting period, e.g. `2026-Q3`.
    async fn period(&self) -> &str {
        &self.0.period
    }
    /// The amount, exact, in its currency.
    async fn amount(&self) -> AppResult<crate::graphql::money::Money> {
        crate::graphql::money::Money::stored(self.0.amount_cents, &self.0.currency)
    }
    /// Amount in minor units (cents) of `currency`.
    #[graphql(deprecation = "use `amount`, an exact decimal with its currency")]
    async fn amount_minor(&self) -> i64 {
        self.0.amount_cents
    }
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    async fn source(&self) -> AppResult<RevenueSource> {
        Stored::from_db("revenue_reports.source", &self.0.source)
    }
}

#[derive(SimpleObject)]
pub struct PartnerPlan {
    pub status: PartnerPlanStatus,
    pub summary: Option<String>,
    pub submitted_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Verified by IBM.
    pub approved: bool,
    pub valid_until: Option<NaiveDate>,
    /// Approved and not past `validUntil`.
    pub current: bool,
}

/// One criterion in a level explanation.
#[derive(SimpleObject)]
pub struct LevelCriterion {
    pub kind: CriterionKind,
    pub description: String,
    pub points: i32,
    pub track: Option<SkillTrack>,
    pub expires_on: Option<NaiveDate>,
}

impl From<level::Criterion> for LevelCriterion {
    fn from(c: level::Criterion) -> Self {
        Self {
            kind: match c.kind {
                level::CriterionKind::Skill => CriterionKind::Skill,
                level::CriterionKind::RevenueAttainment => CriterionKind::RevenueAttainment,
                level::CriterionKind::CustomerSatisfaction => CriterionKind::CustomerSatisfaction,
                level::CriterionKind::IsvSolution => CriterionKind::IsvSolution,
            },
            description: c.description,
            points: c.points,
            track: c.track.map(|t| match t {
                level::Track::Sales => SkillTrack::Sales,
                level::Track::Technical => SkillTrack::Technical,
            }),
            expires_on: c.expires_on,
        }
    }
}

/// Why a company has the level it has.
#[derive(SimpleObject)]
pub struct LevelExplanation {
    pub achieved_level: MembershipLevel,
    pub partner_world_level: MembershipLevel,
    pub points: i32,
    pub qualified_skills: i32,
    pub technical_skills: i32,
    pub sales_skills: i32,
    /// Criteria that counted toward the points.
    pub counted: Vec<LevelCriterion>,
    /// Criteria that would have counted but have expired.
    pub expired: Vec<LevelCriterion>,
    pub next_level: Option<MembershipLevel>,
    /// What the next level still needs.
    pub missing: Vec<String>,
}

impl LevelExplanation {
    pub fn new(a: Assessment, in_force: MembershipLevel) -> Self {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            achieved_level: a.level.into(),
            partner_world_level: in_force,
            points: a.points,
            qualified_skills: count(a.skills),
            technical_skills: count(a.technical_skills),
            sales_skills: count(a.sales_skills),
            counted: a.counted.into_iter().map(Into::into).collect(),
            expired: a.expired.into_iter().map(Into::into).collect(),
            next_level: a.next_level.map(Into::into),
            missing: a.missing,
        }
    }
}

//! GraphQL enums whose values are stored as their SCREAMING_SNAKE_CASE names.

/// Declares an enum that is both a GraphQL enum and parseable from / printable to its
/// database text.
macro_rules! db_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(
            async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash,
            strum::EnumString, strum::IntoStaticStr, strum::EnumIter,
        )]
        #[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),* }

        impl $name {
            pub fn as_db(self) -> &'static str {
                self.into()
            }
        }
    };
}

db_enum!(PartnerType {
    Reseller,
    Isv,
    Msp,
    SystemsIntegrator,
    Distributor,
    Consultant
});
db_enum!(
    /// `achievedLevel` is what the rules give today; `partnerWorldLevel` is the level in force.
    MembershipLevel { Member, Advanced, Premier }
);
db_enum!(PersonStatus {
    Pending,
    Active,
    Rejected
});
db_enum!(CompanyRole { Apa, Prc });
db_enum!(CertificationKind {
    Certification,
    Mastery
});
db_enum!(SkillTrack { Sales, Technical });
db_enum!(AgreementStatus {
    Pending,
    Accepted,
    Expired
});
db_enum!(AgreementKind {
    BusinessPartnerAgreement,
    SoftwareValuePlusAttachment,
    HardwareResellerAttachment
});
db_enum!(BenefitKind {
    ValuePackage,
    ValueOption
});
db_enum!(Brand {
    Storage,
    Power,
    SystemZ,
    Software,
    Security,
    Cloud
});
db_enum!(RevenueSource {
    Distributor,
    PassportAdvantage,
    SalesRep
});
db_enum!(CriterionKind {
    Skill,
    RevenueAttainment,
    CustomerSatisfaction,
    IsvSolution
});
db_enum!(SiteAgreementType {
    PassportAdvantage,
    PassportAdvantageExpress
});
db_enum!(SiteRole {
    SitePrimaryContact,
    SecondaryContact,
    User
});
db_enum!(SitePrivilege {
    Reporting,
    OnlineOrdering,
    ProposalQuoteOrder,
    PartnerGuidedSelling
});
db_enum!(AccessRequestStatus {
    Pending,
    Approved,
    Rejected
});
db_enum!(RelationshipKind {
    SoftwareReseller,
    SoftwareSolutionProvider,
    SupportProvider,
    HardwareReseller
});
db_enum!(ApplicationStatus {
    Draft,
    Submitted,
    Approved,
    Rejected
});
db_enum!(
    /// The preferred Value Added Distributor.
    VadChoice { Distributor, IbmCom, DistributorNotListed }
);
db_enum!(ProductProgram { Cvr, Svi });
db_enum!(Distribution { Open, Authorized });
db_enum!(ExperienceStatus {
    Submitted,
    Approved,
    Denied
});
db_enum!(NominationStatus {
    Nominated,
    Validated,
    Declined
});
db_enum!(CommunityVisibility { Public, Private });
db_enum!(CommunityRole { Owner, Member });
db_enum!(MembershipStatus {
    Active,
    Pending,
    Invited
});
db_enum!(FocusKind {
    Technology,
    Industry,
    Geography
});

//! The typed ids and stored states of profiles.

typed_id! {
    CompanyId;
    PersonId;
    LocationId;
    /// A company's presence in one country.
    CountryEnterpriseId;
    /// A request to merge candidate ids.
    MergeRequestId;
    /// A request to correct a country enterprise's reported revenue.
    RevenueCorrectionId;
    /// A Value Package or Value Option benefit of a location.
    BenefitId;
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
db_enum!(
    /// NONE until the APA submits a plan; IBM verifies it or returns it.
    PartnerPlanStatus { None, Submitted, Verified, Returned }
);
db_enum!(MergeStatus {
    Submitted,
    Approved,
    Declined
});
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
db_enum!(
    /// A revenue correction request: SUBMITTED until IBM approves it (the reports of the
    /// period are corrected) or rejects it (with a reason).
    CorrectionStatus { Submitted, Approved, Rejected }
);
db_enum!(
    /// ACTIVE until cancelled; EXPIRED is an active benefit past its `validUntil` (read,
    /// never stored).
    BenefitStatus { Active, Expired, Cancelled }
);
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

impl From<super::level::Level> for MembershipLevel {
    fn from(l: super::level::Level) -> Self {
        match l {
            super::level::Level::Member => Self::Member,
            super::level::Level::Advanced => Self::Advanced,
            super::level::Level::Premier => Self::Premier,
        }
    }
}

impl MembershipLevel {
    /// Member < Advanced < Premier.
    pub fn rank(self) -> u8 {
        match self {
            Self::Member => 0,
            Self::Advanced => 1,
            Self::Premier => 2,
        }
    }
}

//! The typed ids and stored states of relationships.

typed_id! {
    ApplicationId;
    /// A Technical Advocate request.
    AdvocateRequestId;
}

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
db_enum!(AdvocateStatus {
    Submitted,
    Approved,
    Declined
});
db_enum!(Distribution { Open, Authorized });

/// Whether a CVR product group is sold as "CVR Software Sales / Sales Assist": IBM's
/// software brands, for which a Value Added Distributor is required (domain.md §2). The
/// hardware groups (STORAGE, POWER, SYSTEM_Z) are not.
pub fn is_software_group(product_group: &str) -> bool {
    matches!(
        product_group,
        "DATA_AND_AI" | "AUTOMATION" | "SECURITY" | "SOFTWARE"
    )
}

//! The typed ids and stored states of relationships.

typed_id! {
    ApplicationId;
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
db_enum!(Distribution { Open, Authorized });

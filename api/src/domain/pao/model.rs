//! The typed ids and stored states of pao.

typed_id! {
    SiteId;
    SiteUserId;
    AccessRequestId;
    /// A renewal line item of a site's report.
    RenewalLineItemId;
}

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
db_enum!(
    /// How a customer is enrolled: Passport Advantage or Passport Advantage Express.
    EnrollmentType { PassportAdvantage, PassportAdvantageExpress }
);
db_enum!(
    /// ISSUED until its `validUntil`; EXPIRED after (read, never stored).
    QuoteStatus { Issued, Expired }
);
db_enum!(OrderStatus {
    Open,
    Shipped,
    Invoiced
});
db_enum!(RenewalStatus {
    Active,
    Renewed,
    Expired
});

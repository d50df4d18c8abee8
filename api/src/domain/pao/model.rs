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
db_enum!(
    /// What an order bought: software under PA / PA Express, or IBM Cloud Services.
    Offering { Software, CloudServices }
);
db_enum!(
    /// A new purchase, or the renewal of what the customer already had.
    OrderKind { New, Renewal }
);
db_enum!(
    /// Where a SaaS subscription stands: waiting for the customer's provisioning data,
    /// being provisioned, fulfilled (live), or cancelled.
    FulfillmentStatus { AwaitingProvisioningData, Provisioning, Fulfilled, Cancelled }
);
db_enum!(
    /// How a subscription's licenses changed.
    LicenseChange { Increase, Decrease, Renewal, Cancellation }
);
db_enum!(
    /// Software parts (one-time and S&S) or SaaS parts billed monthly.
    PriceKind { Software, SaasMonthly }
);
db_enum!(
    /// Which prices a price file holds, as of its date: those in force, those in force
    /// and those announced, or only those announced.
    Pricing { Current, CurrentAndFuture, Future }
);
db_enum!(
    /// A report file: the high-level file (the columns a page lists) or the detailed one
    /// (every column; order history one row per order line).
    DownloadVariant { HighLevel, Detailed }
);
db_enum!(
    /// The length of the periods customer activity is summed over.
    ActivityPeriod { Month, Quarter, Year }
);
db_enum!(
    /// What a notification tells: a decision on the recipient's access request, a request
    /// waiting for the recipient's decision, a renewal quote ready, a renewal price
    /// notice on a site the recipient reads reports of.
    NotificationKind {
        AccessRequestApproved,
        AccessRequestRejected,
        AccessRequestWaiting,
        QuoteReady,
        RenewalPriceNotice,
    }
);

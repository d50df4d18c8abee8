//! The typed ids and stored states of opportunities.

typed_id! {
    OpportunityId;
}

db_enum!(
    /// Where a lead stands. IBM's queue holds OPEN leads; a PASSED lead waits for the
    /// partner to accept or decline it (declined, it returns to OPEN in IBM's queue); an
    /// accepted lead moves forward through QUALIFIED and PROPOSAL to WON or LOST.
    OpportunityStatus {
        Open,
        Passed,
        Accepted,
        Qualified,
        Proposal,
        Won,
        Lost
    }
);

db_enum!(
    /// Who brought the opportunity: IBM's channel team, or the partner registering its own
    /// deal.
    OpportunityOrigin { Ibm, Partner }
);

db_enum!(
    /// What happened to an opportunity, as its history records it.
    OpportunityEvent {
        Created,
        Registered,
        Passed,
        Accepted,
        Declined,
        Progressed
    }
);

impl OpportunityStatus {
    /// The partner's pipeline order: a lead moves forward only, and WON and LOST are final.
    pub fn rank(self) -> u8 {
        match self {
            Self::Open => 0,
            Self::Passed => 1,
            Self::Accepted => 2,
            Self::Qualified => 3,
            Self::Proposal => 4,
            Self::Won | Self::Lost => 5,
        }
    }

    /// Whether the partner may move a lead from `self` to `to`.
    pub fn may_progress_to(self, to: Self) -> bool {
        matches!(self, Self::Accepted | Self::Qualified | Self::Proposal)
            && matches!(
                to,
                Self::Qualified | Self::Proposal | Self::Won | Self::Lost
            )
            && to.rank() > self.rank()
    }
}

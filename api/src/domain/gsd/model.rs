//! The typed ids and stored states of gsd.

typed_id! {
    SolutionId;
    ExperienceId;
    NominationId;
}

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
db_enum!(
    /// What a solution's tag names.
    TagKind { Industry, Middleware, Hardware }
);

//! The typed ids and stored states of opportunities.

typed_id! {
    OpportunityId;
}

db_enum!(OpportunityStatus { Open, Passed });

//! Batched loads for opportunities.

use crate::graphql::loader::{keys, load_many};

keys! {
    /// The history of an opportunity, oldest first.
    EventsOf;
}

load_many!(EventsOf => opportunity_events.OpportunityId order Id);

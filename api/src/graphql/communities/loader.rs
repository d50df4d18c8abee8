//! Batched loads for communities.

use crate::graphql::loader::{keys, load_many, load_one};

keys! {
    CommunityKey;
    /// Members (any status) of a community.
    MembersOf;
}

load_one!(CommunityKey => communities.Id);
load_many!(MembersOf => community_members.CommunityId order Id);

//! The typed ids and stored states of communities.

typed_id! {
    CommunityId;
}

db_enum!(CommunityVisibility { Public, Private });
db_enum!(CommunityRole { Owner, Member });
db_enum!(MembershipStatus {
    Active,
    Pending,
    Invited
});

//! Batched loads for Value Net Connections.

use crate::graphql::loader::{keys, load_many, load_one};

keys! {
    /// The Value Net registration of a company.
    RegistrationOf;
    FocusOf;
    /// Value nets a company belongs to.
    ValueNetsOf;
    MembersOfNet;
    ValueNetKey;
}

load_many!(RegistrationOf => value_net_registrations.CompanyId order Id);
load_many!(FocusOf => value_net_focus.RegistrationId order Value);
load_many!(MembersOfNet => value_net_members.ValueNetId order CompanyId);
load_many!(ValueNetsOf => value_net_members.CompanyId order ValueNetId);
load_one!(ValueNetKey => value_nets.Id);

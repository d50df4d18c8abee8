//! Passport Advantage Online account management: sites, site users and privileges,
//! access requests, and the site reports.

pub mod loader;
pub mod mutation;
pub mod notifications;
pub mod query;
pub mod reports;
pub mod types;

pub use mutation::PaoMutation;
pub use notifications::{NotificationMutation, NotificationQuery, NotificationSubscription};
pub use query::{PaoQuery, PaoSubscription};
pub use types::Site;

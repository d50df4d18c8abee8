//! Batched loads for relationships.

use crate::graphql::loader::{keys, load_many, load_one};

keys! {
    ApplicationKey;
    /// Applications of a company.
    ApplicationsOf;
    /// Product group selections of an application.
    ProductGroupsOf;
    /// Key contacts (person links) of an application.
    KeyContactsOf;
    /// Integrity Training registrations (person links) of an application.
    TraineesOf;
    DocumentsOf;
    /// Authorizations of a company.
    AuthorizationsOf;
    /// Technical Advocate requests of a company.
    AdvocateRequestsOf;
}

load_one!(ApplicationKey => relationship_applications.Id);
load_many!(ApplicationsOf => relationship_applications.CompanyId order Id);
load_many!(ProductGroupsOf => application_product_groups.ApplicationId order ProductGroup);
load_many!(KeyContactsOf => application_key_contacts.ApplicationId order PersonId);
load_many!(TraineesOf => application_trainees.ApplicationId order PersonId);
load_many!(DocumentsOf => application_documents.ApplicationId order Id);
load_many!(AuthorizationsOf => authorizations.CompanyId order Id);
load_many!(AdvocateRequestsOf => technical_advocate_requests.CompanyId order Id);

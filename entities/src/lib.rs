//! SeaORM entities for the PartnerWorld database, generated from the migrations by
//! `sea-orm-cli generate entity --compact-format --lib --with-serde both` (see the Makefile `entities` target).
//! No GraphQL derives and no business logic here.

pub mod prelude;

pub mod access_requests;
pub mod agreements;
pub mod application_documents;
pub mod application_key_contacts;
pub mod application_product_groups;
pub mod application_trainees;
pub mod audit_log;
pub mod authorizations;
pub mod benefits;
pub mod candidate_ids;
pub mod candidate_merge_requests;
pub mod certifications;
pub mod communities;
pub mod community_members;
pub mod companies;
pub mod company_attainments;
pub mod company_partner_types;
pub mod country_enterprises;
pub mod customer_experiences;
pub mod level_changes;
pub mod locations;
pub mod opportunities;
pub mod opportunity_events;
pub mod orders;
pub mod pao_customers;
pub mod people;
pub mod relationship_applications;
pub mod renewal_line_items;
pub mod renewal_quote_lines;
pub mod renewal_quotes;
pub mod response_cards;
pub mod revenue_correction_amounts;
pub mod revenue_corrections;
pub mod revenue_reports;
pub mod site_user_privileges;
pub mod site_users;
pub mod sites;
pub mod skill_points;
pub mod solution_tags;
pub mod solutions;
pub mod technical_advocate_requests;
pub mod validation_nominations;
pub mod value_net_focus;
pub mod value_net_members;
pub mod value_net_registrations;
pub mod value_nets;

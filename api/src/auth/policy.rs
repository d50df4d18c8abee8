//! The access matrix (declared once, in the `access` crate) applied to a caller: what a
//! viewer holds toward a company or site, and the one check every guarded field, mutation
//! and row scope goes through ([`ensure`], [`check_field`]).
//!
//! Checks run inside resolver bodies rather than as async-graphql guard attributes, because
//! guard attributes are skipped when a field is reached through an interface (async-graphql
//! issue #1826); a resolver body runs on every path: lists, `node`, `_entities`.

use super::viewer::{SiteRole, Viewer};
use crate::error::{AppError, AppResult};
pub use access::{
    Action, Cell, FieldPolicy, MATRIX, Rule, SELF_SCOPE, Standing, TypePolicy, required_scopes,
    rule,
};

/// What an action is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Not tied to one company or site (the points table): "own" means any of the caller's.
    Global,
    Company(i64),
    /// A company together with its headquarters location, for headquarters-only cells.
    CompanyAt {
        company_id: i64,
        headquarters_location_id: Option<i64>,
    },
    Site(i64),
    /// One person: "self" toward them, and their company's columns toward their company.
    Person {
        person_id: i64,
        company_id: i64,
    },
}

impl Target {
    /// A company, by any id that is one (a typed domain id or a row number).
    pub fn company(id: impl Into<i64>) -> Self {
        Target::Company(id.into())
    }

    pub fn site(id: impl Into<i64>) -> Self {
        Target::Site(id.into())
    }

    pub fn person(row: &entities::people::Model) -> Self {
        Target::Person {
            person_id: row.id,
            company_id: row.company_id,
        }
    }
}

impl Viewer {
    /// Does the caller hold this column of the matrix toward the target?
    pub fn holds(&self, standing: Standing, target: Target) -> bool {
        let person = self.person.as_ref().filter(|p| p.active);
        let own_company = |company_id: i64| person.is_some_and(|p| p.company_id == company_id);
        let site = |site_id: i64| self.sites.iter().find(|s| s.site_id == site_id);
        // Toward a person, the company columns stand for the person's company.
        let target = match target {
            Target::Person { company_id, .. } if standing != Standing::Person => {
                Target::Company(company_id)
            }
            t => t,
        };
        match (standing, target) {
            (Standing::Anonymous, _) => true,
            (Standing::Person, Target::Person { person_id, .. }) => {
                person.is_some_and(|p| p.person_id == person_id)
            }
            (Standing::Person, Target::Global) => person.is_some(),
            (Standing::Person, _) => false,
            (Standing::SignedIn, _) => self.is_signed_in(),
            (Standing::IbmChannel, _) => self.ibm_channel,
            (Standing::Member, Target::Global) => person.is_some(),
            (Standing::Prc, Target::Global) => person.is_some_and(|p| p.is_prc),
            (Standing::Apa, Target::Global) => person.is_some_and(|p| p.is_apa),
            (Standing::SitePrimary, Target::Global) => self.sites.iter().any(SiteRole::manages),
            (Standing::Member, Target::Company(c) | Target::CompanyAt { company_id: c, .. }) => {
                own_company(c)
            }
            (Standing::Prc, Target::Company(c) | Target::CompanyAt { company_id: c, .. }) => {
                own_company(c) && person.is_some_and(|p| p.is_prc)
            }
            (Standing::Apa, Target::Company(c) | Target::CompanyAt { company_id: c, .. }) => {
                own_company(c) && person.is_some_and(|p| p.is_apa)
            }
            (Standing::SitePrimary, Target::Company(_) | Target::CompanyAt { .. }) => false,
            // Toward a site, the company columns stand for the site's own users.
            (Standing::Member, Target::Site(s)) => site(s).is_some(),
            (Standing::Prc, Target::Site(s)) => {
                site(s).is_some() && person.is_some_and(|p| p.is_prc)
            }
            (Standing::Apa, Target::Site(s)) => {
                site(s).is_some() && person.is_some_and(|p| p.is_apa)
            }
            (Standing::SitePrimary, Target::Site(s)) => site(s).is_some_and(SiteRole::manages),
            // Rewritten to the person's company above.
            (_, Target::Person { .. }) => false,
        }
    }

    fn satisfies(&self, cell: Cell, target: Target) -> bool {
        match (cell, target) {
            (Cell::No, _) => false,
            (Cell::Yes, _) => true,
            (
                Cell::AtHeadquarters,
                Target::CompanyAt {
                    headquarters_location_id: Some(hq),
                    ..
                },
            ) => self
                .person
                .as_ref()
                .is_some_and(|p| p.active && p.location_id == hq),
            (Cell::AtHeadquarters, _) => false,
            (Cell::WithReporting, Target::Site(s)) => self
                .sites
                .iter()
                .any(|r| r.site_id == s && r.privileges.iter().any(|p| p == "REPORTING")),
            (Cell::WithReporting, _) => false,
            (Cell::AsFocalId, Target::Company(c) | Target::CompanyAt { company_id: c, .. }) => self
                .person
                .as_ref()
                .is_some_and(|p| p.active && p.company_id == c && p.is_focal),
            (Cell::AsFocalId, Target::Global) => {
                self.person.as_ref().is_some_and(|p| p.active && p.is_focal)
            }
            (Cell::AsFocalId, _) => false,
        }
    }

    /// Could the caller perform `action` on anything at all (some company or site of
    /// theirs)? False means no id can change the answer, so it is FORBIDDEN for every id.
    pub fn may_somewhere(&self, action: Action) -> bool {
        let rule = rule(action);
        <Standing as strum::IntoEnumIterator>::iter().any(|s| match rule.cell(s) {
            Cell::No => false,
            // REPORTING is a privilege on a site, held with or without a company profile
            // (a customer's buyer, a reseller's accountant): "somewhere" is one of the
            // caller's sites, exactly as `may` decides it there.
            Cell::WithReporting => self
                .sites
                .iter()
                .any(|r| self.may(action, Target::Site(r.site_id))),
            _ => self.holds(s, Target::Global),
        })
    }

    /// May the caller perform `action` on `target`?
    pub fn may(&self, action: Action, target: Target) -> bool {
        let rule = rule(action);
        <Standing as strum::IntoEnumIterator>::iter()
            .any(|s| self.holds(s, target) && self.satisfies(rule.cell(s), target))
    }
}

/// The one check every guarded field, mutation and row scope goes through.
pub fn ensure(viewer: &Viewer, action: Action, target: Target) -> AppResult<()> {
    if viewer.may(action, target) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A GraphQL object whose fields the matrix guards (see `access_macros::guarded`): the
/// company or site it belongs to and, for what a person may read about themself, whether
/// the caller is it.
pub trait GuardedObject {
    fn target(&self) -> Target;

    fn is_caller(&self, _viewer: &Viewer) -> bool {
        false
    }
}

/// The check a `#[guard(..)]` field runs first.
pub fn check_field<T: GuardedObject>(
    object: &T,
    viewer: &Viewer,
    policy: FieldPolicy,
) -> AppResult<()> {
    match policy {
        FieldPolicy::Public => Ok(()),
        FieldPolicy::Guarded(action) => ensure(viewer, action, object.target()),
        FieldPolicy::SelfOr(_) if object.is_caller(viewer) => Ok(()),
        FieldPolicy::SelfOr(action) => ensure(viewer, action, object.target()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::viewer::PersonRole;
    use strum::IntoEnumIterator;

    fn site(site_id: i64, role: &str, privileges: &[&str]) -> SiteRole {
        SiteRole {
            site_id,
            role: role.to_owned(),
            account_management: false,
            privileges: privileges.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    fn person(apa: bool, prc: bool, focal: bool) -> PersonRole {
        PersonRole {
            person_id: 7,
            company_id: 3,
            location_id: 11,
            active: true,
            is_apa: apa,
            is_prc: prc,
            is_focal: focal,
        }
    }

    /// Callers of every shape, with and without a company profile, with and without sites.
    fn viewers() -> Vec<Viewer> {
        let mut out = vec![Viewer::anonymous(), Viewer::service("probe")];
        let profiles = [
            None,
            Some(person(false, false, false)),
            Some(person(true, false, false)),
            Some(person(false, true, true)),
        ];
        let sites = [
            vec![],
            vec![site(5, "USER", &["REPORTING"])],
            vec![site(5, "USER", &["ONLINE_ORDERING"])],
            vec![site(5, "SITE_PRIMARY_CONTACT", &[])],
            vec![
                site(5, "SECONDARY_CONTACT", &["REPORTING"]),
                site(6, "USER", &[]),
            ],
        ];
        for p in &profiles {
            for s in &sites {
                out.push(Viewer {
                    subject: Some("someone@example.com".into()),
                    person: p.clone(),
                    sites: s.clone(),
                    ibm_channel: false,
                });
            }
        }
        out
    }

    /// `may_somewhere` answers "no" only for a caller who may do the action on nothing:
    /// otherwise a caller would be refused before their own company or site was looked at.
    #[test]
    fn whoever_may_act_on_some_target_may_act_somewhere() {
        // Each action toward the kind of object it is about.
        let sites = [Target::Site(5), Target::Site(6), Target::Site(9)];
        let companies = [
            Target::Global,
            Target::Company(3),
            Target::CompanyAt {
                company_id: 3,
                headquarters_location_id: Some(11),
            },
            Target::Company(4),
            Target::Person {
                person_id: 7,
                company_id: 3,
            },
        ];
        let about_sites = [
            Action::ReadSiteAdministration,
            Action::ManageSite,
            Action::ReadSiteReports,
            Action::GenerateRenewalQuotes,
            Action::AppointSitePrimary,
        ];
        for viewer in viewers() {
            for action in Action::iter() {
                let targets: &[Target] = if about_sites.contains(&action) {
                    &sites
                } else {
                    &companies
                };
                if let Some(t) = targets.iter().find(|t| viewer.may(action, **t)) {
                    assert!(
                        viewer.may_somewhere(action),
                        "{action:?} on {t:?} but not somewhere: {viewer:?}"
                    );
                }
            }
        }
    }
}

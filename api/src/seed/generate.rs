//! What the generator makes. Company 1 (Acme Analytics) and 2 (Globex Systems) carry the
//! demo personas whose tokens the development server prints.

use super::catalog::*;
use super::level_name;
use super::values::{Ids, SEED_TODAY, day, pick, v};
use super::writer::Tables;
use crate::domain::profiles::level::{HeldSkill, LevelInputs, Track};
use chrono::NaiveDate;
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

pub const DEMO_COMPANIES: u32 = 40;

/// The demo people, by role: (role label, IBMid, extra token roles).
pub fn personas() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    vec![
        ("APA of Acme Analytics", "apa@acme.example", &[]),
        ("PRC of Acme Analytics", "prc@acme.example", &[]),
        (
            "Member of Acme Analytics (REPORTING on site S-1000001)",
            "member@acme.example",
            &[],
        ),
        (
            "Site Primary Contact of S-1000001",
            "site.primary@acme.example",
            &[],
        ),
        ("APA of Globex Systems", "apa@globex.example", &[]),
        ("IBM channel team", "channel@ibm.example", &["IBM_CHANNEL"]),
    ]
}

pub fn reference_data(t: &mut Tables) {
    super::pao::price_parts(t);
    for (i, (name, kind, track, points)) in SKILLS.iter().enumerate() {
        if *points > 0 {
            t.push(
                "skill_points",
                &[
                    ("id", v(i as i64 + 1)),
                    ("name", v(*name)),
                    ("kind", v(*kind)),
                    ("track", v(*track)),
                    ("points", v(*points)),
                ],
            );
        }
    }
}

/// One company with everything under it.
/// One company and everything that hangs off it, in named steps. The steps run in this
/// order because each draws from the same random stream: reordering them changes every
/// row after the first moved draw (the seed is deterministic, and tests hold it to that).
pub fn company(rng: &mut ChaCha8Rng, ids: &mut Ids, t: &mut Tables, n: u32) {
    let mut c = Company::identity(rng, ids, t, n);
    c.partner_types();
    c.country_enterprises_and_locations();
    c.people();
    c.revenue_attainment();
    if c.is_isv() {
        c.solutions();
    }
    c.value_net_focus();
    if c.is_reseller() {
        c.pao_sites();
    }
    c.relationship_application();
    c.company_row();
}

/// A company being generated: what its later steps read from its earlier ones.
struct Company<'a> {
    rng: &'a mut ChaCha8Rng,
    ids: &'a mut Ids,
    t: &'a mut Tables,
    n: u32,
    id: i64,
    name: String,
    domain: String,
    types: Vec<&'static str>,
    /// The headquarters' country.
    home: &'static str,
    /// Location ids, headquarters first.
    locations: Vec<i64>,
    person_ids: Vec<i64>,
    plan_approved: bool,
    plan_until: NaiveDate,
    token: String,
    /// What the level rules read, gathered as the rows are made.
    inputs: LevelInputs,
}

impl<'a> Company<'a> {
    /// Name, partner types, partner plan and token: the draws every company starts with.
    fn identity(rng: &'a mut ChaCha8Rng, ids: &'a mut Ids, t: &'a mut Tables, n: u32) -> Self {
        let (name, domain, types): (String, String, Vec<&'static str>) = match n {
            1 => (
                "Acme Analytics".into(),
                "acme.example".into(),
                vec!["ISV", "RESELLER"],
            ),
            2 => (
                "Globex Systems".into(),
                "globex.example".into(),
                vec!["RESELLER", "DISTRIBUTOR"],
            ),
            _ => {
                let name = format!(
                    "{} {} {} {n}",
                    pick(rng, ADJ),
                    pick(rng, NOUN),
                    pick(rng, SUFFIX)
                );
                let mut types = vec![pick(rng, PARTNER_TYPES)];
                if rng.random_bool(0.3) {
                    let second = pick(rng, PARTNER_TYPES);
                    if second != types[0] {
                        types.push(second);
                    }
                }
                (name, format!("company{n}.example"), types)
            }
        };
        let is_isv = types.contains(&"ISV");
        let plan_approved = n == 1 || rng.random_bool(0.4);
        let plan_until = day(SEED_TODAY, rng.random_range(-60..400));
        let token: String = (0..32)
            .map(|_| format!("{:x}", rng.random_range(0..16u8)))
            .collect();
        let inputs = LevelInputs {
            is_isv,
            isv_premier_invited: n != 1 && rng.random_bool(0.1),
            partner_plan_approved: plan_approved,
            partner_plan_valid_until: Some(plan_until),
            ..Default::default()
        };

        Self {
            id: i64::from(n),
            home: COUNTRIES[(n as usize) % COUNTRIES.len()],
            rng,
            ids,
            t,
            n,
            name,
            domain,
            types,
            locations: Vec::new(),
            person_ids: Vec::new(),
            plan_approved,
            plan_until,
            token,
            inputs,
        }
    }

    fn is_isv(&self) -> bool {
        self.types.contains(&"ISV")
    }

    fn is_reseller(&self) -> bool {
        self.types.contains(&"RESELLER")
    }

    /// The company's partner types.
    fn partner_types(&mut self) {
        let id = self.id;
        let Self { t, types, .. } = self;
        for ty in types.iter() {
            t.push(
                "company_partner_types",
                &[("company_id", v(id)), ("partner_type", v(*ty))],
            );
        }
    }

    /// Country enterprises with their revenue reports, and locations with their
    /// agreements; the first location is the headquarters.
    fn country_enterprises_and_locations(&mut self) {
        let n = self.n;
        let id = self.id;
        let home = self.home;
        let Self {
            rng,
            ids,
            t,
            name,
            types,
            locations,
            ..
        } = self;
        // Country enterprises and locations; the first location is the headquarters.
        let n_ce = if n <= 2 { 2 } else { rng.random_range(1..=2) };
        for c in 0..n_ce {
            ids.ce += 1;
            let ce = ids.ce;
            let country = if c == 0 {
                home
            } else {
                COUNTRIES[(n as usize + 3 * c) % COUNTRIES.len()]
            };
            t.push(
                "country_enterprises",
                &[
                    ("id", v(ce)),
                    ("country_enterprise_id", v(format!("CE-{country}-{n:06}"))),
                    ("company_id", v(id)),
                    ("country", v(country)),
                    (
                        "passport_advantage_id",
                        v(types.contains(&"RESELLER").then(|| format!("PPA{ce:07}"))),
                    ),
                    ("publish_to_partners", v(rng.random_bool(0.7))),
                    ("publish_to_customers", v(rng.random_bool(0.5))),
                    (
                        "marketing_description",
                        v(Some(format!("{name} in {country}: trusted IBM partner."))),
                    ),
                ],
            );
            for quarter in 1..=4 {
                t.push(
                    "revenue_reports",
                    &[
                        ("id", v(ids.next("revenue_reports"))),
                        ("country_enterprise_id", v(ce)),
                        ("brand", v(pick(rng, BRANDS))),
                        ("period", v(format!("2026-Q{quarter}"))),
                        (
                            "amount_cents",
                            v(rng.random_range(1_000_000..500_000_000_i64)),
                        ),
                        ("currency", v("USD")),
                        (
                            "source",
                            v(pick(
                                rng,
                                &["DISTRIBUTOR", "PASSPORT_ADVANTAGE", "SALES_REP"],
                            )),
                        ),
                    ],
                );
            }
            let n_loc = if c == 0 { rng.random_range(1..=2) } else { 1 };
            for l in 0..n_loc {
                ids.location += 1;
                let loc = ids.location;
                let hq = c == 0 && l == 0;
                t.push(
                    "locations",
                    &[
                        ("id", v(loc)),
                        ("company_id", v(id)),
                        ("country_enterprise_id", v(ce)),
                        (
                            "name",
                            v(if hq {
                                format!("{name} HQ")
                            } else {
                                format!("{name} {country} office {l}")
                            }),
                        ),
                        (
                            "address_line",
                            v(format!("{} Main Street", rng.random_range(1..999))),
                        ),
                        ("city", v(pick(rng, CITIES))),
                        (
                            "postal_code",
                            v(format!("{:05}", rng.random_range(10000..99999))),
                        ),
                        ("country", v(country)),
                        ("is_headquarters", v(hq)),
                    ],
                );
                t.push(
                    "agreements",
                    &[
                        ("id", v(ids.next("agreements"))),
                        ("location_id", v(loc)),
                        ("kind", v("BUSINESS_PARTNER_AGREEMENT")),
                        (
                            "status",
                            v(if rng.random_bool(0.9) {
                                "ACCEPTED"
                            } else {
                                "PENDING"
                            }),
                        ),
                        (
                            "accepted_on",
                            v(Some(day(SEED_TODAY, -rng.random_range(30..900)))),
                        ),
                        (
                            "expires_on",
                            v(Some(day(SEED_TODAY, rng.random_range(30..700)))),
                        ),
                    ],
                );
                if hq {
                    t.push(
                        "benefits",
                        &[
                            ("id", v(ids.next("benefits"))),
                            ("location_id", v(loc)),
                            (
                                "kind",
                                v(if rng.random_bool(0.5) {
                                    "VALUE_PACKAGE"
                                } else {
                                    "VALUE_OPTION"
                                }),
                            ),
                            ("name", v("Software Access Catalog")),
                            ("status", v("ACTIVE")),
                            ("valid_until", v(Some(day(SEED_TODAY, 365)))),
                        ],
                    );
                }
                locations.push(loc);
            }
        }
    }

    /// About ten people with candidate ids and certifications.
    fn people(&mut self) {
        let n = self.n;
        let id = self.id;
        let Self {
            rng,
            ids,
            t,
            domain,
            locations,
            person_ids,
            inputs,
            ..
        } = self;
        // About ten people per company: the first at headquarters is the APA, the second its
        // PRC, and the first at every other location that location's PRC.
        let n_people = if n <= 2 { 8 } else { rng.random_range(6..=14) };
        let mut prc_at = std::collections::HashSet::new();
        for k in 0..n_people {
            ids.person += 1;
            let pid = ids.person;
            let loc = if k < 2 {
                locations[0]
            } else {
                locations[k % locations.len()]
            };
            let is_apa = k == 0;
            let is_prc = (k == 1 || (k >= 2 && loc != locations[0])) && prc_at.insert(loc);
            let given = pick(rng, GIVEN);
            let family = pick(rng, FAMILY);
            let demo_email = match (n, k) {
                (1, 0) => Some("apa@acme.example"),
                (1, 1) => Some("prc@acme.example"),
                (1, 2) => Some("member@acme.example"),
                (1, 3) => Some("pending@acme.example"),
                (1, 4) => Some("site.primary@acme.example"),
                (2, 0) => Some("apa@globex.example"),
                _ => None,
            };
            let status = if n <= 2 {
                if demo_email == Some("pending@acme.example") {
                    "PENDING"
                } else {
                    "ACTIVE"
                }
            } else if is_apa || is_prc {
                "ACTIVE"
            } else {
                match rng.random_range(0..100) {
                    0..90 => "ACTIVE",
                    90..97 => "PENDING",
                    _ => "REJECTED",
                }
            };
            let email = demo_email.map(str::to_owned).unwrap_or_else(|| {
                format!(
                    "{}.{}.{pid}@{domain}",
                    given.to_lowercase(),
                    family.to_lowercase()
                )
            });
            t.push(
                "people",
                &[
                    ("id", v(pid)),
                    ("ibm_id", v(email)),
                    ("given_name", v(given)),
                    ("family_name", v(family)),
                    (
                        "job_title",
                        v(Some(pick(
                            rng,
                            &["Architect", "Seller", "Engineer", "Manager", "Consultant"],
                        ))),
                    ),
                    ("company_id", v(id)),
                    ("location_id", v(loc)),
                    ("status", v(status)),
                    ("is_apa", v(is_apa)),
                    ("is_prc", v(is_prc)),
                    // member@acme.example is Acme's Focal ID, its prime contact for leads.
                    ("is_focal", v(n == 1 && k == 2)),
                ],
            );
            ids.candidate += 1;
            let candidate = format!("C{:08}", ids.candidate);
            t.push(
                "candidate_ids",
                &[
                    ("id", v(ids.candidate)),
                    ("person_id", v(pid)),
                    ("candidate_id", v(candidate.clone())),
                    // The track the person marked it with; no draw, so the stream of
                    // every later row is unchanged.
                    ("track", v(if k % 3 == 1 { "SALES" } else { "TECHNICAL" })),
                ],
            );
            let n_certs = if n == 1 && k < 4 {
                3
            } else {
                rng.random_range(0..=3)
            };
            for _ in 0..n_certs {
                let &(skill, kind, track, points) = SKILLS.choose(rng).unwrap_or(&SKILLS[0]);
                let earned = day(SEED_TODAY, -rng.random_range(30..1000));
                // Two or three years of validity: some have lapsed.
                let expires = day(earned, if rng.random_bool(0.5) { 730 } else { 1095 });
                ids.cert += 1;
                t.push(
                    "certifications",
                    &[
                        ("id", v(ids.cert)),
                        ("person_id", v(pid)),
                        ("name", v(skill)),
                        ("kind", v(kind)),
                        ("track", v(track)),
                        ("earned_on", v(earned)),
                        ("expires_on", v(Some(expires))),
                        ("candidate_id", v(Some(candidate.clone()))),
                    ],
                );
                if status == "ACTIVE" {
                    inputs.skills.push(HeldSkill {
                        person_id: pid,
                        name: skill.into(),
                        expires_on: Some(expires),
                        listed: (points > 0).then_some((
                            points,
                            if track == "SALES" {
                                Track::Sales
                            } else {
                                Track::Technical
                            },
                        )),
                    });
                }
            }
            person_ids.push(pid);
        }
    }

    /// Sometimes a revenue attainment toward the level.
    fn revenue_attainment(&mut self) {
        let id = self.id;
        let Self {
            rng,
            ids,
            t,
            inputs,
            ..
        } = self;
        if rng.random_bool(0.3) {
            let points = rng.random_range(5..=10);
            let expires = day(SEED_TODAY, rng.random_range(-100..300));
            t.push(
                "company_attainments",
                &[
                    ("id", v(ids.next("company_attainments"))),
                    ("company_id", v(id)),
                    ("criterion", v("REVENUE_ATTAINMENT")),
                    ("description", v("Revenue attainment 2026")),
                    ("points", v(points)),
                    ("earned_on", v(day(SEED_TODAY, -200))),
                    ("expires_on", v(Some(expires))),
                ],
            );
            inputs
                .attainments
                .push(crate::domain::profiles::level::Criterion {
                    kind: crate::domain::profiles::level::CriterionKind::RevenueAttainment,
                    description: String::new(),
                    points,
                    track: None,
                    expires_on: Some(expires),
                    person_id: None,
                });
        }
    }

    /// ISVs publish solutions in the Global Solutions Directory.
    fn solutions(&mut self) {
        let n = self.n;
        let id = self.id;
        let Self {
            rng,
            ids,
            t,
            name,
            inputs,
            ..
        } = self;
        // ISVs publish solutions in the Global Solutions Directory.
        {
            let n_sol = if n == 1 { 2 } else { rng.random_range(1..=3) };
            for s in 0..n_sol {
                let sid = ids.next("solutions");
                let sol_name = format!(
                    "{} {}",
                    pick(rng, &["Insight", "Guard", "Flow", "Pulse", "Ledger"]),
                    pick(rng, INDUSTRIES).to_lowercase()
                );
                t.push(
                    "solutions",
                    &[
                        ("id", v(sid)),
                        ("company_id", v(id)),
                        ("name", v(sol_name.clone())),
                        ("description", v(format!("{sol_name} by {name}"))),
                        ("in_showcase", v(rng.random_bool(0.2))),
                    ],
                );
                for (kind, list) in [
                    ("INDUSTRY", INDUSTRIES),
                    ("MIDDLEWARE", MIDDLEWARE),
                    ("HARDWARE", HARDWARE),
                ] {
                    t.push(
                        "solution_tags",
                        &[
                            ("solution_id", v(sid)),
                            ("kind", v(kind)),
                            ("value", v(pick(rng, list))),
                        ],
                    );
                }
                let n_cx = if n == 1 { 1 } else { rng.random_range(0..=2) };
                let mut approved = false;
                for _ in 0..n_cx {
                    let status = if n == 1 {
                        if s == 0 { "APPROVED" } else { "SUBMITTED" }
                    } else {
                        pick(rng, &["SUBMITTED", "APPROVED", "APPROVED", "DENIED"])
                    };
                    approved |= status == "APPROVED";
                    t.push(
                        "customer_experiences",
                        &[
                            ("id", v(ids.next("customer_experiences"))),
                            ("solution_id", v(sid)),
                            ("customer_name", v(format!("{} Bank", pick(rng, ADJ)))),
                            ("summary", v("In production since 2025.")),
                            ("status", v(status)),
                        ],
                    );
                }
                if approved {
                    inputs.approved_solutions.push(sol_name);
                }
                if rng.random_bool(0.3) {
                    t.push(
                        "response_cards",
                        &[
                            ("id", v(ids.next("response_cards"))),
                            ("solution_id", v(sid)),
                            ("reader_name", v("Pat Reader")),
                            ("reader_email", v(format!("reader{sid}@customer.example"))),
                            ("reader_company", v(Some("Customer Corp"))),
                            ("message", v("Please contact me about a demo.")),
                        ],
                    );
                }
            }
        }
    }

    /// Value Net Connections focus.
    fn value_net_focus(&mut self) {
        let n = self.n;
        let id = self.id;
        let Self {
            rng, ids, t, name, ..
        } = self;
        // Value Net Connections focus.
        if n <= 2 || rng.random_bool(0.3) {
            let rid = ids.next("value_net_registrations");
            t.push(
                "value_net_registrations",
                &[
                    ("id", v(rid)),
                    ("company_id", v(id)),
                    ("description", v(Some(format!("{name} looks for partners")))),
                ],
            );
            let mut seen = std::collections::HashSet::new();
            for (kind, list, count) in [
                ("TECHNOLOGY", TECHNOLOGIES, 2),
                ("INDUSTRY", INDUSTRIES, 2),
                ("GEOGRAPHY", COUNTRIES, 1),
            ] {
                for _ in 0..count {
                    let value = pick(rng, list);
                    if seen.insert((kind, value)) {
                        t.push(
                            "value_net_focus",
                            &[
                                ("registration_id", v(rid)),
                                ("kind", v(kind)),
                                ("value", v(value)),
                            ],
                        );
                    }
                }
            }
        }
    }

    /// Resellers run Passport Advantage sites.
    fn pao_sites(&mut self) {
        let n = self.n;
        let id = self.id;
        let Self {
            rng,
            ids,
            t,
            person_ids,
            ..
        } = self;
        // Resellers run Passport Advantage sites.
        {
            let n_sites = if n == 1 { 1 } else { rng.random_range(1..=2) };
            for _ in 0..n_sites {
                super::pao::site(rng, ids, t, id, person_ids, n == 1);
            }
        }
    }

    /// Relationship applications; approved ones carry authorizations.
    fn relationship_application(&mut self) {
        let n = self.n;
        let id = self.id;
        let home = self.home;
        let Self {
            rng,
            ids,
            t,
            locations,
            person_ids,
            ..
        } = self;
        // Relationship applications; approved ones carry authorizations.
        if n <= 2 || rng.random_bool(0.2) {
            let aid = ids.next("relationship_applications");
            let status = if n == 1 {
                "DRAFT"
            } else {
                pick(rng, &["DRAFT", "SUBMITTED", "APPROVED", "REJECTED"])
            };
            t.push(
                "relationship_applications",
                &[
                    ("id", v(aid)),
                    ("company_id", v(id)),
                    ("location_id", v(locations[0])),
                    (
                        "kind",
                        v(pick(
                            rng,
                            &[
                                "SOFTWARE_RESELLER",
                                "SOFTWARE_SOLUTION_PROVIDER",
                                "SUPPORT_PROVIDER",
                                "HARDWARE_RESELLER",
                            ],
                        )),
                    ),
                    ("vad_choice", v(Some("IBM_COM"))),
                    ("agreement_accepted", v(status != "DRAFT")),
                    ("compliance_completed", v(status != "DRAFT")),
                    ("status", v(status)),
                    ("created_by_person_id", v(person_ids[0])),
                ],
            );
            let group = pick(rng, PRODUCT_GROUPS);
            t.push(
                "application_product_groups",
                &[
                    ("application_id", v(aid)),
                    ("program", v("CVR")),
                    ("product_group", v(group)),
                ],
            );
            t.push(
                "application_key_contacts",
                &[("application_id", v(aid)), ("person_id", v(person_ids[0]))],
            );
            if status == "APPROVED" {
                t.push(
                    "authorizations",
                    &[
                        ("id", v(ids.next("authorizations"))),
                        ("company_id", v(id)),
                        ("application_id", v(Some(aid))),
                        ("product_group", v(group)),
                        ("country", v(home)),
                        ("distribution", v(pick(rng, &["OPEN", "AUTHORIZED"]))),
                    ],
                );
                ids.authorized.push((group, home));
            }
        }
    }

    /// The company row itself, last: its level in force is what the rules give for the
    /// rows made above.
    fn company_row(&mut self) {
        let n = self.n;
        let id = self.id;
        let Self {
            rng,
            ids,
            t,
            name,
            types,
            person_ids,
            inputs,
            plan_approved,
            plan_until,
            token,
            ..
        } = self;
        let is_reseller = types.contains(&"RESELLER");
        let level = level_name(inputs);
        t.push(
            "companies",
            &[
                ("id", v(id)),
                ("partner_world_id", v(format!("PW-{n:06}"))),
                ("name", v(std::mem::take(name))),
                ("good_standing", v(n <= 2 || rng.random_bool(0.95))),
                ("company_token", v(std::mem::take(token))),
                ("registered_for_sales", v(n <= 2 || rng.random_bool(0.7))),
                ("partner_plan_approved", v(*plan_approved)),
                (
                    "partner_plan_status",
                    v(if *plan_approved { "VERIFIED" } else { "NONE" }),
                ),
                ("partner_plan_valid_until", v(Some(*plan_until))),
                ("isv_premier_invited", v(inputs.isv_premier_invited)),
                ("partner_world_level", v(level)),
                (
                    "description",
                    v(Some(format!(
                        "PartnerWorld member since {}",
                        2000 + (n % 25)
                    ))),
                ),
            ],
        );
        ids.companies.push((
            id,
            std::mem::take(person_ids),
            is_reseller,
            types.contains(&"DISTRIBUTOR"),
        ));
    }
}

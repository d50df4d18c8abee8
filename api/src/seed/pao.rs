//! Passport Advantage sites of a reseller: users, privileges, access requests, and the
//! customers, renewal line items and orders behind the site reports.

use super::catalog::*;
use super::values::{Ids, SEED_TODAY, day, pick, v};
use super::writer::Tables;
use chrono::Datelike;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn site(
    rng: &mut ChaCha8Rng,
    ids: &mut Ids,
    t: &mut Tables,
    company: i64,
    people: &[i64],
    demo: bool,
) {
    let site_id = ids.next("sites");
    t.push(
        "sites",
        &[
            ("id", v(site_id)),
            ("site_number", v(format!("S-{:07}", 1_000_000 + site_id))),
            ("name", v(format!("Site {site_id}"))),
            ("country", v(COUNTRIES[site_id as usize % COUNTRIES.len()])),
            (
                "agreement_type",
                v(if rng.random_bool(0.7) {
                    "PASSPORT_ADVANTAGE"
                } else {
                    "PASSPORT_ADVANTAGE_EXPRESS"
                }),
            ),
            ("reseller_company_id", v(company)),
        ],
    );
    // Demo: site.primary@ is the primary contact, member@ a user with REPORTING.
    let users: Vec<(Option<i64>, String, &str, Vec<&str>)> = if demo {
        vec![
            (
                Some(people[4]),
                "site.primary@acme.example".into(),
                "SITE_PRIMARY_CONTACT",
                PRIVILEGES.to_vec(),
            ),
            (
                Some(people[2]),
                "member@acme.example".into(),
                "USER",
                vec!["REPORTING"],
            ),
            (
                None,
                "buyer@customer.example".into(),
                "SECONDARY_CONTACT",
                vec!["ONLINE_ORDERING"],
            ),
        ]
    } else {
        let primary = *people.choose(rng).unwrap_or(&people[0]);
        let mut u = vec![(
            Some(primary),
            format!("primary{site_id}@site.example"),
            "SITE_PRIMARY_CONTACT",
            PRIVILEGES.to_vec(),
        )];
        for k in 0..rng.random_range(1..=3) {
            let role = if k == 0 { "SECONDARY_CONTACT" } else { "USER" };
            let privs: Vec<&str> = PRIVILEGES
                .iter()
                .copied()
                .filter(|_| rng.random_bool(0.5))
                .collect();
            u.push((None, format!("user{k}.{site_id}@site.example"), role, privs));
        }
        u
    };
    for (person, email, role, privs) in users {
        let uid = ids.next("site_users");
        t.push(
            "site_users",
            &[
                ("id", v(uid)),
                ("site_id", v(site_id)),
                ("person_id", v(person)),
                ("ibm_id", v(email.clone())),
                (
                    "name",
                    v(email.split('@').next().unwrap_or("user").to_owned()),
                ),
                ("role", v(role)),
                ("account_management", v(role == "SECONDARY_CONTACT" && demo)),
            ],
        );
        for p in privs {
            t.push(
                "site_user_privileges",
                &[("site_user_id", v(uid)), ("privilege", v(p))],
            );
        }
    }
    for r in 0..if demo { 2 } else { rng.random_range(0..=1) } {
        t.push(
            "access_requests",
            &[
                ("id", v(ids.next("access_requests"))),
                ("site_id", v(site_id)),
                ("requester_person_id", v(None::<i64>)),
                (
                    "requester_ibm_id",
                    v(format!("requester{r}.{site_id}@partner.example")),
                ),
                ("requester_name", v(format!("Requester {r}"))),
                ("believes_primary", v(r == 1)),
                ("status", v("PENDING")),
            ],
        );
    }
    // The report families added after the first three draw from a stream of their own,
    // seeded by the site: the main stream, and so every row generated before them, stays
    // exactly as it was.
    let mut sub = ChaCha8Rng::seed_from_u64(0x5EED_0000_0000 ^ site_id as u64);
    for c in 0..rng.random_range(3..=5) {
        let cid = ids.next("pao_customers");
        let agreement = format!("A{:07}", cid);
        let name = format!(
            "{} {}",
            pick(rng, ADJ),
            pick(rng, &["Bank", "Insurance", "Retail", "Clinic"])
        );
        // The demo site's first customer carries accents, for the report's name search;
        // nothing here draws from the random stream, so no other row moves.
        let name = if demo && c == 0 {
            "Café Zürich Rückversicherung".to_owned()
        } else {
            name
        };
        t.push(
            "pao_customers",
            &[
                ("id", v(cid)),
                ("site_id", v(site_id)),
                ("customer_number", v(format!("K{c:05}"))),
                ("name_key", v(migration::search_key::search_key(&name))),
                ("name", v(name)),
                ("agreement_number", v(agreement.clone())),
                (
                    "country",
                    // `c` stays an i32: its type decides how the range above draws.
                    v(COUNTRIES[(site_id as usize + c as usize) % COUNTRIES.len()]),
                ),
                (
                    "enrollment",
                    v(if cid % 3 == 0 {
                        "PASSPORT_ADVANTAGE_EXPRESS"
                    } else {
                        "PASSPORT_ADVANTAGE"
                    }),
                ),
                ("anniversary_month", v((cid % 12 + 1) as i16)),
            ],
        );
        for _ in 0..rng.random_range(1..=3) {
            let lid = ids.next("renewal_line_items");
            t.push(
                "renewal_line_items",
                &[
                    ("id", v(lid)),
                    ("site_id", v(site_id)),
                    ("customer_id", v(cid)),
                    ("agreement_number", v(agreement.clone())),
                    (
                        "quote_number",
                        v(rng.random_bool(0.5).then(|| format!("Q{lid:07}"))),
                    ),
                    (
                        "part_number",
                        v(format!("D{:05}LL", rng.random_range(10000..99999))),
                    ),
                    (
                        "description",
                        v(format!("{} subscription renewal", pick(rng, MIDDLEWARE))),
                    ),
                    (
                        "renewal_date",
                        v(day(SEED_TODAY, rng.random_range(-30..365))),
                    ),
                    ("quantity", v(rng.random_range(1..100i32))),
                    ("amount_cents", v(rng.random_range(100_000..20_000_000_i64))),
                    ("status", v("ACTIVE")),
                    // One line item in four renews a Committed Term License.
                    ("committed_term", v(lid % 4 == 0)),
                ],
            );
        }
        for _ in 0..rng.random_range(1..=2) {
            let oid = ids.next("orders");
            // Drawn in the order the row used to draw them inline.
            let ordered_on = day(SEED_TODAY, -rng.random_range(1..700));
            let amount = rng.random_range(100_000..50_000_000_i64);
            let order_number = format!("O{oid:08}");
            t.push(
                "orders",
                &[
                    ("id", v(oid)),
                    ("site_id", v(site_id)),
                    ("customer_id", v(cid)),
                    ("order_number", v(order_number.clone())),
                    ("ordered_on", v(ordered_on)),
                    ("amount_cents", v(amount)),
                    ("status", v(pick(rng, &["SHIPPED", "INVOICED", "OPEN"]))),
                    (
                        "offering",
                        v(if oid % 4 == 0 {
                            "CLOUD_SERVICES"
                        } else {
                            "SOFTWARE"
                        }),
                    ),
                    ("kind", v(if oid % 3 == 0 { "RENEWAL" } else { "NEW" })),
                ],
            );
            order_lines(
                &mut sub,
                ids,
                t,
                site_id,
                oid,
                &order_number,
                ordered_on,
                amount,
            );
        }
        let customer = Customer {
            site_id,
            id: cid,
            agreement: &agreement,
            demo_first: demo && c == 0,
        };
        end_users(&mut sub, ids, t, &customer);
        saas(&mut sub, ids, t, &customer);
        price_notices(&mut sub, ids, t, &customer);
    }
}

/// The customer the report rows below are about.
struct Customer<'a> {
    site_id: i64,
    id: i64,
    agreement: &'a str,
    /// The demo site's first customer: it gets a row of every kind, so each report has
    /// something to show.
    demo_first: bool,
}

/// The order's lines; their amounts add up to the order's.
#[allow(clippy::too_many_arguments)]
fn order_lines(
    rng: &mut ChaCha8Rng,
    ids: &mut Ids,
    t: &mut Tables,
    site_id: i64,
    order_id: i64,
    order_number: &str,
    ordered_on: chrono::NaiveDate,
    amount: i64,
) {
    let n = rng.random_range(1..=3_i64);
    for k in 0..n {
        let share = if k == n - 1 {
            amount - amount / n * (n - 1)
        } else {
            amount / n
        };
        t.push(
            "order_lines",
            &[
                ("id", v(ids.next("order_lines"))),
                ("site_id", v(site_id)),
                ("order_id", v(order_id)),
                ("order_number", v(order_number.to_owned())),
                ("ordered_on", v(ordered_on)),
                (
                    "part_number",
                    v(format!("E{:05}LL", rng.random_range(10000..99999))),
                ),
                (
                    "description",
                    v(format!("{} license", pick(rng, MIDDLEWARE))),
                ),
                ("quantity", v(rng.random_range(1..50_i32))),
                ("currency", v("USD")),
                ("amount_minor", v(share)),
            ],
        );
    }
}

fn end_users(rng: &mut ChaCha8Rng, ids: &mut Ids, t: &mut Tables, c: &Customer<'_>) {
    let n = if c.demo_first {
        2
    } else {
        rng.random_range(0..=2)
    };
    for _ in 0..n {
        let id = ids.next("pao_end_users");
        let name = format!(
            "{} {} {}",
            pick(rng, ADJ),
            pick(rng, NOUN),
            pick(rng, SUFFIX)
        );
        t.push(
            "pao_end_users",
            &[
                ("id", v(id)),
                ("site_id", v(c.site_id)),
                ("customer_id", v(c.id)),
                ("end_user_number", v(format!("E{id:07}"))),
                ("name_key", v(migration::search_key::search_key(&name))),
                ("name", v(name)),
                ("country", v(pick(rng, COUNTRIES))),
                ("city", v(pick(rng, CITIES))),
                ("industry", v(pick(rng, INDUSTRIES))),
                (
                    "last_order_on",
                    v(Some(day(SEED_TODAY, -rng.random_range(1..400)))),
                ),
            ],
        );
    }
}

const DATA_ELEMENTS: &[&str] = &[
    "Administrator e-mail",
    "Tenant name",
    "Data center region",
    "Single sign-on provider",
];
const STATES: &[&str] = &[
    "AWAITING_PROVISIONING_DATA",
    "PROVISIONING",
    "FULFILLED",
    "CANCELLED",
];
const SUPPRESSION: &[&str] = &[
    "Below the billing threshold",
    "Ramp-up period",
    "Waived after a service incident",
];

/// SaaS subscriptions: their provisioning forms, overage and license changes.
fn saas(rng: &mut ChaCha8Rng, ids: &mut Ids, t: &mut Tables, c: &Customer<'_>) {
    let n = if c.demo_first {
        2
    } else {
        rng.random_range(0..=1)
    };
    for k in 0..n {
        let id = ids.next("saas_subscriptions");
        let number = format!("SUB{id:07}");
        let status = if c.demo_first {
            ["AWAITING_PROVISIONING_DATA", "FULFILLED"][k]
        } else {
            pick(rng, STATES)
        };
        let ordered_on = day(SEED_TODAY, -rng.random_range(30..400));
        let quantity = rng.random_range(1..20_i32);
        let monthly = rng.random_range(10_000..500_000_i64);
        t.push(
            "saas_subscriptions",
            &[
                ("id", v(id)),
                ("site_id", v(c.site_id)),
                ("customer_id", v(c.id)),
                ("subscription_number", v(number.clone())),
                (
                    "part_number",
                    v(format!("S{:05}SA", rng.random_range(10000..99999))),
                ),
                (
                    "description",
                    v(format!("{} as a Service", pick(rng, MIDDLEWARE))),
                ),
                ("quantity", v(quantity)),
                ("fulfillment_status", v(status)),
                ("ordered_on", v(ordered_on)),
                (
                    "fulfilled_on",
                    v((status == "FULFILLED").then(|| day(ordered_on, 7))),
                ),
                ("term_end", v(day(ordered_on, 365))),
                ("currency", v("USD")),
                ("monthly_minor", v(monthly)),
            ],
        );
        for (e, name) in DATA_ELEMENTS.iter().enumerate() {
            let required = e < 3;
            // Waiting for data: the last required element is still empty.
            let value = if status == "AWAITING_PROVISIONING_DATA" && e == 2 || !required {
                None
            } else {
                Some(match e {
                    0 => format!("admin@customer{}.example", c.id),
                    1 => format!("tenant-{id}"),
                    _ => pick(rng, &["eu-de", "us-south", "jp-tok"]).to_owned(),
                })
            };
            t.push(
                "saas_provisioning_elements",
                &[
                    ("id", v(ids.next("saas_provisioning_elements"))),
                    ("site_id", v(c.site_id)),
                    ("subscription_id", v(id)),
                    ("subscription_number", v(number.clone())),
                    ("name", v(*name)),
                    ("value", v(value)),
                    ("required", v(required)),
                ],
            );
        }
        if status != "FULFILLED" {
            continue;
        }
        let months = if c.demo_first {
            2
        } else {
            rng.random_range(0..=2)
        };
        for m in 0..months {
            let month = day(SEED_TODAY, -30 * (m + 1));
            let month = month.with_day(1).unwrap_or(month);
            let entitled = i64::from(quantity) * 100;
            let over = rng.random_range(1..500_i64);
            let suppressed = (c.demo_first && m == 0) || rng.random_bool(0.6);
            t.push(
                "saas_overages",
                &[
                    ("id", v(ids.next("saas_overages"))),
                    ("site_id", v(c.site_id)),
                    ("subscription_id", v(id)),
                    ("subscription_number", v(number.clone())),
                    ("customer_id", v(c.id)),
                    ("usage_month", v(month)),
                    (
                        "metric",
                        v(pick(
                            rng,
                            &["Resource Unit", "Virtual Processor Core", "Authorized User"],
                        )),
                    ),
                    ("entitled_quantity", v(entitled)),
                    ("used_quantity", v(entitled + over)),
                    ("suppressed", v(suppressed)),
                    (
                        "suppression_reason",
                        v(suppressed.then(|| pick(rng, SUPPRESSION).to_owned())),
                    ),
                    ("currency", v("USD")),
                    ("amount_minor", v(over * monthly / 100)),
                ],
            );
        }
        let mut qty = quantity;
        let updates = if c.demo_first {
            2
        } else {
            rng.random_range(0..=2)
        };
        for u in 0..updates {
            let (change, after) = match (u, rng.random_range(0..3)) {
                (0, _) | (_, 0) => ("INCREASE", qty + rng.random_range(1..10)),
                (_, 1) => ("DECREASE", (qty - 1).max(1)),
                _ => ("RENEWAL", qty),
            };
            t.push(
                "subscription_license_updates",
                &[
                    ("id", v(ids.next("subscription_license_updates"))),
                    ("site_id", v(c.site_id)),
                    ("subscription_id", v(id)),
                    ("subscription_number", v(number.clone())),
                    ("customer_id", v(c.id)),
                    ("change", v(change)),
                    ("quantity_before", v(qty)),
                    ("quantity_after", v(after)),
                    ("effective_on", v(day(ordered_on, 60 * (u + 1)))),
                ],
            );
            qty = after;
        }
    }
}

/// Contract renewal price notifications on the customer's agreement.
fn price_notices(rng: &mut ChaCha8Rng, ids: &mut Ids, t: &mut Tables, c: &Customer<'_>) {
    let n = if c.demo_first {
        1
    } else {
        rng.random_range(0..=1)
    };
    for _ in 0..n {
        let notice = day(SEED_TODAY, -rng.random_range(0..60));
        let current = rng.random_range(10_000..2_000_000_i64);
        let id = ids.next("renewal_price_notices");
        // The demo's notifications feed: the notice, for the site's primary contact and
        // its REPORTING user.
        if c.demo_first {
            for recipient in ["site.primary@acme.example", "member@acme.example"] {
                t.push(
                    "notifications",
                    &[
                        ("id", v(ids.next("notifications"))),
                        ("recipient", v(recipient)),
                        ("kind", v("RENEWAL_PRICE_NOTICE")),
                        (
                            "title",
                            v(format!("Renewal price change on agreement {}", c.agreement)),
                        ),
                        (
                            "body",
                            v(format!(
                                "A part on agreement {} renews at a new price from {}.",
                                c.agreement,
                                day(notice, 90)
                            )),
                        ),
                        ("site_id", v(Some(c.site_id))),
                        ("about_id", v(Some(id))),
                    ],
                );
            }
        }
        t.push(
            "renewal_price_notices",
            &[
                ("id", v(id)),
                ("site_id", v(c.site_id)),
                ("customer_id", v(c.id)),
                ("agreement_number", v(c.agreement.to_owned())),
                (
                    "part_number",
                    v(format!("D{:05}LL", rng.random_range(10000..99999))),
                ),
                (
                    "description",
                    v(format!(
                        "{} subscription and support",
                        pick(rng, MIDDLEWARE)
                    )),
                ),
                ("notice_date", v(notice)),
                ("effective_date", v(day(notice, 90))),
                ("currency", v("USD")),
                ("current_unit_minor", v(current)),
                (
                    "new_unit_minor",
                    v(current * rng.random_range(101..=112) / 100),
                ),
            ],
        );
    }
}

/// Price files: for every country, product group and kind, a few parts; half of them
/// have a successor price announced from 1 February 2027. Reference data: it draws
/// nothing random.
pub fn price_parts(t: &mut Tables) {
    let mut id = 0_i64;
    let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(SEED_TODAY);
    let change = chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap_or(SEED_TODAY);
    for (ci, country) in COUNTRIES.iter().enumerate() {
        let currency = match *country {
            "US" => "USD",
            "GB" => "GBP",
            "JP" => "JPY",
            "IN" => "INR",
            "BR" => "BRL",
            "CA" => "CAD",
            "AU" => "AUD",
            _ => "EUR",
        };
        // JPY has no minor unit: prices in whole yen.
        let scale = if currency == "JPY" { 1 } else { 100 };
        for (gi, group) in PRODUCT_GROUPS.iter().enumerate() {
            for (ki, kind) in ["SOFTWARE", "SAAS_MONTHLY"].iter().enumerate() {
                for p in 0..4_i64 {
                    let part = format!(
                        "{}{}{:03}{}",
                        if ki == 0 { "D" } else { "S" },
                        &group[..2],
                        gi as i64 * 10 + p,
                        if ki == 0 { "LL" } else { "SA" }
                    );
                    let price = (100 + (ci as i64 * 37 + gi as i64 * 11 + p * 53) % 900) * scale;
                    let successor = p % 2 == 0;
                    let mut row = |id: i64, price: i64, from, to: Option<chrono::NaiveDate>| {
                        t.push(
                            "price_parts",
                            &[
                                ("id", v(id)),
                                ("part_number", v(part.clone())),
                                (
                                    "description",
                                    v(format!("{} part {}", group.replace('_', " "), p + 1)),
                                ),
                                ("product_group", v(*group)),
                                ("kind", v(*kind)),
                                ("country", v(*country)),
                                ("currency", v(currency)),
                                ("unit_minor", v(price)),
                                ("effective_from", v(from)),
                                ("effective_to", v(to)),
                            ],
                        );
                    };
                    id += 1;
                    if successor {
                        row(id, price, from, change.pred_opt());
                        id += 1;
                        row(id, price * 105 / 100, change, None);
                    } else {
                        row(id, price, from, None);
                    }
                }
            }
        }
    }
}

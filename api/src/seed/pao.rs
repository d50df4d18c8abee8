//! Passport Advantage sites of a reseller: users, privileges, access requests, and the
//! customers, renewal line items and orders behind the site reports.

use super::catalog::*;
use super::values::{Ids, SEED_TODAY, day, pick, v};
use super::writer::Tables;
use rand::Rng;
use rand::seq::IndexedRandom;
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
            t.push(
                "orders",
                &[
                    ("id", v(oid)),
                    ("site_id", v(site_id)),
                    ("customer_id", v(cid)),
                    ("order_number", v(format!("O{oid:08}"))),
                    ("ordered_on", v(day(SEED_TODAY, -rng.random_range(1..700)))),
                    ("amount_cents", v(rng.random_range(100_000..50_000_000_i64))),
                    ("status", v(pick(rng, &["SHIPPED", "INVOICED", "OPEN"]))),
                ],
            );
        }
    }
}

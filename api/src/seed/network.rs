//! Rows that link companies: communities, value nets and opportunities.

use super::catalog::*;
use super::values::{Ids, pick, v};
use super::writer::Tables;
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

/// Rows that link companies to each other: communities, value nets, opportunities.
pub fn cross_company(rng: &mut ChaCha8Rng, ids: &mut Ids, t: &mut Tables, companies: u32) {
    let n_comm = 5 + companies / 100;
    let everyone: Vec<i64> = ids
        .companies
        .iter()
        .flat_map(|c| c.1.iter().copied())
        .collect();
    for c in 1..=i64::from(n_comm) {
        let public = c % 3 != 0;
        t.push(
            "communities",
            &[
                ("id", v(c)),
                ("slug", v(format!("community-{c}"))),
                (
                    "name",
                    v(format!(
                        "{} {} community",
                        pick(rng, ADJ),
                        pick(rng, TECHNOLOGIES).to_lowercase()
                    )),
                ),
                ("description", v("Partners sharing practice.")),
                ("visibility", v(if public { "PUBLIC" } else { "PRIVATE" })),
            ],
        );
        let mut members = std::collections::HashSet::new();
        for k in 0..rng.random_range(3..=12) {
            let Some(&p) = everyone.choose(rng) else {
                break;
            };
            if members.insert(p) {
                t.push(
                    "community_members",
                    &[
                        ("id", v(ids.next("community_members"))),
                        ("community_id", v(c)),
                        ("person_id", v(p)),
                        ("role", v(if k == 0 { "OWNER" } else { "MEMBER" })),
                        ("status", v("ACTIVE")),
                    ],
                );
            }
        }
    }
    let all: Vec<i64> = ids.companies.iter().map(|c| c.0).collect();
    for _ in 0..(1 + companies / 50) {
        let vid = ids.next("value_nets");
        let Some(&owner) = all.choose(rng) else { break };
        t.push(
            "value_nets",
            &[
                ("id", v(vid)),
                ("name", v(format!("Value net {vid}"))),
                ("description", v(Some("Joint go-to-market"))),
                ("registered_by_company_id", v(owner)),
            ],
        );
        let mut members = std::collections::HashSet::from([owner]);
        t.push(
            "value_net_members",
            &[("value_net_id", v(vid)), ("company_id", v(owner))],
        );
        for _ in 0..rng.random_range(1..=3) {
            if let Some(&m) = all.choose(rng)
                && members.insert(m)
            {
                t.push(
                    "value_net_members",
                    &[("value_net_id", v(vid)), ("company_id", v(m))],
                );
            }
        }
    }
    for _ in 0..(5 + companies / 10) {
        // Most leads are for a product and country some partner is authorized for.
        let (group, country) = match ids.authorized.choose(rng) {
            Some(&(g, c)) if rng.random_bool(0.7) => (g, c),
            _ => (pick(rng, PRODUCT_GROUPS), pick(rng, COUNTRIES)),
        };
        t.push(
            "opportunities",
            &[
                ("id", v(ids.next("opportunities"))),
                ("product_group", v(group)),
                ("country", v(country)),
                (
                    "customer_name",
                    v(format!(
                        "{} {}",
                        pick(rng, ADJ),
                        pick(rng, &["Bank", "Retail", "Utility"])
                    )),
                ),
                ("description", v(Some("Customer looking for a partner"))),
                ("status", v("OPEN")),
            ],
        );
    }
}

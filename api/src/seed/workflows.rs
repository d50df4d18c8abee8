//! The demo's workflows left in a state a newcomer can continue in GraphiQL (the README's
//! walkthrough): each adds rows after everything generated, with ids past theirs, and
//! draws nothing from the random stream, so no generated row moves.

use super::values::{Ids, SEED_TODAY, v};
use super::writer::Tables;

/// Acme is the first company generated, Globex the second; their people are listed in
/// the order `generate::people` made them (Acme: APA, PRC, member, pending, site primary).
pub fn in_progress(ids: &mut Ids, t: &mut Tables) {
    leads(ids, t);
    // Acme resells Data and AI and Security software in Germany, where its PA site is:
    // the site's price file lists those groups' German parts.
    for group in ["DATA_AND_AI", "SECURITY"] {
        t.push(
            "authorizations",
            &[
                ("id", v(ids.next("authorizations"))),
                ("company_id", v(1_i64)),
                ("application_id", v(None::<i64>)),
                ("product_group", v(group)),
                ("country", v("DE")),
                ("distribution", v("AUTHORIZED")),
            ],
        );
    }
    let acme_people = ids.companies[0].1.clone();
    // Acme's first solution (Acme, an ISV, is generated first, so its first solution is
    // solution 1) waits in IBM's technical-validation queue.
    t.push(
        "validation_nominations",
        &[
            ("id", v(ids.next("validation_nominations"))),
            ("solution_id", v(1_i64)),
            ("nominated_by_person_id", v(Some(acme_people[0]))),
            ("status", v("NOMINATED")),
            (
                "notes",
                v(Some(
                    "Runs on IBM Power10 at two retail customers since March",
                )),
            ),
        ],
    );
    let member = acme_people[2];

    // Someone who believes they are the primary contact of S-1000001 (site 1, Acme's):
    // the request waits for IBM, not for the current primary.
    t.push(
        "access_requests",
        &[
            ("id", v(ids.next("access_requests_demo") + 900_000)),
            ("site_id", v(1_i64)),
            ("requester_ibm_id", v("dana.lee@northwind.example")),
            ("requester_name", v("Dana Lee")),
            ("believes_primary", v(true)),
            ("status", v("PENDING")),
        ],
    );

    // Acme (a CVR participant) asked for member@acme.example as its Technical Advocate.
    t.push(
        "technical_advocate_requests",
        &[
            ("id", v(ids.next("technical_advocate_requests"))),
            ("company_id", v(ids.companies[0].0)),
            ("advocate_person_id", v(member)),
            ("status", v("SUBMITTED")),
            (
                "note",
                v(Some("Leads our watsonx implementations in Germany")),
            ),
        ],
    );

    // Acme's PRC asks IBM to correct the revenue its first country enterprise (CE 1,
    // generated first) reported for 2026-Q2: the request waits in IBM's corrections queue.
    let correction = ids.next("revenue_corrections");
    t.push(
        "revenue_corrections",
        &[
            ("id", v(correction)),
            ("company_id", v(ids.companies[0].0)),
            ("country_enterprise_id", v(1_i64)),
            ("requested_by_person_id", v(acme_people[1])),
            ("period", v("2026-Q2")),
            ("contact_name", v("Priya Raman")),
            ("contact_email", v("prc@acme.example")),
            ("contact_phone", v(Some("+49 228 555 0100"))),
            ("distributor", v(Some("Arrow ECS"))),
            (
                "other",
                v(Some(
                    "Two Power10 orders booked under our German subsidiary's CE id",
                )),
            ),
            ("currency", v("USD")),
            ("status", v("SUBMITTED")),
        ],
    );
    for (brand, minor) in [("POWER", 18_250_000_i64), ("SOFTWARE", 4_400_000)] {
        t.push(
            "revenue_correction_amounts",
            &[
                ("id", v(ids.next("revenue_correction_amounts"))),
                ("correction_id", v(correction)),
                ("brand", v(brand)),
                ("amount_minor", v(minor)),
            ],
        );
    }

    // Globex registered a value net with Acme in it; Acme's APA has yet to confirm.
    let net = ids.next("value_nets");
    t.push(
        "value_nets",
        &[
            ("id", v(net)),
            ("name", v("Globex and Acme retail analytics")),
            (
                "description",
                v(Some("Joint retail analytics offering in DACH")),
            ),
            ("registered_by_company_id", v(ids.companies[1].0)),
        ],
    );
    for (company, confirmed) in [(ids.companies[1].0, true), (ids.companies[0].0, false)] {
        t.push(
            "value_net_members",
            &[
                ("value_net_id", v(net)),
                ("company_id", v(company)),
                ("confirmed", v(confirmed)),
            ],
        );
    }

    // Candidate ids: member@acme.example took exams under a second candidate id and asks
    // IBM to merge it into the first (IBM's merge queue has one entry to decide).
    ids.candidate += 1;
    let second = format!("V{:08}", ids.candidate);
    t.push(
        "candidate_ids",
        &[
            ("id", v(ids.candidate)),
            ("person_id", v(member)),
            ("candidate_id", v(second.clone())),
            ("track", v("SALES")),
        ],
    );
    let first = format!("C{member:08}");
    t.push(
        "candidate_merge_requests",
        &[
            ("id", v(ids.next("candidate_merge_requests"))),
            ("person_id", v(member)),
            ("candidate_ids", v(format!("{first},{second}"))),
            ("status", v("SUBMITTED")),
            (
                "reason",
                v(Some(
                    "Two testing vendor accounts from before I joined Acme",
                )),
            ),
            ("keep_candidate_id", v(Some(first))),
        ],
    );
}

/// A demo lead: product group, customer, status, the company it was passed to, what the
/// customer wants, and its history (event, from, to, note).
type Lead<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Option<i64>,
    &'a str,
    &'a [(&'a str, Option<&'a str>, &'a str, &'a str)],
);

/// Leads in each state a partner meets: one waiting for Acme's answer, one Acme accepted
/// and qualified, one waiting for Globex, one new in IBM's queue. Acme's Focal ID is
/// member@acme.example (set in `generate::people`).
pub fn leads(ids: &mut Ids, t: &mut Tables) {
    let (acme, globex) = (ids.companies[0].0, ids.companies[1].0);
    let at = |d: i64| {
        super::values::day(SEED_TODAY, d)
            .and_hms_opt(9, 0, 0)
            .map(|t| t.and_utc().fixed_offset())
    };
    let leads: [Lead; 4] = [
        (
            "SECURITY",
            "Northwind Insurance",
            "PASSED",
            Some(acme),
            "Replace the SIEM of three data centres",
            &[
                ("CREATED", None, "OPEN", ""),
                ("PASSED", Some("OPEN"), "PASSED", "chosen by IBM; eligible"),
            ],
        ),
        (
            "STORAGE",
            "Contoso Clinics",
            "QUALIFIED",
            Some(acme),
            "Archive tier for imaging",
            &[
                ("CREATED", None, "OPEN", ""),
                ("PASSED", Some("OPEN"), "PASSED", "chosen by IBM; eligible"),
                ("ACCEPTED", Some("PASSED"), "ACCEPTED", ""),
                (
                    "PROGRESSED",
                    Some("ACCEPTED"),
                    "QUALIFIED",
                    "Budget confirmed for Q1",
                ),
            ],
        ),
        (
            "POWER",
            "Fabrikam Logistics",
            "PASSED",
            Some(globex),
            "Consolidate two IBM i systems",
            &[
                ("CREATED", None, "OPEN", ""),
                ("PASSED", Some("OPEN"), "PASSED", "chosen by IBM; eligible"),
            ],
        ),
        (
            "SECURITY",
            "Tailspin Airlines",
            "OPEN",
            None,
            "Identity governance for 40 000 staff",
            &[("CREATED", None, "OPEN", "")],
        ),
    ];
    for (i, (group, customer, status, company, description, history)) in
        leads.into_iter().enumerate()
    {
        let id = ids.next("opportunities");
        t.push(
            "opportunities",
            &[
                ("id", v(id)),
                ("product_group", v(group)),
                ("country", v("DE")),
                ("customer_name", v(customer)),
                ("description", v(Some(description))),
                ("status", v(status)),
                ("origin", v("IBM")),
                ("passed_to_company_id", v(company)),
                ("passed_at", v(company.and_then(|_| at(-3)))),
                ("pass_reason", v(company.map(|_| "chosen by IBM; eligible"))),
                ("amount_minor", v(Some(2_500_000_i64 * (i as i64 + 1)))),
                ("currency", v(Some("EUR"))),
            ],
        );
        for (k, (event, from, to, note)) in history.iter().enumerate() {
            t.push(
                "opportunity_events",
                &[
                    ("opportunity_id", v(id)),
                    ("at", v(at(k as i64 - 6))),
                    ("event", v(*event)),
                    ("from_status", v(*from)),
                    ("to_status", v(*to)),
                    (
                        "company_id",
                        v(if *event == "CREATED" { None } else { company }),
                    ),
                    (
                        "actor",
                        v(if matches!(*event, "CREATED" | "PASSED") {
                            "channel@ibm.example"
                        } else {
                            "member@acme.example"
                        }),
                    ),
                    ("note", v((!note.is_empty()).then_some(*note))),
                ],
            );
        }
    }
}

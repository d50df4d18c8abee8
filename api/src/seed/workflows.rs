//! The demo's workflows left in a state a newcomer can continue in GraphiQL (the README's
//! walkthrough): each adds rows after everything generated, with ids past theirs, and
//! draws nothing from the random stream, so no generated row moves.

use super::values::{Ids, v};
use super::writer::Tables;

/// Acme is the first company generated, Globex the second; their people are listed in
/// the order `generate::people` made them (Acme: APA, PRC, member, pending, site primary).
pub fn in_progress(ids: &mut Ids, t: &mut Tables) {
    let acme_people = ids.companies[0].1.clone();
    let member = acme_people[2];

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

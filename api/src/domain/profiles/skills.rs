//! Skills as they arrive (domain.md §1, the FAQ's steps): a person adds their own candidate
//! id and marks it Sales or Technical (or the APA does it for them); the testing vendors'
//! feed brings the certifications earned under candidate ids; a person with several
//! candidate ids asks IBM to merge them.
//!
//! The feed is idempotent and applied whole or not at all: every row is validated on its
//! own, rejected rows are reported with their row number and a stable code, and the
//! accepted rows are written in one transaction, together with the level in force of
//! every company they touch. Sending the same feed again changes nothing.

use super::level_in_force::{self, LevelChange};
use super::model::{CertificationKind, MergeRequestId, MergeStatus, PersonId, SkillTrack};
use crate::auth::{Action, Target, Viewer, ensure, visibility};
use crate::cache::entity::ComputedKind;
use crate::domain::write::{Write, text, update_versioned};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use entities::{candidate_ids, candidate_merge_requests as merges, certifications, people};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

/// How many rows one call of the feed mutation takes (about 150 KB, inside the default
/// `MAX_BODY_BYTES`); the CLI takes files of any size.
pub const MAX_FEED_ROWS_PER_CALL: usize = 1_000;

/// A candidate id as the testing vendors issue them: 4 to 32 letters and digits, kept in
/// capitals.
pub fn candidate_id(field: &str, value: &str) -> AppResult<String> {
    let c = value.trim().to_ascii_uppercase();
    if (4..=32).contains(&c.len()) && c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        Ok(c)
    } else {
        Err(AppError::bad_input(field, "4 to 32 letters and digits"))
    }
}

/// The person a candidate id is added for: the caller themself (`None`, or their own id:
/// domain.md §8 "self (active)"), or an employee of the caller's company (the APA, §7
/// "add candidate ID to an employee").
async fn holder(
    state: &AppState,
    viewer: &Viewer,
    person_id: Option<PersonId>,
) -> AppResult<people::Model> {
    let own = viewer.person_id();
    match person_id {
        Some(id) if own != Some(id.0) => {
            let found = people::Entity::find_by_id(id.0).one(&state.db).await?;
            let p = visibility::target(
                viewer,
                Action::UpdateCompanyProfile,
                found,
                "person",
                visibility::person,
            )?;
            ensure(
                viewer,
                Action::UpdateCompanyProfile,
                Target::company(p.company_id),
            )?;
            Ok(p)
        }
        _ => {
            ensure(viewer, Action::ManageOwnSkills, Target::Global)?;
            let id = own.ok_or(AppError::Forbidden)?;
            let p = people::Entity::find_by_id(id)
                .one(&state.db)
                .await?
                .ok_or(AppError::Forbidden)?;
            ensure(viewer, Action::ManageOwnSkills, Target::person(&p))?;
            Ok(p)
        }
    }
}

/// Adds a candidate id, marked Sales or Technical, to a person (see [`holder`]).
pub async fn add_candidate_id(
    state: &AppState,
    viewer: &Viewer,
    person_id: Option<PersonId>,
    value: &str,
    track: SkillTrack,
) -> AppResult<people::Model> {
    let p = holder(state, viewer, person_id).await?;
    let value = candidate_id("input.candidateId", value)?;
    let w = Write::begin(state, viewer).await?;
    let row = candidate_ids::Entity::insert(candidate_ids::ActiveModel {
        person_id: Set(p.id),
        candidate_id: Set(value.clone()),
        track: Set(track.into()),
        ..Default::default()
    })
    .exec(&w.txn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => {
            AppError::Conflict("that candidate id already belongs to a person")
        }
        other => other,
    })?;
    w.audit(
        "addCandidateId",
        "Person",
        p.id,
        None,
        Some(json!({ "candidateId": value, "track": track, "row": row.last_insert_id })),
    )
    .await?;
    w.commit().await?;
    reload(state, p.id).await
}

async fn reload(state: &AppState, id: i64) -> AppResult<people::Model> {
    people::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("person"))
}

/// One row of a testing vendor's feed.
#[derive(Debug, Clone)]
pub struct FeedRow {
    pub candidate_id: String,
    pub name: String,
    pub kind: CertificationKind,
    pub earned_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

/// A row the feed did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// 1-based, in the order the rows were sent.
    pub row: usize,
    pub candidate_id: String,
    pub code: RejectCode,
    pub reason: String,
}

/// Why a feed row was rejected: stable, for the vendor's own reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum, strum::IntoStaticStr)]
#[graphql(name = "FeedRejectCode")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum RejectCode {
    /// Not a well-formed candidate id.
    InvalidCandidateId,
    /// No person has added this candidate id.
    UnknownCandidateId,
    /// The certification name is empty, too long or holds control characters.
    InvalidName,
    /// Expires before it was earned, or earned in the future.
    InvalidDates,
    /// A second row for the same certification earned the same day, saying otherwise.
    ConflictingRow,
    /// A CSV row whose fields could not be read (a missing column, a date not
    /// YYYY-MM-DD, a kind other than CERTIFICATION or MASTERY).
    UnreadableRow,
}

/// What one feed did.
#[derive(Debug, Default)]
pub struct FeedReport {
    pub received: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<RejectedRow>,
    pub level_changes: Vec<LevelChange>,
}

/// A validated row: what it says, keyed by what makes it the same certification.
struct Accepted {
    candidate_id: String,
    name: String,
    kind: CertificationKind,
    earned_on: NaiveDate,
    expires_on: Option<NaiveDate>,
}

fn validate(row: &FeedRow, today: NaiveDate) -> Result<Accepted, (RejectCode, String)> {
    let candidate_id = candidate_id("candidateId", &row.candidate_id)
        .map_err(|e| (RejectCode::InvalidCandidateId, e.public_message()))?;
    let name =
        text("name", &row.name, 200).map_err(|e| (RejectCode::InvalidName, e.public_message()))?;
    if row.earned_on > today {
        return Err((
            RejectCode::InvalidDates,
            format!("earned on {} is in the future", row.earned_on),
        ));
    }
    if row.expires_on.is_some_and(|e| e < row.earned_on) {
        return Err((
            RejectCode::InvalidDates,
            "expires before it was earned".into(),
        ));
    }
    Ok(Accepted {
        candidate_id,
        name,
        kind: row.kind,
        earned_on: row.earned_on,
        expires_on: row.expires_on,
    })
}

/// Applies a testing vendor's feed (IBM_CHANNEL, or a service identity holding it). A
/// certification is the same one when the same candidate id earned the same name on the
/// same day: then its kind and expiry are brought up to date; otherwise it is added.
pub async fn import(
    state: &AppState,
    viewer: &Viewer,
    rows: &[(usize, FeedRow)],
    unreadable: Vec<RejectedRow>,
    today: NaiveDate,
) -> AppResult<FeedReport> {
    ensure(viewer, Action::ManageCertifications, Target::Global)?;
    let mut report = FeedReport {
        received: rows.len() + unreadable.len(),
        ..Default::default()
    };
    let mut rejected = unreadable;
    let mut reject = |row: usize, candidate: &str, code: RejectCode, reason: String| {
        rejected.push(RejectedRow {
            row,
            candidate_id: candidate.chars().take(64).collect(),
            code,
            reason,
        });
    };

    // 1. Each row on its own; the same certification twice in one feed must agree.
    let mut accepted: Vec<(usize, Accepted)> = Vec::new();
    let mut seen: HashMap<(String, String, NaiveDate), (CertificationKind, Option<NaiveDate>)> =
        HashMap::new();
    for (n, row) in rows {
        let n = *n;
        match validate(row, today) {
            Err((code, reason)) => reject(n, &row.candidate_id, code, reason),
            Ok(a) => {
                let key = (a.candidate_id.clone(), a.name.clone(), a.earned_on);
                match seen.get(&key) {
                    // The same row again: nothing more to do.
                    Some(&(kind, expires)) if kind == a.kind && expires == a.expires_on => {
                        report.unchanged += 1
                    }
                    Some(_) => reject(
                        n,
                        &row.candidate_id,
                        RejectCode::ConflictingRow,
                        "an earlier row of this feed says otherwise about the same certification"
                            .into(),
                    ),
                    None => {
                        seen.insert(key, (a.kind, a.expires_on));
                        accepted.push((n, a));
                    }
                }
            }
        }
    }

    let w = Write::begin(state, viewer).await?;
    // 2. Whose candidate ids these are.
    let wanted: BTreeSet<String> = accepted
        .iter()
        .map(|(_, a)| a.candidate_id.clone())
        .collect();
    let owners = owners(&w.txn, &wanted).await?;
    let mut known = Vec::new();
    for (row, a) in accepted {
        match owners.get(&a.candidate_id) {
            Some(&(person, company)) => known.push((person, company, a)),
            None => {
                let candidate = a.candidate_id.clone();
                reject(
                    row,
                    &candidate,
                    RejectCode::UnknownCandidateId,
                    format!("no person has added candidate id {candidate}"),
                );
            }
        }
    }
    rejected.sort_by_key(|r| r.row);
    report.rejected = rejected;

    // 3. Against what each person already holds.
    let persons: BTreeSet<i64> = known.iter().map(|(p, _, _)| *p).collect();
    let mut held: HashMap<(i64, String, NaiveDate), certifications::Model> = HashMap::new();
    for chunk in persons.iter().copied().collect::<Vec<_>>().chunks(500) {
        for c in certifications::Entity::find()
            .filter(certifications::Column::PersonId.is_in(chunk.iter().copied()))
            .order_by_asc(certifications::Column::Id)
            .all(&w.txn)
            .await?
        {
            held.entry((c.person_id, c.name.clone(), c.earned_on))
                .or_insert(c);
        }
    }
    let points = super::reads::points_table(&w.txn).await?;
    let table_track: HashMap<&str, &str> = points
        .iter()
        .map(|p| (p.name.as_str(), p.track.as_str()))
        .collect();
    let mut changed_people: HashMap<i64, Vec<serde_json::Value>> = HashMap::new();
    let mut companies = BTreeSet::new();
    let mut inserts = Vec::new();
    for (person, company, a) in known {
        let kind: &'static str = a.kind.into();
        match held.get(&(person, a.name.clone(), a.earned_on)) {
            Some(h) if h.kind == kind && h.expires_on == a.expires_on => report.unchanged += 1,
            Some(h) => {
                certifications::Entity::update_many()
                    .col_expr(certifications::Column::Kind, Expr::value(kind))
                    .col_expr(certifications::Column::ExpiresOn, Expr::value(a.expires_on))
                    .col_expr(
                        certifications::Column::CandidateId,
                        Expr::value(a.candidate_id.clone()),
                    )
                    .col_expr(certifications::Column::Version, Expr::value(h.version + 1))
                    .col_expr(certifications::Column::UpdatedAt, Expr::current_timestamp())
                    .filter(certifications::Column::Id.eq(h.id))
                    .exec(&w.txn)
                    .await?;
                report.updated += 1;
                companies.insert(company);
                changed_people.entry(person).or_default().push(json!({
                    "updated": a.name, "earnedOn": a.earned_on, "expiresOn": a.expires_on,
                    "before": { "kind": h.kind, "expiresOn": h.expires_on },
                }));
            }
            None => {
                report.added += 1;
                companies.insert(company);
                changed_people.entry(person).or_default().push(json!({
                    "added": a.name, "candidateId": a.candidate_id,
                    "earnedOn": a.earned_on, "expiresOn": a.expires_on,
                }));
                // The track column records the points table's classification on arrival;
                // what the profile shows and the level counts is read from the table.
                let track = table_track
                    .get(a.name.as_str())
                    .copied()
                    .unwrap_or(SkillTrack::Technical.as_db());
                inserts.push(certifications::ActiveModel {
                    person_id: Set(person),
                    name: Set(a.name),
                    kind: Set(kind.to_owned()),
                    track: Set(track.to_owned()),
                    earned_on: Set(a.earned_on),
                    expires_on: Set(a.expires_on),
                    candidate_id: Set(Some(a.candidate_id)),
                    ..Default::default()
                });
            }
        }
    }
    // Eight columns a row: well under every engine's bound on parameters per statement.
    for chunk in inserts.chunks(1_000) {
        certifications::Entity::insert_many(chunk.to_vec())
            .exec(&w.txn)
            .await?;
    }
    let mut people: Vec<_> = changed_people.into_iter().collect();
    people.sort_by_key(|(p, _)| *p);
    for (person, changes) in people {
        w.audit(
            "importCertifications",
            "Person",
            person,
            None,
            Some(json!(changes)),
        )
        .await?;
    }
    // 4. The level in force follows what arrived (it rises the same day).
    let ids: Vec<i64> = companies.into_iter().collect();
    for chunk in ids.chunks(500) {
        report
            .level_changes
            .extend(level_in_force::refresh(&w.txn, chunk, today, "certifications arrived").await?);
    }
    w.commit().await?;
    for id in &ids {
        state.entities.bump(ComputedKind::Level, *id).await;
    }
    level_in_force::publish(state, &report.level_changes).await;
    Ok(report)
}

/// The person and company each candidate id belongs to.
async fn owners<C: ConnectionTrait>(
    db: &C,
    wanted: &BTreeSet<String>,
) -> AppResult<HashMap<String, (i64, i64)>> {
    let mut out = HashMap::new();
    let wanted: Vec<&String> = wanted.iter().collect();
    for chunk in wanted.chunks(500) {
        let rows = candidate_ids::Entity::find()
            .find_also_related(people::Entity)
            .filter(candidate_ids::Column::CandidateId.is_in(chunk.iter().map(|s| s.as_str())))
            .all(db)
            .await?;
        for (c, p) in rows {
            if let Some(p) = p {
                out.insert(c.candidate_id, (p.id, p.company_id));
            }
        }
    }
    Ok(out)
}

/// A person asks IBM to merge several of their own candidate ids into one (`keep`): once
/// approved, every certification earned under the others counts under `keep`, and the
/// others are removed from the profile.
pub async fn request_merge(
    state: &AppState,
    viewer: &Viewer,
    ids: &[String],
    keep: &str,
    reason: Option<String>,
) -> AppResult<merges::Model> {
    let p = holder(state, viewer, None).await?;
    let keep = candidate_id("input.keep", keep)?;
    let mut list = BTreeSet::new();
    for (i, c) in ids.iter().enumerate() {
        list.insert(candidate_id(&format!("input.candidateIds[{i}]"), c)?);
    }
    list.insert(keep.clone());
    if list.len() < 2 || list.len() > 10 {
        return Err(AppError::bad_input(
            "input.candidateIds",
            "two to ten distinct candidate ids, the kept one among them",
        ));
    }
    let reason = reason.map(|r| text("input.reason", &r, 1000)).transpose()?;
    let own: BTreeSet<String> = candidate_ids::Entity::find()
        .filter(candidate_ids::Column::PersonId.eq(p.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| c.candidate_id)
        .collect();
    if let Some(other) = list.iter().find(|c| !own.contains(*c)) {
        return Err(AppError::bad_input(
            "input.candidateIds",
            format!("{other} is not one of your candidate ids: add it first"),
        ));
    }
    let w = Write::begin(state, viewer).await?;
    let open = merges::Entity::find()
        .filter(merges::Column::PersonId.eq(p.id))
        .filter(merges::Column::Status.eq(MergeStatus::Submitted))
        .one(&w.txn)
        .await?;
    if open.is_some() {
        return Err(AppError::Conflict(
            "a merge request of yours is still waiting for IBM's decision",
        ));
    }
    let joined: Vec<&str> = list.iter().map(String::as_str).collect();
    let row = merges::Entity::insert(merges::ActiveModel {
        person_id: Set(p.id),
        candidate_ids: Set(joined.join(",")),
        status: Set(MergeStatus::Submitted.into()),
        reason: Set(reason),
        keep_candidate_id: Set(Some(keep.clone())),
        ..Default::default()
    })
    .exec_with_returning(&w.txn)
    .await?;
    w.audit(
        "requestCandidateIdMerge",
        "CandidateIdMerge",
        row.id,
        None,
        Some(json!({ "candidateIds": joined, "keep": keep })),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// IBM decides a merge request. Approving moves the certifications of the merged ids
/// under the kept one and removes the merged ids; either way the request is closed.
pub async fn decide_merge(
    state: &AppState,
    viewer: &Viewer,
    id: MergeRequestId,
    version: i32,
    approve: bool,
    note: Option<String>,
) -> AppResult<merges::Model> {
    ensure(viewer, Action::ManageCertifications, Target::Global)?;
    let note = note.map(|r| text("input.note", &r, 1000)).transpose()?;
    let m = merges::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("candidate id merge request"))?;
    if m.status != MergeStatus::Submitted {
        return Err(AppError::Conflict("the merge request was already decided"));
    }
    let status = if approve {
        MergeStatus::Approved
    } else {
        MergeStatus::Declined
    };
    let w = Write::begin(state, viewer).await?;
    update_versioned::<merges::Entity>(
        &w.txn,
        (id, version),
        vec![
            (merges::Column::Status, Expr::value(status)),
            (
                merges::Column::Reason,
                Expr::value(note.or(m.reason.clone())),
            ),
        ],
        "the merge request was changed by someone else; reload and retry",
    )
    .await?;
    let keep = m.keep_candidate_id.clone().unwrap_or_default();
    let merged: Vec<String> = m
        .candidate_ids
        .split(',')
        .filter(|c| *c != keep)
        .map(str::to_owned)
        .collect();
    let mut moved = 0;
    if approve {
        moved = certifications::Entity::update_many()
            .col_expr(
                certifications::Column::CandidateId,
                Expr::value(keep.clone()),
            )
            .filter(certifications::Column::PersonId.eq(m.person_id))
            .filter(certifications::Column::CandidateId.is_in(merged.iter().map(String::as_str)))
            .exec(&w.txn)
            .await?
            .rows_affected;
        candidate_ids::Entity::delete_many()
            .filter(candidate_ids::Column::PersonId.eq(m.person_id))
            .filter(candidate_ids::Column::CandidateId.is_in(merged.iter().map(String::as_str)))
            .exec(&w.txn)
            .await?;
    }
    w.audit(
        if approve {
            "approveCandidateIdMerge"
        } else {
            "declineCandidateIdMerge"
        },
        "CandidateIdMerge",
        id,
        Some(json!({ "status": m.status })),
        Some(json!({ "status": status, "kept": keep, "merged": merged, "certificationsMoved": moved })),
    )
    .await?;
    w.commit().await?;
    merges::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("candidate id merge request"))
}

/// A feed read from a file: its rows numbered by line, and the lines that could not be read.
pub type ParsedFeed = (Vec<(usize, FeedRow)>, Vec<RejectedRow>);

/// A vendor feed in CSV (`partnerworld import-certifications FILE`): a header row naming
/// `candidate_id`, `name`, `kind`, `earned_on` and `expires_on` (empty when it does not
/// expire), in any order. Rows that cannot be read are returned as rejected, numbered by
/// their line in the file, with the rows that can.
pub fn parse_csv(input: impl std::io::Read) -> AppResult<ParsedFeed> {
    #[derive(serde::Deserialize)]
    struct Line {
        candidate_id: String,
        name: String,
        kind: String,
        earned_on: String,
        #[serde(default)]
        expires_on: String,
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| AppError::bad_input("file", format!("no header row: {e}")))?
        .clone();
    for needed in ["candidate_id", "name", "kind", "earned_on"] {
        if !headers.iter().any(|h| h == needed) {
            return Err(AppError::bad_input(
                "file",
                format!("the header row has no `{needed}` column"),
            ));
        }
    }
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // The header is line 1.
        let line_no = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| p.line() as usize);
        let unreadable = |candidate: &str, reason: String| RejectedRow {
            row: line_no,
            candidate_id: candidate.chars().take(64).collect(),
            code: RejectCode::UnreadableRow,
            reason,
        };
        let line: Line = match record.and_then(|r| r.deserialize(Some(&headers))) {
            Ok(l) => l,
            Err(e) => {
                rejected.push(unreadable("", e.to_string()));
                continue;
            }
        };
        let date = |field: &str, v: &str| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| format!("`{field}` is not a date (YYYY-MM-DD): {v:?}"))
        };
        let parsed = (|| {
            let kind = line
                .kind
                .to_ascii_uppercase()
                .parse::<CertificationKind>()
                .map_err(|_| format!("`kind` is {:?}: CERTIFICATION or MASTERY", line.kind))?;
            let earned_on = date("earned_on", &line.earned_on)?;
            let expires_on = if line.expires_on.is_empty() {
                None
            } else {
                Some(date("expires_on", &line.expires_on)?)
            };
            Ok::<_, String>(FeedRow {
                candidate_id: line.candidate_id.clone(),
                name: line.name.clone(),
                kind,
                earned_on,
                expires_on,
            })
        })();
        match parsed {
            Ok(row) => rows.push((line_no, row)),
            Err(reason) => rejected.push(unreadable(&line.candidate_id, reason)),
        }
    }
    Ok((rows, rejected))
}

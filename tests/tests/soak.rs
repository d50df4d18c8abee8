//! A load soak on PostgreSQL and Redis over a real socket: mixed reads and writes at high
//! concurrency for `PW_SOAK_SECS` (default 120), memory and open file descriptors sampled
//! every few seconds. Promises: no failed request, every acknowledged write read back at
//! once by its writer, and neither memory nor descriptors growing once warm.

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tests::{Backend, TestApp};

const WORKERS: usize = 64;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

const READS: &[&str] = &[
    "{ company(partnerWorldId: \"PW-000001\") { name achievedLevel countryEnterprises { country locations { name } } } }",
    "{ companies(first: 20) { edges { node { name countryEnterprises { locations { name } } } } } }",
    "{ solutions(first: 10) { edges { node { name company { name } customerExperiences { status } } } } }",
    "{ communities(first: 10) { edges { node { name memberCount } } } }",
];

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: AtomicU64,
    conflicts: AtomicU64,
    writes: AtomicU64,
    stale: AtomicU64,
}

async fn post(client: &reqwest::Client, url: &str, token: Option<&str>, body: Value) -> Value {
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    match req.send().await {
        Ok(r) if r.status().is_success() => r
            .text()
            .await
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(json!({ "errors": [{ "message": "unreadable body" }] })),
        Ok(r) => json!({ "errors": [{ "message": format!("HTTP {}", r.status()) }] }),
        Err(e) => json!({ "errors": [{ "message": e.to_string() }] }),
    }
}

fn code(v: &Value) -> Option<&str> {
    v["errors"][0]["extensions"]["code"].as_str()
}

/// Reads the profile, renames it, and reads it back as the writer: a CONFLICT (another
/// worker won that version) is the promised outcome, not a failure.
async fn write(client: &reqwest::Client, url: &str, apa: &str, n: u64, tally: &Tally) {
    let read = "{ company(partnerWorldId: \"PW-000001\") { id version name } }";
    let current = post(client, url, Some(apa), json!({ "query": read })).await;
    if current.get("errors").is_some() {
        tally.failed.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let c = &current["data"]["company"];
    let name = format!("Acme Soak {n}");
    let update = "mutation($id: ID!, $v: Int!, $n: String!) { updateCompanyProfile(input: { companyId: $id, version: $v, name: $n }) { company { version } } }";
    let answer = post(
        client,
        url,
        Some(apa),
        json!({ "query": update, "variables": { "id": c["id"], "v": c["version"], "n": name } }),
    )
    .await;
    match code(&answer) {
        None => {
            tally.writes.fetch_add(1, Ordering::Relaxed);
            let written = answer["data"]["updateCompanyProfile"]["company"]["version"]
                .as_i64()
                .unwrap_or(0);
            let back = post(client, url, Some(apa), json!({ "query": read })).await;
            let seen = back["data"]["company"]["version"].as_i64().unwrap_or(0);
            // Read-your-writes: never a version older than the one just acknowledged.
            if seen < written {
                tally.stale.fetch_add(1, Ordering::Relaxed);
            }
        }
        Some("CONFLICT") => {
            tally.conflicts.fetch_add(1, Ordering::Relaxed);
        }
        Some(_) => {
            tally.failed.fetch_add(1, Ordering::Relaxed);
            eprintln!("soak write failed: {answer}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_load_for_minutes_leaks_nothing_and_fails_nothing() {
    let secs: u64 = std::env::var("PW_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let app = TestApp::start(Backend::Postgres).await;
    let url = format!("http://{}/graphql", app.serve().await);
    let apa = app.token("apa@acme.example");
    let member = app.token("member@acme.example");
    let tally = Arc::new(Tally::default());
    let deadline = Instant::now() + Duration::from_secs(secs);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(WORKERS)
        .build()
        .expect("client");

    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (client, url, apa, member, tally) = (
                client.clone(),
                url.clone(),
                apa.clone(),
                member.clone(),
                tally.clone(),
            );
            tokio::spawn(async move {
                let mut i = 0u64;
                while Instant::now() < deadline {
                    i += 1;
                    // One operation in ten writes.
                    if (i + w as u64).is_multiple_of(10) {
                        write(&client, &url, &apa, i * WORKERS as u64 + w as u64, &tally).await;
                        continue;
                    }
                    let token = if i.is_multiple_of(2) {
                        Some(member.as_str())
                    } else {
                        None
                    };
                    let q = READS[(i as usize + w) % READS.len()];
                    let answer = post(&client, &url, token, json!({ "query": q })).await;
                    if answer.get("errors").is_some() {
                        tally.failed.fetch_add(1, Ordering::Relaxed);
                        eprintln!("soak read failed: {answer}");
                    } else {
                        tally.ok.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();

    // Samples after a warm-up of a tenth of the run (pools, caches, allocator arenas).
    let mut samples = Vec::new();
    let step = Duration::from_secs((secs / 12).max(1));
    tokio::time::sleep(Duration::from_secs((secs / 10).max(1))).await;
    while Instant::now() + step < deadline {
        samples.push((rss_kib(), open_fds()));
        tokio::time::sleep(step).await;
    }
    for w in workers {
        w.await.expect("worker");
    }
    samples.push((rss_kib(), open_fds()));

    let ok = tally.ok.load(Ordering::Relaxed);
    let writes = tally.writes.load(Ordering::Relaxed);
    eprintln!(
        "soak: {secs}s, {ok} reads, {writes} writes, {} conflicts, samples (RSS KiB, fds): {samples:?}",
        tally.conflicts.load(Ordering::Relaxed)
    );
    assert_eq!(tally.failed.load(Ordering::Relaxed), 0, "no request failed");
    assert_eq!(
        tally.stale.load(Ordering::Relaxed),
        0,
        "every write read back at once"
    );
    assert!(
        ok > 1000 && writes > 10,
        "the soak ran: {ok} reads, {writes} writes"
    );
    let (first_rss, first_fds) = samples[0];
    let (last_rss, last_fds) = *samples.last().expect("samples");
    let peak_rss = samples.iter().map(|s| s.0).max().unwrap_or(0);
    assert!(
        last_fds <= first_fds + 16,
        "file descriptors grew: {first_fds} -> {last_fds}"
    );
    // Warm memory may move with the allocator, not climb with the work done.
    assert!(
        last_rss <= first_rss + first_rss / 2 + 32 * 1024 && peak_rss <= first_rss * 2 + 32 * 1024,
        "memory grew: {samples:?}"
    );
}

//! S6: a mix where one request in ten is a mutation, with read-your-writes checked. wrk
//! cannot chain a read, a write and a read-back on one caller, so this drives it: each
//! of BENCH_CONNECTIONS tasks loops until BENCH_DURATION is over, mostly reading one
//! company anonymously (S1), sometimes reading a company as its APA, renaming it with the
//! version read, and reading it back as the same APA, which must see that version or a
//! newer one. Prints one line: `rps p50_ms p99_ms writes conflicts stale failed`.

use rand::Rng;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const S1: &str = "query S1($pw: String!) { company(partnerWorldId: $pw) { name partnerWorldId goodStanding partnerWorldLevel } }";
const READ: &str = "query Own($pw: String!) { company(partnerWorldId: $pw) { id version name } }";
const UPDATE: &str = "mutation Rename($id: ID!, $v: Int!, $n: String!) { updateCompanyProfile(input: { companyId: $id, version: $v, name: $n }) { company { version } } }";

#[derive(Default)]
struct Counts {
    latencies: Vec<Duration>,
    writes: u64,
    conflicts: u64,
    stale: u64,
    failed: u64,
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: Value,
    counts: &mut Counts,
) -> Option<Value> {
    let started = Instant::now();
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let answer = match req.send().await {
        Ok(r) if r.status().is_success() => r.text().await.ok(),
        _ => None,
    };
    counts.latencies.push(started.elapsed());
    let v: Option<Value> = answer.and_then(|t| serde_json::from_str(&t).ok());
    if v.is_none() {
        counts.failed += 1;
    }
    v
}

async fn write(
    client: &reqwest::Client,
    url: &str,
    apa: &(String, String),
    n: u64,
    c: &mut Counts,
) {
    let (token, pw) = apa;
    let Some(current) = post(
        client,
        url,
        Some(token),
        json!({ "query": READ, "variables": { "pw": pw } }),
        c,
    )
    .await
    else {
        return;
    };
    let company = &current["data"]["company"];
    let vars = json!({ "id": company["id"], "v": company["version"], "n": format!("Renamed {n}") });
    let Some(answer) = post(
        client,
        url,
        Some(token),
        json!({ "query": UPDATE, "variables": vars }),
        c,
    )
    .await
    else {
        return;
    };
    match answer["errors"][0]["extensions"]["code"].as_str() {
        None => {
            c.writes += 1;
            let written = answer["data"]["updateCompanyProfile"]["company"]["version"]
                .as_i64()
                .unwrap_or(i64::MAX);
            if let Some(back) = post(
                client,
                url,
                Some(token),
                json!({ "query": READ, "variables": { "pw": pw } }),
                c,
            )
            .await
                && back["data"]["company"]["version"].as_i64().unwrap_or(0) < written
            {
                c.stale += 1;
            }
        }
        Some("CONFLICT") => c.conflicts += 1,
        Some(_) => c.failed += 1,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = std::env::var("BENCH_GATEWAY")?;
    let database = std::env::var("DATABASE_URL")?;
    let secret = std::env::var("BENCH_SECRET")?;
    let connections: usize = env("BENCH_CONNECTIONS", 32);
    let duration = Duration::from_secs(env("BENCH_DURATION", 10));
    let companies: u32 = env("BENCH_COMPANIES", 100_000);

    // Writers: the APAs of 500 companies, each with a token of their own.
    let pool = sqlx::PgPool::connect(&database).await?;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.ibm_id, c.partner_world_id FROM people p JOIN companies c ON c.id = p.company_id \
         WHERE p.is_apa AND p.status = 'ACTIVE' ORDER BY c.id LIMIT 500",
    )
    .fetch_all(&pool)
    .await?;
    let auth = api::auth::jwt::Authenticator::hs256(
        secret.as_bytes(),
        "https://partnerworld.example/auth",
        "partnerworld-gateway",
        30,
    );
    let apas: Vec<(String, String)> = rows
        .into_iter()
        .map(|(sub, pw)| auth.mint(&sub, &[], 7200).map(|t| (t, pw)))
        .collect::<Result<_, _>>()?;
    if apas.is_empty() {
        return Err("no APA in the database".into());
    }

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (client, url, apas) = (client.clone(), url.clone(), apas.clone());
            tokio::spawn(async move {
                let mut c = Counts::default();
                let mut n = 0u64;
                while Instant::now() < deadline {
                    n += 1;
                    // A write costs three requests, one of them the mutation: 12.5 % of
                    // operations makes mutations 10 % of requests.
                    let (roll, pick, pw) = {
                        let mut rng = rand::rng();
                        (
                            rng.random_range(0..1000u32),
                            rng.random_range(0..apas.len()),
                            rng.random_range(1..=companies),
                        )
                    };
                    if roll < 125 {
                        write(&client, &url, &apas[pick], n, &mut c).await;
                    } else {
                        let vars = json!({ "pw": format!("PW-{pw:06}") });
                        post(
                            &client,
                            &url,
                            None,
                            json!({ "query": S1, "variables": vars }),
                            &mut c,
                        )
                        .await;
                    }
                }
                c
            })
        })
        .collect();
    let mut all = Counts::default();
    for t in tasks {
        let c = t.await?;
        all.latencies.extend(c.latencies);
        all.writes += c.writes;
        all.conflicts += c.conflicts;
        all.stale += c.stale;
        all.failed += c.failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies.sort_unstable();
    let at = |q: f64| {
        let i =
            ((all.latencies.len() as f64 * q) as usize).min(all.latencies.len().saturating_sub(1));
        all.latencies
            .get(i)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{:.2} {:.2}ms {:.2}ms {} {} {} {}",
        all.latencies.len() as f64 / elapsed,
        at(0.5),
        at(0.99),
        all.writes,
        all.conflicts,
        all.stale,
        all.failed
    );
    Ok(())
}

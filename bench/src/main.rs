//! The benchmark's ceilings, served on `BENCH_CEILING_ADDR` (default 127.0.0.1:8190):
//! - `GET /canned`: a fixed JSON answer — what axum and the machine can do at most (C0);
//! - `GET /company?pw=PW-000123`: the S1 point lookup by hand (C1 for S1);
//! - `GET /tree?after=ID&first=N`: the S2 (20) and S3 (100) page tree (companies →
//!   country enterprises → locations → first 5 people → certifications of skills in the
//!   points table) with the best SQL we can write: one batched statement per level,
//!   LATERAL for "first 5 per location", the JSON assembled in Rust, byte for byte the
//!   shape the gateway answers (C1);
//! - `GET /canned-s2`: the bytes of one S2 answer of the gateway's, read once from
//!   `BENCH_CANNED_S2`: what serving S2 could cost at most, with no work per request.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::collections::HashMap;

#[derive(serde::Deserialize)]
struct Page {
    after: Option<i64>,
    first: Option<i64>,
}

#[derive(serde::Deserialize)]
struct Lookup {
    pw: String,
}

/// The S1 answer by hand: one indexed lookup.
async fn company(
    State(pool): State<PgPool>,
    Query(q): Query<Lookup>,
) -> Result<Json<Value>, String> {
    let row: Option<(String, String, bool, String)> = sqlx::query_as(
        "SELECT name, partner_world_id, good_standing, partner_world_level FROM companies WHERE partner_world_id = $1",
    )
    .bind(&q.pw)
    .fetch_optional(&pool)
    .await
    .map_err(|e| e.to_string())?;
    let company = row.map(|(name, pw, good, level)| {
        json!({ "name": name, "partnerWorldId": pw, "goodStanding": good, "partnerWorldLevel": level })
    });
    Ok(Json(json!({ "data": { "company": company } })))
}

/// One S2 answer of the gateway's, as bytes; read on first use (the bench writes it once
/// the gateway is up, after this process started).
async fn canned_s2() -> Response {
    static BYTES: std::sync::OnceLock<axum::body::Bytes> = std::sync::OnceLock::new();
    let bytes = match BYTES.get() {
        Some(b) => b.clone(),
        None => match std::env::var("BENCH_CANNED_S2").map(std::fs::read) {
            Ok(Ok(b)) if !b.is_empty() => BYTES.get_or_init(|| b.into()).clone(),
            _ => {
                return (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "no S2 answer yet",
                )
                    .into_response();
            }
        },
    };
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response()
}

async fn canned() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        r#"{"data":{"company":{"name":"Acme Analytics","partnerWorldId":"PW-000001"}}}"#,
    )
        .into_response()
}

fn group<T>(rows: Vec<(i64, T)>) -> HashMap<i64, Vec<T>> {
    let mut map: HashMap<i64, Vec<T>> = HashMap::new();
    for (k, v) in rows {
        map.entry(k).or_default().push(v);
    }
    map
}

async fn tree(State(pool): State<PgPool>, Query(page): Query<Page>) -> Result<Json<Value>, String> {
    let err = |e: sqlx::Error| e.to_string();
    let companies: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM companies WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(page.after.unwrap_or(0))
            .bind(page.first.unwrap_or(20).clamp(1, 100))
            .fetch_all(&pool)
            .await
            .map_err(err)?;
    let company_ids: Vec<i64> = companies.iter().map(|c| c.0).collect();
    let ces: Vec<(i64, (i64, String))> = sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT company_id, id, country FROM country_enterprises WHERE company_id = ANY($1) ORDER BY id",
    )
    .bind(&company_ids)
    .fetch_all(&pool)
    .await
    .map_err(err)?
    .into_iter()
    .map(|(c, id, country)| (c, (id, country)))
    .collect();
    let ce_ids: Vec<i64> = ces.iter().map(|c| c.1.0).collect();
    let locations: Vec<(i64, (i64, String))> = sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT country_enterprise_id, id, name FROM locations WHERE country_enterprise_id = ANY($1) ORDER BY id",
    )
    .bind(&ce_ids)
    .fetch_all(&pool)
    .await
    .map_err(err)?
    .into_iter()
    .map(|(ce, id, name)| (ce, (id, name)))
    .collect();
    let location_ids: Vec<i64> = locations.iter().map(|l| l.1.0).collect();
    let people: Vec<(i64, (i64, String))> = sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT l.id, p.id, p.ibm_id FROM unnest($1::bigint[]) AS l(id) \
         CROSS JOIN LATERAL (SELECT id, ibm_id FROM people WHERE location_id = l.id ORDER BY id LIMIT 5) p",
    )
    .bind(&location_ids)
    .fetch_all(&pool)
    .await
    .map_err(err)?
    .into_iter()
    .map(|(l, id, ibm)| (l, (id, ibm)))
    .collect();
    let person_ids: Vec<i64> = people.iter().map(|p| p.1.0).collect();
    let certs: Vec<(i64, String)> = sqlx::query_as(
        "SELECT person_id, name FROM certifications WHERE person_id = ANY($1) \
         AND name IN (SELECT name FROM skill_points) ORDER BY id",
    )
    .bind(&person_ids)
    .fetch_all(&pool)
    .await
    .map_err(err)?;
    let (mut ces, mut locations, mut people, mut certs) =
        (group(ces), group(locations), group(people), group(certs));
    let edges: Vec<Value> = companies
        .into_iter()
        .map(|(id, name)| {
            let ces: Vec<Value> = ces
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|(ce, country)| {
                    let locs: Vec<Value> = locations
                        .remove(&ce)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(loc, name)| {
                            let ppl: Vec<Value> = people
                                .remove(&loc)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(p, ibm)| {
                                    let c: Vec<Value> = certs
                                        .remove(&p)
                                        .unwrap_or_default()
                                        .into_iter()
                                        .map(|n| json!({ "name": n }))
                                        .collect();
                                    json!({ "node": { "ibmId": ibm, "certifications": c } })
                                })
                                .collect();
                            json!({ "name": name, "people": { "edges": ppl } })
                        })
                        .collect();
                    json!({ "country": country, "locations": locs })
                })
                .collect();
            json!({ "node": { "name": name, "countryEnterprises": ces } })
        })
        .collect();
    Ok(Json(json!({ "data": { "companies": { "edges": edges } } })))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")?;
    let addr = std::env::var("BENCH_CEILING_ADDR").unwrap_or_else(|_| "127.0.0.1:8190".into());
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(16)
        .connect(&url)
        .await?;
    let app = Router::new()
        .route("/canned", get(canned))
        .route("/canned-s2", get(canned_s2))
        .route("/tree", get(tree))
        .route("/company", get(company))
        // S5's trace collector: takes OTLP/HTTP exports and drops them.
        .route("/v1/traces", axum::routing::post(|| async { "" }))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

//! Report files: `GET /sites/{siteNumber}/reports/{report}.csv`, authorized exactly like
//! the report in the graph (REPORTING on the site, its primary, IBM_CHANNEL), by the
//! caller's bearer token or by a link the graph signed for them (`Site.download`), which
//! names its signer: their rights are read as they stand when the file is fetched.
//!
//! The file streams: the report's statement walks the site's rows in keyset chunks of
//! `CHUNK` rows, each written out as CSV before the next is read. Memory stays one chunk
//! whatever the file's length, and no connection is held between chunks, so a file of a
//! million rows shares the pool with every other request instead of taking a connection
//! (or a statement timeout) for minutes. What files take from other requests is bounded
//! by `ratelimit::DownloadThrottle`: so many at once per replica, so many rows per second
//! together.

use super::errors::error_response;
use super::identity::{Origin, authenticate};
use crate::auth::{Action, Target, Viewer, ensure};
use crate::domain::pao::model::DownloadVariant;
use crate::domain::pao::reads::site_by_number;
use crate::domain::pao::reports::{self as families, Report, Scope};
use crate::error::{AppError, AppResult};
use crate::ratelimit::Caller;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{StreamExt, stream};
use std::collections::HashMap;
use std::sync::Arc;

/// Rows per statement of a download, and per grant of its rate (`DOWNLOAD_ROWS_PER_SEC`):
/// small enough that encoding one holds a worker for a few milliseconds, not the tens a
/// larger chunk would add to every other request's tail.
pub const CHUNK: u32 = 1_000;

pub async fn report(
    State(app): State<AppState>,
    Path((site_number, file)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let origin = Origin::of(&app, &headers, request.extensions());
    match serve(&app, &site_number, &file, &query, &headers, origin).await {
        Ok(response) => response,
        Err(e) => error_response(e),
    }
}

async fn serve(
    app: &AppState,
    site_number: &str,
    file: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    origin: Origin,
) -> AppResult<Response> {
    let name = file
        .strip_suffix(".csv")
        .ok_or(AppError::NotFound("report"))?;
    let viewer = if query.contains_key("signature") {
        signed_viewer(app, site_number, name, query).await?
    } else if headers.contains_key(header::AUTHORIZATION) {
        authenticate(app, headers).await?
    } else {
        return Err(AppError::Unauthenticated);
    };
    app.limiter
        .request(&Caller::new(viewer.subject.as_deref(), origin.client))
        .await?;
    let variant = match query.get("variant").map(String::as_str) {
        None => DownloadVariant::Detailed,
        Some(v) => v
            .parse()
            .map_err(|_| AppError::bad_input("variant", "HIGH_LEVEL or DETAILED"))?,
    };
    let filter = match query.get("filter") {
        None => serde_json::Value::Object(Default::default()),
        Some(f) => {
            serde_json::from_str(f).map_err(|_| AppError::bad_input("filter", "a JSON object"))?
        }
    };
    // Whoever may read reports nowhere learns nothing about which sites exist.
    if !viewer.may_somewhere(Action::ReadSiteReports) {
        return Err(AppError::Forbidden);
    }
    let site = site_by_number(&app.db, site_number)
        .await?
        .ok_or(AppError::NotFound("site"))?;
    ensure(&viewer, Action::ReadSiteReports, Target::Site(site.id))?;
    let body = match name {
        families::Customers::NAME => {
            csv::<families::Customers>(app, site.clone(), filter, variant)?
        }
        families::RenewalLineItems::NAME => {
            csv::<families::RenewalLineItems>(app, site.clone(), filter, variant)?
        }
        families::UpcomingRenewals::NAME => {
            csv::<families::UpcomingRenewals>(app, site.clone(), filter, variant)?
        }
        families::Orders::NAME => csv::<families::Orders>(app, site.clone(), filter, variant)?,
        families::OrderLines::NAME => {
            csv::<families::OrderLines>(app, site.clone(), filter, variant)?
        }
        families::EndUsers::NAME => csv::<families::EndUsers>(app, site.clone(), filter, variant)?,
        families::SaasFulfillment::NAME => {
            csv::<families::SaasFulfillment>(app, site.clone(), filter, variant)?
        }
        families::SaasProvisioning::NAME => {
            csv::<families::SaasProvisioning>(app, site.clone(), filter, variant)?
        }
        families::SuppressedOverages::NAME => {
            csv::<families::SuppressedOverages>(app, site.clone(), filter, variant)?
        }
        families::PriceNotices::NAME => {
            csv::<families::PriceNotices>(app, site.clone(), filter, variant)?
        }
        families::LicenseUpdates::NAME => {
            csv::<families::LicenseUpdates>(app, site.clone(), filter, variant)?
        }
        families::PriceFile::NAME => {
            csv::<families::PriceFile>(app, site.clone(), filter, variant)?
        }
        _ => return Err(AppError::NotFound("report")),
    };
    let disposition = format!(
        "attachment; filename=\"{name}-{}-{}.csv\"",
        site.site_number,
        variant.as_db().to_ascii_lowercase().replace('_', "-")
    );
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// The signer of a link, as they stand now: the signature must cover exactly this file,
/// variant and filter, and the link must not have expired.
async fn signed_viewer(
    app: &AppState,
    site_number: &str,
    name: &str,
    query: &HashMap<String, String>,
) -> AppResult<Viewer> {
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or_default();
    let expires = get("expires");
    let ibm_channel = get("ibm") == "1";
    let path = families::download_path(site_number, name);
    let parts = crate::auth::links::download_parts(
        &path,
        get("variant"),
        get("filter"),
        get("by"),
        ibm_channel,
        expires,
    );
    if !app.links.verify(&parts, get("signature")) {
        return Err(AppError::Unauthenticated);
    }
    let now = chrono::Utc::now().timestamp();
    if expires.parse::<i64>().map_or(true, |e| e < now) {
        return Err(AppError::Unauthenticated);
    }
    app.roles.viewer(get("by").to_owned(), ibm_channel).await
}

/// The file of report `R` as a stream: its header, then one CSV chunk per statement. The
/// filter is parsed and checked before the first byte, so a bad one is a 400, not a
/// broken file.
fn csv<R: Report>(
    app: &AppState,
    site: entities::sites::Model,
    filter: serde_json::Value,
    variant: DownloadVariant,
) -> AppResult<Body> {
    let filter = parse_filter::<R::Filter>(filter)?;
    let as_of = R::as_of(&filter).unwrap_or_else(crate::domain::profiles::level::today);
    let select = R::select(&Scope { site: &site, as_of }, filter)?;
    let header = encode(std::iter::once(families::header::<R>(variant)))?;
    // Taken last, so a bad request is told so (4xx) rather than to retry, and held by the
    // stream, so the place is given back when the file ends or its client goes.
    let slot = Arc::new(app.downloads.slot()?);
    let db = app.db.clone();
    let chunks = stream::unfold(Some(0i64), move |after| {
        let db = db.clone();
        let select = select.clone();
        let site = site.clone();
        let slot = slot.clone();
        async move {
            let after = after?;
            slot.next_chunk().await;
            let chunk: AppResult<(Bytes, Option<i64>)> = async {
                let (rows, more) =
                    crate::domain::reads::page(&db, select, R::id_column(), after, CHUNK).await?;
                let scope = Scope { site: &site, as_of };
                let records = rows
                    .iter()
                    .map(|r| families::record::<R>(&scope, r, variant))
                    .collect::<AppResult<Vec<_>>>()?;
                let next = rows.last().map(R::id).filter(|_| more);
                Ok((encode(records)?, next))
            }
            .await;
            Some(match chunk {
                Ok((bytes, next)) => (Ok(bytes), next),
                Err(e) => {
                    // The status line is sent: the body is cut short, which a client sees as
                    // a failed transfer, never as a complete file.
                    tracing::error!(error = ?e, report = R::NAME, "report download failed");
                    (Err(std::io::Error::other(e.public_message())), None)
                }
            })
        }
    });
    Ok(Body::from_stream(
        stream::once(async move { Ok::<_, std::io::Error>(header) }).chain(chunks),
    ))
}

/// A filter as the graph would take it: the same input type, parsed by the same rules,
/// and, as a GraphQL document would be, refused when it names a field the type lacks
/// (parsing alone ignores those, and a misspelt filter must not widen a file).
fn parse_filter<F: async_graphql::InputType>(json: serde_json::Value) -> AppResult<F> {
    fn unknown(given: &serde_json::Value, known: &serde_json::Value, at: &str) -> Option<String> {
        use serde_json::Value::{Array, Object};
        match (given, known) {
            (Object(g), Object(k)) => g.iter().find_map(|(key, v)| match k.get(key) {
                None => Some(format!("{at}{key}")),
                Some(kv) => unknown(v, kv, &format!("{at}{key}.")),
            }),
            (Array(g), Array(k)) => g.iter().zip(k).find_map(|(v, kv)| unknown(v, kv, at)),
            _ => None,
        }
    }
    let bad = |m: String| AppError::bad_input("filter", m);
    let value =
        async_graphql::Value::from_json(json.clone()).map_err(|_| bad("a JSON object".into()))?;
    let filter =
        F::parse(Some(value)).map_err(|e| bad(e.into_server_error(Default::default()).message))?;
    let known = filter.to_value().into_json().unwrap_or_default();
    if let Some(field) = unknown(&json, &known, "") {
        return Err(bad(format!("no field `{field}`")));
    }
    Ok(filter)
}

/// Records as CSV bytes.
fn encode<I, R, F>(records: I) -> AppResult<Bytes>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut w = ::csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for r in records {
        w.write_record(r)
            .map_err(|e| AppError::internal(e.to_string()))?;
    }
    w.into_inner()
        .map(Bytes::from)
        .map_err(|e| AppError::internal(e.to_string()))
}

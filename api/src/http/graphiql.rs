//! GraphiQL, in development only, served entirely by the gateway: the page and its pinned,
//! minified assets (graphiql 3.8.3, React 18.3.1; `api/assets/graphiql`, licenses in
//! `LICENSES.md`, refreshed by `make graphiql-assets`) are embedded in the binary, so the
//! page works on a machine without internet access and no request leaves the machine.
//! A persona picker sets the `Authorization` header from the demo roles' tokens, minted
//! for each page load with the development secret.

use super::errors::status_error;
use crate::error::Code;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

/// Every asset the page loads: (file name, content type, bytes).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "LICENSES.md",
        "text/markdown; charset=utf-8",
        include_bytes!("../../assets/graphiql/LICENSES.md"),
    ),
];

/// The query the page opens with: the README's example.
const DEFAULT_QUERY: &str = r#"{
  company(partnerWorldId: "PW-000001") {
    name partnerTypes achievedLevel partnerWorldLevel companyToken
    levelExplanation { points counted { kind description points } expired { description } missing nextLevel }
    countryEnterprises { country locations { name people(first: 5) { edges { node {
      ibmId status certifications { name track expiresOn expired } } } } } }
  }
}
"#;

/// The demo roles the picker offers: (label, subject, roles), from the seed.
#[derive(Clone, Default)]
pub struct Personas(pub Vec<(&'static str, &'static str, &'static [&'static str])>);

/// The GraphiQL page (development only; elsewhere `GET /graphql` needs a query).
pub fn page(app: &AppState, personas: Option<&Personas>) -> Response {
    if !app.config.is_development() {
        return status_error(
            StatusCode::BAD_REQUEST,
            Code::BadRequest,
            "GET /graphql needs a `query` parameter",
        );
    }
    let personas: Vec<_> = personas
        .map(|p| p.0.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|(label, subject, roles)| {
            let token = app.auth.mint(subject, roles, 12 * 3600).ok()?;
            Some(json!({ "label": label, "subject": subject, "token": token }))
        })
        .collect();
    let config = json!({ "personas": personas, "defaultQuery": DEFAULT_QUERY }).to_string();
    // Inside a <script> element: no "</script>" or "<!--" may appear in the JSON.
    let config = config.replace('<', "\\u003c");
    Html(PAGE.replace("__CONFIG__", &config)).into_response()
}

/// `GET /graphiql/assets/{file}`: the page's embedded assets, in development only.
pub async fn asset(State(app): State<AppState>, Path(file): Path<String>) -> Response {
    let found = ASSETS.iter().find(|(name, _, _)| *name == file);
    match found {
        Some((_, content_type, bytes)) if app.config.is_development() => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            response
        }
        _ => status_error(StatusCode::NOT_FOUND, Code::NotFound, "no such asset"),
    }
}

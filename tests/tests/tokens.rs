//! Token attacks (bad-inputs.md 19, 21–31) against the real router, with RS256/ES256 keys
//! served by a real local JWKS endpoint that rotates keys, fails, hangs and sends junk.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tests::{Backend, TestApp, test_config};

const RSA1: &[u8] = include_bytes!("../fixtures/rsa1.pem");
const RSA1_PUB: &[u8] = include_bytes!("../fixtures/rsa1.pub.pem");
const RSA2: &[u8] = include_bytes!("../fixtures/rsa2.pem");
const EC1: &[u8] = include_bytes!("../fixtures/ec1.pem");
const PROBE: &str = "{ company(partnerWorldId: \"PW-000001\") { companyToken } }";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Serve,
    Fail,
    Hang,
    Junk,
}

struct KeyServer {
    keys: Mutex<Vec<Jwk>>,
    mode: Mutex<Mode>,
    hits: AtomicU64,
}

fn jwk(pem: &[u8], alg: Algorithm, kid: &str) -> Jwk {
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem),
        _ => EncodingKey::from_rsa_pem(pem),
    }
    .expect("fixture key");
    let mut jwk = Jwk::from_encoding_key(&key, alg).expect("jwk");
    jwk.common.key_id = Some(kid.into());
    jwk
}

async fn serve_jwks(State(s): State<Arc<KeyServer>>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let mode = *s.mode.lock().expect("lock");
    match mode {
        Mode::Serve => {
            let set = JwkSet {
                keys: s.keys.lock().expect("lock").clone(),
            };
            axum::Json(serde_json::to_value(set).expect("json")).into_response()
        }
        Mode::Fail => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK.into_response()
        }
        Mode::Junk => "{ not json".into_response(),
    }
}

async fn key_server(keys: Vec<Jwk>) -> (Arc<KeyServer>, String) {
    let state = Arc::new(KeyServer {
        keys: Mutex::new(keys),
        mode: Mutex::new(Mode::Serve),
        hits: AtomicU64::new(0),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = Router::new()
        .route("/jwks.json", get(serve_jwks))
        .with_state(state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    (state, format!("http://{addr}/jwks.json"))
}

struct Setup {
    app: TestApp,
    keys: Arc<KeyServer>,
}

async fn setup(cooldown_secs: u64, max_age_secs: u64) -> Setup {
    let (keys, url) = key_server(vec![
        jwk(RSA1, Algorithm::RS256, "rsa-1"),
        jwk(EC1, Algorithm::ES256, "ec-1"),
    ])
    .await;
    let mut config = test_config(Backend::Sqlite).await;
    config.jwt_algorithms = vec!["RS256".into(), "ES256".into()];
    config.jwt_hs256_secret = None;
    config.jwt_jwks = Some(url);
    config.jwks_cooldown_secs = cooldown_secs;
    config.jwks_max_age_secs = max_age_secs;
    config.jwks_fetch_timeout_ms = 300;
    let app = TestApp::with_config(Backend::Sqlite, config).await;
    Setup { app, keys }
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

fn claims(sub: &str) -> Value {
    json!({ "sub": sub, "iss": "https://partnerworld.example/auth", "aud": "partnerworld-gateway", "exp": now() + 300 })
}

fn sign(pem: &[u8], alg: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem).expect("key"),
        Algorithm::HS256 => EncodingKey::from_secret(pem),
        _ => EncodingKey::from_rsa_pem(pem).expect("key"),
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

/// A token with a hand-written header, signed correctly with RSA1, to test header checks.
fn with_header(header: Value, claims: &Value) -> String {
    let h = B64.encode(header.to_string());
    let c = B64.encode(claims.to_string());
    let msg = format!("{h}.{c}");
    let key = EncodingKey::from_rsa_pem(RSA1).expect("key");
    let sig = jsonwebtoken::crypto::sign(msg.as_bytes(), &key, Algorithm::RS256).expect("sign");
    format!("{msg}.{sig}")
}

async fn status(app: &TestApp, token: &str) -> u16 {
    app.graphql(PROBE, json!({}), Some(token))
        .await
        .status
        .as_u16()
}

async fn assert_refused(app: &TestApp, token: &str, what: &str) {
    let a = app.graphql(PROBE, json!({}), Some(token)).await;
    assert_eq!(a.status.as_u16(), 401, "{what}: {}", a.body);
    assert_eq!(a.codes(), vec!["UNAUTHENTICATED"], "{what}");
    assert_eq!(
        a.body["errors"][0]["message"], "authentication required or token invalid",
        "{what}"
    );
}

#[tokio::test]
async fn rs256_and_es256_tokens_from_the_key_set_are_accepted() {
    let s = setup(60, 3600).await;
    for (pem, alg, kid) in [
        (RSA1, Algorithm::RS256, "rsa-1"),
        (EC1, Algorithm::ES256, "ec-1"),
    ] {
        let a = s
            .app
            .graphql(
                PROBE,
                json!({}),
                Some(&sign(pem, alg, Some(kid), &claims("apa@acme.example"))),
            )
            .await;
        a.assert_no_errors();
        assert_eq!(
            a.data()["company"]["companyToken"].as_str().map(str::len),
            Some(32)
        );
    }
    // A valid signature under the wrong kid's algorithm is refused.
    assert_refused(
        &s.app,
        &sign(
            RSA1,
            Algorithm::RS256,
            Some("ec-1"),
            &claims("apa@acme.example"),
        ),
        "kid of another key",
    )
    .await;
}

#[tokio::test]
async fn alg_none_in_any_spelling_and_empty_signatures_are_refused() {
    let s = setup(60, 3600).await;
    let c = B64.encode(claims("apa@acme.example").to_string());
    for alg in ["none", "None", "NONE", "nOnE"] {
        let h = B64.encode(json!({ "alg": alg, "typ": "JWT" }).to_string());
        assert_refused(&s.app, &format!("{h}.{c}."), alg).await;
        assert_refused(&s.app, &format!("{h}.{c}"), alg).await;
    }
    let good = sign(
        RSA1,
        Algorithm::RS256,
        Some("rsa-1"),
        &claims("apa@acme.example"),
    );
    let stripped = good
        .rsplit_once('.')
        .map(|(m, _)| format!("{m}."))
        .expect("three parts");
    assert_refused(&s.app, &stripped, "empty signature").await;
}

#[tokio::test]
async fn hs256_signed_with_the_rsa_public_key_is_refused() {
    let s = setup(60, 3600).await;
    let forged = sign(
        RSA1_PUB,
        Algorithm::HS256,
        Some("rsa-1"),
        &claims("apa@acme.example"),
    );
    assert_refused(
        &s.app,
        &forged,
        "HS256 with the public key as secret, HS256 not allowed",
    )
    .await;
    // Also where HS256 is allowed: the public key is not the configured secret.
    let app = TestApp::start(Backend::Sqlite).await;
    assert_refused(
        &app,
        &sign(
            RSA1_PUB,
            Algorithm::HS256,
            None,
            &claims("apa@acme.example"),
        ),
        "HS256 allowed",
    )
    .await;
}

#[tokio::test]
async fn malformed_time_claims_are_refused() {
    let s = setup(60, 3600).await;
    let mut no_exp = claims("apa@acme.example");
    no_exp.as_object_mut().expect("object").remove("exp");
    let mut exp_string = claims("apa@acme.example");
    exp_string["exp"] = json!((now() + 300).to_string());
    let mut nbf_string = claims("apa@acme.example");
    nbf_string["nbf"] = json!(now().to_string());
    for (what, c) in [
        ("no exp", no_exp),
        ("exp as string", exp_string),
        ("nbf as string", nbf_string),
    ] {
        assert_refused(
            &s.app,
            &sign(RSA1, Algorithm::RS256, Some("rsa-1"), &c),
            what,
        )
        .await;
    }
}

#[tokio::test]
async fn expiry_and_not_before_respect_the_leeway_exactly() {
    let s = setup(60, 3600).await; // leeway 30 s
    let mut c = claims("apa@acme.example");
    c["exp"] = json!(now() - 40);
    assert_refused(
        &s.app,
        &sign(RSA1, Algorithm::RS256, Some("rsa-1"), &c),
        "expired past leeway",
    )
    .await;
    c["exp"] = json!(now() - 10);
    assert_eq!(
        status(&s.app, &sign(RSA1, Algorithm::RS256, Some("rsa-1"), &c)).await,
        200,
        "within leeway"
    );
    let mut c = claims("apa@acme.example");
    c["nbf"] = json!(now() + 120);
    assert_refused(
        &s.app,
        &sign(RSA1, Algorithm::RS256, Some("rsa-1"), &c),
        "nbf in the future",
    )
    .await;
}

#[tokio::test]
async fn issuer_and_audience_must_match() {
    let s = setup(60, 3600).await;
    for (field, value) in [
        ("iss", Some("https://evil.example")),
        ("iss", None),
        ("aud", Some("another-api")),
        ("aud", None),
    ] {
        let mut c = claims("apa@acme.example");
        match value {
            Some(v) => c[field] = json!(v),
            None => {
                c.as_object_mut().expect("object").remove(field);
            }
        }
        assert_refused(
            &s.app,
            &sign(RSA1, Algorithm::RS256, Some("rsa-1"), &c),
            &format!("{field}={value:?}"),
        )
        .await;
    }
}

#[tokio::test]
async fn header_values_are_never_followed_and_crit_is_refused() {
    let s = setup(60, 3600).await;
    let c = claims("apa@acme.example");
    let before = s.keys.hits.load(Ordering::SeqCst);
    for header in [
        json!({ "alg": "RS256", "kid": "../../dev/null" }),
        json!({ "alg": "RS256", "kid": "' OR 1=1--" }),
        json!({ "alg": "RS256", "kid": "rsa-1", "jku": "http://127.0.0.1:9/evil.json" }),
        json!({ "alg": "RS256", "kid": "rsa-1", "x5u": "http://127.0.0.1:9/evil.pem" }),
        json!({ "alg": "RS256", "kid": "rsa-1", "crit": ["exp"] }),
        json!({ "alg": "RS256", "kid": "rsa-1", "jwk": serde_json::to_value(jwk(RSA2, Algorithm::RS256, "rsa-1")).expect("jwk") }),
    ] {
        assert_refused(
            &s.app,
            &with_header(header.clone(), &c),
            &header.to_string(),
        )
        .await;
    }
    // Unknown kids cost at most one refetch of the configured key set within the cooldown.
    assert!(s.keys.hits.load(Ordering::SeqCst) - before <= 1);
}

#[tokio::test]
async fn a_thousand_unknown_kids_cost_at_most_one_refetch() {
    let s = setup(60, 3600).await;
    let before = s.keys.hits.load(Ordering::SeqCst);
    let c = claims("apa@acme.example");
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let token = sign(
            RSA2,
            Algorithm::RS256,
            Some(&format!("random-{i}-{:x}", rand::random::<u64>())),
            &c,
        );
        let app = &s.app;
        tasks.push(async move { status(app, &token).await });
    }
    let statuses = futures::future::join_all(tasks).await;
    assert!(statuses.iter().all(|s| *s == 401));
    assert!(
        s.keys.hits.load(Ordering::SeqCst) - before <= 1,
        "refetches: {}",
        s.keys.hits.load(Ordering::SeqCst) - before
    );
}

#[tokio::test]
async fn a_failing_key_endpoint_keeps_the_last_good_keys() {
    let s = setup(0, 3600).await;
    let jwks = s
        .app
        .app
        .state
        .auth
        .jwks()
        .expect("jwks configured")
        .clone();
    let token = sign(
        RSA1,
        Algorithm::RS256,
        Some("rsa-1"),
        &claims("apa@acme.example"),
    );
    for mode in [Mode::Fail, Mode::Hang, Mode::Junk] {
        *s.keys.mode.lock().expect("lock") = mode;
        let started = std::time::Instant::now();
        assert!(!jwks.refresh().await);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a hanging endpoint is cut by the fetch timeout"
        );
        assert_eq!(status(&s.app, &token).await, 200);
    }
}

#[tokio::test]
async fn with_no_usable_keys_tokens_get_503_never_acceptance() {
    let s = setup(0, 1).await;
    let token = sign(
        RSA1,
        Algorithm::RS256,
        Some("rsa-1"),
        &claims("apa@acme.example"),
    );
    assert_eq!(status(&s.app, &token).await, 200);
    *s.keys.mode.lock().expect("lock") = Mode::Fail;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let a = s.app.graphql(PROBE, json!({}), Some(&token)).await;
    assert_eq!(a.status.as_u16(), 503, "{}", a.body);
    assert_eq!(a.codes(), vec!["SERVICE_UNAVAILABLE"]);
    // The issuer comes back: keys are fetched again and tokens work.
    *s.keys.mode.lock().expect("lock") = Mode::Serve;
    assert_eq!(status(&s.app, &token).await, 200);
}

#[tokio::test]
async fn a_rotated_in_key_is_accepted_and_a_removed_key_stops_working() {
    let s = setup(0, 3600).await;
    let new_token = sign(
        RSA2,
        Algorithm::RS256,
        Some("rsa-2"),
        &claims("apa@acme.example"),
    );
    let old_token = sign(
        RSA1,
        Algorithm::RS256,
        Some("rsa-1"),
        &claims("apa@acme.example"),
    );
    assert_eq!(status(&s.app, &new_token).await, 401, "not yet published");
    // Verified (and remembered) under the first key set …
    assert_eq!(status(&s.app, &old_token).await, 200);
    *s.keys.keys.lock().expect("lock") = vec![jwk(RSA2, Algorithm::RS256, "rsa-2")];
    assert_eq!(
        status(&s.app, &new_token).await,
        200,
        "an unknown kid refetches the set"
    );
    // … and checked again once the set changed: the verified-token cache forgets it.
    assert_eq!(
        status(&s.app, &old_token).await,
        401,
        "rsa-1 was removed from the set"
    );
}

#[tokio::test]
async fn a_token_sent_again_is_not_verified_again() {
    let s = setup(0, 3600).await;
    let checks = || {
        s.app
            .app
            .state
            .auth
            .signature_checks
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let token = sign(
        RSA1,
        Algorithm::RS256,
        Some("rsa-1"),
        &claims("apa@acme.example"),
    );
    let before = checks();
    for _ in 0..5 {
        assert_eq!(status(&s.app, &token).await, 200);
    }
    assert_eq!(
        checks() - before,
        1,
        "one signature check for five requests"
    );
    // Another token (the same person, another signature) is checked on its own.
    let other = sign(
        RSA1,
        Algorithm::RS256,
        Some("rsa-1"),
        &json!({ "sub": "apa@acme.example", "iss": "https://partnerworld.example/auth", "aud": "partnerworld-gateway", "exp": now() + 601 }),
    );
    assert_eq!(status(&s.app, &other).await, 200);
    assert_eq!(checks() - before, 2);
    // A tampered copy of a remembered token is no hit: it is checked, and refused.
    let mut tampered = token.clone();
    tampered.pop();
    assert_refused(&s.app, &tampered, "a tampered remembered token").await;
}

#[tokio::test]
async fn a_removed_key_stops_working_after_the_maximum_age_even_without_a_refresh() {
    let s = setup(3600, 1).await;
    let token = sign(
        RSA1,
        Algorithm::RS256,
        Some("rsa-1"),
        &claims("apa@acme.example"),
    );
    assert_eq!(status(&s.app, &token).await, 200);
    *s.keys.keys.lock().expect("lock") = vec![jwk(RSA2, Algorithm::RS256, "rsa-2")];
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status(&s.app, &token).await, 401);
}

#[tokio::test]
async fn misconfiguration_stops_the_gateway_at_start() {
    type Tweak = Box<dyn Fn(&mut api::config::Config)>;
    let cases: Vec<(&str, Tweak)> = vec![
        (
            "empty secret",
            Box::new(|c| c.jwt_hs256_secret = Some(String::new())),
        ),
        (
            "short secret",
            Box::new(|c| c.jwt_hs256_secret = Some("x".repeat(31))),
        ),
        (
            "unknown algorithm",
            Box::new(|c| c.jwt_algorithms = vec!["HS512".into()]),
        ),
        (
            "RS256 without a key set",
            Box::new(|c| c.jwt_algorithms = vec!["RS256".into()]),
        ),
        (
            "unreadable key set file",
            Box::new(|c| {
                c.jwt_algorithms = vec!["RS256".into()];
                c.jwt_jwks = Some("/nonexistent/jwks.json".into());
            }),
        ),
        (
            "unreachable key set URL",
            Box::new(|c| {
                c.jwt_algorithms = vec!["RS256".into()];
                c.jwt_jwks = Some("http://127.0.0.1:1/jwks.json".into());
            }),
        ),
        (
            "plain http to a remote host",
            Box::new(|c| {
                c.jwt_algorithms = vec!["RS256".into()];
                c.jwt_jwks = Some("http://keys.example.com/jwks.json".into());
            }),
        ),
    ];
    for (what, tweak) in cases {
        let mut config = test_config(Backend::Sqlite).await;
        tweak(&mut config);
        let err = api::Application::build(config).await.err();
        assert!(
            matches!(err, Some(api::StartupError::Config(_))),
            "{what}: {err:?}"
        );
    }
}

#[tokio::test]
async fn roles_come_only_from_the_exact_claim_never_from_headers() {
    let app = TestApp::start(Backend::Sqlite).await;
    let q = "{ pointsTable { name } }";
    let secret = tests::SECRET.as_bytes();
    // A well-formed token whose roles name nothing we know is valid and grants nothing
    // (FORBIDDEN); a `roles` claim that is not a list of strings makes the token invalid.
    for (roles, expected) in [
        (json!(["ibm_channel"]), "FORBIDDEN"),
        (json!(["Ibm_Channel"]), "FORBIDDEN"),
        (json!(["IBM_CHANNEL "]), "FORBIDDEN"),
        (json!(["ADMIN", "APA"]), "FORBIDDEN"),
        (json!("IBM_CHANNEL"), "UNAUTHENTICATED"),
    ] {
        let mut c = claims("channel@ibm.example");
        c["roles"] = roles.clone();
        let a = app
            .graphql(
                q,
                json!({}),
                Some(&sign(secret, Algorithm::HS256, None, &c)),
            )
            .await;
        assert_eq!(a.codes(), [expected], "{roles}: {}", a.body);
    }
    let mut c = claims("channel@ibm.example");
    c["roles"] = json!(["IBM_CHANNEL", "IBM_CHANNEL"]);
    let a = app
        .graphql(
            q,
            json!({}),
            Some(&sign(secret, Algorithm::HS256, None, &c)),
        )
        .await;
    a.assert_no_errors();
    // A role in an unsigned header means nothing.
    let req = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .header("x-roles", "IBM_CHANNEL")
        .header("x-user", "channel@ibm.example")
        .body(axum::body::Body::from(json!({ "query": q }).to_string()))
        .expect("request");
    let (status, body) = app.request(req).await;
    assert_eq!(status.as_u16(), 200);
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[tokio::test]
async fn an_oversized_authorization_header_is_refused_without_a_panic() {
    let app = TestApp::start(Backend::Sqlite).await;
    let huge = "a".repeat(64 * 1024);
    let a = app.graphql(PROBE, json!({}), Some(&huge)).await;
    assert_eq!(a.status.as_u16(), 401);
    let a = app.graphql(PROBE, json!({}), None).await;
    assert_eq!(a.status.as_u16(), 200);
}

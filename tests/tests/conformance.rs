//! The GraphQL-over-HTTP conformance audit of the `graphql-http` package (npm registry;
//! `tests/node/audit.mjs`) against the gateway on a real socket: no MUST item may fail.

use serde_json::Value;
use std::process::Command;
use tests::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_over_http_audit_passes_every_must() {
    // The audit's checks query `__type`; introspection is a setting of its own, off by
    // default in production, so it is turned on here and nothing else changes.
    let mut config = tests::test_config(Backend::Sqlite).await;
    config.introspection = Some(true);
    let app = TestApp::with_config(Backend::Sqlite, config).await;
    let addr = app.serve().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/node");
    assert!(
        std::path::Path::new(dir).join("node_modules").is_dir(),
        "the audit is not installed: run `npm ci --prefix tests/node`"
    );
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("audit.mjs")
            .current_dir(dir)
            .env("AUDIT_URL", format!("http://{addr}/graphql"))
            .output()
            .expect("node on PATH (apt-get install nodejs npm)")
    })
    .await
    .expect("audit ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let summary = lines.last().expect("a summary line");
    let failed: Vec<&Value> = lines.iter().filter(|l| l["status"] == "error").collect();
    assert!(
        failed.is_empty() && out.status.success(),
        "MUST audits failed:\n{}\n{}",
        failed
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        summary["total"].as_u64().is_some_and(|t| t >= 30),
        "the audit ran its checks: {summary}"
    );
    for l in lines
        .iter()
        .filter(|l| l["status"] == "warn" || l["status"] == "notice")
    {
        eprintln!("audit {}: {}", l["status"], l);
    }
}

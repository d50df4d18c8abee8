//! No N+1: the number of SQL statements of a nested query depends on its depth, not on
//! the size of its lists.

use serde_json::json;
use tests::{Answer, Backend, TestApp};

const TREE: &str = "query($n: Int!) { companies(first: $n) { edges { node { name partnerTypes achievedLevel headquarters { city } \
    countryEnterprises { country locations { name people(first: 5) { edges { node { ibmId certifications { name } } } } agreements { status } } } \
    solutions { name industries approved } authorizations { productGroup } } } } }";

async fn statements(app: &TestApp, query: &str, n: i64) -> (u64, Answer) {
    let token = app.ibm_channel_token();
    let before = app.app.state.db_stats.statements();
    let a = app.graphql(query, json!({ "n": n }), Some(&token)).await;
    (app.app.state.db_stats.statements() - before, a)
}

/// Each test runs on a current-thread runtime: a level's loads are then all registered
/// before the batch task can run, so the count reflects what the resolvers ask for and
/// not how the scheduler interleaved them. (Under a multi-threaded runtime the loader's
/// delay window does that job; the benchmark reports statements per request there.)
macro_rules! on_both_engines_single_threaded {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite { use super::*; $( #[tokio::test] async fn $name() { let $app = TestApp::start(Backend::Sqlite).await; $body } )* }
        mod postgres { use super::*; $( #[tokio::test] async fn $name() { let $app = TestApp::start(Backend::Postgres).await; $body } )* }
    };
}

/// A page of each report family with the relations its rows reach.
const FAMILIES: &[&str] = &[
    "customers(first: $n) { nodes { name activity(from: \"2020-01-01\", to: \"2026-12-31\") { period } } }",
    "orders(first: $n) { nodes { orderNumber customer { name } lines { partNumber } } }",
    "renewalLineItems(first: $n) { nodes { partNumber customer { name } } }",
    "upcomingRenewals(first: $n, filter: { asOf: \"2026-11-01\" }) { nodes { daysUntilRenewal lineItem { customer { name } } } }",
    "endUsers(first: $n) { nodes { name customer { name } } }",
    "saasSubscriptions(first: $n) { nodes { subscriptionNumber customer { name } dataElements { name } } }",
    "provisioningDataElements(first: $n) { nodes { name subscription { subscriptionNumber customer { name } } } }",
    "suppressedOverages(first: $n) { nodes { metric subscription { subscriptionNumber } customer { name } } }",
    "renewalPriceNotices(first: $n) { nodes { partNumber customer { name } } }",
    "subscriptionLicenseUpdates(first: $n) { nodes { change subscription { dataElements { name } } customer { name } } }",
    "priceFile(first: $n) { nodes { partNumber } }",
];

on_both_engines_single_threaded! {
    async fn every_report_page_costs_the_same_statements_for_2_and_for_20_rows(app) {
        for family in FAMILIES {
            let q = format!("query($n: Int!) {{ site(siteNumber: \"S-1000001\") {{ {family} }} }}");
            // Cold (nothing cached yet): a page, then one batch per relation.
            let (cold, first) = statements(&app, &q, 20).await;
            first.assert_no_errors();
            assert!(cold <= 6, "{family}: {cold} statements cold");
            // Warm, rows the entity cache holds cost nothing at either size, so the two
            // sizes compare like for like.
            let (small, a) = statements(&app, &q, 2).await;
            a.assert_no_errors();
            let (large, b) = statements(&app, &q, 20).await;
            b.assert_no_errors();
            let nodes = b.data()["site"].as_object().and_then(|o| o.values().next()).map(|f| f["nodes"].as_array().map(Vec::len));
            assert!(nodes.flatten() > Some(2), "{family}: the demo site has more than two rows");
            assert_eq!(small, large, "{family}: statements for 2 rows vs 20");
        }
    }

    async fn a_nested_tree_costs_the_same_statements_for_5_and_for_20_companies(app) {
        // The first request also reads the caller's roles; measure warm.
        statements(&app, TREE, 1).await;
        let (small, a) = statements(&app, TREE, 5).await;
        a.assert_no_errors();
        let (large, b) = statements(&app, TREE, 20).await;
        b.assert_no_errors();
        assert_eq!(b.data()["companies"]["edges"].as_array().map(Vec::len), Some(20));
        assert_eq!(small, large, "statements for 5 companies vs 20");
        // One per level and relation, never one per item.
        assert!(large <= 20, "{large} statements");
    }

    async fn the_benchmark_page_tree_costs_one_statement_per_level(app) {
        // The benchmark's S2 shape: companies, their country enterprises, locations, first
        // five people and their counted certifications. One statement per level, as the
        // hand-written ceiling runs; the points table is joined, not read apart.
        let q = "query($n: Int!) { companies(first: $n) { edges { node { name countryEnterprises { country \
            locations { name people(first: 5) { edges { node { ibmId certifications { name track } } } } } } } } } }";
        statements(&app, q, 1).await;
        let (spent, a) = statements(&app, q, 20).await;
        a.assert_no_errors();
        let certifications = a.body.to_string().matches("\"track\"").count();
        assert!(certifications > 20, "the seed's people hold certifications ({certifications})");
        assert_eq!(spent, 5, "companies, country enterprises, locations, people, certifications");
    }

    async fn a_tree_costs_the_same_statements_alone_and_among_many_at_once(app) {
        // Thirty-two trees of every company at once share one thread: a woken request
        // waits its turn behind the others, and a batch that gave up waiting for it fired
        // with part of a level (bench S3: 6 statements alone, 11.6 at 32 connections).
        // However long the turn, each request's levels stay whole.
        let mut config = (*app.app.state.config).clone();
        config.max_concurrent_executions = 32;
        let app = TestApp::with_config(app.backend, config).await;
        statements(&app, TREE, 1).await;
        let (alone, a) = statements(&app, TREE, 40).await;
        a.assert_no_errors();
        let token = app.ibm_channel_token();
        let before = app.app.state.db_stats.statements();
        // Documents named apart, so no answer is served from another's.
        let trees: Vec<String> = (0..32)
            .map(|i| TREE.replacen("query(", &format!("query T{i}("), 1))
            .collect();
        let answers = futures::future::join_all(
            trees.iter().map(|q| app.graphql(q, json!({ "n": 40 }), Some(&token))),
        )
        .await;
        let together = app.app.state.db_stats.statements() - before;
        for answer in &answers {
            answer.assert_no_errors();
            assert_eq!(answer.body, a.body);
        }
        // At most 32 times one tree: concurrent misses of the same cached rows may share a
        // load, but no level may split.
        assert!(together <= 32 * alone, "{together} statements for 32 trees of {alone}");
    }

    async fn a_federation_entity_batch_costs_the_same_for_2_and_for_10_representations(app) {
        let q = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Company { name countryEnterprises { country } achievedLevel } } }";
        let reps = |n: usize| json!({ "r": (1..=n).map(|i| json!({ "__typename": "Company", "partnerWorldId": format!("PW-{i:06}") })).collect::<Vec<_>>() });
        let token = app.ibm_channel_token();
        let count = |v: serde_json::Value| {
            let token = token.clone();
            let app = &app;
            async move {
                let before = app.app.state.db_stats.statements();
                let a = app.graphql(q, v, Some(&token)).await;
                a.assert_no_errors();
                app.app.state.db_stats.statements() - before
            }
        };
        count(reps(1)).await;
        assert_eq!(count(reps(2)).await, count(reps(10)).await);
    }
}

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

on_both_engines_single_threaded! {
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

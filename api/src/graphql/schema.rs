//! Schema assembly: the merged roots, federation, and the SDL export.

use super::audit::AuditQuery;
use super::communities::{CommunitiesMutation, CommunitiesQuery};
use super::gsd::{GsdMutation, GsdQuery};
use super::node::NodeQuery;
use super::opportunities::{OpportunitiesMutation, OpportunitiesQuery};
use super::pao::{
    NotificationMutation, NotificationQuery, NotificationSubscription, PaoMutation, PaoQuery,
    PaoSubscription,
};
use super::profiles::{ProfilesMutation, ProfilesQuery};
use super::relationships::{RelationshipsMutation, RelationshipsQuery};
use super::valuenet::{ValueNetMutation, ValueNetQuery};
use crate::state::AppState;
use async_graphql::{MergedObject, MergedSubscription, SDLExportOptions, Schema};

#[derive(MergedObject, Default)]
pub struct Query(
    ProfilesQuery,
    RelationshipsQuery,
    GsdQuery,
    CommunitiesQuery,
    ValueNetQuery,
    OpportunitiesQuery,
    PaoQuery,
    NotificationQuery,
    AuditQuery,
    NodeQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    ProfilesMutation,
    RelationshipsMutation,
    GsdMutation,
    CommunitiesMutation,
    ValueNetMutation,
    OpportunitiesMutation,
    PaoMutation,
    NotificationMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(PaoSubscription, NotificationSubscription);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// The schema with its limits; `state` is None only for the SDL export. Document limits
/// and budgets are not extensions: `http::admission` applies them to every transport
/// before the schema sees a request.
pub fn build(state: Option<AppState>) -> AppSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .enable_federation()
    .enable_subscription_in_federation();
    if let Some(state) = state {
        let c = &state.config;
        builder = builder
            .limit_depth(c.max_depth)
            .limit_recursive_depth(64)
            .limit_directives(c.max_directives);
        // Every extension costs every field of every answer (async-graphql's slow path),
        // so HTTP requests get one only while traces are exported.
        if crate::telemetry::exports_traces(c) {
            builder = builder.extension(super::spans::PhaseSpans);
        }
        if !state.config.introspection_enabled() {
            builder = builder.disable_introspection();
        }
        if !state.config.is_development() {
            builder = builder.disable_suggestions();
        }
        builder = builder.data(state);
    }
    builder.finish()
}

/// The SDL as committed in `schema.graphql`: a Federation v2 subgraph schema.
pub fn sdl() -> String {
    publish(
        &build(None).sdl_with_options(
            SDLExportOptions::new()
                .federation()
                .sorted_fields()
                .sorted_enum_items(),
        ),
    )
}

/// The demand-control costs of the schema as published (`schema.graphql`, `_service`):
/// the gateway enforces what routers read. Built on first use (the SDL export takes a
/// few milliseconds); the server asks for it at start.
pub fn cost_model() -> &'static super::demand::model::Model {
    static MODEL: std::sync::LazyLock<super::demand::model::Model> =
        std::sync::LazyLock::new(|| super::demand::model::Model::from_sdl(&sdl()));
    &MODEL
}

/// The federation link async-graphql 7 prints (v2.5, a fixed import list), and the one
/// published: v2.9 is the first with the demand-control directives `@cost` and
/// `@listSize` (`graphql::demand`), which a v2.5 subgraph could only publish as custom
/// directives routers do not read.
const LINK_PRINTED: &str = "url: \"https://specs.apollo.dev/federation/v2.5\"";
const LINK_PUBLISHED: &str = "url: \"https://specs.apollo.dev/federation/v2.9\"";
const IMPORTS_PRINTED: &str = "\"@requiresScopes\"]";
const IMPORTS_PUBLISHED: &str = "\"@requiresScopes\", \"@cost\", \"@listSize\"]";

/// The SDL async-graphql printed, with the federation link the schema needs. A test holds
/// the printed link to what this replaces, so a new async-graphql cannot slip past it.
pub fn publish(printed: &str) -> String {
    printed.replacen(LINK_PRINTED, LINK_PUBLISHED, 1).replacen(
        IMPORTS_PRINTED,
        IMPORTS_PUBLISHED,
        1,
    )
}

/// `_service { sdl }` as the router reads it: async-graphql answers that field itself,
/// before any resolver of ours, with its own link; the answer's SDL is published here
/// (on every transport, beside `complete`). Only the root `_service` fields' strings are
/// touched, found by their response keys through any fragment.
pub fn publish_answer(
    response: &mut async_graphql::Response,
    document: &async_graphql::parser::types::ExecutableDocument,
    operation: Option<&str>,
) {
    use async_graphql::parser::types::{Selection, SelectionSet};
    fn keys<'d>(
        document: &'d async_graphql::parser::types::ExecutableDocument,
        set: &'d SelectionSet,
        out: &mut Vec<&'d str>,
        seen: &mut Vec<&'d str>,
    ) {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) if f.node.name.node == "_service" => {
                    out.push(f.node.response_key().node.as_str());
                }
                Selection::Field(_) => {}
                Selection::InlineFragment(i) => {
                    keys(document, &i.node.selection_set.node, out, seen)
                }
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    if seen.contains(&name) {
                        continue;
                    }
                    seen.push(name);
                    if let Some(f) = document.fragments.get(name) {
                        keys(document, &f.node.selection_set.node, out, seen);
                    }
                }
            }
        }
    }
    let Some(op) = crate::documents::operation::select(document, operation) else {
        return;
    };
    let mut found = Vec::new();
    keys(
        document,
        &op.selection_set.node,
        &mut found,
        &mut Vec::new(),
    );
    let async_graphql::Value::Object(data) = &mut response.data else {
        return;
    };
    for key in found {
        if let Some(async_graphql::Value::Object(service)) = data.get_mut(key) {
            for value in service.values_mut() {
                if let async_graphql::Value::String(sdl) = value {
                    *sdl = publish(sdl);
                }
            }
        }
    }
}

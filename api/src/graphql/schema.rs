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
            .limit_complexity(c.max_complexity)
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
    build(None).sdl_with_options(
        SDLExportOptions::new()
            .federation()
            .sorted_fields()
            .sorted_enum_items(),
    )
}

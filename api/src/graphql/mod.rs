//! The GraphQL layer: schema assembly, typed ids, pagination, loaders and one module per
//! domain. Resolvers stay thin: they read the viewer, check the matrix, call a loader or
//! a domain service.

pub mod audit;
pub mod batching;
pub mod communities;
pub mod complete;
pub mod demand;
pub mod entity;
pub mod gsd;
pub mod ids;
pub mod live;
pub mod loader;
pub mod money;
pub mod node;
pub mod opportunities;
pub mod pagination;
pub mod pao;
pub mod profiles;
pub mod relationships;
pub mod schema;
pub mod spans;
pub mod valuenet;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache};
pub use loader::DbLoader;
use std::sync::{Arc, LazyLock, RwLock};

/// The per-request loader: batches and caches for the life of one request only.
pub type Loaders = DataLoader<DbLoader, HashMapCache>;

static ANONYMOUS: LazyLock<Viewer> = LazyLock::new(Viewer::anonymous);

/// The caller of a long-lived operation (a subscription): the viewer is replaced with the
/// caller's current standing before each event is resolved (see `live`), so the event's
/// fields are checked against the rights the subscriber holds now, not at subscribe time.
#[derive(Clone)]
pub struct LiveViewer(Arc<RwLock<Arc<Viewer>>>);

impl LiveViewer {
    pub fn new(viewer: Viewer) -> Self {
        Self(Arc::new(RwLock::new(Arc::new(viewer))))
    }

    pub fn current(&self) -> Arc<Viewer> {
        // A poisoned lock only means a writer panicked between two whole values.
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn replace(&self, viewer: Viewer) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(viewer);
    }
}

/// The viewer a resolver reads: borrowed from the request, or the current value of a
/// subscription's `LiveViewer`.
pub enum ViewerRef<'a> {
    Borrowed(&'a Viewer),
    Current(Arc<Viewer>),
}

impl std::ops::Deref for ViewerRef<'_> {
    type Target = Viewer;

    fn deref(&self) -> &Viewer {
        match self {
            Self::Borrowed(v) => v,
            Self::Current(v) => v,
        }
    }
}

/// Request-scoped accessors. A request without a viewer is anonymous.
pub trait ContextExt {
    fn viewer(&self) -> ViewerRef<'_>;
    fn loaders(&self) -> AppResult<&Loaders>;
    fn app(&self) -> AppResult<&AppState>;
}

impl ContextExt for Context<'_> {
    fn viewer(&self) -> ViewerRef<'_> {
        // Whatever a resolver does with a signed-in caller, its answer is theirs: the one
        // way to the caller is here, so no resolver can make a personal answer public.
        if let Some(v) = self.data_opt::<Viewer>() {
            if v.is_signed_in() {
                crate::cache::footprint::personal();
            }
            return ViewerRef::Borrowed(v);
        }
        match self.data_opt::<LiveViewer>() {
            Some(live) => ViewerRef::Current(live.current()),
            None => ViewerRef::Borrowed(&ANONYMOUS),
        }
    }

    fn loaders(&self) -> AppResult<&Loaders> {
        self.data::<Loaders>().map_err(AppError::from)
    }

    fn app(&self) -> AppResult<&AppState> {
        self.data::<AppState>().map_err(AppError::from)
    }
}

/// Every row a loader holds under `key`, each wrapped as its GraphQL type.
pub async fn list<K, M, T>(ctx: &Context<'_>, key: K, wrap: impl Fn(M) -> T) -> AppResult<Vec<T>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
    DbLoader:
        async_graphql::dataloader::Loader<K, Value = loader::Rows<M>, Error = loader::LoadError>,
{
    list_visible(ctx, key, |_, row| Some(wrap(row))).await
}

/// Every row a loader holds under `key` that the caller may see, as its GraphQL type
/// (`visible` is the type's constructor, which applies `auth::visibility`).
pub async fn list_visible<K, M, T>(
    ctx: &Context<'_>,
    key: K,
    visible: impl Fn(&Viewer, M) -> Option<T>,
) -> AppResult<Vec<T>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
    DbLoader:
        async_graphql::dataloader::Loader<K, Value = loader::Rows<M>, Error = loader::LoadError>,
{
    let viewer = ctx.viewer();
    let Some(rows) = ctx.loaders()?.load_one(key).await? else {
        return Ok(Vec::new());
    };
    Ok(rows
        .iter()
        .filter_map(|row| visible(&viewer, row.clone()))
        .collect())
}

/// What a mutation hands back, through the type's visibility constructor: the service
/// authorized the change, so None means the result is not the caller's to see.
pub fn shown<T>(what: &'static str, visible: Option<T>) -> AppResult<T> {
    visible.ok_or(AppError::NotFound(what))
}

/// The row a global id names, wrapped as its GraphQL type: None for an id that is
/// malformed, of another kind, or of no row (what `_entities` answers for such a key).
pub async fn by_global_id<K, M, T>(
    ctx: &Context<'_>,
    id: &async_graphql::ID,
    kind: ids::Kind,
    key: impl FnOnce(i64) -> K,
    wrap: impl FnOnce(M) -> T,
) -> AppResult<Option<T>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
    DbLoader: async_graphql::dataloader::Loader<K, Value = M, Error = loader::LoadError>,
{
    let Ok(row) = ids::decode(id, kind, "id") else {
        return Ok(None);
    };
    Ok(ctx.loaders()?.load_one(key(row)).await?.map(wrap))
}

/// The declared field policies of a `#[guarded]` type, generated from its resolvers'
/// `#[guard(..)]` lines (see `access_macros`).
pub trait GuardedFields {
    const POLICY: access::TypePolicy;
}

/// Every guarded type's declared policy: the schema tests compare each with the schema
/// (a field without a declaration fails) and walk it as every standing.
pub const GUARDED_FIELDS: &[access::TypePolicy] = &[
    profiles::Company::POLICY,
    profiles::CountryEnterprise::POLICY,
    profiles::Location::POLICY,
    profiles::Person::POLICY,
    pao::Site::POLICY,
    gsd::Solution::POLICY,
];

/// The check a `#[guard(..)]` field runs before anything else: the caller of this request
/// (or, for a subscription event, the subscriber as they stand now) against the object.
pub fn guard_field<T: crate::auth::policy::GuardedObject>(
    ctx: &Context<'_>,
    object: &T,
    policy: access::FieldPolicy,
) -> AppResult<()> {
    if policy == access::FieldPolicy::Public {
        // Public to everyone: the caller does not matter (nor is asked for).
        return Ok(());
    }
    crate::auth::policy::check_field(object, &ctx.viewer(), policy)
}

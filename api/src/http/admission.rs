//! Admission: what every operation passes before the schema sees it, on every transport
//! (POST, GET, persisted queries, WebSocket operations), in one place so no transport can
//! skip a check: the caller's request budget, the document limits (through the
//! parsed-document cache, which measures each document once), who may read `_service`,
//! the sensitive-mutation budget counted through any nesting of fragments, and the
//! operation's estimated cost against `MAX_COST` (`graphql::demand`).

use crate::documents::persisted::Parsed;
use crate::error::{AppError, Code, request_error};
use crate::ratelimit::Caller;
use crate::state::AppState;
use async_graphql::{Request, ServerError};
use std::sync::Arc;

/// A request error (nothing runs) from an `AppError`, with its code and no location.
pub fn refused(e: AppError) -> ServerError {
    let mut err = e.into_graphql().into_server_error(Default::default());
    err.locations.clear();
    err
}

/// Admits `request` for `caller`, or says why not. `trusted_peer`: the connection comes
/// from `TRUSTED_CALLERS` (the router's network).
pub async fn admit(
    app: &AppState,
    caller: &Caller,
    trusted_peer: bool,
    request: Request,
) -> Result<(Request, Arc<Parsed>, u64), ServerError> {
    app.limiter.request(caller).await.map_err(refused)?;
    let (mut request, parsed) = app.documents.resolve(request).await?;
    // Variables the request leaves out are absent, not null (the spec; see `variables`).
    if let Some(doc) = crate::documents::variables::without_absent(
        &parsed.document,
        request.operation_name.as_deref(),
        &request.variables,
    ) {
        request.set_parsed_query(doc);
    }
    // The federation SDL is the whole schema: published only where introspection is, or
    // to the router that composes it.
    if !trusted_peer
        && !app.config.introspection_enabled()
        && parsed.shape.root_fields().any(|name| name == "_service")
    {
        return Err(request_error(
            Code::GraphqlValidationFailed,
            "`_service` is answered only where introspection is on, or to TRUSTED_CALLERS",
        ));
    }
    // Demand control: refused before anything runs, with the estimate, so a client sees
    // what its operation costs. An operation the document does not have is refused by
    // execution with its own error.
    let name = request.operation_name.as_deref();
    let estimated = match parsed.estimate(name) {
        Some(kept) => kept,
        None => match crate::graphql::demand::estimate(
            crate::graphql::schema::cost_model(),
            &parsed.document,
            name,
            &request.variables,
            app.config.default_list_size,
        ) {
            Some(e) => {
                if e.for_any_variables {
                    parsed.keep_estimate(name, e.cost);
                }
                e.cost
            }
            None => 0,
        },
    };
    if estimated > app.config.max_cost {
        let mut error = request_error(
            Code::OperationLimitExceeded,
            format!(
                "the operation's estimated cost is {estimated}, over the budget of {}",
                app.config.max_cost
            ),
        );
        if let Some(ext) = error.extensions.as_mut() {
            ext.set(
                "cost",
                crate::graphql::demand::report(estimated, None, app.config.max_cost),
            );
        }
        return Err(error);
    }
    let sensitive = parsed
        .shape
        .operation(request.operation_name.as_deref())
        .map_or(0, |op| op.sensitive);
    app.limiter
        .sensitive(caller, u32::try_from(sensitive).unwrap_or(u32::MAX))
        .await
        .map_err(refused)?;
    Ok((request, parsed, estimated))
}

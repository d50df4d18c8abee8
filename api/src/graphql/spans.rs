//! Spans for the GraphQL phases validate and execute (parse is spanned by the HTTP handler,
//! which parses before execution), named after the OpenTelemetry
//! GraphQL conventions (`graphql.operation.name`, `graphql.operation.type`). The document
//! text and the variables are never recorded.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};
use std::sync::{Arc, Mutex};
use tracing::Instrument;

pub struct PhaseSpans;

impl ExtensionFactory for PhaseSpans {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Phases::default())
    }
}

/// The operation's name and type, learned at parse and put on the execute span.
#[derive(Default)]
struct Phases {
    operation: Mutex<Option<(String, &'static str)>>,
}

#[async_trait::async_trait]
impl Extension for Phases {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // The HTTP handler parses (and spans it) before execution; this only reads the
        // operation off the document it hands over.
        let document = next.run(ctx, query, variables).await?;
        // The operation that will run: the only one, or (named ones) the first; execute
        // corrects the name from the request when there are several.
        if let Some((name, op)) = document.operations.iter().next() {
            let name = name.map(|n| n.to_string()).unwrap_or_default();
            if let Ok(mut slot) = self.operation.lock() {
                *slot = Some((name, crate::documents::operation::keyword(op.node.ty)));
            }
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let span = tracing::info_span!("graphql.validate", otel.name = "graphql.validate");
        next.run(ctx).instrument(span).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let (parsed_name, ty) = self
            .operation
            .lock()
            .ok()
            .and_then(|o| o.clone())
            .unwrap_or_else(|| (String::new(), "query"));
        let name = operation_name.map(str::to_owned).unwrap_or(parsed_name);
        let span = tracing::info_span!(
            "graphql.execute",
            otel.name = %format_args!("{ty} {name}"),
            graphql.operation.name = %name,
            graphql.operation.type = ty,
            graphql.errors = tracing::field::Empty,
        );
        let response = next.run(ctx, operation_name).instrument(span.clone()).await;
        span.record("graphql.errors", response.errors.len());
        response
    }
}

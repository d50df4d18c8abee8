//! Logs and traces. Logs are text or JSON lines filtered by `RUST_LOG`; inside a request
//! each line carries the request's `trace_id`. Traces go over OTLP/HTTP when an
//! `OTEL_EXPORTER_OTLP_*` endpoint is set: one tree per request (HTTP, GraphQL parse,
//! validate and execute, loader batches, SQL statements, Redis calls), exported in the
//! background so a slow or absent collector costs requests nothing.
//!
//! No span carries variables, tokens or SQL parameters: attributes are operation names and
//! types, table-level SQL operations, Redis command names and counts.

use crate::config::{Config, LogFormat, TrustedCallers};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    SdkTracerProvider, SpanData, SpanExporter,
    span_processor_with_async_runtime::BatchSpanProcessor,
};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::{EnvFilter, FilterExt, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry};

/// Spans handed to the collector, and spans lost because an export failed (collector down,
/// refused, timed out). Read by `/metrics`.
pub static SPANS_EXPORTED: AtomicU64 = AtomicU64::new(0);
pub static SPANS_DROPPED: AtomicU64 = AtomicU64::new(0);

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Logging only, no trace export (tests, and commands other than `serve`).
pub fn init(format: LogFormat) {
    // A command's output is on stdout (`sdl`, `token`, `operations list`), its log on
    // stderr, so piping the one never carries the other.
    install(format, None, std::io::stderr);
}

/// Logging, and trace export when the configuration names an OTLP endpoint. Returns an
/// error for a bad sampler setting. A second call (tests) keeps the first subscriber.
pub fn init_with_traces(config: &Config) -> Result<(), String> {
    let provider = match traces_endpoint(config) {
        Some(endpoint) => Some(provider(config, &endpoint)?),
        None => None,
    };
    install(config.log_format, provider, std::io::stdout);
    Ok(())
}

fn install<W>(format: LogFormat, provider: Option<SdkTracerProvider>, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    install_with(format, filter, provider, writer);
}

/// Text logs through the test harness's capture, so a test's log lines show only when it
/// fails and CI output shows results.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    install_with(
        LogFormat::Text,
        filter,
        None,
        tracing_subscriber::fmt::TestWriter::default(),
    );
}

/// JSON logs into `writer`, filtered by `filter` (tests read what operators would).
pub fn init_json_to<W>(filter: &str, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    install_with(LogFormat::Json, EnvFilter::new(filter), None, writer);
}

fn install_with<W>(
    format: LogFormat,
    filter: EnvFilter,
    provider: Option<SdkTracerProvider>,
    writer: W,
) where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let fmt = tracing_subscriber::fmt::layer().with_writer(writer);
    let logs = match format {
        LogFormat::Text => fmt.boxed(),
        // The span list carries the request span's `trace_id` onto every line within it.
        LogFormat::Json => fmt
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .boxed(),
    }
    // Log lines need only the request span (for its trace id); recording the fields of
    // every loader, SQL and Redis span for logs would cost each request for nothing.
    .with_filter(filter.and(tracing_subscriber::filter::filter_fn(|m| {
        !m.is_span() || m.name() == "http.request"
    })));
    // Spans are exported whatever RUST_LOG says about logs (SQL spans come from sea_orm).
    let otel = provider.as_ref().map(|p| {
        let tracer = p.tracer("partnerworld");
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(
                Targets::new()
                    .with_default(LevelFilter::INFO)
                    .with_target("sqlx", LevelFilter::WARN)
                    .with_target("h2", LevelFilter::OFF)
                    .with_target("hyper", LevelFilter::OFF)
                    .with_target("reqwest", LevelFilter::OFF)
                    .with_target("opentelemetry", LevelFilter::OFF),
            )
    });
    let installed = Registry::default().with(logs).with(otel).try_init().is_ok();
    if let (true, Some(p)) = (installed, provider) {
        opentelemetry::global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
        let _ = PROVIDER.set(p);
    }
}

/// Whether this configuration exports traces (and so wants the GraphQL phase spans).
pub fn exports_traces(config: &Config) -> bool {
    traces_endpoint(config).is_some()
}

fn traces_endpoint(config: &Config) -> Option<String> {
    fn nonempty(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    nonempty(&config.otel_traces_endpoint)
        .map(str::to_owned)
        .or_else(|| {
            nonempty(&config.otel_endpoint)
                .map(|base| format!("{}/v1/traces", base.trim_end_matches('/')))
        })
}

fn provider(config: &Config, endpoint: &str) -> Result<SdkTracerProvider, String> {
    crate::tls::install_provider();
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(endpoint)
        .with_timeout(std::time::Duration::from_millis(
            config.otel_export_timeout_ms,
        ))
        .build()
        .map_err(|e| format!("OTLP exporter: {e}"))?;
    let processor =
        BatchSpanProcessor::builder(Counted(exporter), opentelemetry_sdk::runtime::Tokio).build();
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(config.otel_service_name.clone())
        .build();
    Ok(SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_sampler(config.traces_sampler()?)
        .with_resource(resource)
        .build())
}

/// Exports everything buffered (tests, and shutdown).
pub fn flush() {
    if let Some(p) = PROVIDER.get() {
        let _ = p.force_flush();
    }
}

pub fn shutdown() {
    if let Some(p) = PROVIDER.get() {
        let _ = p.shutdown();
    }
}

/// Counts what the exporter delivers and what it loses.
#[derive(Debug)]
struct Counted<E>(E);

impl<E: SpanExporter> SpanExporter for Counted<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let n = batch.len() as u64;
        let result = self.0.export(batch).await;
        match &result {
            Ok(()) => SPANS_EXPORTED.fetch_add(n, Ordering::Relaxed),
            Err(e) => {
                tracing::debug!(error = %e, spans = n, "span export failed");
                SPANS_DROPPED.fetch_add(n, Ordering::Relaxed)
            }
        };
        result
    }
    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }
    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        self.0.set_resource(resource);
    }
}

/// The exported trace this code runs in, if traces are exported: lets an error answer
/// point at its trace.
pub fn current_trace_id() -> Option<String> {
    let id = tracing::Span::current()
        .context()
        .span()
        .span_context()
        .trace_id();
    (id != opentelemetry::trace::TraceId::INVALID).then(|| id.to_string())
}

/// The span of one HTTP request: continues the caller's trace when the caller is trusted,
/// and records the trace id for the log lines within it.
pub fn request_span<B>(
    request: &axum::http::Request<B>,
    trusted: &TrustedCallers,
) -> tracing::Span {
    let span = tracing::info_span!(
        "http.request",
        otel.name = %format_args!("{} {}", request.method(), request.uri().path()),
        otel.kind = "server",
        http.request.method = %request.method(),
        url.path = request.uri().path(),
        http.response.status_code = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    // Filtered out (RUST_LOG above info, no exporter): nothing would read the ids.
    if span.is_disabled() {
        return span;
    }
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    if trusted.trusts(peer) {
        let parent = opentelemetry::global::get_text_map_propagator(|p| {
            p.extract(&opentelemetry_http::HeaderExtractor(request.headers()))
        });
        if parent.span().span_context().is_valid() {
            let _ = span.set_parent(parent);
        }
    }
    let id = span.context().span().span_context().trace_id();
    if id != opentelemetry::trace::TraceId::INVALID {
        span.record("trace_id", tracing::field::display(id));
    } else {
        // No exporter: still one id per request, so its log lines can be found together.
        span.record(
            "trace_id",
            tracing::field::display(format_args!("{:032x}", rand::random::<u128>())),
        );
    }
    span
}

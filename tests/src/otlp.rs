//! A real OTLP/HTTP trace receiver for the tests: decodes the protobuf export requests the
//! gateway sends to `/v1/traces` and keeps every span.

use axum::body::Bytes;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use prost::Message;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One received span, flattened.
#[derive(Debug, Clone)]
pub struct Span {
    pub name: String,
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub attributes: HashMap<String, String>,
    pub service: String,
}

#[derive(Clone, Default)]
pub struct Receiver {
    pub spans: Arc<Mutex<Vec<Span>>>,
}

fn text(v: Option<&opentelemetry_proto::tonic::common::v1::AnyValue>) -> String {
    match v.and_then(|v| v.value.as_ref()) {
        Some(Any::StringValue(s)) => s.clone(),
        Some(Any::IntValue(i)) => i.to_string(),
        Some(Any::BoolValue(b)) => b.to_string(),
        Some(Any::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

impl Receiver {
    /// Listens on 127.0.0.1; returns the base URL (append `/v1/traces`).
    pub async fn start() -> (Self, String) {
        let receiver = Self::default();
        let spans = receiver.spans.clone();
        let router = axum::Router::new().route(
            "/v1/traces",
            post(move |body: Bytes| {
                let spans = spans.clone();
                async move {
                    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
                        return (axum::http::StatusCode::BAD_REQUEST, Vec::new());
                    };
                    let mut out = Vec::new();
                    for rs in request.resource_spans {
                        let service = rs
                            .resource
                            .as_ref()
                            .and_then(|r| r.attributes.iter().find(|a| a.key == "service.name"))
                            .map(|a| text(a.value.as_ref()))
                            .unwrap_or_default();
                        for ss in rs.scope_spans {
                            for s in ss.spans {
                                out.push(Span {
                                    name: s.name,
                                    trace_id: hex(&s.trace_id),
                                    span_id: hex(&s.span_id),
                                    parent_span_id: hex(&s.parent_span_id),
                                    attributes: s
                                        .attributes
                                        .iter()
                                        .map(|a| (a.key.clone(), text(a.value.as_ref())))
                                        .collect(),
                                    service: service.clone(),
                                });
                            }
                        }
                    }
                    if let Ok(mut all) = spans.lock() {
                        all.extend(out);
                    }
                    // An empty ExportTraceServiceResponse.
                    (axum::http::StatusCode::OK, Vec::new())
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, router).await.ok() });
        (receiver, format!("http://{addr}"))
    }

    pub fn spans(&self) -> Vec<Span> {
        self.spans.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

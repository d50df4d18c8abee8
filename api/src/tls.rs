//! TLS for the gateway's own HTTP clients (JWKS, OTLP).

/// One process-wide TLS crypto provider for the HTTP clients; a second install is a no-op.
pub fn install_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

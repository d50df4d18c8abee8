//! A gateway replica for the multi-replica and rolling-restart tests: the `partnerworld`
//! program itself (`api::cli`), built beside the tests so they can start it as a process
//! and stop it with SIGTERM, as Kubernetes does.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    api::cli::main().await
}

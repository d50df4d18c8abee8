//! The `partnerworld` binary (`cli`).

use std::process::ExitCode;

// Answers are trees of many small allocations made and freed per request; mimalloc serves
// them faster than glibc's malloc (`make bench`: S2 177 → 246 req/s, S1 5 692 → 7 080).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    api::cli::main().await
}

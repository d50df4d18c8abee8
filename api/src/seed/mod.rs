//! Deterministic data generator: the demo (default) and large data sets for benchmarks
//! (`--companies 100000`). Same seed, same rows. Rows are generated with explicit ids in
//! company-sized chunks and written with multi-row INSERTs, one transaction per chunk.

mod catalog;
mod generate;
mod network;
mod pao;
mod values;
mod workflows;
mod writer;

pub use generate::{DEMO_COMPANIES, personas};

use crate::domain::profiles::level;
use rand::SeedableRng;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};
use std::time::Instant;
use writer::Tables;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub companies: u32,
    pub seed: u64,
    /// Companies generated and written per transaction.
    pub chunk: u32,
    pub quiet: bool,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            companies: DEMO_COMPANIES,
            seed: 42,
            chunk: 2_000,
            quiet: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database already has {0} companies; seed an empty database")]
    NotEmpty(u64),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Is there no company yet?
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(entities::companies::Entity::find().count(db).await? == 0)
}

/// Fills an empty, migrated database.
pub async fn seed(db: &DatabaseConnection, opts: &SeedOptions) -> Result<(), SeedError> {
    let existing = entities::companies::Entity::find().count(db).await?;
    if existing > 0 {
        return Err(SeedError::NotEmpty(existing));
    }
    let started = Instant::now();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(opts.seed);
    let mut ids = values::Ids::default();
    let mut tables = Tables::default();
    generate::reference_data(&mut tables);
    let mut done = 0u32;
    while done < opts.companies {
        let n = opts.chunk.min(opts.companies - done);
        for i in 0..n {
            generate::company(&mut rng, &mut ids, &mut tables, done + i + 1);
        }
        done += n;
        tables.flush(db).await?;
        if !opts.quiet {
            eprintln!(
                "seed: {done}/{} companies, {} rows, {:.1}s",
                opts.companies,
                tables.written,
                started.elapsed().as_secs_f64()
            );
        }
    }
    network::cross_company(&mut rng, &mut ids, &mut tables, opts.companies);
    tables.flush(db).await?;
    if opts.companies >= 2 {
        // Their own buffers: these rows carry columns the generated ones leave out.
        let mut demo = Tables::default();
        workflows::in_progress(&mut ids, &mut demo);
        demo.flush(db).await?;
        tables.written += demo.written;
    }
    writer::reset_sequences(db).await?;
    // Fresh planner statistics: without them PostgreSQL plans the first hours of queries
    // on a bulk-loaded database as if its tables were empty (seen: 380 ms instead of 8 ms
    // for a nested page of 20 companies).
    db.execute_unprepared("ANALYZE").await?;
    if !opts.quiet {
        eprintln!(
            "seed: done: {} companies, {} rows in {:.1}s",
            opts.companies,
            tables.written,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Today's level of a generated company, so the level in force starts consistent.
fn level_name(inputs: &level::LevelInputs) -> &'static str {
    match level::assess(inputs, values::SEED_TODAY).level {
        level::Level::Member => "MEMBER",
        level::Level::Advanced => "ADVANCED",
        level::Level::Premier => "PREMIER",
    }
}

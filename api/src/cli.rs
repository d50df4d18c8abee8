//! The `partnerworld` command line: serve the gateway, run migrations, seed data, export
//! the SDL, mint development tokens. In the library so that the binary and the test
//! suite's replicas (`tests/src/bin/replica.rs`) are the same program.

use crate::config::Config;
use crate::{Application, seed};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "partnerworld", about = "The PartnerWorld GraphQL gateway")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gateway (the default).
    Serve,
    /// Serve in development mode on the embedded default: GraphiQL, demo data, printed tokens.
    Dev,
    /// Apply pending migrations and exit.
    Migrate,
    /// Fill an empty database with generated data.
    Seed {
        /// How many companies (the demo has 40).
        #[arg(long, default_value_t = seed::DEMO_COMPANIES)]
        companies: u32,
        /// Random seed: the same seed gives the same rows.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Print the schema SDL (what `schema.graphql` holds).
    Sdl,
    /// Review every company's level in force against the rules (what the server does
    /// every LEVEL_REVIEW_INTERVAL_SECS), and print each change.
    ReviewLevels {
        /// The day to review as of (YYYY-MM-DD); today by default.
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
    },
    /// Apply a testing vendor's certification feed, as IBM's channel team: a CSV file with
    /// a header row naming candidate_id, name, kind, earned_on and expires_on. Rows that
    /// cannot be taken are printed with their line and reason (exit status 3); the others
    /// are applied in one transaction, and levels in force follow. Running the same file
    /// again changes nothing.
    ImportCertifications {
        file: std::path::PathBuf,
        /// The day the feed is applied as of (YYYY-MM-DD); today by default.
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
    },
    /// Mint a development token (HS256 with JWT_HS256_SECRET) for an IBMid.
    Token {
        /// The IBMid (login e-mail) the token speaks for, e.g. apa@acme.example.
        #[arg(long)]
        sub: String,
        /// Add the IBM_CHANNEL role.
        #[arg(long)]
        ibm_channel: bool,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: u64,
        /// Sign RS256 with this PKCS#8 PEM private key instead of HS256.
        #[arg(long, requires = "kid")]
        rs256_key: Option<std::path::PathBuf>,
        /// The `kid` of the RS256 key.
        #[arg(long)]
        kid: Option<String>,
    },
    /// The safelist of `PERSISTED_QUERIES=safelist`: register operations from a manifest,
    /// or list them.
    Operations {
        #[command(subcommand)]
        command: OperationsCommand,
    },
    /// Print the JWKS (public key set) for an RS256 PKCS#8 PEM private key.
    Jwks {
        #[arg(long)]
        key: std::path::PathBuf,
        #[arg(long)]
        kid: String,
    },
}

#[derive(Subcommand)]
enum OperationsCommand {
    /// Register every operation of a persisted-query manifest (Apollo's
    /// `persisted-query-manifest.json`, or GraphQL Code Generator's persisted documents).
    /// Each id must be the SHA-256 of its body and each body pass the operation limits;
    /// one bad operation registers nothing. Already registered ones are left as they are.
    Register { file: std::path::PathBuf },
    /// Print every registered operation: id, type and name.
    List,
}

/// Runs the command the arguments name (`serve` by default).
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = cli.config;
    let command = cli.command.unwrap_or(Command::Serve);
    // Traces are exported by the server only; the other commands log.
    if matches!(command, Command::Serve | Command::Dev) {
        if let Err(e) = crate::telemetry::init_with_traces(&config) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    } else {
        crate::telemetry::init(config.log_format);
    }
    let result = match command {
        Command::Serve => serve(config).await,
        Command::Dev => {
            config.environment = crate::config::Environment::Development;
            // One process on a laptop, no load balancer to drain from: Ctrl-C stops it now.
            config.shutdown_drain_secs = 0;
            serve(config).await
        }
        Command::Migrate => migrate(&config).await,
        Command::Seed { companies, seed } => run_seed(&config, companies, seed).await,
        Command::Sdl => {
            print!("{}", crate::graphql::schema::sdl());
            Ok(())
        }
        Command::ReviewLevels { on } => review_levels(config, on).await,
        Command::ImportCertifications { file, on } => {
            return match import_certifications(config, &file, on).await {
                Ok(0) => ExitCode::SUCCESS,
                Ok(_) => ExitCode::from(3),
                Err(e) => {
                    eprintln!("partnerworld: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Token {
            sub,
            ibm_channel,
            ttl,
            rs256_key: Some(key),
            kid: Some(kid),
        } => rs256_token(&config, &sub, ibm_channel, ttl, &key, &kid),
        Command::Token {
            sub,
            ibm_channel,
            ttl,
            ..
        } => token(&config, &sub, ibm_channel, ttl),
        Command::Jwks { key, kid } => jwks(&key, &kid),
        Command::Operations { command } => operations(config, command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("partnerworld: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

async fn serve(config: Config) -> Result<()> {
    let listen = config.listen_addr;
    let app = Application::build(config).await?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    if app.state.config.is_development() {
        print_dev_banner(&app, addr);
    }
    tracing::info!(%addr, "listening");
    review_levels_periodically(&app);
    crate::http::serve(
        &app.state,
        app.router,
        listener,
        crate::lifecycle::terminated(),
    )
    .await?;
    tracing::info!("stopped");
    crate::telemetry::shutdown();
    Ok(())
}

/// The daily review of levels in force, in the background. Replicas may review at once:
/// a change is applied and recorded once (see `level_in_force`).
fn review_levels_periodically(app: &Application) {
    let interval = app.state.config.level_review_interval_secs;
    if interval == 0 {
        return;
    }
    let state = app.state.clone();
    tokio::spawn(async move {
        let mut next = std::time::Duration::from_secs(60);
        loop {
            tokio::time::sleep(next).await;
            next = std::time::Duration::from_secs(interval);
            let today = crate::domain::profiles::level::today();
            match crate::domain::profiles::level_in_force::sweep(&state, today).await {
                Ok(changes) => tracing::info!(changed = changes.len(), %today, "levels reviewed"),
                Err(e) => tracing::warn!(error = ?e, "level review failed; retrying next interval"),
            }
        }
    });
}

/// The gateway's state for a maintenance command run by an operator: no statement
/// timeout (the request path's bound would cancel long batches), no demo data seeded by
/// accident, and, since no request is served, no token verification to configure.
async fn maintenance(mut config: Config) -> Result<Application> {
    config.database_statement_timeout_ms = 0;
    config.seed_demo = Some(false);
    if config.jwt_hs256_secret.is_none() {
        config.jwt_hs256_secret = Some(format!("{:032x}", rand::random::<u128>()));
    }
    Ok(Application::build(config).await?)
}

async fn review_levels(config: Config, on: Option<chrono::NaiveDate>) -> Result<()> {
    let app = maintenance(config).await?;
    let today = on.unwrap_or_else(crate::domain::profiles::level::today);
    let changes = crate::domain::profiles::level_in_force::sweep(&app.state, today)
        .await
        .map_err(|e| format!("the level review failed: {e:?}"))?;
    print_level_changes(today, &changes);
    eprintln!("levels reviewed as of {today}: {} changed", changes.len());
    Ok(())
}

/// Returns how many rows were rejected.
async fn operations(config: Config, command: OperationsCommand) -> Result<()> {
    use crate::documents::safelist;
    let app = maintenance(config).await?;
    let db = &app.state.db;
    match command {
        OperationsCommand::Register { file } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let limits = crate::documents::limits::Limits::from_config(&app.state.config);
            let operations = safelist::parse_manifest(&text, &limits)
                .map_err(|e| format!("{}: {e}; nothing registered", file.display()))?;
            let added = safelist::register(db, &operations).await?;
            eprintln!(
                "operations: {} in the manifest, {added} registered, {} already were",
                operations.len(),
                operations.len() - added
            );
        }
        OperationsCommand::List => {
            for op in safelist::list(db).await? {
                println!(
                    "{}  {:<12}  {}",
                    op.id,
                    op.kind,
                    op.name.as_deref().unwrap_or("-")
                );
            }
        }
    }
    Ok(())
}

async fn import_certifications(
    config: Config,
    file: &std::path::Path,
    on: Option<chrono::NaiveDate>,
) -> Result<usize> {
    use crate::domain::profiles::skills;
    let input = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (rows, unreadable) =
        skills::parse_csv(std::io::BufReader::new(input)).map_err(|e| e.public_message())?;
    let app = maintenance(config).await?;
    let today = on.unwrap_or_else(crate::domain::profiles::level::today);
    let viewer = crate::auth::Viewer::service("import-certifications");
    let report = skills::import(&app.state, &viewer, &rows, unreadable, today)
        .await
        .map_err(|e| format!("the feed was not applied: {}", e.public_message()))?;
    for r in &report.rejected {
        println!(
            "rejected line {}: {} {}: {}",
            r.row,
            r.candidate_id,
            <&str>::from(r.code),
            r.reason
        );
    }
    print_level_changes(today, &report.level_changes);
    eprintln!(
        "certifications: {} rows, {} added, {} updated, {} unchanged, {} rejected; {} levels changed",
        report.received,
        report.added,
        report.updated,
        report.unchanged,
        report.rejected.len(),
        report.level_changes.len()
    );
    Ok(report.rejected.len())
}

/// One line per company whose level in force changed, for scripts to read.
fn print_level_changes(
    today: chrono::NaiveDate,
    changes: &[crate::domain::profiles::level_in_force::LevelChange],
) {
    for c in changes {
        println!(
            "{} {}: {} -> {}",
            today,
            c.company.partner_world_id,
            c.from.as_db(),
            c.to.as_db()
        );
    }
}

fn print_dev_banner(app: &Application, addr: std::net::SocketAddr) {
    println!("\nPartnerWorld gateway (development mode)");
    println!("  GraphiQL:  http://{addr}/graphql");
    println!("  database:  {}", app.state.config.database_url);
    println!("  cache:     {}", app.state.cache.kind());
    if app.dev_secret_generated {
        println!("  tokens:    signed with a random secret generated for this run (valid 12 h)");
    }
    println!(
        "\nPick a role in the bar above GraphiQL, or paste one header into its Headers tab to act as that person:\n"
    );
    for (label, sub, roles) in seed::personas() {
        match app.state.auth.mint(sub, roles, 12 * 3600) {
            Ok(token) => {
                println!("  {label} ({sub}):\n    {{\"Authorization\": \"Bearer {token}\"}}\n")
            }
            Err(e) => eprintln!("  could not mint a token for {sub}: {e}"),
        }
    }
}

async fn migrate(config: &Config) -> Result<()> {
    let db = crate::db::connect_for_maintenance(config).await?;
    crate::db::migrate(&db).await?;
    eprintln!("migrations applied");
    Ok(())
}

async fn run_seed(config: &Config, companies: u32, seed_value: u64) -> Result<()> {
    let db = crate::db::connect_for_maintenance(config).await?;
    crate::db::migrate(&db).await?;
    let opts = seed::SeedOptions {
        companies,
        seed: seed_value,
        ..Default::default()
    };
    seed::seed(&db, &opts).await?;
    Ok(())
}

fn token(config: &Config, sub: &str, ibm_channel: bool, ttl: u64) -> Result<()> {
    let secret = config
        .jwt_hs256_secret
        .as_deref()
        .ok_or("JWT_HS256_SECRET must be set to mint a token the gateway will accept")?;
    if secret.len() < 32 {
        return Err("JWT_HS256_SECRET must be at least 32 bytes".into());
    }
    let auth = crate::auth::jwt::Authenticator::hs256(
        secret.as_bytes(),
        &config.jwt_issuer,
        &config.jwt_audience,
        config.jwt_leeway_secs,
    );
    let roles: &[&str] = if ibm_channel { &["IBM_CHANNEL"] } else { &[] };
    println!("{}", auth.mint(sub, roles, ttl)?);
    Ok(())
}

fn rs256_token(
    config: &Config,
    sub: &str,
    ibm_channel: bool,
    ttl: u64,
    key: &std::path::Path,
    kid: &str,
) -> Result<()> {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let pem = std::fs::read(key)?;
    let now = jsonwebtoken::get_current_timestamp();
    let claims = crate::auth::jwt::Claims {
        sub: sub.to_owned(),
        iss: config.jwt_issuer.clone(),
        aud: config.jwt_audience.clone(),
        exp: now + ttl,
        nbf: Some(now),
        iat: Some(now),
        roles: if ibm_channel {
            vec!["IBM_CHANNEL".into()]
        } else {
            Vec::new()
        },
    };
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    println!(
        "{}",
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_rsa_pem(&pem)?)?
    );
    Ok(())
}

fn jwks(key: &std::path::Path, kid: &str) -> Result<()> {
    use jsonwebtoken::{Algorithm, EncodingKey, jwk::Jwk, jwk::JwkSet};
    let pem = std::fs::read(key)?;
    let mut jwk = Jwk::from_encoding_key(&EncodingKey::from_rsa_pem(&pem)?, Algorithm::RS256)?;
    jwk.common.key_id = Some(kid.to_owned());
    println!(
        "{}",
        serde_json::to_string_pretty(&JwkSet { keys: vec![jwk] })?
    );
    Ok(())
}

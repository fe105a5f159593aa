//! The `grassroots` binary: serve the application, create the demo, and run each flow's
//! commands (one module per flow, as in the other crates) and the installation's
//! administration from the command line.

mod admission;
mod backup;
mod command;
mod config;
mod core;
mod empowerment;
mod enforcement;
mod income;
mod indicators;
mod petition;
mod restructuring;
mod serve;
mod warning;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grassroots_app::{App, AppError};

use config::FileConfig;

#[derive(Parser)]
#[command(
    name = "grassroots",
    version,
    about = "Township governance platform: duty lists, admission, empowerment, command, enforcement, petitions, warnings"
)]
struct Cli {
    /// Database URL: sqlite://FILE or postgres://… [default: sqlite://grassroots.db; for demo, sqlite://grassroots-demo.db]
    #[arg(long, global = true, env = "GRASSROOTS_DATABASE_URL")]
    database_url: Option<String>,
    /// TOML configuration file (see grassroots.sample.toml).
    #[arg(long, global = true, env = "GRASSROOTS_CONFIG")]
    config: Option<PathBuf>,
    /// Log format: human or json.
    #[arg(long, global = true, env = "GRASSROOTS_LOG_FORMAT")]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API.
    Serve(serve::ServeArgs),
    /// Create (or update) the demo database with two counties and one user per role, then serve it.
    Demo {
        #[command(flatten)]
        serve: serve::ServeArgs,
        /// Allow a non-loopback address although the demo passwords are public.
        #[arg(long)]
        public: bool,
        /// Create the demo data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Create or bring the database schema up to date.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(core::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(core::TokenCommand),
    /// Administrative divisions.
    #[command(subcommand)]
    Divisions(core::DivisionsCommand),
    /// The working-day calendar.
    #[command(subcommand)]
    Calendar(core::CalendarCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(core::AuditCommand),
    /// Write a consistent copy of the database to PATH, also while serving (SQLite by
    /// VACUUM INTO, PostgreSQL by pg_dump).
    Backup { path: PathBuf },
    /// Restore a backup into a new database (SQLite: or --replace one, with the server
    /// stopped), then check it as `check` does.
    Restore {
        path: PathBuf,
        /// Replace an existing SQLite database file.
        #[arg(long)]
        replace: bool,
    },
    /// Check the database (pages, indexes, foreign keys, migrations) and the audit chain.
    Check,
    /// Screen tasks against a town's lists from files alone, without a database.
    Screen(admission::ScreenArgs),
    /// The county's catalog of matters it can devolve (赋权事项目录).
    #[command(subcommand)]
    Catalog(empowerment::CatalogCommand),
    /// Restructuring plans.
    #[command(subcommand)]
    Plan(restructuring::PlanCommand),
    /// Towns' power lists (一镇一单).
    #[command(subcommand)]
    Powers(empowerment::PowersCommand),
    /// The command center's events.
    #[command(subcommand)]
    Events(command::EventsCommand),
    /// Enforcement cases.
    #[command(subcommand)]
    Cases(enforcement::CasesCommand),
    /// Petitions (信访).
    #[command(subcommand)]
    Petitions(petition::PetitionsCommand),
    /// Village collective income.
    #[command(subcommand)]
    Income(income::IncomeCommand),
    /// CAP 1.2 warning messages.
    #[command(subcommand)]
    Cap(warning::CapCommand),
    /// Hazard points (隐患点) of the geohazard warnings.
    #[command(subcommand)]
    HazardPoints(warning::HazardPointsCommand),
    /// The reform's headline figures for a county or town and a year, computed from the records.
    Report(indicators::ReportArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let file = match FileConfig::load(cli.config.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let json_logs = cli.log_format.as_deref().or(file.log_format.as_deref()) == Some("json");
    init_logging(json_logs);
    match run(cli, file).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GRASSROOTS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// An error a person can act on.
fn explain(e: AppError) -> String {
    match e {
        AppError::Validation(v) => {
            v.errors.iter().map(|f| format!("{}: {}", f.location, f.message)).collect::<Vec<_>>().join("\n")
        }
        other => other.to_string(),
    }
}

async fn run(cli: Cli, file: FileConfig) -> Result<ExitCode, String> {
    let is_demo = matches!(cli.command, Command::Demo { .. });
    let default_db = if is_demo { "sqlite://grassroots-demo.db" } else { "sqlite://grassroots.db" };
    let url = cli
        .database_url
        .clone()
        .or_else(|| if is_demo { None } else { file.database_url.clone() })
        .unwrap_or_else(|| default_db.into());
    let settings = file.settings(is_demo)?;
    let open = || async { App::open(&url, settings.clone()).await.map_err(explain) };
    match cli.command {
        Command::Serve(args) => {
            let app = open().await?;
            if app.settings.petition_key.is_none() {
                tracing::warn!("petition_key is not set: petitions cannot be registered or read until it is");
            }
            serve::serve(app, &args, &file, false).await?;
        }
        Command::Demo { serve: args, public, no_serve } => {
            let listen = serve::listen_addr(&args, &file)?;
            if !listen.ip().is_loopback() && !public {
                return Err(format!(
                    "refusing to serve the demo on {listen}: its passwords are published. Use a loopback address, or add --public if you mean it."
                ));
            }
            let app = open().await?;
            let s = app.seed_demo().await.map_err(explain)?;
            tracing::info!(divisions = s.divisions, bodies = s.bodies, users = s.users, tasks = s.tasks, plan = s.plan, empowerment = s.empowerment, cases = s.cases, inspections = s.inspections, events = s.events, income = s.income, petitions = s.petitions, notices = s.notices, database = %url, "demo data ready");
            if !no_serve {
                println!(
                    "demo: open http://{listen}/ and log in as, e.g., suixi.admin / {}",
                    grassroots_app::demo::DEMO_PASSWORD
                );
                serve::serve(app, &args, &file, true).await?;
            }
        }
        Command::Migrate => {
            open().await?;
            println!("database is up to date: {url}");
        }
        Command::User(cmd) => core::user(open().await?, cmd).await?,
        Command::Token(cmd) => core::token(open().await?, cmd).await?,
        Command::Divisions(cmd) => core::divisions(open().await?, cmd).await?,
        Command::Calendar(cmd) => core::calendar(open().await?, cmd).await?,
        Command::Audit(cmd) => return core::audit(open().await?, cmd).await,
        Command::Screen(args) => return admission::screen(&args),
        Command::Cap(warning::CapCommand::Validate { file }) => warning::validate(&file)?,
        Command::Cap(cmd) => warning::cap(open().await?, cmd).await?,
        Command::HazardPoints(cmd) => warning::hazard_points(open().await?, cmd).await?,
        Command::Catalog(cmd) => empowerment::catalog(open().await?, cmd).await?,
        Command::Plan(cmd) => restructuring::plan(open().await?, cmd).await?,
        Command::Powers(cmd) => return empowerment::powers(open().await?, cmd).await,
        Command::Events(cmd) => command::events(open().await?, cmd).await?,
        Command::Cases(cmd) => enforcement::cases(open().await?, cmd).await?,
        Command::Petitions(cmd) => petition::petitions(open().await?, cmd).await?,
        Command::Income(cmd) => income::income(open().await?, cmd).await?,
        Command::Report(args) => indicators::report(open().await?, args).await?,
        Command::Backup { path } => backup::backup(&url, &path).await?,
        Command::Restore { path, replace } => return backup::restore(&url, &path, replace, settings.clone()).await,
        Command::Check => return backup::check(open().await?).await,
    }
    Ok(ExitCode::SUCCESS)
}

/// A file's bytes, or an error naming it.
fn read_file(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Bytes to a file, or to standard output without one.
fn write_out(output: Option<&PathBuf>, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    match output {
        Some(p) => std::fs::write(p, bytes).map_err(|e| format!("cannot write {}: {e}", p.display())),
        None => std::io::stdout().write_all(bytes).map_err(|e| e.to_string()),
    }
}

/// Lines to standard output; a closed pipe (`| head`) ends them quietly.
fn print_lines(lines: impl Iterator<Item = String>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
}

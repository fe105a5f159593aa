//! The `grassroots` binary: serve the application, create the demo, and administer users,
//! tokens, divisions, the calendar, the audit log and backups from the command line.

mod config;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grassroots_app::core::audit::Verification;
use grassroots_app::core::tokens::NewTokenRequest;
use grassroots_app::core::users::{NewUserRequest, UserQuery};
use grassroots_app::{Actor, App, AppError};
use grassroots_domain::core::body::BodyId;
use grassroots_domain::core::role::Role;

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
    Serve(ServeArgs),
    /// Create (or update) the demo database with two counties and one user per role, then serve it.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
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
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Administrative divisions.
    #[command(subcommand)]
    Divisions(DivisionsCommand),
    /// The working-day calendar.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a consistent copy of the SQLite database to PATH, also while serving.
    Backup { path: PathBuf },
    /// Screen tasks against a town's lists from files alone, without a database.
    Screen(ScreenArgs),
    /// The county's catalog of matters it can devolve (赋权事项目录).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Restructuring plans.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Towns' power lists (一镇一单).
    #[command(subcommand)]
    Powers(PowersCommand),
    /// The command center's events.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Enforcement cases.
    #[command(subcommand)]
    Cases(CasesCommand),
    /// Village collective income.
    #[command(subcommand)]
    Income(IncomeCommand),
    /// The reform's headline figures for a county or town and a year, computed from the records.
    Report {
        #[arg(long)]
        division: String,
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// Where to write [default: standard output].
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    /// The division and, for a county, each of its towns, side by side.
    Xlsx,
    /// A page to print.
    Html,
}

#[derive(Subcommand)]
enum IncomeCommand {
    /// Add or replace amounts from an XLSX or CSV file (village code, year, source, amount
    /// in fen; header in English or Chinese); all or nothing.
    Import { file: PathBuf },
    /// A county's, town's or village's income in a year beside the year before.
    Show {
        #[arg(long)]
        division: String,
        #[arg(long)]
        year: i32,
    },
}

#[derive(Subcommand)]
enum EventsCommand {
    /// Raise overdue events to the town's leadership, then the county, as the server does
    /// every five minutes; prints how many rose.
    Escalate,
    /// Open events past their deadline, oldest first: due day, escalation, town, office, title.
    Overdue,
}

#[derive(Subcommand)]
enum CasesCommand {
    /// Cases with a statutory clock past due: number, clock, due day, article.
    Overdue,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Add or update matters from an XLSX or CSV file (header in English or Chinese); all or nothing.
    Import {
        /// County code, e.g. 340621.
        #[arg(long)]
        county: String,
        file: PathBuf,
    },
    /// Write the catalog as XLSX (Chinese header) or CSV (English header).
    Export {
        #[arg(long)]
        county: String,
        /// xlsx or csv.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// Where to write [default: standard output].
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Draft a plan from a JSON plan document and list what keeps it from approval.
    Import {
        file: PathBuf,
        /// Approve it at once, taking effect on this day (YYYY-MM-DD), if it adds up.
        #[arg(long)]
        approve_from: Option<String>,
    },
    /// Who owns a town's function on a day, and who owned it before.
    Owner {
        #[arg(long)]
        town: String,
        #[arg(long)]
        function: String,
        /// YYYY-MM-DD [default: today].
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand)]
enum PowersCommand {
    /// Does the town hold the power on the day? Exit 0 if it does, 1 if not.
    Check {
        #[arg(long)]
        town: String,
        #[arg(long)]
        matter: String,
        /// YYYY-MM-DD [default: today].
        #[arg(long)]
        date: Option<String>,
    },
    /// A town's power list in force on a day.
    List {
        #[arg(long)]
        town: String,
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(clap::Args)]
struct ScreenArgs {
    /// The town's lists: XLSX or CSV, header in English or Chinese.
    #[arg(long)]
    lists: PathBuf,
    /// Tasks as JSON lines: {"id","title","description"}.
    #[arg(long)]
    input: PathBuf,
    /// Where to write the decisions as JSON lines: {"id","decision","item","score","evidence"} [default: standard output].
    #[arg(long)]
    output: Option<PathBuf>,
    /// Compare with the "label" and "item" of each task and print precision, recall and F1.
    #[arg(long)]
    evaluate: bool,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "GRASSROOTS_LISTEN")]
    listen: Option<String>,
    /// Do not mark cookies Secure (plain HTTP on a trusted network only).
    #[arg(long)]
    insecure_cookies: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. The password is read from standard input when --password is not given.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// admin, staffing_officer, department_officer, town_officer, dispatcher, inspector,
        /// village_officer, hazard_monitor, bureau_officer or viewer.
        #[arg(long)]
        role: String,
        /// Id of the user's body (see the bodies page or GET /api/v1/bodies).
        #[arg(long)]
        body_id: i64,
        #[arg(long)]
        password: Option<String>,
    },
    /// List users.
    List {
        /// Part of the username.
        #[arg(long)]
        q: Option<String>,
    },
    /// Disable a user; its sessions end at once.
    Disable { username: String },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token acting as USERNAME; prints the secret once.
    Create {
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// Revoke a token by id.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
enum DivisionsCommand {
    /// Import divisions from a CSV file with the header code,name,level,parent_code.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Import official holidays and adjusted workdays from a CSV file: date,kind,occasion.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; report the first altered, inserted or removed record, or OK.
    Verify,
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
    let open = || async { App::open(&url, file.settings(is_demo)).await.map_err(explain) };
    match cli.command {
        Command::Serve(args) => {
            let app = open().await?;
            serve(app, &args, &file, false).await?;
        }
        Command::Demo { serve: args, public, no_serve } => {
            let listen = listen_addr(&args, &file)?;
            if !listen.ip().is_loopback() && !public {
                return Err(format!(
                    "refusing to serve the demo on {listen}: its passwords are published. Use a loopback address, or add --public if you mean it."
                ));
            }
            let app = open().await?;
            let s = app.seed_demo().await.map_err(explain)?;
            tracing::info!(divisions = s.divisions, bodies = s.bodies, users = s.users, tasks = s.tasks, plan = s.plan, empowerment = s.empowerment, cases = s.cases, inspections = s.inspections, events = s.events, database = %url, "demo data ready");
            if !no_serve {
                println!(
                    "demo: open http://{listen}/ and log in as, e.g., suixi.admin / {}",
                    grassroots_app::demo::DEMO_PASSWORD
                );
                serve(app, &args, &file, true).await?;
            }
        }
        Command::Migrate => {
            open().await?;
            println!("database is up to date: {url}");
        }
        Command::User(cmd) => user(open().await?, cmd).await?,
        Command::Token(cmd) => token(open().await?, cmd).await?,
        Command::Divisions(DivisionsCommand::Import { file: path }) => {
            let data = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let app = open().await?;
            let s = app.import_divisions(&Actor::system("divisions import"), &data).await.map_err(explain)?;
            println!("{} rows: {} added, {} renamed, {} unchanged", s.rows, s.inserted, s.renamed, s.unchanged);
        }
        Command::Calendar(CalendarCommand::Import { file: path }) => {
            let data = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let app = open().await?;
            let s = app.import_calendar(&Actor::system("calendar import"), &data).await.map_err(explain)?;
            println!("{} days read, {} changed", s.rows, s.changed);
        }
        Command::Audit(AuditCommand::Verify) => {
            let app = open().await?;
            return match app.verify_audit().await.map_err(explain)? {
                Verification::Intact { records } => {
                    println!("OK: {records} audit records, chain intact");
                    Ok(ExitCode::SUCCESS)
                }
                Verification::Broken(b) => {
                    println!("BROKEN: {b}");
                    Ok(ExitCode::from(3))
                }
            };
        }
        Command::Screen(args) => return screen(&args),
        Command::Catalog(cmd) => catalog(open().await?, cmd).await?,
        Command::Plan(cmd) => plan(open().await?, cmd).await?,
        Command::Powers(cmd) => return powers(open().await?, cmd).await,
        Command::Events(cmd) => events(open().await?, cmd).await?,
        Command::Income(cmd) => income(open().await?, cmd).await?,
        Command::Report { division, year, format, output } => {
            let app = open().await?;
            let actor = Actor::system("report");
            let bytes = match format {
                ReportFormat::Text => {
                    print_headline(&app.headline(&actor, &division, year).await.map_err(explain)?);
                    return Ok(ExitCode::SUCCESS);
                }
                ReportFormat::Json => {
                    let h = app.headline(&actor, &division, year).await.map_err(explain)?;
                    serde_json::to_vec_pretty(&h).map_err(|e| e.to_string())?
                }
                ReportFormat::Xlsx => {
                    let all = app.headlines(&actor, &division, year).await.map_err(explain)?;
                    grassroots_app::indicators::xlsx(&all).map_err(explain)?
                }
                ReportFormat::Html => {
                    let all = app.headlines(&actor, &division, year).await.map_err(explain)?;
                    grassroots_web::pages::indicators::printable(&all).into_bytes()
                }
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?
                }
                None => std::io::Write::write_all(&mut std::io::stdout(), &bytes).map_err(|e| e.to_string())?,
            }
        }
        Command::Cases(CasesCommand::Overdue) => {
            let app = open().await?;
            let overdue = app.overdue_cases(&Actor::system("cases")).await.map_err(explain)?;
            let lines = overdue.iter().flat_map(|(case, clocks)| {
                clocks.iter().filter(|c| c.overdue).map(move |c| {
                    format!("{}\t{}\t{}\t{}\t{}", case.document_number, c.name, c.due, c.label_zh, c.article)
                })
            });
            print_lines(lines);
        }
        Command::Backup { path } => {
            if path.exists() {
                return Err(format!("{} exists; choose a new file", path.display()));
            }
            let app = open().await?;
            let target = path.to_str().ok_or("the backup path is not valid UTF-8")?;
            app.store.backup(target).await.map_err(|e| e.to_string())?;
            println!("backup written to {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn listen_addr(args: &ServeArgs, file: &FileConfig) -> Result<SocketAddr, String> {
    let s = args.listen.clone().or_else(|| file.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    s.parse().map_err(|e| format!("--listen {s}: {e}"))
}

async fn serve(app: App, args: &ServeArgs, file: &FileConfig, demo: bool) -> Result<(), String> {
    let addr = listen_addr(args, file)?;
    let env_secure = std::env::var("GRASSROOTS_SECURE_COOKIES").ok().map(|v| v != "false" && v != "0");
    let secure = !args.insecure_cookies && env_secure.or(file.secure_cookies).unwrap_or(true);
    let behind_proxy = std::env::var("GRASSROOTS_BEHIND_PROXY")
        .ok()
        .map(|v| v == "true" || v == "1")
        .or(file.behind_proxy)
        .unwrap_or(false);
    let stop = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, demo, "serving");
    // Every minute: pick up a calendar imported by `grassroots calendar import` while
    // serving; every five: escalate overdue events; every ten: drop expired sessions and
    // old login attempts.
    let keeper = app.clone();
    let housekeeping = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        for n in 0u64.. {
            tick.tick().await;
            if let Err(e) = keeper.reload_calendar().await {
                tracing::warn!(error = %e, "reloading the calendar failed");
            }
            if n % 5 == 0 {
                match keeper.escalate_overdue().await {
                    Ok(0) => {}
                    Ok(raised) => tracing::info!(raised, "overdue events escalated"),
                    Err(e) => tracing::warn!(error = %e, "escalating overdue events failed"),
                }
            }
            if n % 10 == 0
                && let Err(e) = keeper.prune_sessions().await
            {
                tracing::warn!(error = %e, "pruning sessions failed");
            }
        }
    });
    let router =
        grassroots_web::router(app.clone(), grassroots_web::WebOptions { secure_cookies: secure, behind_proxy });
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(stop)
        .await
        .map_err(|e| e.to_string())?;
    housekeeping.abort();
    app.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let requests in flight finish. The handlers are
/// installed before the socket is bound, so a signal that comes early is not the default
/// (fatal) one.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    #[cfg(unix)]
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
    Ok(async move {
        #[cfg(unix)]
        let term = term.recv();
        #[cfg(not(unix))]
        let term = std::future::pending::<Option<()>>();
        tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term => {} }
        tracing::info!("shutting down");
    })
}

async fn user(app: App, cmd: UserCommand) -> Result<(), String> {
    let actor = Actor::system("user");
    match cmd {
        UserCommand::Add { username, display_name, role, body_id, password } => {
            let password = match password {
                Some(p) => p,
                None => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line).map_err(|e| e.to_string())?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let role: Role = role.parse().map_err(|e: grassroots_domain::ValidationError| e.summary())?;
            let req = NewUserRequest { username, display_name, role, body_id: BodyId(body_id), password };
            let u = app.add_user(&actor, req).await.map_err(explain)?;
            println!("user {} added (id {})", u.username, u.id);
        }
        UserCommand::List { q } => {
            let mut page = 1;
            loop {
                let list = app
                    .list_users(
                        &actor,
                        UserQuery { q: q.clone(), page: Some(page), per_page: Some(200), ..Default::default() },
                    )
                    .await
                    .map_err(explain)?;
                for u in &list.items {
                    let status = if u.disabled_at.is_some() { "disabled" } else { "active" };
                    println!(
                        "{}\t{}\t{}\t{}\tbody {}\t{}",
                        u.id, u.username, u.display_name, u.role, u.body_id, status
                    );
                }
                if i64::from(page) * 200 >= list.total {
                    break;
                }
                page += 1;
            }
        }
        UserCommand::Disable { username } => {
            let u = app.find_user(&actor, &username).await.map_err(explain)?;
            app.set_user_disabled(&actor, u.id, true).await.map_err(explain)?;
            println!("user {username} disabled");
        }
    }
    Ok(())
}

async fn token(app: App, cmd: TokenCommand) -> Result<(), String> {
    match cmd {
        TokenCommand::Create { username, name, expires_in_days } => {
            let system = Actor::system("token create");
            let u = app.find_user(&system, &username).await.map_err(explain)?;
            let t = app
                .create_token_for(&system, u.id, NewTokenRequest { name, expires_in_days })
                .await
                .map_err(explain)?;
            println!("token {} for {username}:\n{}", t.token.id, t.secret);
        }
        TokenCommand::Revoke { id } => {
            app.revoke_token(&Actor::system("token revoke"), grassroots_domain::core::user::TokenId(id))
                .await
                .map_err(explain)?;
            println!("token {id} revoked");
        }
    }
    Ok(())
}

/// `grassroots screen`: files in, files out; the same engine as the server.
fn screen(args: &ScreenArgs) -> Result<ExitCode, String> {
    use grassroots_app::admission::{batch, listfile};
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let in_file = |p: &PathBuf, e: grassroots_domain::ValidationError| {
        format!("{}:\n{}", p.display(), explain(AppError::Validation(e)))
    };
    let items = listfile::read(&read(&args.lists)?).map_err(|e| in_file(&args.lists, e))?;
    let text = String::from_utf8(read(&args.input)?).map_err(|_| format!("{} is not UTF-8", args.input.display()))?;
    let tasks = batch::read_tasks(&text).map_err(|e| in_file(&args.input, e))?;
    let screener = batch::screener(&items);
    let started = std::time::Instant::now();
    let mut each = Vec::with_capacity(tasks.len());
    let decisions: Vec<_> = tasks
        .iter()
        .map(|t| {
            let one = std::time::Instant::now();
            let d = batch::screen_one(&screener, t);
            each.push(one.elapsed());
            d
        })
        .collect();
    let elapsed = started.elapsed();
    each.sort_unstable();
    let p99 = each.get(each.len().saturating_sub(1) * 99 / 100).copied().unwrap_or_default();
    let mut out = String::new();
    for d in &decisions {
        out.push_str(&serde_json::to_string(d).map_err(|e| e.to_string())?);
        out.push('\n');
    }
    match &args.output {
        Some(p) => std::fs::write(p, out).map_err(|e| format!("cannot write {}: {e}", p.display()))?,
        None if !args.evaluate => print!("{out}"),
        None => {}
    }
    eprintln!(
        "screened {} tasks against {} items in {:.1} ms: {:.0} tasks/s, p99 {:.1} µs per task",
        tasks.len(),
        items.len(),
        elapsed.as_secs_f64() * 1e3,
        tasks.len() as f64 / elapsed.as_secs_f64().max(1e-9),
        p99.as_secs_f64() * 1e6
    );
    if args.evaluate {
        let r = batch::evaluate(&tasks, &decisions).map_err(|e| in_file(&args.input, e))?;
        println!("{:<12} {:>9} {:>9} {:>9} {:>8}", "decision", "precision", "recall", "F1", "tasks");
        for (name, c) in &r.classes {
            println!("{name:<12} {:>9.3} {:>9.3} {:>9.3} {:>8}", c.precision, c.recall, c.f1, c.support);
        }
        println!("macro-F1 {:.3}   item accuracy {:.3}   tasks {}", r.macro_f1, r.item_accuracy, r.tasks);
        for (id, expected, got) in &r.mistakes {
            println!("  {id}: expected {expected}, got {got}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_file(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

async fn catalog(app: App, cmd: CatalogCommand) -> Result<(), String> {
    use grassroots_app::empowerment::catalogfile;
    match cmd {
        CatalogCommand::Import { county, file } => {
            let data = read_file(&file)?;
            let s = app
                .import_catalog(&Actor::system("catalog import"), &county, &data)
                .await
                .map_err(|e| format!("{}:\n{}", file.display(), explain(e)))?;
            println!("{} matters added, {} updated", s.inserted, s.updated);
        }
        CatalogCommand::Export { county, format, output } => {
            let matters = app.export_catalog(&Actor::system("catalog export"), &county).await.map_err(explain)?;
            let bytes = match format.as_str() {
                "csv" => catalogfile::write_csv(&matters),
                "xlsx" => catalogfile::write_xlsx(&matters).map_err(|e| e.summary())?,
                other => return Err(format!("“{other}” is not xlsx or csv")),
            };
            write_out(output.as_ref(), &bytes)?;
        }
    }
    Ok(())
}

fn write_out(output: Option<&PathBuf>, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    match output {
        Some(p) => std::fs::write(p, bytes).map_err(|e| format!("cannot write {}: {e}", p.display())),
        None => std::io::stdout().write_all(bytes).map_err(|e| e.to_string()),
    }
}

async fn plan(app: App, cmd: PlanCommand) -> Result<(), String> {
    use grassroots_app::restructuring::{ApproveRequest, parse_document};
    let actor = Actor::system("plan");
    match cmd {
        PlanCommand::Import { file, approve_from } => {
            let doc = parse_document(&read_file(&file)?).map_err(|e| format!("{}: {}", file.display(), e.summary()))?;
            let view = app.create_plan(&actor, doc).await.map_err(explain)?;
            let c = &view.comparison;
            println!(
                "plan {} (draft {} of {}): {} departments → {} offices, {} → {} posts",
                view.plan.id,
                view.plan.number,
                view.plan.division_code,
                c.departments_before,
                c.offices_after,
                c.posts_before,
                c.posts_after
            );
            for p in &view.problems {
                println!("  {}: {}", p.location, p.message);
            }
            if let Some(day) = approve_from {
                let v = app
                    .approve_plan(&actor, view.plan.id, ApproveRequest { effective_from: day })
                    .await
                    .map_err(explain)?;
                println!("approved, in effect from {}", v.plan.effective_from.unwrap_or_default());
            }
        }
        PlanCommand::Owner { town, function, date } => {
            let date = date.unwrap_or_else(|| grassroots_app::core::today().to_string());
            let o = app.function_owner(&actor, &town, &function, &date).await.map_err(explain)?;
            println!("{date}: {} ({} {})", o.name, o.kind, o.code);
            for h in app.function_history(&actor, &town, &function).await.map_err(explain)? {
                println!("  since {}: {}", h.since.as_deref().unwrap_or("the start"), h.name);
            }
        }
    }
    Ok(())
}

async fn events(app: App, cmd: EventsCommand) -> Result<(), String> {
    match cmd {
        EventsCommand::Escalate => {
            let raised = app.escalate_overdue().await.map_err(explain)?;
            println!("{raised} events escalated");
        }
        EventsCommand::Overdue => {
            let actor = Actor::system("events");
            let mut events = Vec::new();
            for page in 1.. {
                let req = grassroots_domain::page::PageRequest { page, per_page: 200 };
                let p = app.list_events(&actor, None, true, req).await.map_err(explain)?;
                let done = p.items.len() < 200;
                events.extend(p.items);
                if done {
                    break;
                }
            }
            events.sort_by(|a, b| a.due_on.cmp(&b.due_on));
            print_lines(events.iter().map(|e| {
                let due = e.due_on.as_deref().unwrap_or("");
                let office = e.office.as_deref().unwrap_or("");
                format!("{due}\t{}\t{}\t{office}\t{}", e.escalated_to(true), e.town_code, e.title)
            }));
        }
    }
    Ok(())
}

async fn income(app: App, cmd: IncomeCommand) -> Result<(), String> {
    use grassroots_domain::income::yuan;
    let actor = Actor::system("income");
    match cmd {
        IncomeCommand::Import { file } => {
            let data = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let done = app.import_income(&actor, &data).await.map_err(explain)?;
            println!("{} amounts imported, {} of them replacing one recorded before", done.lines, done.replaced);
        }
        IncomeCommand::Show { division, year } => {
            let s = app.income(&actor, &division, year).await.map_err(explain)?;
            let pct = |g: Option<f64>| g.map_or("—".to_owned(), |g| format!("{:+.1}%", g * 100.0));
            println!(
                "{} {year}: {} yuan ({} in {}, {})",
                s.division_name,
                yuan(s.total.fen),
                yuan(s.total.previous_fen),
                year - 1,
                pct(s.total.growth)
            );
            let lines = s.parts.iter().map(|p| {
                format!(
                    "{}\t{}\t{}\t{}\t{}",
                    p.code,
                    p.name,
                    yuan(p.sum.fen),
                    yuan(p.sum.previous_fen),
                    pct(p.sum.growth)
                )
            });
            print_lines(lines);
            println!("weak villages (operating income below {} yuan): {}", yuan(s.weak_below_fen), s.weak.len());
        }
    }
    Ok(())
}

/// The headline as a table a person reads: each figure, its name and its definition.
fn print_headline(h: &grassroots_app::indicators::Headline) {
    println!("{} {} — 改革主要指标", h.division_name, h.year);
    print_lines(h.figures(true).into_iter().map(|f| format!("{}\t{}\t{}", f.name, f.shown, f.definition)));
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

async fn powers(app: App, cmd: PowersCommand) -> Result<ExitCode, String> {
    use std::io::Write;
    let actor = Actor::system("powers");
    let today = || grassroots_app::core::today().to_string();
    match cmd {
        PowersCommand::Check { town, matter, date } => {
            let date = date.unwrap_or_else(today);
            let h = app.holds_power(&actor, &town, &matter, &date).await.map_err(explain)?;
            let list = h.version.map(|v| format!("list version {} from {}", v.number, v.effective_from));
            if h.held {
                println!("{town} holds {matter} on {date} ({})", list.unwrap_or_default());
                Ok(ExitCode::SUCCESS)
            } else {
                println!("{town} does not hold {matter} on {date} ({})", list.unwrap_or("no list in force".into()));
                Ok(ExitCode::FAILURE)
            }
        }
        PowersCommand::List { town, date } => {
            let l = app.power_list(&actor, &town, date.as_deref()).await.map_err(explain)?;
            match &l.version {
                Some(v) => println!(
                    "{} on {}: version {} from {}, {} powers",
                    l.town_name,
                    l.date,
                    v.number,
                    v.effective_from,
                    l.powers.len()
                ),
                None => println!("{} on {}: no power list in force", l.town_name, l.date),
            }
            let mut out = std::io::stdout().lock();
            for p in &l.powers {
                // A closed pipe (`| head`) ends the listing quietly.
                if writeln!(out, "{}\t{}\t{}\t{}", p.matter_code, p.power_type.label_zh(), p.name, p.department)
                    .is_err()
                {
                    break;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! Administration of the installation: users, tokens, divisions, the calendar, the audit log.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use grassroots_app::core::audit::Verification;
use grassroots_app::core::tokens::NewTokenRequest;
use grassroots_app::core::users::{NewUserRequest, UserQuery};
use grassroots_app::{Actor, App};
use grassroots_domain::core::body::BodyId;
use grassroots_domain::core::role::Role;

use crate::{explain, read_file};

#[derive(Subcommand)]
pub(crate) enum UserCommand {
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
pub(crate) enum TokenCommand {
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
pub(crate) enum DivisionsCommand {
    /// Import divisions from a CSV file with the header code,name,level,parent_code.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
pub(crate) enum CalendarCommand {
    /// Import official holidays and adjusted workdays from a CSV file: date,kind,occasion.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the hash chain; report the first altered, inserted or removed record, or OK.
    Verify,
}

pub(crate) async fn user(app: App, cmd: UserCommand) -> Result<(), String> {
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

pub(crate) async fn token(app: App, cmd: TokenCommand) -> Result<(), String> {
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

pub(crate) async fn divisions(app: App, DivisionsCommand::Import { file }: DivisionsCommand) -> Result<(), String> {
    let data = read_file(&file)?;
    let s = app.import_divisions(&Actor::system("divisions import"), &data).await.map_err(explain)?;
    println!("{} rows: {} added, {} renamed, {} unchanged", s.rows, s.inserted, s.renamed, s.unchanged);
    Ok(())
}

pub(crate) async fn calendar(app: App, CalendarCommand::Import { file }: CalendarCommand) -> Result<(), String> {
    let data = read_file(&file)?;
    let s = app.import_calendar(&Actor::system("calendar import"), &data).await.map_err(explain)?;
    println!("{} days read, {} changed", s.rows, s.changed);
    Ok(())
}

/// Exit 0 when the chain is intact, 3 when it is broken.
pub(crate) async fn audit(app: App, AuditCommand::Verify: AuditCommand) -> Result<ExitCode, String> {
    match app.verify_audit().await.map_err(explain)? {
        Verification::Intact { records } => {
            println!("OK: {records} audit records, chain intact");
            Ok(ExitCode::SUCCESS)
        }
        Verification::Broken(b) => {
            println!("BROKEN: {b}");
            Ok(ExitCode::from(3))
        }
    }
}

//! Geological-hazard warnings from the command line: CAP 1.2 files checked, imported and
//! exported, and hazard points imported.

use std::path::PathBuf;

use clap::Subcommand;
use grassroots_app::warning::cap;
use grassroots_app::{Actor, App, AppError};
use grassroots_domain::warning::WarningId;

use crate::{explain, read_file};

#[derive(Subcommand)]
pub(crate) enum CapCommand {
    /// Check a CAP 1.2 file: exit 0 and one line when it is valid; non-zero and every fault,
    /// with the element it is in, when it is not. Needs no database.
    Validate { file: PathBuf },
    /// Import a CAP 1.2 message from elsewhere (a provincial feed); checked first, nothing
    /// written when it is not valid; the same message twice is recorded once.
    Import { file: PathBuf },
    /// Write CAP 1.2 XML to standard output: one published warning by its id, or with
    /// --active every warning in force, one message after another.
    Export {
        #[arg(required_unless_present = "active", conflicts_with = "active")]
        id: Option<i64>,
        #[arg(long)]
        active: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum HazardPointsCommand {
    /// Import hazard points from an XLSX or CSV file (number, name, kind, scale, village
    /// code, lon, lat, households, people, monitors, shelter, route; English or Chinese
    /// header); all or nothing.
    Import { file: PathBuf },
}

fn text(file: &PathBuf) -> Result<String, String> {
    String::from_utf8(read_file(file)?).map_err(|_| format!("{}: not UTF-8 text", file.display()))
}

/// `cap validate`, which needs no database.
pub(crate) fn validate(file: &PathBuf) -> Result<(), String> {
    let alert = cap::parse(&text(file)?).map_err(|e| explain(AppError::Validation(e)))?;
    println!("{}", cap::summary(&alert));
    Ok(())
}

pub(crate) async fn cap(app: App, cmd: CapCommand) -> Result<(), String> {
    match cmd {
        CapCommand::Validate { file } => validate(&file)?,
        CapCommand::Import { file } => {
            let done = app.import_cap(&Actor::system("cap"), &text(&file)?).await.map_err(explain)?;
            let what = if done.new { "imported as warning" } else { "already imported as warning" };
            println!("{what} {}: {}", done.id, done.summary);
        }
        CapCommand::Export { id: Some(id), .. } => {
            print!("{}", app.warning_cap(WarningId(id)).await.map_err(explain)?);
        }
        CapCommand::Export { id: None, .. } => {
            for xml in app.active_caps().await.map_err(explain)? {
                print!("{xml}");
            }
        }
    }
    Ok(())
}

pub(crate) async fn hazard_points(app: App, cmd: HazardPointsCommand) -> Result<(), String> {
    let HazardPointsCommand::Import { file } = cmd;
    let data = read_file(&file)?;
    let done = app.import_hazard_points(&Actor::system("hazard-points"), &data).await.map_err(explain)?;
    println!("{} hazard points imported with {} monitors", done.points, done.monitors);
    Ok(())
}

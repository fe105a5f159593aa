//! Petitions from the command line. Personal data never leaves through it.

use clap::Subcommand;
use grassroots_app::{Actor, App};

use crate::{explain, print_lines};

#[derive(Subcommand)]
pub(crate) enum PetitionsCommand {
    /// Petitions past the day they were owed an answer by, most overdue first: tracking
    /// number, stage, due day, town, matter.
    Overdue,
}

pub(crate) async fn petitions(app: App, PetitionsCommand::Overdue: PetitionsCommand) -> Result<(), String> {
    let overdue = app.overdue_petitions(&Actor::system("petitions")).await.map_err(explain)?;
    print_lines(overdue.iter().map(|p| {
        let due = p.due_on.as_deref().unwrap_or("");
        format!("{}\t{}\t{}\t{}\t{}", p.tracking_number, p.stage.as_str(), due, p.town_code, p.title)
    }));
    Ok(())
}

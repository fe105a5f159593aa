//! Enforcement cases from the command line.

use clap::Subcommand;
use grassroots_app::{Actor, App};

use crate::{explain, print_lines};

#[derive(Subcommand)]
pub(crate) enum CasesCommand {
    /// Cases with a statutory clock past due: number, clock, due day, article.
    Overdue,
}

pub(crate) async fn cases(app: App, CasesCommand::Overdue: CasesCommand) -> Result<(), String> {
    let overdue = app.overdue_cases(&Actor::system("cases")).await.map_err(explain)?;
    let lines = overdue.iter().flat_map(|(case, clocks)| {
        clocks
            .iter()
            .filter(|c| c.overdue)
            .map(move |c| format!("{}\t{}\t{}\t{}\t{}", case.document_number, c.name, c.due, c.label_zh, c.article))
    });
    print_lines(lines);
    Ok(())
}

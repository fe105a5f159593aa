//! Village collective income from the command line.

use std::path::PathBuf;

use clap::Subcommand;
use grassroots_app::{Actor, App};

use crate::{explain, print_lines, read_file};

#[derive(Subcommand)]
pub(crate) enum IncomeCommand {
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

pub(crate) async fn income(app: App, cmd: IncomeCommand) -> Result<(), String> {
    use grassroots_domain::income::yuan;
    let actor = Actor::system("income");
    match cmd {
        IncomeCommand::Import { file } => {
            let data = read_file(&file)?;
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

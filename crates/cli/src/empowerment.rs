//! The catalog of devolvable matters and the towns' power lists from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use grassroots_app::{Actor, App};

use crate::{explain, print_lines, read_file, write_out};

#[derive(Subcommand)]
pub(crate) enum CatalogCommand {
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
pub(crate) enum PowersCommand {
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

pub(crate) async fn catalog(app: App, cmd: CatalogCommand) -> Result<(), String> {
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

pub(crate) async fn powers(app: App, cmd: PowersCommand) -> Result<ExitCode, String> {
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
            print_lines(
                l.powers
                    .iter()
                    .map(|p| format!("{}\t{}\t{}\t{}", p.matter_code, p.power_type.label_zh(), p.name, p.department)),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

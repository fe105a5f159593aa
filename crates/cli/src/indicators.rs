//! `report`: the reform's headline figures as text, JSON, a workbook or a page to print.

use std::path::PathBuf;

use grassroots_app::indicators::Headline;
use grassroots_app::{Actor, App};

use crate::{explain, print_lines, write_out};

#[derive(clap::Args)]
pub(crate) struct ReportArgs {
    #[arg(long)]
    division: String,
    #[arg(long)]
    year: i32,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
    /// Where to write [default: standard output].
    #[arg(long)]
    output: Option<PathBuf>,
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

pub(crate) async fn report(app: App, args: ReportArgs) -> Result<(), String> {
    let actor = Actor::system("report");
    let (division, year) = (args.division.as_str(), args.year);
    let bytes = match args.format {
        ReportFormat::Text => {
            print_headline(&app.headline(&actor, division, year).await.map_err(explain)?);
            return Ok(());
        }
        ReportFormat::Json => {
            let h = app.headline(&actor, division, year).await.map_err(explain)?;
            serde_json::to_vec_pretty(&h).map_err(|e| e.to_string())?
        }
        ReportFormat::Xlsx => {
            let all = app.headlines(&actor, division, year).await.map_err(explain)?;
            grassroots_app::indicators::xlsx(&all).map_err(explain)?
        }
        ReportFormat::Html => {
            let all = app.headlines(&actor, division, year).await.map_err(explain)?;
            grassroots_web::pages::indicators::printable(&all).into_bytes()
        }
    };
    write_out(args.output.as_ref(), &bytes)
}

/// The headline as a table a person reads: each figure, its name and its definition.
fn print_headline(h: &Headline) {
    println!("{} {} — 改革主要指标", h.division_name, h.year);
    print_lines(h.figures(true).into_iter().map(|f| format!("{}\t{}\t{}", f.name, f.shown, f.definition)));
}

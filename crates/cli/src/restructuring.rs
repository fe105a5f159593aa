//! Restructuring plans from the command line.

use std::path::PathBuf;

use clap::Subcommand;
use grassroots_app::{Actor, App};

use crate::{explain, read_file};

#[derive(Subcommand)]
pub(crate) enum PlanCommand {
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

pub(crate) async fn plan(app: App, cmd: PlanCommand) -> Result<(), String> {
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

//! `screen`: task admission from files alone, with the same engine as the server.

use std::path::PathBuf;
use std::process::ExitCode;

use grassroots_app::AppError;

use crate::{explain, read_file};

#[derive(clap::Args)]
pub(crate) struct ScreenArgs {
    /// The town's lists: XLSX or CSV, header in English or Chinese.
    #[arg(long)]
    pub(crate) lists: PathBuf,
    /// Tasks as JSON lines: {"id","title","description"}.
    #[arg(long)]
    pub(crate) input: PathBuf,
    /// Where to write the decisions as JSON lines: {"id","decision","item","score","evidence"} [default: standard output].
    #[arg(long)]
    pub(crate) output: Option<PathBuf>,
    /// Compare with the "label" and "item" of each task and print precision, recall and F1.
    #[arg(long)]
    pub(crate) evaluate: bool,
}

/// `grassroots screen`: files in, files out; the same engine as the server.
pub(crate) fn screen(args: &ScreenArgs) -> Result<ExitCode, String> {
    use grassroots_app::admission::{batch, listfile};
    let in_file = |p: &PathBuf, e: grassroots_domain::ValidationError| {
        format!("{}:\n{}", p.display(), explain(AppError::Validation(e)))
    };
    let items = listfile::read(&read_file(&args.lists)?).map_err(|e| in_file(&args.lists, e))?;
    let text =
        String::from_utf8(read_file(&args.input)?).map_err(|_| format!("{} is not UTF-8", args.input.display()))?;
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

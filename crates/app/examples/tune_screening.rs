//! Chooses the screening engine's thresholds on a labelled set, and says honestly how
//! well they carry over: a two-fold cross-validation (tune on odd tasks, test on even,
//! and the other way round) beside the fit on the whole set.
//!
//! `cargo run --release -p grassroots-app --example tune_screening -- data/screening/lists.csv data/screening/tasks.jsonl`

use std::sync::Arc;

use grassroots_app::admission::{batch, listfile};
use grassroots_text::screen::Params;
use grassroots_text::{Screener, Segmenter};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (lists, tasks) = (args.get(1).ok_or("lists file?")?, args.get(2).ok_or("tasks file?")?);
    let items = listfile::read(&std::fs::read(lists).map_err(|e| e.to_string())?).map_err(|e| e.summary())?;
    let text = std::fs::read_to_string(tasks).map_err(|e| e.to_string())?;
    let tasks = batch::read_tasks(&text).map_err(|e| e.summary())?;
    let segmenter = Arc::new(Segmenter::new());

    let mut grid = Vec::new();
    for b in [0.3, 0.5, 0.75] {
        for title_weight in [1.0, 2.0, 3.0] {
            for action_boost in [1.0, 1.3, 1.6, 2.0] {
                for min_score in [0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0] {
                    for min_coverage in [0.0, 0.1, 0.15, 0.2, 0.25, 0.3] {
                        for min_margin in [0.0, 0.03, 0.06, 0.1] {
                            grid.push(Params {
                                b,
                                title_weight,
                                action_boost,
                                action_penalty: 1.0 / action_boost,
                                min_score,
                                min_coverage,
                                min_margin,
                                ..Params::default()
                            });
                        }
                    }
                }
            }
        }
    }
    // Every parameter set's decisions for every task, computed once.
    let runs: Vec<Vec<batch::DecisionLine>> = grid
        .iter()
        .map(|p| {
            let s = Screener::with_params(segmenter.clone(), &items, *p);
            tasks.iter().map(|t| batch::screen_one(&s, t)).collect()
        })
        .collect();
    let score = |run: &[batch::DecisionLine], pick: &dyn Fn(usize) -> bool| -> f64 {
        let (t, o): (Vec<_>, Vec<_>) = tasks
            .iter()
            .zip(run)
            .enumerate()
            .filter(|(i, _)| pick(*i))
            .map(|(_, (t, o))| (t.clone(), o.clone()))
            .unzip();
        batch::evaluate(&t, &o).map(|r| r.macro_f1).unwrap_or(0.0)
    };
    let best_on = |pick: &dyn Fn(usize) -> bool| {
        (0..grid.len())
            .max_by(|a, b| score(&runs[*a], pick).total_cmp(&score(&runs[*b], pick)).then(b.cmp(a)))
            .unwrap_or(0)
    };
    let odd = |i: usize| !i.is_multiple_of(2);
    let even = |i: usize| i.is_multiple_of(2);
    let all = |_: usize| true;
    let (on_odd, on_even, on_all) = (best_on(&odd), best_on(&even), best_on(&all));
    let cv = (score(&runs[on_odd], &even) + score(&runs[on_even], &odd)) / 2.0;
    println!("{} parameter sets tried", grid.len());
    println!("fit on all tasks: macro-F1 {:.3} with {:?}", score(&runs[on_all], &all), grid[on_all]);
    println!("two-fold cross-validated macro-F1: {cv:.3}");
    Ok(())
}

//! Batch screening from files, without a database: tasks in as JSON lines, decisions out
//! as JSON lines, and, when the tasks carry labels, how well the engine did.

use std::collections::BTreeMap;

use grassroots_domain::ValidationError;
use grassroots_domain::admission::Decision;
use grassroots_text::Screener;
use serde::{Deserialize, Serialize};

/// One input line. `label` and `item` are the right answer, for evaluation.
#[derive(Debug, Clone, Deserialize)]
pub struct TaskLine {
    pub id: serde_json::Value,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The county department that sends it, when the file says.
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default)]
    pub label: Option<Decision>,
    #[serde(default)]
    pub item: Option<String>,
}

/// One output line.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionLine {
    pub id: serde_json::Value,
    pub decision: Decision,
    pub item: Option<String>,
    pub score: f64,
    /// The words that tied the task to the item, strongest first.
    pub evidence: Vec<String>,
}

/// Longest title and description the engine reads, in characters.
pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 20_000;

/// Reads JSON lines; every bad line is reported by number and nothing is screened.
pub fn read_tasks(text: &str) -> Result<Vec<TaskLine>, ValidationError> {
    let mut tasks = Vec::new();
    let mut errors = ValidationError::default();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = format!("line {}", i + 1);
        match serde_json::from_str::<TaskLine>(line) {
            Ok(t) if t.title.trim().is_empty() => errors.push(at, "required", "the task has no title"),
            Ok(t) if t.title.chars().count() > MAX_TITLE => {
                errors.push(at, "too_long", format!("the title is over {MAX_TITLE} characters"))
            }
            Ok(t) if t.description.chars().count() > MAX_DESCRIPTION => {
                errors.push(at, "too_long", format!("the description is over {MAX_DESCRIPTION} characters"))
            }
            Ok(t) => tasks.push(t),
            Err(e) => errors.push(at, "invalid_json", e.to_string()),
        }
    }
    errors.into_result()?;
    Ok(tasks)
}

/// An engine over these items, with its own segmenter.
pub fn screener(items: &[grassroots_domain::admission::ListItem]) -> Screener {
    Screener::new(std::sync::Arc::new(grassroots_text::Segmenter::new()), items)
}

pub fn screen_one(screener: &Screener, t: &TaskLine) -> DecisionLine {
    let s = screener.screen(&t.title, &t.description);
    DecisionLine {
        id: t.id.clone(),
        decision: s.decision,
        item: s.item,
        score: s.score,
        evidence: s.evidence.into_iter().map(|e| e.term).collect(),
    }
}

/// Precision, recall and F1 of one decision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub tasks: usize,
    pub classes: BTreeMap<&'static str, ClassScore>,
    pub macro_f1: f64,
    /// Of the tasks that belong on a list, the share matched to exactly the right item.
    pub item_accuracy: f64,
    /// Tasks screened wrongly: (id, expected, got).
    pub mistakes: Vec<(serde_json::Value, String, String)>,
}

/// Scores decisions against the labels of the tasks; every task needs a label.
pub fn evaluate(tasks: &[TaskLine], out: &[DecisionLine]) -> Result<Report, ValidationError> {
    let mut errors = ValidationError::default();
    for (i, t) in tasks.iter().enumerate() {
        if t.label.is_none() {
            errors.push(format!("task {}", i + 1), "missing_label", "evaluation needs a label on every task");
        }
    }
    errors.into_result()?;
    let pairs: Vec<(Decision, &TaskLine, &DecisionLine)> =
        tasks.iter().zip(out).filter_map(|(t, o)| Some((t.label?, t, o))).collect();
    let mut classes = BTreeMap::new();
    for d in Decision::ALL {
        let tp = pairs.iter().filter(|(g, _, o)| *g == d && o.decision == d).count() as f64;
        let predicted = pairs.iter().filter(|(_, _, o)| o.decision == d).count() as f64;
        let support = pairs.iter().filter(|(g, _, _)| *g == d).count();
        let precision = if predicted > 0.0 { tp / predicted } else { 0.0 };
        let recall = if support > 0 { tp / support as f64 } else { 0.0 };
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        classes.insert(d.as_str(), ClassScore { precision, recall, f1, support });
    }
    let macro_f1 = classes.values().map(|c| c.f1).sum::<f64>() / classes.len() as f64;
    let listed: Vec<_> = pairs.iter().filter(|(g, _, _)| *g != Decision::Review).collect();
    let right_item = listed.iter().filter(|(_, t, o)| t.item.is_some() && o.item == t.item).count();
    let item_accuracy = if listed.is_empty() { 0.0 } else { right_item as f64 / listed.len() as f64 };
    let mistakes = pairs
        .iter()
        .filter(|(g, t, o)| *g != o.decision || (*g != Decision::Review && o.item != t.item))
        .map(|(g, t, o)| {
            let show = |d: Decision, item: &Option<String>| {
                format!("{}{}", d.as_str(), item.as_ref().map(|i| format!(" {i}")).unwrap_or_default())
            };
            (t.id.clone(), show(*g, &t.item), show(o.decision, &o.item))
        })
        .collect();
    Ok(Report { tasks: pairs.len(), classes, macro_f1, item_accuracy, mistakes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(label: Decision, item: Option<&str>) -> TaskLine {
        TaskLine {
            id: 1.into(),
            title: "t".into(),
            description: String::new(),
            sender: None,
            label: Some(label),
            item: item.map(str::to_owned),
        }
    }

    fn out(decision: Decision, item: Option<&str>) -> DecisionLine {
        DecisionLine { id: 1.into(), decision, item: item.map(str::to_owned), score: 0.0, evidence: vec![] }
    }

    #[test]
    fn metrics_are_the_textbook_ones() {
        let tasks = [
            line(Decision::Duty, Some("A")),
            line(Decision::Duty, Some("B")),
            line(Decision::Review, None),
            line(Decision::Negative, Some("N")),
        ];
        let got = [
            out(Decision::Duty, Some("A")),
            out(Decision::Review, None),
            out(Decision::Review, None),
            out(Decision::Negative, Some("M")),
        ];
        let r = evaluate(&tasks, &got).unwrap();
        let duty = r.classes["duty"];
        assert_eq!((duty.precision, duty.recall), (1.0, 0.5));
        assert_eq!(r.classes["review"].precision, 0.5);
        assert!((r.item_accuracy - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(r.mistakes.len(), 2);
    }

    #[test]
    fn bad_lines_are_named() {
        let e =
            read_tasks("{\"id\":1,\"title\":\"甲\"}\n{\"id\":2}\n\n{\"id\":3,\"title\":\"\"}\nnot json\n").unwrap_err();
        let at: Vec<&str> = e.errors.iter().map(|f| f.location.as_str()).collect();
        assert_eq!(at, ["line 2", "line 4", "line 5"]);
    }
}

#[cfg(test)]
mod quality {
    use super::*;
    use crate::admission::listfile;

    /// A floor under the engine's quality on the labelled set, so that a change that makes
    /// it worse fails here; BENCHMARKS.md has the figures and the peer beside them.
    #[test]
    fn the_labelled_set_stays_above_its_floor() {
        let items = listfile::read(include_bytes!("../../../../data/screening/lists.csv")).unwrap();
        let tasks = read_tasks(include_str!("../../../../data/screening/tasks.jsonl")).unwrap();
        assert!(items.len() >= 40 && tasks.len() >= 150);
        let s = screener(&items);
        let out: Vec<_> = tasks.iter().map(|t| screen_one(&s, t)).collect();
        let r = evaluate(&tasks, &out).unwrap();
        assert!(r.macro_f1 >= 0.90, "macro-F1 {:.3}: {:?}", r.macro_f1, r.mistakes);
        assert!(r.item_accuracy >= 0.90, "item accuracy {:.3}", r.item_accuracy);
        assert!(r.classes.values().all(|c| c.support >= 30));
    }
}

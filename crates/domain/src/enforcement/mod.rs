//! Enforcement cases (执法案件) under the Administrative Penalty Law: the two procedures,
//! the stages a case passes through in order, and the statutory clocks that run on it.

pub mod clocks;

use serde::Serialize;

use crate::ValidationError;
use crate::core::time::parse_date;

crate::named_enum! {
    pub Procedure ("procedure", "invalid_procedure") {
        /// 简易程序: decided and served on the spot (第五十一条).
        Summary = ("summary", "简易程序", "summary procedure"),
        /// 普通程序: investigated, notified, perhaps heard, decided, served.
        General = ("general", "普通程序", "general procedure"),
    }
}

crate::named_enum! {
    /// 立案 → 调查取证 → 告知 → 听证 → 决定 → 送达 → 执行 → 结案.
    pub Stage ("stage", "invalid_stage") {
        Filed = ("filed", "立案", "filed"),
        Investigating = ("investigating", "调查取证", "investigating"),
        Notified = ("notified", "告知", "notified"),
        Hearing = ("hearing", "听证", "hearing"),
        Decided = ("decided", "决定", "decided"),
        Served = ("served", "送达", "served"),
        Executed = ("executed", "执行", "executed"),
        Closed = ("closed", "结案", "closed"),
    }
}

crate::named_enum! {
    /// The party's rating after closure.
    pub Satisfaction ("satisfaction", "invalid_satisfaction") {
        Satisfied = ("satisfied", "满意", "satisfied"),
        Fair = ("fair", "基本满意", "fairly satisfied"),
        Dissatisfied = ("dissatisfied", "不满意", "dissatisfied"),
    }
}

impl Satisfaction {
    /// Counted in the satisfaction rate, as the 满意度 of Chinese government reports does.
    pub fn is_satisfied(self) -> bool {
        matches!(self, Satisfaction::Satisfied | Satisfaction::Fair)
    }
}

crate::typed_id! {
    /// Typed id of a case.
    pub CaseId
}

impl Stage {
    /// The stages that may follow this one in a procedure. A general case goes to a hearing
    /// only when the party asked for one; a decision of no penalty is closed once served.
    pub fn next(self, procedure: Procedure) -> &'static [Stage] {
        use Stage::*;
        match (procedure, self) {
            (Procedure::Summary, Filed) => &[Decided],
            (Procedure::Summary, Decided) => &[Executed],
            (Procedure::General, Filed) => &[Investigating],
            (Procedure::General, Investigating) => &[Notified],
            (Procedure::General, Notified) => &[Hearing, Decided],
            (Procedure::General, Hearing) => &[Decided],
            (Procedure::General, Decided) => &[Served],
            (Procedure::General, Served) => &[Executed, Closed],
            (_, Executed) => &[Closed],
            _ => &[],
        }
    }

    /// An error unless `to` may follow this stage.
    pub fn check_move(self, to: Stage, procedure: Procedure) -> Result<(), ValidationError> {
        if self.next(procedure).contains(&to) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.next(procedure).iter().map(|s| s.as_str()).collect();
        Err(ValidationError::new(
            "stage",
            "out_of_order",
            format!(
                "a {} case at “{}” cannot go to “{}”; next: {}",
                procedure.label_en(),
                self.as_str(),
                to.as_str(),
                if allowed.is_empty() { "nothing".to_owned() } else { allowed.join(" or ") }
            ),
        ))
    }
}

/// A case as stored: who, what, on which power, and the day each stage was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Case {
    pub id: CaseId,
    pub county_code: String,
    /// The town whose enforcement team handles it.
    pub division_code: String,
    /// 立案 number, e.g. 临涣综执罚〔2021〕12号: per town and year, without gaps.
    pub document_number: String,
    pub procedure: Procedure,
    pub stage: Stage,
    pub party_name: String,
    pub party_is_organisation: bool,
    /// The day of the act being punished.
    pub act_date: String,
    /// The day the act was discovered: the limitation runs from the act to this day.
    pub discovered_on: Option<String>,
    /// The act endangered life, health or financial safety and caused harm (five years).
    pub caused_harm: bool,
    /// The devolved power it rests on; none when it is a statutory duty of the town.
    pub matter_code: Option<String>,
    pub legal_basis: String,
    pub facts: String,
    pub filed_on: String,
    pub notified_on: Option<String>,
    pub hearing_requested_on: Option<String>,
    pub hearing_on: Option<String>,
    pub decided_on: Option<String>,
    /// What was decided: the penalty in words, or that there is none.
    pub penalty: Option<String>,
    pub fine_fen: Option<i64>,
    pub served_on: Option<String>,
    pub reminded_on: Option<String>,
    pub executed_on: Option<String>,
    pub closed_on: Option<String>,
    pub suspended_days: i64,
    pub extension_days: i64,
    pub satisfaction: Option<Satisfaction>,
    pub created_by: String,
    pub created_at: String,
}

impl Case {
    /// Calendar days from filing to closing, once closed.
    pub fn closed_days(&self) -> Option<i64> {
        let closed = self.closed_on.as_deref().and_then(parse_date)?;
        Some((closed - parse_date(&self.filed_on)?).whole_days())
    }

    /// The dates the clocks run from.
    pub fn dates(&self) -> clocks::CaseDates {
        let day = |s: &Option<String>| s.as_deref().and_then(parse_date);
        clocks::CaseDates {
            filed: parse_date(&self.filed_on),
            notified: day(&self.notified_on),
            hearing_requested: day(&self.hearing_requested_on),
            decided: day(&self.decided_on),
            served: day(&self.served_on),
            executed: day(&self.executed_on),
            reminded: day(&self.reminded_on),
            suspended_days: u32::try_from(self.suspended_days).unwrap_or(0),
            extension_days: u32::try_from(self.extension_days).unwrap_or(0),
            fine_fen: self.fine_fen.filter(|f| *f > 0),
        }
    }

    /// The day the case reached its present stage.
    pub fn last_day(&self) -> &str {
        [
            &self.closed_on,
            &self.executed_on,
            &self.served_on,
            &self.decided_on,
            &self.hearing_on,
            &self.hearing_requested_on,
            &self.notified_on,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .max()
        .unwrap_or(&self.filed_on)
    }
}

/// One line of a case's timeline: a stage reached, a suspension, an extension, a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseEvent {
    pub action: String,
    pub on_date: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// The fine a summary procedure may impose on the spot (第五十一条): up to 200 yuan for a
/// person, 3,000 yuan for an organisation; in fen.
pub fn summary_fine_limit(organisation: bool) -> i64 {
    if organisation { 300_000 } else { 20_000 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_procedure() {
        assert!(Stage::Filed.check_move(Stage::Decided, Procedure::Summary).is_ok());
        assert!(Stage::Filed.check_move(Stage::Decided, Procedure::General).is_err());
        assert!(Stage::Notified.check_move(Stage::Decided, Procedure::General).is_ok());
        assert!(Stage::Notified.check_move(Stage::Hearing, Procedure::General).is_ok());
        let e = Stage::Closed.check_move(Stage::Filed, Procedure::General).unwrap_err();
        assert_eq!(e.errors[0].code, "out_of_order");
        assert!(Stage::Served.check_move(Stage::Closed, Procedure::General).is_ok());
    }
}

//! Enforcement cases (执法案件) under the Administrative Penalty Law: the two procedures,
//! the stages a case passes through in order, and the statutory clocks that run on it.

pub mod clocks;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

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

/// Typed id of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct CaseId(pub i64);

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
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

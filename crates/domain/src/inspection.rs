//! Joint inspections (综合查一次): targets identified by their unified social credit code,
//! each department's check items, the inspections departments plan, the proposal to merge
//! plans for one target into one visit, and the results of that visit.

use serde::{Deserialize, Serialize};

use crate::ValidationError;

crate::named_enum! {
    pub Outcome ("outcome", "invalid_outcome") {
        Pass = ("pass", "合格", "pass"),
        Fail = ("fail", "不合格", "fail"),
        NotApplicable = ("not_applicable", "不适用", "not applicable"),
    }
}

crate::named_enum! {
    /// What becomes of a failed item.
    pub FindingAction ("action", "invalid_action") {
        Rectify = ("rectify", "责令整改", "rectification order"),
        Case = ("case", "立案查处", "case"),
    }
}

crate::typed_id!(pub TargetId);
crate::typed_id!(pub PlanId);
crate::typed_id!(pub InspectionId);

/// The characters of a unified social credit code (GB 32100-2015): digits and the capitals
/// without I, O, S, V, Z.
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// The check character of the first seventeen characters of a credit code.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let values: Option<Vec<u32>> = first17.chars().map(|c| USCC_CHARS.find(c).map(|v| v as u32)).collect();
    let values = values.filter(|v| v.len() == 17)?;
    let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    USCC_CHARS.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// Checks a unified social credit code: 18 characters of the code's alphabet whose last one
/// is the check character of the first seventeen (GB 32100-2015 §4.2).
pub fn check_uscc(code: &str) -> Result<(), ValidationError> {
    let bad = |why: String| ValidationError::new("credit_code", "invalid_credit_code", why);
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(bad(format!("a unified social credit code has 18 characters, not {}", chars.len())));
    }
    if let Some((i, c)) = chars.iter().enumerate().find(|(_, c)| !USCC_CHARS.contains(**c)) {
        return Err(bad(format!("character {} (“{c}”) is not used in credit codes", i + 1)));
    }
    let first17: String = chars[..17].iter().collect();
    match uscc_check_char(&first17) {
        Some(want) if want == chars[17] => Ok(()),
        Some(want) => Err(bad(format!("the check character is “{}”, it should be “{want}”", chars[17]))),
        None => Err(bad("the code cannot be checked".into())),
    }
}

/// A business or site that is inspected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Target {
    pub id: TargetId,
    pub county_code: String,
    pub division_code: String,
    pub name: String,
    /// Absent for sites without one (a pond, a construction site of a villager).
    pub credit_code: Option<String>,
    pub address: String,
}

/// One line of a department's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckItem {
    pub code: String,
    /// The department whose checklist it is.
    pub department: String,
    /// fire, food, work safety, environment, …
    pub area: String,
    pub text: String,
}

/// An inspection a department intends to make of a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InspectionPlan {
    pub id: PlanId,
    pub target_id: TargetId,
    pub target_name: String,
    pub division_code: String,
    pub department: String,
    pub planned_on: String,
    pub item_codes: Vec<String>,
    /// The joint visit it was merged into.
    pub inspection_id: Option<InspectionId>,
}

/// Plans for one target close enough in time to be made in one visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MergeProposal {
    pub target_id: TargetId,
    pub target_name: String,
    pub plans: Vec<PlanId>,
    pub departments: Vec<String>,
    /// Visits saved by making them one.
    pub visits_saved: usize,
}

/// Groups unmerged plans by target: plans whose dates lie within `window_days` of the
/// group's first are proposed as one visit; a lone plan is no proposal.
pub fn merge_proposals(plans: &[InspectionPlan], window_days: i64) -> Vec<MergeProposal> {
    let mut open: Vec<&InspectionPlan> = plans.iter().filter(|p| p.inspection_id.is_none()).collect();
    open.sort_by(|a, b| (a.target_id, &a.planned_on).cmp(&(b.target_id, &b.planned_on)));
    let day = crate::core::time::parse_date;
    let mut out = Vec::new();
    let mut i = 0;
    while i < open.len() {
        let first = open[i];
        let start = day(&first.planned_on);
        let mut group = vec![first];
        let mut j = i + 1;
        while j < open.len()
            && open[j].target_id == first.target_id
            && match (start, day(&open[j].planned_on)) {
                (Some(s), Some(d)) => (d - s).whole_days() <= window_days,
                _ => false,
            }
        {
            group.push(open[j]);
            j += 1;
        }
        if group.len() > 1 {
            let mut departments: Vec<String> = group.iter().map(|p| p.department.clone()).collect();
            departments.dedup();
            out.push(MergeProposal {
                target_id: first.target_id,
                target_name: first.target_name.clone(),
                plans: group.iter().map(|p| p.id).collect(),
                departments,
                visits_saved: group.len() - 1,
            });
        }
        i = j;
    }
    out
}

/// One result of a joint visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ItemResult {
    pub item_code: String,
    pub department: String,
    pub text: String,
    pub outcome: Option<Outcome>,
    pub note: String,
    pub action: Option<FindingAction>,
    /// For a rectification order: by when, and when it was checked again.
    pub rectify_by: Option<String>,
    pub rechecked_on: Option<String>,
    pub case_id: Option<i64>,
}

/// A joint visit: one target, one team, items of several departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct JointInspection {
    pub id: InspectionId,
    pub county_code: String,
    pub division_code: String,
    pub target_id: TargetId,
    pub target_name: String,
    pub visit_on: String,
    pub team: String,
    /// How many departments' separate visits this one replaced, less one.
    pub visits_saved: i64,
    pub done_on: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_checked() {
        // Real published codes.
        for ok in ["91350100M000100Y43", "91110000802100433B", "11100000000013127D"] {
            assert!(check_uscc(ok).is_ok(), "{ok}");
        }
        let e = check_uscc("91350100M000100Y44").unwrap_err();
        assert!(e.errors[0].message.contains("“3”"), "{}", e.summary());
        assert!(check_uscc("91350100M000100Y4").is_err());
        assert!(check_uscc("91350100M0001O0Y43").is_err(), "O is not used");
    }

    fn plan(id: i64, target: i64, on: &str, dept: &str) -> InspectionPlan {
        InspectionPlan {
            id: PlanId(id),
            target_id: TargetId(target),
            target_name: format!("t{target}"),
            division_code: "340621104".into(),
            department: dept.into(),
            planned_on: on.into(),
            item_codes: vec![],
            inspection_id: None,
        }
    }

    #[test]
    fn plans_for_one_target_in_a_window_are_proposed_as_one_visit() {
        let plans = [
            plan(1, 1, "2021-08-01", "消防"),
            plan(2, 1, "2021-08-20", "市场监管"),
            plan(3, 1, "2021-10-01", "应急"),
            plan(4, 2, "2021-08-01", "消防"),
            plan(5, 3, "2021-08-01", "消防"),
            plan(6, 3, "2021-08-02", "生态环境"),
            plan(7, 3, "2021-08-03", "市场监管"),
        ];
        let p = merge_proposals(&plans, 30);
        let got: Vec<(i64, Vec<i64>, usize)> =
            p.iter().map(|m| (m.target_id.0, m.plans.iter().map(|p| p.0).collect(), m.visits_saved)).collect();
        assert_eq!(got, [(1, vec![1, 2], 1), (3, vec![5, 6, 7], 2)]);
    }
}

//! Restructuring (大部制改革): a town's legacy departments, their functions and staff posts
//! (编制), merged into a few comprehensive offices. A plan maps every function to exactly
//! one office, and the posts move with the functions; it must add up before approval.
//! Once in effect, work addressed to a function reaches the office that owns it that day.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use crate::ValidationError;

crate::named_enum! {
    /// A plan is drafted, then approved with the day it takes effect.
    pub PlanStatus ("status", "invalid_plan_status") {
        Draft = ("draft", "草稿", "draft"),
        Approved = ("approved", "已批准", "approved"),
    }
}

crate::named_enum! {
    /// Where an approved plan stands on a given day.
    pub PlanPhase ("phase", "invalid_plan_phase") {
        Draft = ("draft", "草稿", "draft"),
        Scheduled = ("scheduled", "待生效", "scheduled"),
        InEffect = ("in_effect", "生效中", "in effect"),
        Superseded = ("superseded", "已被取代", "superseded"),
    }
}

crate::typed_id! {
    /// Typed id of a plan.
    pub PlanId
}

/// A legacy department or a comprehensive office, with its staff posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub posts: i64,
}

/// A piece of work a legacy department owned, the office it goes to, and the posts that
/// move with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Function {
    pub code: String,
    pub name: String,
    /// Code of the legacy department that owned it.
    pub department: String,
    /// Code of the office it goes to; absent while unmapped.
    #[serde(default)]
    pub office: Option<String>,
    #[serde(default)]
    pub posts: i64,
}

/// The plan as a staffing office writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDocument {
    pub division_code: String,
    pub title: String,
    pub departments: Vec<Unit>,
    pub offices: Vec<Unit>,
    pub functions: Vec<Function>,
}

/// A stored plan, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: PlanId,
    pub county_code: String,
    pub division_code: String,
    pub number: i64,
    pub title: String,
    pub status: PlanStatus,
    /// Set on approval: the day the plan takes effect.
    pub effective_from: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

/// An office after the plan: its posts, its functions and where they came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OfficeView {
    pub code: String,
    pub name: String,
    pub posts: i64,
    /// (code, name) of each function it owns.
    pub functions: Vec<(String, String)>,
    /// Names of the legacy departments its functions came from.
    pub from_departments: Vec<String>,
}

/// A legacy department before the plan and the offices its functions go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DepartmentView {
    pub code: String,
    pub name: String,
    pub posts: i64,
    pub functions: usize,
    pub to_offices: Vec<String>,
}

/// Before and after, side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub departments_before: usize,
    pub offices_after: usize,
    pub posts_before: i64,
    pub posts_after: i64,
    pub departments: Vec<DepartmentView>,
    pub offices: Vec<OfficeView>,
}

crate::named_enum! {
    /// What kind of unit owns a function.
    pub OwnerKind ("kind", "invalid_owner_kind") {
        Department = ("department", "原部门", "legacy department"),
        Office = ("office", "综合性机构", "office"),
    }
}

/// Who owns a function: a legacy department before the first plan, an office after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Owner {
    pub kind: OwnerKind,
    pub code: String,
    pub name: String,
    /// The plan that made it the owner; none for the legacy department.
    pub plan_id: Option<PlanId>,
    /// From when it owns the function; none for the legacy department.
    pub since: Option<String>,
}

const MAX_UNITS: usize = 200;
const MAX_FUNCTIONS: usize = 2000;
/// More staff posts than any town has; keeps the sums far from overflow.
const MAX_POSTS: i64 = 100_000;
const MAX_CODE: usize = 50;
const MAX_NAME: usize = 200;

impl PlanDocument {
    /// The same plan with codes and names trimmed, as it is stored.
    pub fn normalized(mut self) -> Self {
        let trim = |s: &mut String| *s = s.trim().to_owned();
        trim(&mut self.division_code);
        trim(&mut self.title);
        for u in self.departments.iter_mut().chain(self.offices.iter_mut()) {
            trim(&mut u.code);
            trim(&mut u.name);
        }
        for f in &mut self.functions {
            trim(&mut f.code);
            trim(&mut f.name);
            trim(&mut f.department);
            if let Some(o) = &mut f.office {
                trim(o);
            }
            f.office = f.office.take().filter(|o| !o.is_empty());
        }
        self
    }

    /// Whether the plan is larger than any town's could be; such a plan is not stored.
    pub fn too_large(&self) -> Option<crate::FieldError> {
        let big = self.departments.len() > MAX_UNITS
            || self.offices.len() > MAX_UNITS
            || self.functions.len() > MAX_FUNCTIONS;
        big.then(|| crate::FieldError {
            location: "document".into(),
            code: "too_large".into(),
            message: "a plan has at most 200 departments, 200 offices and 2,000 functions".into(),
        })
    }

    /// Everything wrong with the plan, so the staffing office can fix it all at once.
    /// A draft may be stored with problems; it cannot be approved with any.
    pub fn problems(&self) -> ValidationError {
        let mut e = ValidationError::default();
        if self.title.trim().is_empty() {
            e.push("title", "required", "a plan needs a title");
        }
        if self.departments.is_empty() {
            e.push("departments", "required", "a plan lists the legacy departments");
        }
        if self.offices.is_empty() {
            e.push("offices", "required", "a plan lists the offices after restructuring");
        }
        if let Some(too_large) = self.too_large() {
            e.errors.push(too_large);
            return e;
        }
        let departments = units(&self.departments, "department", &mut e);
        let offices = units(&self.offices, "office", &mut e);

        let mut seen: HashMap<&str, &Function> = HashMap::new();
        let mut from_department: HashMap<&str, i64> = HashMap::new();
        let mut into_office: HashMap<&str, i64> = HashMap::new();
        for f in &self.functions {
            let at = format!("function {}", f.code);
            check_text(&f.code, &f.name, &at, "function", &mut e);
            check_posts(f.posts, &at, &mut e);
            if let Some(first) = seen.insert(&f.code, f) {
                if first.office != f.office {
                    e.push(
                        &at,
                        "mapped_twice",
                        format!(
                            "{} is mapped to two offices ({} and {})",
                            f.name,
                            first.office.as_deref().unwrap_or("none"),
                            f.office.as_deref().unwrap_or("none")
                        ),
                    );
                } else {
                    e.push(&at, "duplicate_function", format!("{} is listed twice", f.name));
                }
                continue;
            }
            if departments.contains_key(f.department.as_str()) {
                let sum = from_department.entry(&f.department).or_default();
                *sum = sum.saturating_add(f.posts);
            } else {
                e.push(&at, "unknown_department", format!("no legacy department has the code “{}”", f.department));
            }
            match f.office.as_deref().map(str::trim) {
                None | Some("") => e.push(&at, "unmapped", format!("{} is not mapped to any office", f.name)),
                Some(o) if !offices.contains_key(o) => {
                    e.push(&at, "unknown_office", format!("no office has the code “{o}”"))
                }
                Some(o) => {
                    let sum = into_office.entry(o).or_default();
                    *sum = sum.saturating_add(f.posts);
                }
            }
        }
        for d in &self.departments {
            match from_department.get(d.code.as_str()) {
                None => e.push(
                    format!("department {}", d.code),
                    "department_without_functions",
                    format!("{} has no functions, so its posts go nowhere", d.name),
                ),
                Some(&sum) if sum != d.posts => e.push(
                    format!("department {}", d.code),
                    "posts_do_not_add_up",
                    format!("{} has {} posts but its functions carry {sum}", d.name, d.posts),
                ),
                Some(_) => {}
            }
        }
        for o in &self.offices {
            match into_office.get(o.code.as_str()) {
                None => e.push(
                    format!("office {}", o.code),
                    "office_without_functions",
                    format!("{} is given no functions", o.name),
                ),
                Some(&sum) if sum != o.posts => e.push(
                    format!("office {}", o.code),
                    "posts_do_not_add_up",
                    format!("{} is given {} posts but its functions bring {sum}", o.name, o.posts),
                ),
                Some(_) => {}
            }
        }
        e
    }

    pub fn comparison(&self) -> Comparison {
        let dept_name: HashMap<&str, &str> =
            self.departments.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect();
        let office_name: HashMap<&str, &str> =
            self.offices.iter().map(|o| (o.code.as_str(), o.name.as_str())).collect();
        let departments =
            self.departments
                .iter()
                .map(|d| {
                    let mine: Vec<&Function> = self.functions.iter().filter(|f| f.department == d.code).collect();
                    DepartmentView {
                        code: d.code.clone(),
                        name: d.name.clone(),
                        posts: d.posts,
                        functions: mine.len(),
                        to_offices: distinct(mine.iter().filter_map(|f| {
                            f.office.as_deref().and_then(|o| office_name.get(o)).map(|n| n.to_string())
                        })),
                    }
                })
                .collect();
        let offices = self
            .offices
            .iter()
            .map(|o| {
                let mine: Vec<&Function> =
                    self.functions.iter().filter(|f| f.office.as_deref() == Some(&o.code)).collect();
                OfficeView {
                    code: o.code.clone(),
                    name: o.name.clone(),
                    posts: o.posts,
                    functions: mine.iter().map(|f| (f.code.clone(), f.name.clone())).collect(),
                    from_departments: distinct(
                        mine.iter().filter_map(|f| dept_name.get(f.department.as_str()).map(|n| n.to_string())),
                    ),
                }
            })
            .collect();
        Comparison {
            departments_before: self.departments.len(),
            offices_after: self.offices.len(),
            posts_before: self.departments.iter().fold(0i64, |a, d| a.saturating_add(d.posts)),
            posts_after: self.offices.iter().fold(0i64, |a, o| a.saturating_add(o.posts)),
            departments,
            offices,
        }
    }

    pub fn function(&self, code: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.code == code)
    }

    pub fn department(&self, code: &str) -> Option<&Unit> {
        self.departments.iter().find(|d| d.code == code)
    }

    pub fn office(&self, code: &str) -> Option<&Unit> {
        self.offices.iter().find(|o| o.code == code)
    }
}

/// Units by code, reporting blank, duplicate and negative ones.
fn units<'a>(list: &'a [Unit], what: &str, e: &mut ValidationError) -> BTreeMap<&'a str, &'a Unit> {
    let mut by_code = BTreeMap::new();
    for u in list {
        let at = format!("{what} {}", u.code);
        check_text(&u.code, &u.name, &at, what, e);
        check_posts(u.posts, &at, e);
        if by_code.insert(u.code.as_str(), u).is_some() {
            e.push(&at, "duplicate_code", format!("two {what}s have the code “{}”", u.code));
        }
    }
    by_code
}

fn check_text(code: &str, name: &str, at: &str, what: &str, e: &mut ValidationError) {
    if code.trim().is_empty() || name.trim().is_empty() {
        e.push(at, "required", format!("a {what} needs a code and a name"));
    } else if code.chars().count() > MAX_CODE || name.chars().count() > MAX_NAME {
        e.push(at, "too_long", format!("a code has at most {MAX_CODE} characters, a name {MAX_NAME}"));
    }
}

fn check_posts(posts: i64, at: &str, e: &mut ValidationError) {
    if posts < 0 {
        e.push(at, "negative_posts", "posts cannot be negative");
    } else if posts > MAX_POSTS {
        e.push(at, "out_of_range", format!("at most {MAX_POSTS} posts"));
    }
}

fn distinct(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// Where a plan stands on `today`, given the id of its town's plan in effect that day:
/// that one is in effect, a later one scheduled, an earlier one superseded.
pub fn phase(plan: &Plan, in_effect: Option<PlanId>, today: &str) -> PlanPhase {
    match (&plan.status, &plan.effective_from) {
        (PlanStatus::Draft, _) | (_, None) => PlanPhase::Draft,
        (PlanStatus::Approved, Some(_)) if Some(plan.id) == in_effect => PlanPhase::InEffect,
        (PlanStatus::Approved, Some(d)) if d.as_str() > today => PlanPhase::Scheduled,
        _ => PlanPhase::Superseded,
    }
}

/// Who owned `function` on `day`, given the approved plans of the town (any order) with
/// their documents: the office of the latest plan in effect by then, or — before the first
/// plan — the legacy department named by the first plan.
pub fn owner_on<'a>(plans: &'a [(Plan, PlanDocument)], function: &str, day: &str) -> Option<Owner> {
    let mut dated: Vec<&'a (Plan, PlanDocument)> =
        plans.iter().filter(|(p, _)| p.status == PlanStatus::Approved && p.effective_from.is_some()).collect();
    dated.sort_by(|a, b| (&a.0.effective_from, a.0.number).cmp(&(&b.0.effective_from, b.0.number)));
    let current = dated
        .iter()
        .rev()
        .find(|(p, d)| p.effective_from.as_deref().is_some_and(|f| f <= day) && d.function(function).is_some());
    match current {
        Some((p, d)) => {
            let f = d.function(function)?;
            let o = d.office(f.office.as_deref()?)?;
            Some(Owner {
                kind: OwnerKind::Office,
                code: o.code.clone(),
                name: o.name.clone(),
                plan_id: Some(p.id),
                since: p.effective_from.clone(),
            })
        }
        None => {
            let (_, d) = dated.iter().find(|(_, d)| d.function(function).is_some())?;
            let dep = d.department(&d.function(function)?.department)?;
            Some(Owner {
                kind: OwnerKind::Department,
                code: dep.code.clone(),
                name: dep.name.clone(),
                plan_id: None,
                since: None,
            })
        }
    }
}

/// Every owner a function has had, oldest first.
pub fn history(plans: &[(Plan, PlanDocument)], function: &str) -> Vec<Owner> {
    let mut days: Vec<&str> = plans.iter().filter_map(|(p, _)| p.effective_from.as_deref()).collect();
    days.sort();
    days.dedup();
    let mut out: Vec<Owner> = Vec::new();
    let before = owner_on(plans, function, "0000-00-00");
    for owner in before.into_iter().chain(days.into_iter().filter_map(|d| owner_on(plans, function, d))) {
        if out.last().is_none_or(|last| (last.kind, &last.code) != (owner.kind, &owner.code)) {
            out.push(owner);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, name: &str, posts: i64) -> Unit {
        Unit { code: code.into(), name: name.into(), posts }
    }

    fn func(code: &str, department: &str, office: Option<&str>, posts: i64) -> Function {
        Function {
            code: code.into(),
            name: format!("职能{code}"),
            department: department.into(),
            office: office.map(str::to_owned),
            posts,
        }
    }

    fn doc() -> PlanDocument {
        PlanDocument {
            division_code: "340621104".into(),
            title: "方案".into(),
            departments: vec![unit("D1", "计生办", 3), unit("D2", "民政办", 2), unit("D3", "安监站", 2)],
            offices: vec![unit("O1", "社会事务办公室", 5), unit("O2", "平安建设办公室", 2)],
            functions: vec![
                func("F1", "D1", Some("O1"), 3),
                func("F2", "D2", Some("O1"), 2),
                func("F3", "D3", Some("O2"), 2),
            ],
        }
    }

    fn codes(e: &ValidationError) -> Vec<(&str, &str)> {
        e.errors.iter().map(|f| (f.location.as_str(), f.code.as_str())).collect()
    }

    #[test]
    fn a_plan_that_adds_up_has_no_problems() {
        assert!(doc().problems().is_empty());
        let c = doc().comparison();
        assert_eq!((c.departments_before, c.offices_after, c.posts_before, c.posts_after), (3, 2, 7, 7));
        assert_eq!(c.offices[0].from_departments, ["计生办", "民政办"]);
    }

    #[test]
    fn every_problem_is_named() {
        let mut d = doc();
        d.functions[2].office = None; // F3 unmapped: O2 empty, D3 fine
        d.functions.push(func("F1", "D1", Some("O2"), 0)); // mapped twice
        d.offices.push(unit("O3", "空办公室", 0));
        d.departments[1].posts = 4;
        assert_eq!(
            codes(&d.problems()),
            [
                ("function F3", "unmapped"),
                ("function F1", "mapped_twice"),
                ("department D2", "posts_do_not_add_up"),
                ("office O2", "office_without_functions"),
                ("office O3", "office_without_functions"),
            ]
        );
        let mut d = doc();
        d.functions[0].department = "D9".into();
        assert_eq!(codes(&d.problems())[0], ("function F1", "unknown_department"));
    }

    fn plan(id: i64, from: &str) -> Plan {
        Plan {
            id: PlanId(id),
            county_code: "340621".into(),
            division_code: "340621104".into(),
            number: id,
            title: "t".into(),
            status: PlanStatus::Approved,
            effective_from: Some(from.into()),
            created_by: "x".into(),
            created_at: "x".into(),
            approved_by: None,
            approved_at: None,
        }
    }

    #[test]
    fn ownership_follows_the_plan_in_effect_on_the_day() {
        let first = doc();
        let mut second = doc();
        second.functions[0].office = Some("O2".into());
        let plans = vec![(plan(2, "2023-01-01"), second), (plan(1, "2021-07-01"), first)];
        assert_eq!(owner_on(&plans, "F1", "2021-06-30").unwrap().name, "计生办");
        assert_eq!(owner_on(&plans, "F1", "2021-07-01").unwrap().name, "社会事务办公室");
        assert_eq!(owner_on(&plans, "F1", "2023-01-01").unwrap().name, "平安建设办公室");
        assert!(owner_on(&plans, "F9", "2023-01-01").is_none());
        let h: Vec<String> = history(&plans, "F1").into_iter().map(|o| o.name).collect();
        assert_eq!(h, ["计生办", "社会事务办公室", "平安建设办公室"]);
        assert_eq!(phase(&plans[1].0, Some(PlanId(1)), "2022-01-01"), PlanPhase::InEffect);
        assert_eq!(phase(&plans[0].0, Some(PlanId(1)), "2022-01-01"), PlanPhase::Scheduled);
        assert_eq!(phase(&plans[1].0, Some(PlanId(2)), "2024-01-01"), PlanPhase::Superseded);
    }
}

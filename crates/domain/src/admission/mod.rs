//! Duty lists and task admission (准入): what a town must do, what it assists with, what
//! must never be pushed onto it, and the decision reached when a task is sent down.

pub mod task;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Which of a town's three lists an item is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 基本履职事项: the town must do it.
    Duty,
    /// 配合履职事项: a county department leads, the town assists.
    Cooperation,
    /// 负面清单 / 上级部门收回事项: must not be pushed onto the town.
    Negative,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [ItemKind::Duty, ItemKind::Cooperation, ItemKind::Negative];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Duty => "duty",
            ItemKind::Cooperation => "cooperation",
            ItemKind::Negative => "negative",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ItemKind::Duty => "基本履职事项",
            ItemKind::Cooperation => "配合履职事项",
            ItemKind::Negative => "负面清单",
        }
    }

    /// The decision a task matching an item of this kind gets.
    pub fn decision(self) -> Decision {
        match self {
            ItemKind::Duty => Decision::Duty,
            ItemKind::Cooperation => Decision::Cooperation,
            ItemKind::Negative => Decision::Negative,
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Accepts the English names and the names counties print on their lists.
impl FromStr for ItemKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "duty" | "基本履职事项" | "基本履职" => Ok(ItemKind::Duty),
            "cooperation" | "配合履职事项" | "配合履职" => Ok(ItemKind::Cooperation),
            "negative" | "负面清单" | "收回事项" | "上级部门收回事项" | "不应承担事项" => {
                Ok(ItemKind::Negative)
            }
            other => Err(ValidationError::new(
                "kind",
                "invalid_item_kind",
                format!(
                    "“{other}” is not a kind: duty, cooperation or negative (基本履职事项, 配合履职事项, 负面清单)"
                ),
            )),
        }
    }
}

/// The outcome of screening a task for one town.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Accepted: on the duty list.
    Duty,
    /// Accepted: the town assists the lead department named by the item.
    Cooperation,
    /// Refused: the item on the negative list is cited.
    Negative,
    /// On no list: the staffing office rules.
    Review,
}

impl Decision {
    pub const ALL: [Decision; 4] = [Decision::Duty, Decision::Cooperation, Decision::Negative, Decision::Review];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Duty => "duty",
            Decision::Cooperation => "cooperation",
            Decision::Negative => "negative",
            Decision::Review => "review",
        }
    }
}

impl FromStr for Decision {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s.trim()).ok_or_else(|| {
            ValidationError::new(
                "decision",
                "invalid_decision",
                format!("“{s}” is not duty, cooperation, negative or review"),
            )
        })
    }
}

/// One item of a town's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListItem {
    pub code: String,
    pub kind: ItemKind,
    /// 领域/类别, e.g. 平安法治.
    pub area: String,
    pub title: String,
    pub description: String,
    /// For cooperation items the county department that leads; for negative items the one
    /// the work belongs to.
    pub lead_department: String,
    pub legal_basis: String,
    /// The town office responsible.
    pub office: String,
    pub keywords: Vec<String>,
}

impl ListItem {
    /// Checks that hold for one item alone.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::default();
        if self.code.trim().is_empty() {
            e.push("code", "required", "an item needs a code");
        } else if self.code.chars().count() > 50 {
            e.push("code", "too_long", "an item code has at most 50 characters");
        }
        if self.title.trim().is_empty() {
            e.push("title", "required", "an item needs a title");
        } else if self.title.chars().count() > 200 {
            e.push("title", "too_long", "an item title has at most 200 characters");
        }
        if self.description.chars().count() > 4000 {
            e.push("description", "too_long", "an item description has at most 4,000 characters");
        }
        if self.kind == ItemKind::Cooperation && self.lead_department.trim().is_empty() {
            e.push("lead_department", "required", "a cooperation item names its lead county department");
        }
        e.into_result()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    Draft,
    Published,
}

impl VersionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Draft => "draft",
            VersionStatus::Published => "published",
        }
    }
}

impl FromStr for VersionStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(VersionStatus::Draft),
            "published" => Ok(VersionStatus::Published),
            other => {
                Err(ValidationError::new("status", "invalid_status", format!("“{other}” is not draft or published")))
            }
        }
    }
}

/// Typed id of a list version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct VersionId(pub i64);

impl fmt::Display for VersionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One version of a division's lists: a town's, or the county template towns inherit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ListVersion {
    pub id: VersionId,
    pub county_code: String,
    pub division_code: String,
    /// 1, 2, … per division.
    pub number: i64,
    pub status: VersionStatus,
    /// The day it takes effect (YYYY-MM-DD), once published.
    pub effective_from: Option<String>,
    pub note: String,
    /// The version it was made from: the town's previous one or the county template.
    pub based_on: Option<VersionId>,
    pub created_by: String,
    pub created_at: String,
    pub published_at: Option<String>,
}

/// What changed between two versions, item by item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ListDiff {
    pub added: Vec<ListItem>,
    pub removed: Vec<ListItem>,
    pub changed: Vec<ItemChange>,
    pub unchanged: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ItemChange {
    pub code: String,
    /// (field, before, after) for every field that differs.
    pub fields: Vec<(String, String, String)>,
}

/// Compares two item lists by code.
pub fn diff(before: &[ListItem], after: &[ListItem]) -> ListDiff {
    let old: std::collections::BTreeMap<&str, &ListItem> = before.iter().map(|i| (i.code.as_str(), i)).collect();
    let new: std::collections::BTreeMap<&str, &ListItem> = after.iter().map(|i| (i.code.as_str(), i)).collect();
    let mut d = ListDiff { added: vec![], removed: vec![], changed: vec![], unchanged: 0 };
    for (code, a) in &new {
        match old.get(code) {
            None => d.added.push((*a).clone()),
            Some(b) => {
                let fields = changed_fields(b, a);
                if fields.is_empty() {
                    d.unchanged += 1;
                } else {
                    d.changed.push(ItemChange { code: (*code).to_owned(), fields });
                }
            }
        }
    }
    d.removed = old.iter().filter(|(c, _)| !new.contains_key(*c)).map(|(_, i)| (*i).clone()).collect();
    d
}

fn changed_fields(b: &ListItem, a: &ListItem) -> Vec<(String, String, String)> {
    let pairs = [
        ("kind", b.kind.as_str().to_owned(), a.kind.as_str().to_owned()),
        ("area", b.area.clone(), a.area.clone()),
        ("title", b.title.clone(), a.title.clone()),
        ("description", b.description.clone(), a.description.clone()),
        ("lead_department", b.lead_department.clone(), a.lead_department.clone()),
        ("legal_basis", b.legal_basis.clone(), a.legal_basis.clone()),
        ("office", b.office.clone(), a.office.clone()),
        ("keywords", b.keywords.join(";"), a.keywords.join(";")),
    ];
    pairs.into_iter().filter(|(_, x, y)| x != y).map(|(f, x, y)| (f.to_owned(), x, y)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_as_counties_write_them() {
        assert_eq!("配合履职事项".parse::<ItemKind>().unwrap(), ItemKind::Cooperation);
        assert_eq!("收回事项".parse::<ItemKind>().unwrap(), ItemKind::Negative);
        assert_eq!("不应承担事项".parse::<ItemKind>().unwrap(), ItemKind::Negative);
        assert_eq!("duty".parse::<ItemKind>().unwrap(), ItemKind::Duty);
        assert!("其他".parse::<ItemKind>().is_err());
    }

    fn item(code: &str, title: &str) -> ListItem {
        ListItem {
            code: code.into(),
            kind: ItemKind::Duty,
            area: "民生服务".into(),
            title: title.into(),
            description: String::new(),
            lead_department: String::new(),
            legal_basis: String::new(),
            office: String::new(),
            keywords: vec![],
        }
    }

    #[test]
    fn diff_says_what_was_added_removed_and_changed() {
        let before = [item("A", "甲"), item("B", "乙"), item("C", "丙")];
        let after = [item("A", "甲"), item("B", "乙（修订）"), item("D", "丁")];
        let d = diff(&before, &after);
        assert_eq!(d.added[0].code, "D");
        assert_eq!(d.removed[0].code, "C");
        assert_eq!(d.changed[0].fields, [("title".to_owned(), "乙".to_owned(), "乙（修订）".to_owned())]);
        assert_eq!(d.unchanged, 1);
    }

    #[test]
    fn cooperation_items_name_their_lead() {
        let item = ListItem {
            code: "LH-PH-001".into(),
            kind: ItemKind::Cooperation,
            area: "平安法治".into(),
            title: "配合开展食品安全监督检查".into(),
            description: String::new(),
            lead_department: String::new(),
            legal_basis: String::new(),
            office: String::new(),
            keywords: vec![],
        };
        assert_eq!(item.validate().unwrap_err().errors[0].location, "lead_department");
    }
}

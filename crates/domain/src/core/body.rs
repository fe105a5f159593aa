//! Bodies (机构): the organisations that act, each at one division.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// 人民政府: a county or town government and its leadership.
    Government,
    StaffingOffice,
    CountyDepartment,
    /// 自然资源局, 气象局: the bureaus that issue geohazard warnings.
    Bureau,
    TownOffice,
    CommandCenter,
    EnforcementTeam,
    VillageCommittee,
}

impl BodyKind {
    pub const ALL: [BodyKind; 8] = [
        BodyKind::Government,
        BodyKind::StaffingOffice,
        BodyKind::CountyDepartment,
        BodyKind::Bureau,
        BodyKind::TownOffice,
        BodyKind::CommandCenter,
        BodyKind::EnforcementTeam,
        BodyKind::VillageCommittee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BodyKind::Government => "government",
            BodyKind::StaffingOffice => "staffing_office",
            BodyKind::CountyDepartment => "county_department",
            BodyKind::Bureau => "bureau",
            BodyKind::TownOffice => "town_office",
            BodyKind::CommandCenter => "command_center",
            BodyKind::EnforcementTeam => "enforcement_team",
            BodyKind::VillageCommittee => "village_committee",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            BodyKind::Government => "人民政府",
            BodyKind::StaffingOffice => "编办",
            BodyKind::CountyDepartment => "县直部门",
            BodyKind::Bureau => "局",
            BodyKind::TownOffice => "乡镇内设机构",
            BodyKind::CommandCenter => "指挥中心",
            BodyKind::EnforcementTeam => "综合行政执法队",
            BodyKind::VillageCommittee => "村（居）委会",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            BodyKind::Government => "government",
            BodyKind::StaffingOffice => "staffing office",
            BodyKind::CountyDepartment => "county department",
            BodyKind::Bureau => "bureau",
            BodyKind::TownOffice => "town office",
            BodyKind::CommandCenter => "command center",
            BodyKind::EnforcementTeam => "enforcement team",
            BodyKind::VillageCommittee => "village committee",
        }
    }

    /// County bodies sit at a county, town bodies at a town, committees at a village.
    pub fn fits_level(self, level: super::division::Level) -> bool {
        use super::division::Level::*;
        match self {
            BodyKind::Government => matches!(level, County | Town),
            BodyKind::StaffingOffice | BodyKind::CountyDepartment => level == County,
            // A province's or city's bureaus issue warnings over all of their area.
            BodyKind::Bureau => matches!(level, Province | City | County),
            BodyKind::TownOffice | BodyKind::CommandCenter | BodyKind::EnforcementTeam => level == Town,
            BodyKind::VillageCommittee => level == Village,
        }
    }
}

impl fmt::Display for BodyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BodyKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BodyKind::ALL.into_iter().find(|k| k.as_str() == s.trim()).ok_or_else(|| {
            let all: Vec<_> = BodyKind::ALL.iter().map(|k| k.as_str()).collect();
            ValidationError::new(
                "kind",
                "invalid_body_kind",
                format!("“{s}” is not a body kind: one of {}", all.join(", ")),
            )
        })
    }
}

/// Typed id of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct BodyId(pub i64);

impl fmt::Display for BodyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A body as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Body {
    pub id: BodyId,
    pub county_code: super::division::DivisionCode,
    pub division_code: super::division::DivisionCode,
    pub kind: BodyKind,
    pub name: String,
    pub created_at: String,
}

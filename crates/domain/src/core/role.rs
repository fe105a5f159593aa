//! Roles and what each may do. Where a user may act is its body's division subtree;
//! what it may do there is decided here, in one table.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::body::BodyKind;
use crate::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Keeps users, bodies and tokens of its scope; reads the audit log.
    Admin,
    StaffingOfficer,
    DepartmentOfficer,
    TownOfficer,
    Dispatcher,
    Inspector,
    VillageOfficer,
    HazardMonitor,
    BureauOfficer,
    Viewer,
}

/// Something a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read divisions, bodies and the calendar of one's scope.
    ReadDirectory,
    ManageBodies,
    ManageUsers,
    ReadAudit,
    ImportDivisions,
    /// Create and revoke one's own API tokens.
    OwnTokens,
    /// Import, inherit and publish duty lists (the staffing office).
    ManageLists,
    /// Send tasks down to towns (county departments).
    SendTasks,
    /// Rule on tasks that screening sent to review (the staffing office).
    RuleOnTasks,
    /// Draft and approve restructuring plans (the staffing office).
    ManagePlans,
    /// Keep the catalog, run rounds, decide orders, publish and take back powers (the
    /// staffing office).
    ManageEmpowerment,
    /// Order matters from the catalog for one's town.
    OrderPowers,
    /// Assess orders for the matters of one's own department.
    AssessOrders,
    /// Record a case or service done under a devolved power.
    RecordPowerUse,
    /// File enforcement cases and move them through their stages (the town's team).
    HandleCases,
    /// Keep one's department's check items and plan inspections of targets.
    PlanInspections,
    /// Merge plans into joint visits and enter their results (the town's team).
    ConductInspections,
    /// Report an event to the town's command center.
    ReportEvents,
    /// Dispatch, extend, merge and close events (the command center).
    DispatchEvents,
    /// Work an event dispatched to one's office.
    HandleEvents,
    /// Register petitions, take their steps and see petitioners' data in clear (the
    /// town's office, the county's petition bureau).
    HandlePetitions,
    /// Record villages' collective income (the town's office, the county's agriculture
    /// department).
    RecordIncome,
    /// Draft and co-sign geohazard warnings, update and cancel them, import CAP, keep
    /// hazard points and what each level requires (the two bureaus).
    IssueWarnings,
    /// Acknowledge a warning's notice addressed to one's town, village or point.
    AcknowledgeWarnings,
    /// Report a patrol of a hazard point under a warning.
    ReportPatrols,
    /// Subscribe webhooks to the warnings of one's area.
    ManageWebhooks,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Admin,
        Role::StaffingOfficer,
        Role::DepartmentOfficer,
        Role::TownOfficer,
        Role::Dispatcher,
        Role::Inspector,
        Role::VillageOfficer,
        Role::HazardMonitor,
        Role::BureauOfficer,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::StaffingOfficer => "staffing_officer",
            Role::DepartmentOfficer => "department_officer",
            Role::TownOfficer => "town_officer",
            Role::Dispatcher => "dispatcher",
            Role::Inspector => "inspector",
            Role::VillageOfficer => "village_officer",
            Role::HazardMonitor => "hazard_monitor",
            Role::BureauOfficer => "bureau_officer",
            Role::Viewer => "viewer",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::StaffingOfficer => "编办工作人员",
            Role::DepartmentOfficer => "县直部门工作人员",
            Role::TownOfficer => "乡镇工作人员",
            Role::Dispatcher => "指挥中心调度员",
            Role::Inspector => "综合执法队员",
            Role::VillageOfficer => "村干部",
            Role::HazardMonitor => "群测群防员",
            Role::BureauOfficer => "局工作人员",
            Role::Viewer => "领导（查看）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::StaffingOfficer => "staffing officer",
            Role::DepartmentOfficer => "department officer",
            Role::TownOfficer => "town officer",
            Role::Dispatcher => "dispatcher",
            Role::Inspector => "inspector",
            Role::VillageOfficer => "village officer",
            Role::HazardMonitor => "hazard monitor",
            Role::BureauOfficer => "bureau officer",
            Role::Viewer => "viewer",
        }
    }

    /// The one table of who may do what.
    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        match p {
            ReadDirectory | OwnTokens => true,
            ManageBodies | ManageUsers | ReadAudit | ImportDivisions => self == Role::Admin,
            ManageLists | RuleOnTasks | ManagePlans | ManageEmpowerment => self == Role::StaffingOfficer,
            SendTasks | AssessOrders => self == Role::DepartmentOfficer,
            OrderPowers => self == Role::TownOfficer,
            RecordPowerUse => matches!(self, Role::TownOfficer | Role::Inspector),
            HandleCases | ConductInspections => self == Role::Inspector,
            PlanInspections => self == Role::DepartmentOfficer,
            ReportEvents => matches!(
                self,
                Role::TownOfficer | Role::Dispatcher | Role::Inspector | Role::VillageOfficer | Role::HazardMonitor
            ),
            DispatchEvents => self == Role::Dispatcher,
            HandleEvents => matches!(self, Role::TownOfficer | Role::Dispatcher | Role::Inspector),
            RecordIncome | HandlePetitions => matches!(self, Role::TownOfficer | Role::DepartmentOfficer),
            IssueWarnings => self == Role::BureauOfficer,
            AcknowledgeWarnings => {
                matches!(self, Role::TownOfficer | Role::Dispatcher | Role::VillageOfficer | Role::HazardMonitor)
            }
            ReportPatrols => matches!(self, Role::VillageOfficer | Role::HazardMonitor),
            ManageWebhooks => self == Role::Admin,
        }
    }

    /// The kinds of body a user of this role can belong to.
    pub fn fits(self, kind: BodyKind) -> bool {
        use BodyKind::*;
        match self {
            Role::Admin => matches!(kind, Government | StaffingOffice),
            Role::StaffingOfficer => kind == StaffingOffice,
            Role::DepartmentOfficer => kind == CountyDepartment,
            Role::TownOfficer => matches!(kind, TownOffice | Government),
            Role::Dispatcher => kind == CommandCenter,
            Role::Inspector => kind == EnforcementTeam,
            Role::VillageOfficer | Role::HazardMonitor => kind == VillageCommittee,
            Role::BureauOfficer => kind == Bureau,
            Role::Viewer => kind == Government,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or_else(|| {
            let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
            ValidationError::new("role", "invalid_role", format!("“{s}” is not a role: one of {}", all.join(", ")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users() {
        for r in Role::ALL {
            assert_eq!(r.may(Permission::ManageUsers), r == Role::Admin, "{r}");
            assert!(r.may(Permission::ReadDirectory));
        }
    }

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("king".parse::<Role>().is_err());
    }

    #[test]
    fn every_role_fits_some_body() {
        for r in Role::ALL {
            assert!(BodyKind::ALL.iter().any(|k| r.fits(*k)), "{r}");
        }
    }
}

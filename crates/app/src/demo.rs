//! The demo: two real counties — Suixi (濉溪县, with the pilot towns 临涣镇 and 双堆集镇)
//! and Xinluo (新罗区) — their bodies and one user per role. Running it again changes
//! nothing. The password is public (README), which is why `demo` serves only on loopback
//! unless told otherwise.

use grassroots_domain::core::body::{Body, BodyKind};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;
use grassroots_store::core::{bodies, users};

use crate::core::bodies::NewBodyRequest;
use crate::core::users::NewUserRequest;
use crate::{Actor, App, AppError, Result};

pub const DEMO_PASSWORD: &str = "grassroots-demo";

const DIVISIONS: &str = include_str!("../../../data/demo-divisions.csv");

pub const SUIXI: &str = "340621";
pub const LINHUAN: &str = "340621104";
pub const SHUANGDUIJI: &str = "340621105";
pub const XINLUO: &str = "350802";

/// (division, kind, name)
const BODIES: &[(&str, BodyKind, &str)] = &[
    (SUIXI, BodyKind::Government, "濉溪县人民政府"),
    (SUIXI, BodyKind::StaffingOffice, "中共濉溪县委机构编制委员会办公室"),
    (SUIXI, BodyKind::CountyDepartment, "濉溪县市场监督管理局"),
    (SUIXI, BodyKind::CountyDepartment, "濉溪县生态环境分局"),
    (SUIXI, BodyKind::CountyDepartment, "濉溪县农业农村局"),
    (SUIXI, BodyKind::Bureau, "濉溪县自然资源和规划局"),
    (SUIXI, BodyKind::Bureau, "濉溪县气象局"),
    (LINHUAN, BodyKind::Government, "临涣镇人民政府"),
    (LINHUAN, BodyKind::TownOffice, "临涣镇党政办公室"),
    (LINHUAN, BodyKind::CommandCenter, "临涣镇综合指挥中心"),
    (LINHUAN, BodyKind::EnforcementTeam, "临涣镇综合行政执法队"),
    ("340621104200", BodyKind::VillageCommittee, "临涣村村民委员会"),
    (SHUANGDUIJI, BodyKind::Government, "双堆集镇人民政府"),
    (SHUANGDUIJI, BodyKind::TownOffice, "双堆集镇党政办公室"),
    (SHUANGDUIJI, BodyKind::CommandCenter, "双堆集镇综合指挥中心"),
    (SHUANGDUIJI, BodyKind::EnforcementTeam, "双堆集镇综合行政执法队"),
    (XINLUO, BodyKind::Government, "龙岩市新罗区人民政府"),
    (XINLUO, BodyKind::StaffingOffice, "中共龙岩市新罗区委机构编制委员会办公室"),
    (XINLUO, BodyKind::Bureau, "龙岩市新罗区自然资源局"),
    (XINLUO, BodyKind::Bureau, "新罗区气象局"),
    ("350802104", BodyKind::Government, "万安镇人民政府"),
    ("350802104", BodyKind::CommandCenter, "万安镇综合指挥中心"),
    ("350802104201", BodyKind::VillageCommittee, "红光村委会"),
];

/// (username, display name, role, body name, division)
pub const USERS: &[(&str, &str, Role, &str, &str)] = &[
    ("suixi.admin", "濉溪县系统管理员", Role::Admin, "濉溪县人民政府", SUIXI),
    ("suixi.staffing", "县编办 王主任", Role::StaffingOfficer, "中共濉溪县委机构编制委员会办公室", SUIXI),
    ("suixi.market", "县市场监管局 李科长", Role::DepartmentOfficer, "濉溪县市场监督管理局", SUIXI),
    ("suixi.leader", "县政府 赵副县长", Role::Viewer, "濉溪县人民政府", SUIXI),
    ("linhuan.officer", "临涣镇党政办 张干事", Role::TownOfficer, "临涣镇党政办公室", LINHUAN),
    ("linhuan.dispatcher", "临涣镇指挥中心 刘调度", Role::Dispatcher, "临涣镇综合指挥中心", LINHUAN),
    ("linhuan.inspector", "临涣镇执法队 陈队员", Role::Inspector, "临涣镇综合行政执法队", LINHUAN),
    ("linhuan.village", "临涣村 孙书记", Role::VillageOfficer, "临涣村村民委员会", "340621104200"),
    ("shuangduiji.officer", "双堆集镇党政办 周干事", Role::TownOfficer, "双堆集镇党政办公室", SHUANGDUIJI),
    ("xinluo.admin", "新罗区系统管理员", Role::Admin, "龙岩市新罗区人民政府", XINLUO),
    ("xinluo.resources", "新罗区自然资源局 林工", Role::BureauOfficer, "龙岩市新罗区自然资源局", XINLUO),
    ("xinluo.monitor", "红光村 群测群防员 黄师傅", Role::HazardMonitor, "红光村委会", "350802104201"),
    ("xinluo.weather", "新罗区气象局 陈工", Role::BureauOfficer, "新罗区气象局", XINLUO),
    ("wanan.officer", "万安镇 值班干部 吴干事", Role::TownOfficer, "万安镇人民政府", "350802104"),
    ("wanan.dispatcher", "万安镇指挥中心 邱调度", Role::Dispatcher, "万安镇综合指挥中心", "350802104"),
    ("hongguang.village", "红光村 罗主任", Role::VillageOfficer, "红光村委会", "350802104201"),
    ("suixi.resources", "县自然资源和规划局 钱工", Role::BureauOfficer, "濉溪县自然资源和规划局", SUIXI),
];

/// What `demo` created this time (zero on a second run).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub divisions: usize,
    pub bodies: usize,
    pub users: usize,
    /// Tasks sent down to the pilot towns.
    pub tasks: usize,
    /// Whether Linhuan's restructuring plan was made.
    pub plan: bool,
    /// Whether the catalog and the rounds were made.
    pub empowerment: bool,
    /// Enforcement cases of the pilot year.
    pub cases: usize,
    /// Joint inspections of the pilot year.
    pub inspections: usize,
    /// Events reported to Linhuan's command center.
    pub events: usize,
    /// Amounts of village collective income.
    pub income: usize,
    pub petitions: usize,
    /// Notices of the replayed warning.
    pub notices: usize,
}

impl App {
    /// The whole demo: the directory, then the flows' data.
    pub async fn seed_demo(&self) -> Result<DemoSummary> {
        let mut summary = self.seed_demo_directory().await?;
        summary.tasks = crate::admission::demo::seed(self).await?;
        let staffing = user(self, "suixi.staffing").await?;
        summary.plan = crate::restructuring::demo::seed(self, &staffing).await?;
        summary.empowerment = crate::empowerment::demo::seed(self, &staffing).await?;
        summary.cases = crate::enforcement::demo::seed(self).await?;
        summary.inspections = crate::inspection::demo::seed(self).await?;
        summary.events = crate::command::demo::seed(self).await?;
        summary.income = crate::income::demo::seed(self).await?;
        summary.petitions = crate::petition::demo::seed(self).await?;
        summary.notices = crate::warning::demo::seed(self).await?;
        Ok(summary)
    }

    /// Divisions, bodies and one user per role; no flow data.
    pub async fn seed_demo_directory(&self) -> Result<DemoSummary> {
        let actor = Actor::system("demo");
        let imported = self.import_divisions(&actor, DIVISIONS.as_bytes()).await?;
        let mut summary = DemoSummary { divisions: imported.inserted, ..Default::default() };
        for (division, kind, name) in BODIES {
            if self.find_body(division, name).await?.is_none() {
                let division_code = DivisionCode::parse(division)?;
                self.add_body(&actor, NewBodyRequest { division_code, kind: *kind, name: (*name).into() }).await?;
                summary.bodies += 1;
            }
        }
        for (username, display_name, role, body, division) in USERS {
            let mut c = self.store.conn().await?;
            if users::by_username(&mut c, username).await?.is_some() {
                continue;
            }
            drop(c);
            let body = self.find_body(division, body).await?.ok_or(AppError::NotFound)?;
            let req = NewUserRequest {
                username: (*username).into(),
                display_name: (*display_name).into(),
                role: *role,
                body_id: body.id,
                password: DEMO_PASSWORD.into(),
            };
            self.add_user(&actor, req).await?;
            summary.users += 1;
        }
        Ok(summary)
    }

    pub(crate) async fn find_body(&self, division: &str, name: &str) -> Result<Option<Body>> {
        let mut c = self.store.conn().await?;
        Ok(bodies::find_by_name(&mut c, &DivisionCode::parse(division)?, name).await?)
    }
}

/// A demo user acting.
pub(crate) async fn user(app: &App, username: &str) -> Result<Actor> {
    let u = app.find_user(&Actor::system("demo"), username).await?;
    app.actor_of(u.id).await
}

/// A county department of Suixi, created when the demo first needs it; the demo acts as
/// the command-line operator on that department's behalf.
pub(crate) async fn department(app: &App, name: &str) -> Result<Actor> {
    let body = match app.find_body(SUIXI, name).await? {
        Some(b) => b,
        None => {
            let req = NewBodyRequest {
                division_code: DivisionCode::parse(SUIXI)?,
                kind: BodyKind::CountyDepartment,
                name: name.to_owned(),
            };
            app.add_body(&Actor::system("demo"), req).await?
        }
    };
    let mut actor = Actor::system("demo");
    actor.body_id = Some(body.id);
    actor.division_code = SUIXI.into();
    actor.display_name = name.to_owned();
    Ok(actor)
}

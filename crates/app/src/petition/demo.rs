//! The petitions of the demo. Linhuan received 45 petitions in 2020 and 35 in 2021 — down
//! 22.2% as the reform's report says — and Shuangduiji 30 and 27; each ran its statutory
//! course: accepted within days, replied to, some reviewed, one re-reviewed, most closed
//! satisfied. Petitions of the last weeks are in every open stage, some overdue, one
//! sent on by the county, one repeating the re-reviewed matter, one filed online.

use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::petition::{Channel, PetitionId, PetitionKind, PetitionStage, Petitioner, id_check_character};
use time::{Date, Duration};

use super::{PetitionExtensionRequest, PetitionRequest, PetitionStageRequest};
use crate::core::divisions::DivisionQuery;
use crate::core::today;
use crate::demo::{LINHUAN, SHUANGDUIJI, user};
use crate::{Actor, App, Result};

/// (town, officer, petitions run in 2020, in 2021, the first of its invented petitioners).
/// Linhuan's 35th petition of 2021 is the one re-reviewed, seeded apart.
const TOWNS: [(&str, &str, u32, u32, u32); 2] =
    [(LINHUAN, "linhuan.officer", 45, 34, 0), (SHUANGDUIJI, "shuangduiji.officer", 30, 27, 1000)];

/// (kind, title, content): matters of the kinds a coal-mining county's towns receive.
const MATTERS: &[(PetitionKind, &str, &str)] = &[
    (PetitionKind::Claim, "采煤塌陷区搬迁安置补偿", "反映本组采煤塌陷搬迁安置补偿款尚未足额发放，请求核实发放。"),
    (PetitionKind::Claim, "土地承包经营权纠纷", "反映与邻户承包地边界不清，多次协商未果，请求确权。"),
    (PetitionKind::Claim, "要求补发养老保险待遇", "反映城乡居民养老保险待遇停发三个月，请求查明原因补发。"),
    (PetitionKind::Claim, "拖欠务工工资", "反映在镇内工地务工被拖欠工资，包工头联系不上，请求帮助追讨。"),
    (PetitionKind::Claim, "宅基地审批", "反映申请宅基地建房一年未获审批，请求说明原因。"),
    (PetitionKind::Claim, "低保资格认定", "反映家中因病致贫，申请最低生活保障被拒，请求重新认定。"),
    (PetitionKind::Suggestion, "建议修缮村内道路", "村内主路坑洼积水，雨天无法通行，建议列入道路修缮计划。"),
    (PetitionKind::Suggestion, "建议增设公交站点", "村口到镇区无公交停靠，老人就医不便，建议增设站点。"),
    (PetitionKind::Accusation, "反映村务公开不及时", "反映村集体收支半年未公开，请求督促村务公开。"),
    (PetitionKind::Accusation, "反映河道非法采砂", "反映夜间有人在河道非法采砂，请求查处。"),
    (PetitionKind::Claim, "房屋裂缝鉴定", "反映房屋因采煤沉陷出现裂缝，请求鉴定并补偿。"),
    (PetitionKind::Suggestion, "建议整治养殖污染", "反映邻近养殖场粪污直排沟渠，建议整治。"),
];

const SURNAMES: &[&str] = &["张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"];
const GIVEN: &[&str] = &["建国", "秀英", "德明", "桂兰", "志强", "玉梅", "永福", "凤英", "长海", "春华", "学军"];

/// An invented petitioner with a well-formed ID number of the county.
fn petitioner(n: u32, village: &str) -> Petitioner {
    let born = format!("19{:02}{:02}{:02}", 45 + n % 50, 1 + n % 12, 1 + n % 28);
    let first17 = format!("340621{born}{:03}", 100 + n % 900);
    Petitioner {
        name: format!("{}{}", SURNAMES[n as usize % SURNAMES.len()], GIVEN[n as usize / 3 % GIVEN.len()]),
        id_number: format!("{first17}{}", id_check_character(&first17)),
        phone: format!("139{:08}", 56_000_000 + n * 7919 % 10_000_000),
        address: format!("淮北市濉溪县{village}"),
    }
}

fn step(to: PetitionStage, on: Date, note: &str) -> PetitionStageRequest {
    PetitionStageRequest { to, on: Some(on.to_string()), note: note.into(), hearing_days: None, satisfied: None }
}

struct Seeder<'a> {
    app: &'a App,
    officer: Actor,
    villages: Vec<(String, String)>,
    /// Petitions registered so far; numbers the next petitioner.
    n: u32,
    first: u32,
}

impl Seeder<'_> {
    async fn register(
        &mut self,
        kind_of: usize,
        received: Date,
        sent_on: bool,
        who: Option<u32>,
    ) -> Result<PetitionId> {
        self.n += 1;
        let (code, name) = self.villages[self.n as usize * 7 % self.villages.len()].clone();
        let (kind, title, content) = MATTERS[kind_of % MATTERS.len()];
        let req = PetitionRequest {
            division: code,
            channel: [Channel::Letter, Channel::Visit, Channel::Phone, Channel::Online][self.n as usize % 4],
            kind,
            title: title.into(),
            content: format!("{name}村民{content}"),
            people: if self.n.is_multiple_of(10) { 6 } else { 1 },
            petitioner: petitioner(who.unwrap_or(self.first + self.n), &name),
            received_on: Some(received.to_string()),
            sent_on,
        };
        Ok(self.app.register_petition(&self.officer, req).await?.petition.id)
    }

    async fn go(&self, id: PetitionId, req: PetitionStageRequest) -> Result<()> {
        self.app.move_petition(&self.officer, id, req).await.map(|_| ())
    }

    /// A petition of a past year, run to its end.
    async fn past(&mut self, year: i32, i: u32) -> Result<()> {
        use PetitionStage::*;
        let start = Date::from_ordinal_date(year, 5).unwrap_or(today());
        let received = start + Duration::days(i64::from(i * 331 / 45 % 330));
        let id = self.register(i as usize, received, false, None).await?;
        let accepted = received + Duration::days(i64::from(2 + i % 9));
        if i % 11 == 5 {
            let note = "属于应当通过诉讼途径解决的事项，已书面告知依法向人民法院起诉";
            return self.go(id, step(NotAccepted, accepted, note)).await;
        }
        self.go(id, step(Accepted, accepted, "")).await?;
        let replied = accepted + Duration::days(i64::from(18 + i * 7 % 35));
        self.go(id, step(Replied, replied, "经调查核实，已作出处理意见并书面答复信访人")).await?;
        let mut last = replied;
        if i % 9 == 4 {
            let asked = replied + Duration::days(12);
            self.go(id, step(ReviewAsked, asked, "信访人不服处理意见，向镇政府申请复查")).await?;
            last = asked + Duration::days(21);
            self.go(id, step(Reviewed, last, "复查维持原处理意见")).await?;
        }
        let closing =
            PetitionStageRequest { satisfied: Some(i % 13 != 7), ..step(Closed, last + Duration::days(7), "") };
        self.go(id, closing).await
    }
}

/// Returns how many petitions were registered (none when the demo has them already).
pub(crate) async fn seed(app: &App) -> Result<usize> {
    use PetitionStage::*;
    if app.petitions_received(LINHUAN, 2021).await? > 0 {
        return Ok(0);
    }
    let sys = Actor::system("demo");
    let mut total = 0;
    for (town, officer, in_2020, in_2021, first) in TOWNS {
        let q = DivisionQuery { level: Some(Level::Village), per_page: Some(200), ..Default::default() };
        let villages = app.division_subtree(&sys, &DivisionCode::parse(town)?, q).await?.items;
        let villages =
            villages.into_iter().map(|v| (v.division.code.as_str().to_owned(), v.division.name.clone())).collect();
        let mut s = Seeder { app, officer: user(app, officer).await?, villages, n: 0, first };
        for i in 0..in_2020 {
            s.past(2020, i).await?;
        }
        for i in 0..in_2021 {
            s.past(2021, i + 3).await?;
        }
        let t = today();
        let days = |n: i64| t - Duration::days(n);
        if town == LINHUAN {
            // A matter run through review and re-review in 2021, and the same petitioner
            // with the same matter again yesterday: a repeat that is not accepted again.
            let id = s.register(0, Date::from_ordinal_date(2021, 40).unwrap_or(t), false, Some(9001)).await?;
            let d = |n: i64| Date::from_ordinal_date(2021, 40).unwrap_or(t) + Duration::days(n);
            s.go(id, step(Accepted, d(3), "")).await?;
            s.go(id, step(Replied, d(40), "已按政策核定补偿标准并书面答复")).await?;
            s.go(id, step(ReviewAsked, d(55), "")).await?;
            s.go(id, step(Reviewed, d(80), "复查维持原答复")).await?;
            s.go(id, step(RereviewAsked, d(95), "")).await?;
            s.go(id, step(Rereviewed, d(120), "复核维持复查意见，信访事项终结")).await?;
            s.go(id, step(Closed, d(121), "")).await?;
            s.register(0, days(1), false, Some(9001)).await?;
            // Open now: not yet told (overdue), sent on by the county, handling overdue,
            // extended with approval, a review under way.
            s.register(1, days(20), false, None).await?;
            s.register(2, days(2), true, None).await?;
            let late = s.register(3, days(75), false, None).await?;
            s.go(late, step(Accepted, days(70), "")).await?;
            let extended = s.register(4, days(50), false, None).await?;
            s.go(extended, step(Accepted, days(45), "")).await?;
            let ext = PetitionExtensionRequest {
                days: 30,
                approved_by: "临涣镇人民政府 镇长".into(),
                note: "涉及多个部门联合核查，已书面告知信访人延期理由".into(),
                on: Some(days(5).to_string()),
            };
            app.extend_petition(&s.officer, extended, ext).await?;
            let reviewing = s.register(5, days(60), false, None).await?;
            s.go(reviewing, step(Accepted, days(55), "")).await?;
            s.go(reviewing, step(Replied, days(12), "经核查符合条件，已纳入低保并书面答复")).await?;
            s.go(reviewing, step(ReviewAsked, days(5), "")).await?;
            let online = PetitionRequest {
                division: "340621104200".into(),
                channel: Channel::Online,
                kind: PetitionKind::Suggestion,
                title: "建议在临涣村设置便民服务点".into(),
                content: "村里老人办事要跑到镇上，建议设置代办点。".into(),
                people: 1,
                petitioner: petitioner(9002, "临涣镇临涣村"),
                received_on: None,
                sent_on: false,
            };
            app.public_petition(online).await?;
            s.n += 1;
        } else {
            let id = s.register(6, days(10), false, None).await?;
            s.go(id, step(Accepted, days(8), "")).await?;
        }
        total += s.n as usize;
    }
    Ok(total)
}

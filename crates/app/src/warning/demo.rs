//! The demo's hazard points and its replay of Xinluo's warning of 8 June 2022: an orange
//! geohazard weather risk warning from 20:00 for 24 hours over the district's ten rural
//! towns, drafted by the natural resources bureau, co-signed by the meteorological bureau
//! at 18:30, relayed to every town, village and monitor of the area. Most acknowledge
//! within the half hour the level allows; the rest are escalated to their town's command
//! center at 19:01 and to the district at 19:31, and some of those answer in between.
//! Monitors patrol their points in the evening; three find danger and move people.
//!
//! The points (names, places, monitors) are made for the demo, one for about half the
//! villages; they are not the bureau's survey.

use grassroots_domain::warning::{Level, Notice, RecipientKind, WarningId};
use grassroots_store::warning as store;

use super::DraftRequest;
use super::ack::PatrolRequest;
use crate::demo::user;
use crate::{Actor, App, Result};

const XINLUO_POINTS: &[u8] = include_bytes!("../../../../data/hazard-points/xinluo.csv");
const SUIXI_POINTS: &[u8] = include_bytes!("../../../../data/hazard-points/suixi.csv");

/// The ten rural towns of Xinluo (红坊镇 … 苏坂镇).
const AREA: [&str; 10] = [
    "350802100",
    "350802101",
    "350802102",
    "350802103",
    "350802104",
    "350802105",
    "350802106",
    "350802107",
    "350802108",
    "350802109",
];
/// 2022-06-08 18:30 in Beijing.
const PUBLISHED: &str = "2022-06-08T10:30:00.000000Z";

fn minutes_after(start: &str, minutes: i64) -> String {
    let t = grassroots_domain::core::time::from_stored(start).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    grassroots_domain::core::time::to_stored(t + time::Duration::minutes(minutes))
}

/// When a recipient answers, in minutes after publication, or never. Fixed per notice, so
/// the demo is the same every time: towns answer first, monitors last.
fn answer_after(n: &Notice) -> Option<i64> {
    let x = (n.id.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    let (quick, late) = match n.kind {
        RecipientKind::Town => (92, 100),
        RecipientKind::Village => (84, 92),
        RecipientKind::Monitor => (74, 86),
    };
    let roll = (x % 100) as i64;
    let spread = ((x >> 8) % 1000) as i64;
    match roll {
        r if r < quick => Some(2 + spread % 27),
        r if r < late => Some(35 + spread % 24),
        _ => None,
    }
}

/// Seeds the points and replays the warning; returns the notices made (0 the second time).
pub(crate) async fn seed(app: &App) -> Result<usize> {
    let resources = user(app, "xinluo.resources").await?;
    {
        let mut c = app.store.conn().await?;
        if !store::identifiers_like(&mut c, "35080200000000_20220608").await?.is_empty() {
            return Ok(0);
        }
    }
    app.import_hazard_points(&resources, XINLUO_POINTS).await?;
    app.import_hazard_points(&user(app, "suixi.resources").await?, SUIXI_POINTS).await?;
    let weather = user(app, "xinluo.weather").await?;
    let draft = DraftRequest {
        level: Level::Orange,
        onset: "2022-06-08 20:00".into(),
        expires: "2022-06-09 20:00".into(),
        areas: AREA.iter().map(|a| (*a).to_owned()).collect(),
        polygon: None,
        headline: "新罗区自然资源局、新罗区气象局联合发布地质灾害气象风险橙色预警".into(),
        description:
            "受强降雨影响，6月8日20时至9日20时，我区红坊、适中、雁石、白沙、万安、大池、小池、江山、岩山、苏坂等镇\
            发生崩塌、滑坡、泥石流等地质灾害的风险较高（橙色预警）。"
                .into(),
        instruction: String::new(),
    };
    let id = app.draft_warning_at(&resources, draft, &minutes_after(PUBLISHED, -40)).await?;
    let notices = app.cosign_warning_at(&weather, id, PUBLISHED).await? as usize;
    app.relay_due(PUBLISHED).await?;
    answer_and_escalate(app, id).await?;
    patrol(app, id).await?;
    Ok(notices)
}

async fn answer_and_escalate(app: &App, id: WarningId) -> Result<()> {
    let notices = {
        let mut c = app.store.conn().await?;
        store::notices(&mut c, id, "/").await?
    };
    // The demo's own accounts answer for their town, village and point; other recipients
    // answer by the link in their text message.
    let named = [
        (RecipientKind::Town, "350802104", user(app, "wanan.officer").await?),
        (RecipientKind::Village, "350802104201", user(app, "hongguang.village").await?),
    ];
    let monitor = user(app, "xinluo.monitor").await?;
    let linked: Vec<Actor> = notices.iter().map(|n| Actor::system(&format!("link:{}", n.id))).collect();
    let actor_of = |i: usize, n: &Notice| -> Actor {
        if let Some((_, _, a)) = named.iter().find(|(k, d, _)| *k == n.kind && *d == n.division_code) {
            return a.clone();
        }
        if n.kind == RecipientKind::Monitor && n.division_code == "350802104201" && n.name == "黄师傅" {
            return monitor.clone();
        }
        linked[i].clone()
    };
    let mut answers: Vec<(i64, usize)> =
        notices.iter().enumerate().filter_map(|(i, n)| answer_after(n).map(|m| (m, i))).collect();
    answers.sort_unstable();
    let actors: Vec<Actor> = notices.iter().enumerate().map(|(i, n)| actor_of(i, n)).collect();
    let mut escalations = [31, 61].into_iter().peekable();
    let mut minute = 0;
    let mut group: Vec<usize> = Vec::new();
    for (m, i) in answers.into_iter().chain([(i64::MAX, usize::MAX)]) {
        if m != minute && !group.is_empty() {
            let acks: Vec<(&Actor, &Notice)> = group.iter().map(|i| (&actors[*i], &notices[*i])).collect();
            super::ack::write(&app.store, &acks, &minutes_after(PUBLISHED, minute)).await?;
            group.clear();
        }
        while let Some(e) = escalations.peek().copied().filter(|e| *e <= m) {
            app.escalate_warnings(&minutes_after(PUBLISHED, e)).await?;
            escalations.next();
        }
        minute = m;
        if i != usize::MAX {
            group.push(i);
        }
    }
    Ok(())
}

/// Monitors report patrols of most points between 20:10 and 23:00; three find danger.
async fn patrol(app: &App, id: WarningId) -> Result<()> {
    let monitor = user(app, "xinluo.monitor").await?;
    let operator = Actor::system("demo");
    let points = {
        let mut c = app.store.conn().await?;
        let mut all = Vec::new();
        for town in AREA {
            let path = format!("/350000/350800/350802/{town}/");
            all.extend(store::points_under(&mut c, &path).await?);
        }
        all
    };
    for (i, p) in points.iter().enumerate() {
        let x = (p.id.0 as u64).wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40;
        let danger_found = [7, 41, 83].contains(&i);
        if x % 10 >= 8 && !danger_found {
            continue;
        }
        let req = PatrolRequest {
            point_id: p.id,
            danger_found,
            finding: if danger_found {
                "坡脚出现新裂缝，有小股浑水渗出，已拉警戒线".into()
            } else {
                "未见裂缝、鼓胀、浑水等异常".into()
            },
            evacuated: if danger_found { p.people.min(12) } else { 0 },
        };
        let actor = if p.monitors.iter().any(|m| m.username.as_deref() == Some("xinluo.monitor")) {
            &monitor
        } else {
            &operator
        };
        app.report_patrol_at(actor, id, req, &minutes_after(PUBLISHED, 100 + (i as i64 * 7) % 170)).await?;
    }
    Ok(())
}

//! The admission part of the demo: both pilot towns' lists (and the county template)
//! published, a stream of tasks from many county departments with all four outcomes, some
//! ruled on by the staffing office, one refusal appealed — so the review queue and the
//! burden dashboard have something to show.

use grassroots_domain::admission::Decision;
use grassroots_domain::admission::task::TargetState;
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::page::PageRequest;

use super::batch::read_tasks;
use super::lists::PublishRequest;
use super::tasks::{AppealRequest, NewTaskRequest, RulingRequest};
use crate::demo::{LINHUAN, SHUANGDUIJI, SUIXI, department, user};
use crate::{Actor, App, Result};

const LISTS: &[u8] = include_bytes!("../../../../data/screening/lists.csv");
const TASKS: &str = include_str!("../../../../data/screening/tasks.jsonl");
/// How many of the labelled tasks the demo sends.
const DEMO_TASKS: usize = 60;

/// Returns how many tasks were sent (none when the demo already has its lists).
pub(crate) async fn seed(app: &App) -> Result<usize> {
    let staffing = user(app, "suixi.staffing").await?;
    if app.list_versions(&staffing, None, PageRequest::default()).await?.total > 0 {
        return Ok(0);
    }
    for (code, note) in [
        (SUIXI, "濉溪县乡镇履职事项清单模板"),
        (LINHUAN, "临涣镇履职事项清单（2021年版）"),
        (SHUANGDUIJI, "双堆集镇履职事项清单（2021年版）"),
    ] {
        let v = app.import_list(&staffing, &DivisionCode::parse(code)?, LISTS, note).await?;
        app.publish_list(&staffing, v.id, PublishRequest { effective_from: "2021-10-01".into() }).await?;
    }
    let tasks = read_tasks(TASKS)?;
    let mut sent = Vec::new();
    for (i, t) in tasks.iter().take(DEMO_TASKS).enumerate() {
        let sender = sender_for(app, t.sender.as_deref()).await?;
        let targets = if i % 2 == 0 { vec![LINHUAN, SHUANGDUIJI] } else { vec![LINHUAN] };
        let req = NewTaskRequest {
            title: t.title.clone(),
            text: t.description.clone(),
            targets: targets.iter().map(|c| DivisionCode::parse(c)).collect::<Result<_, _>>()?,
            due_date: None,
            legal_basis: None,
        };
        sent.push((sender.clone(), app.send_task(&sender, req).await?));
    }
    // The staffing office works through part of its queue.
    let mut ruled = 0;
    for (_, view) in &sent {
        for target in view.targets.iter().filter(|t| t.state == TargetState::PendingReview) {
            let accept = ruled % 3 == 2;
            let reason = if accept {
                "属临时性应急任务，同意由乡镇承接"
            } else {
                "清单之外无事项，不予准入，请由部门自行承担"
            };
            app.rule_on_target(&staffing, target.id, RulingRequest { accept, reason: reason.into(), add_item: None })
                .await?;
            ruled += 1;
            if ruled == 6 {
                break;
            }
        }
        if ruled == 6 {
            break;
        }
    }
    // One department appeals a refusal by the negative list.
    if let Some((sender, target)) =
        sent.iter().find_map(|(s, v)| v.targets.iter().find(|t| t.decision == Decision::Negative).map(|t| (s, t.id)))
    {
        app.appeal_target(sender, target, AppealRequest { reason: "该项工作系上级统一部署，需乡镇协同推进".into() })
            .await?;
    }
    Ok(sent.len())
}

/// The county department that sends a labelled task ("县应急管理局" becomes
/// "濉溪县应急管理局").
async fn sender_for(app: &App, sender: Option<&str>) -> Result<Actor> {
    let name = match sender.unwrap_or("县市场监督管理局") {
        s if s.starts_with('县') => format!("濉溪{s}"),
        s => s.to_owned(),
    };
    department(app, &name).await
}

//! Acknowledgements and patrol reports. A notice is acknowledged by its recipient in the
//! app — a town's officers or dispatchers for the town, the village's officers for the
//! village, the monitor's own account for a monitor — or by the link in the text message,
//! which carries a MAC of the notice under the warning's secret. Acknowledgements are
//! committed in groups, like event reports: one writer takes all that wait, writes them
//! and their audit records in one transaction and answers each after the commit, so an
//! answered acknowledgement is on disk and thousands a second fit through one file.

use grassroots_domain::ValidationError;
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::{Permission, Role};
use grassroots_domain::warning::{
    HazardPointId, MessageType, Notice, NoticeId, Patrol, RecipientKind, WarningId, WarningState,
};
use grassroots_store::Store;
use grassroots_store::core::divisions;
use grassroots_store::warning as store;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::core::audit::{self, Change};
use crate::core::now;
use crate::{Actor, App, AppError, Result};

/// Acknowledgements written in one transaction, at most.
pub const MAX_BATCH: usize = 256;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Acknowledged {
    pub notice_id: NoticeId,
    pub warning_id: WarningId,
    pub name: String,
    pub acknowledged_at: String,
    /// It had been acknowledged before; the first time stands.
    pub already: bool,
}

pub(crate) struct Job {
    actor: Actor,
    notice: Notice,
    done: oneshot::Sender<Result<Acknowledged>>,
}

pub(crate) type AckQueue = mpsc::Sender<Job>;

pub(crate) fn start(store: Store) -> AckQueue {
    let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
    tokio::spawn(write_batches(store, rx));
    tx
}

async fn write_batches(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let batch = std::mem::take(&mut waiting);
        let at = now();
        let acks: Vec<(&Actor, &Notice)> = batch.iter().map(|j| (&j.actor, &j.notice)).collect();
        match write(&store, &acks, &at).await {
            Ok(firsts) => {
                for (job, first) in batch.into_iter().zip(firsts) {
                    let answer = Acknowledged {
                        notice_id: job.notice.id,
                        warning_id: job.notice.warning_id,
                        name: job.notice.name.clone(),
                        acknowledged_at: if first {
                            at.clone()
                        } else {
                            job.notice.acknowledged_at.clone().unwrap_or_else(|| at.clone())
                        },
                        already: !first,
                    };
                    let _ = job.done.send(Ok(answer));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for job in batch {
                    let _ =
                        job.done.send(Err(AppError::Conflict(format!("the acknowledgement was not saved: {message}"))));
                }
            }
        }
    }
}

/// The batch's acknowledgements and their audit records, all or none; answers, for each,
/// whether it was the notice's first (a notice twice in one batch is first once).
pub(crate) async fn write(store: &Store, acks: &[(&Actor, &Notice)], at: &str) -> Result<Vec<bool>> {
    let mut tx = store.begin().await?;
    let ids: Vec<(NoticeId, String)> = acks.iter().map(|(a, n)| (n.id, a.label())).collect();
    let done = store::acknowledge(&mut tx, &ids, at).await?;
    let mut seen = std::collections::HashSet::new();
    let firsts: Vec<bool> = acks.iter().map(|(_, n)| done.contains(&n.id) && seen.insert(n.id)).collect();
    let changes = acks
        .iter()
        .zip(&firsts)
        .filter(|(_, first)| **first)
        .map(|((actor, n), _)| {
            let change = Change {
                action: "warning.acknowledge",
                object_type: "warning_notice",
                object_id: n.id.to_string(),
                division_code: Some(n.division_code.clone()),
                before: None,
                after: audit::json(&serde_json::json!({ "warning": n.warning_id, "recipient": n.name })),
            };
            (*actor, change)
        })
        .collect();
    audit::record_many(&mut tx, changes).await?;
    tx.commit().await.map_err(grassroots_store::StoreError::from)?;
    Ok(firsts)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatrolRequest {
    pub point_id: HazardPointId,
    /// Signs of danger seen (cracks, bulging, muddy springs, falling stones).
    pub danger_found: bool,
    #[serde(default)]
    pub finding: String,
    /// People moved to the shelter.
    #[serde(default)]
    pub evacuated: i64,
}

impl App {
    async fn queue_ack(&self, actor: Actor, notice: Notice) -> Result<Acknowledged> {
        let (done, answer) = oneshot::channel();
        let stopped = || AppError::Conflict("the server is stopping; acknowledge again in a moment".into());
        self.acks.send(Job { actor, notice, done }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Acknowledges a notice addressed to the user: their town, their village, or a point
    /// they watch. Anyone else's notice is refused, saying whose it is.
    pub async fn acknowledge_notice(&self, actor: &Actor, id: NoticeId) -> Result<Acknowledged> {
        let mut c = self.store.conn().await?;
        let notice = store::notice(&mut c, id).await?.ok_or(AppError::NotFound)?;
        let code = DivisionCode::parse(&notice.division_code)?;
        let path = divisions::get(&mut c, &code).await?.map(|d| d.path).ok_or(AppError::NotFound)?;
        actor.may_act_on(&path, Permission::AcknowledgeWarnings)?;
        let monitor = match notice.monitor_id {
            Some(m) => store::monitor_username(&mut c, m).await?,
            None => None,
        };
        drop(c);
        let own = match notice.kind {
            RecipientKind::Town => {
                matches!(actor.role, Role::TownOfficer | Role::Dispatcher)
                    && actor.division_code == notice.division_code
            }
            RecipientKind::Village => actor.role == Role::VillageOfficer && actor.division_code == notice.division_code,
            RecipientKind::Monitor => monitor.as_deref() == Some(actor.username.as_str()),
        };
        if !own && actor.user_id.is_some() {
            return Err(AppError::NotYours(format!(
                "this notice is for {} ({}); each recipient acknowledges its own",
                notice.name,
                notice.kind.label_zh()
            )));
        }
        self.queue_ack(actor.clone(), notice).await
    }

    /// Acknowledges the notice of a text message's link, without login.
    pub async fn acknowledge_by_link(&self, token: &str) -> Result<Acknowledged> {
        let notice = self.notice_of_link(token).await?;
        let actor = Actor::system(&format!("link:{}", notice.id));
        self.queue_ack(actor, notice).await
    }

    /// The notice a link is for; a link that does not check out is not found.
    pub async fn notice_of_link(&self, token: &str) -> Result<Notice> {
        let id = token.split_once('.').and_then(|(id, _)| id.parse().ok()).map(NoticeId).ok_or(AppError::NotFound)?;
        let mut c = self.store.conn().await?;
        let (notice, secret) = store::notice_with_secret(&mut c, id).await?.ok_or(AppError::NotFound)?;
        if secret.is_empty() || !super::relay::token_checks(token, &secret) {
            return Err(AppError::NotFound);
        }
        Ok(notice)
    }

    /// A patrol of a point under a warning, by its monitor or the village's officer: what
    /// was found and how many people were moved.
    pub async fn report_patrol(&self, actor: &Actor, warning: WarningId, req: PatrolRequest) -> Result<Patrol> {
        self.report_patrol_at(actor, warning, req, &now()).await
    }

    pub(crate) async fn report_patrol_at(
        &self,
        actor: &Actor,
        warning: WarningId,
        req: PatrolRequest,
        at: &str,
    ) -> Result<Patrol> {
        let mut c = self.store.conn().await?;
        let w = store::get(&mut c, warning).await?.ok_or(AppError::NotFound)?.warning;
        if let Ok(code) = DivisionCode::parse(&w.division_code) {
            let path = divisions::get(&mut c, &code).await?.map(|d| d.path).ok_or(AppError::NotFound)?;
            actor.within_or_above(&path)?;
        }
        actor.require(Permission::ReportPatrols)?;
        let (point, path) = store::point_by_id(&mut c, req.point_id).await?.ok_or(AppError::NotFound)?;
        actor.within(&path)?;
        if actor.role == Role::HazardMonitor
            && !point.monitors.iter().any(|m| m.username.as_deref() == Some(&actor.username))
        {
            return Err(AppError::NotYours(format!("{} is watched by another monitor", point.name)));
        }
        if !matches!(w.state, WarningState::Published | WarningState::Superseded) || w.msg_type == MessageType::Cancel {
            return Err(AppError::Conflict("patrols are reported under a warning in force".into()));
        }
        if !store::told(&mut c, warning, &point.division_code).await? {
            return Err(ValidationError::new(
                "point_id",
                "outside_area",
                format!("{} is not in the warning's area", point.name),
            )
            .into());
        }
        drop(c);
        let mut e = ValidationError::default();
        if req.evacuated < 0 || req.evacuated > point.people {
            e.push("evacuated", "out_of_range", format!("0 to the {} people the point threatens", point.people));
        }
        if req.finding.chars().count() > 2000 {
            e.push("finding", "too_long", "at most 2,000 characters");
        }
        if req.danger_found && req.finding.trim().is_empty() {
            e.push("finding", "required", "say what danger was seen");
        }
        e.into_result()?;
        let mut patrol = Patrol {
            id: 0,
            warning_id: warning,
            point_id: point.id,
            danger_found: req.danger_found,
            finding: req.finding.trim().to_owned(),
            evacuated: req.evacuated,
            reported_by: actor.label(),
            reported_at: at.to_owned(),
        };
        let mut tx = self.store.begin().await?;
        patrol.id = store::insert_patrol(&mut tx, &patrol).await?;
        let change = Change {
            action: "warning.patrol",
            object_type: "warning_patrol",
            object_id: patrol.id.to_string(),
            division_code: Some(point.division_code.clone()),
            before: None,
            after: audit::json(&patrol),
        };
        audit::commit(tx, actor, change).await?;
        Ok(patrol)
    }
}

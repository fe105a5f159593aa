//! Group commit of reports. Every report waits in one queue; a single writer takes all
//! that are waiting (up to [`MAX_BATCH`]), looks up their divisions with one read (each
//! report must be in a town or village of its reporter's scope), writes each event, its
//! first timeline line and its audit record in one transaction, and only after that
//! commit — durable on disk — answers each sender. Many reporters share one flush instead
//! of queueing for one each, and nothing is acknowledged that a killed process could lose.

use std::collections::HashMap;

use grassroots_domain::ValidationError;
use grassroots_domain::command::{Event, EventId, EventLogLine, mask_phone};
use grassroots_domain::core::division::Level;
use grassroots_domain::core::role::Permission;
use grassroots_store::Store;
use grassroots_store::command as store;
use grassroots_store::core::divisions::{self, StoredDivision};
use tokio::sync::{mpsc, oneshot};

use crate::core::audit::{self, Change};
use crate::{Actor, AppError, Result};

/// Reports written in one transaction, at most.
pub const MAX_BATCH: usize = 64;

pub(crate) struct Job {
    actor: Actor,
    /// The event as reported: its town and county are filled in from its division.
    event: Event,
    /// From the public form: an unknown place is the reporter's mistake, not a secret.
    public: bool,
    done: oneshot::Sender<Result<EventId>>,
}

/// The queue's sending end; the writer stops when the last one is dropped.
pub(crate) type Intake = mpsc::Sender<Job>;

/// Starts the writer for `store` and returns its queue.
pub(crate) fn start(store: Store) -> Intake {
    let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
    tokio::spawn(write_batches(store, rx));
    tx
}

async fn write_batches(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let batch = placed(&store, std::mem::take(&mut waiting)).await;
        if batch.is_empty() {
            continue;
        }
        let events: Vec<(&Actor, &Event)> = batch.iter().map(|j| (&j.actor, &j.event)).collect();
        match write(&store, &events).await {
            Ok(ids) => {
                for (job, id) in batch.into_iter().zip(ids) {
                    let _ = job.done.send(Ok(id));
                }
            }
            // One bad report must not sink the others: each is tried alone.
            Err(_) if batch.len() > 1 => {
                for job in batch {
                    let one = write(&store, &[(&job.actor, &job.event)]).await.map(|ids| ids[0]);
                    let _ = job.done.send(one);
                }
            }
            Err(e) => {
                if let Some(job) = batch.into_iter().next() {
                    let _ = job.done.send(Err(e));
                }
            }
        }
    }
}

/// The jobs whose place is a town or village in their reporter's scope, each with its town
/// and county filled in; the others are answered with the reason.
async fn placed(store: &Store, batch: Vec<Job>) -> Vec<Job> {
    let codes: Vec<&str> = batch.iter().map(|j| j.event.division_code.as_str()).collect();
    let found = match store.conn().await {
        Ok(mut c) => divisions::get_many(&mut c, &codes).await.map_err(AppError::from),
        Err(e) => Err(e.into()),
    };
    let found = match found {
        Ok(found) => found,
        Err(e) => {
            for job in batch {
                let _ = job.done.send(Err(AppError::Conflict(format!("the report could not be placed: {e}"))));
            }
            return Vec::new();
        }
    };
    let mut placed = Vec::with_capacity(batch.len());
    for mut job in batch {
        match place(&mut job, &found) {
            Ok(()) => placed.push(job),
            Err(e) => {
                let _ = job.done.send(Err(e));
            }
        }
    }
    placed
}

fn place(job: &mut Job, found: &HashMap<String, StoredDivision>) -> Result<()> {
    let Some(d) = found.get(&job.event.division_code) else {
        return Err(if job.public {
            ValidationError::new("division", "unknown_division", "choose the town or village where it happened").into()
        } else {
            AppError::NotFound
        });
    };
    job.actor.may_act_on(&d.path, Permission::ReportEvents)?;
    job.event.town_code = match (d.division.level, &d.division.parent_code) {
        (Level::Town, _) => d.division.code.as_str().to_owned(),
        (Level::Village, Some(town)) => town.as_str().to_owned(),
        _ => return Err(ValidationError::new("division", "not_a_town", "events happen in a town or village").into()),
    };
    job.event.county_code = d.division.code.county_code().as_str().to_owned();
    Ok(())
}

/// Writes the events with their first timeline lines and audit records, all or none:
/// three inserts and two updates for the whole group.
pub async fn write(store: &Store, events: &[(&Actor, &Event)]) -> Result<Vec<EventId>> {
    let mut tx = store.begin().await?;
    let ids = write_in(&mut tx, events).await?;
    tx.commit().await.map_err(grassroots_store::StoreError::from)?;
    Ok(ids)
}

/// The same inside the caller's transaction, in slices that one statement can bind (a
/// province-wide warning raises an event in every town at once).
pub(crate) async fn write_in(tx: &mut grassroots_store::Tx, events: &[(&Actor, &Event)]) -> Result<Vec<EventId>> {
    let mut ids = Vec::with_capacity(events.len());
    for slice in events.chunks(grassroots_store::core::MAX_BINDS / 27) {
        ids.extend(write_slice(tx, slice).await?);
    }
    Ok(ids)
}

async fn write_slice(tx: &mut grassroots_store::Tx, events: &[(&Actor, &Event)]) -> Result<Vec<EventId>> {
    let plain: Vec<&Event> = events.iter().map(|(_, e)| *e).collect();
    let ids = store::insert_many(tx, &plain).await?;
    let stored: Vec<Event> = plain.iter().zip(&ids).map(|(e, id)| Event { id: *id, ..(*e).clone() }).collect();
    let lines: Vec<(&Event, EventLogLine)> = stored
        .iter()
        .zip(events)
        .map(|(e, (actor, _))| {
            let line = EventLogLine {
                action: "reported".into(),
                note: format!("{} · {}", e.source.label_zh(), e.tracking_number),
                recorded_by: actor.label(),
                recorded_at: e.created_at.clone(),
            };
            (e, line)
        })
        .collect();
    store::log_many(tx, &lines).await?;
    let changes = stored
        .iter()
        .zip(events)
        .map(|(e, (actor, _))| {
            let change = Change {
                action: "event.report",
                object_type: "event",
                object_id: e.id.to_string(),
                division_code: Some(e.division_code.clone()),
                before: None,
                after: audit::json(&Event { reporter_phone: mask_phone(&e.reporter_phone), ..e.clone() }),
            };
            (*actor, change)
        })
        .collect();
    audit::record_many(tx, changes).await?;
    Ok(ids)
}

/// Hands a report to the writer and waits until it is on disk.
pub(crate) async fn submit(queue: &Intake, actor: &Actor, event: Event, public: bool) -> Result<EventId> {
    let (done, answer) = oneshot::channel();
    let job = Job { actor: actor.clone(), event, public, done };
    let stopped = || AppError::Conflict("the server is stopping; report again in a moment".into());
    queue.send(job).await.map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())?
}

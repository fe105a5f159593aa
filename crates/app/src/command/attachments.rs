//! Files attached to events. Each is kept once on disk under its SHA-256 (written to a
//! temporary name, synced, then renamed, so a crash leaves no half file under a real name),
//! recorded in the event's row set and timeline, and checked against its digest whenever it
//! is read back.

use std::io::Write;
use std::path::{Path, PathBuf};

use grassroots_domain::command::{Attachment, AttachmentId, EventId, EventLogLine, EventState, MAX_ATTACHMENTS};
use grassroots_domain::core::role::Permission;
use grassroots_domain::{ValidationError, command::check_attachment};
use grassroots_store::command as store;
use sha2::{Digest, Sha256};

use crate::core::audit::{self, Change};
use crate::core::now;
use crate::{Actor, App, AppError, Result};

/// `dir/ab/abcdef…`: two hex digits of fan-out keep directories small.
fn path_of(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(&sha256[..2]).join(sha256)
}

fn write_durably(dir: &Path, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = path_of(dir, sha256);
    if path.metadata().is_ok_and(|m| m.len() == bytes.len() as u64) {
        return Ok(());
    }
    let folder = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(folder)?;
    let tmp = folder.join(format!(".{sha256}.{}.tmp", rand::random::<u64>()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    std::fs::File::open(folder)?.sync_all()
}

impl App {
    /// Attaches a file to an event: by those who report events, the command center, and
    /// the body the event is dispatched to.
    pub async fn attach_to_event(
        &self,
        actor: &Actor,
        id: EventId,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<Attachment> {
        let event = self.event_in_scope(actor, id).await?;
        if !actor.role.may(Permission::ReportEvents) {
            self.may_work(actor, &event).await?;
        }
        if event.state == EventState::Merged {
            return Err(ValidationError::new("event", "merged", "attach files to the event it was merged into").into());
        }
        let media_type = check_attachment(file_name, &bytes)?;
        let mut c = self.store.conn().await?;
        if store::attachments(&mut c, id).await?.len() >= MAX_ATTACHMENTS {
            return Err(ValidationError::new(
                "file",
                "too_many_files",
                format!("an event takes at most {MAX_ATTACHMENTS} files"),
            )
            .into());
        }
        drop(c);
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let dir = self.settings.files_dir.clone();
        let digest = sha256.clone();
        tokio::task::spawn_blocking(move || write_durably(&dir, &digest, &bytes))
            .await
            .map_err(|e| AppError::Files(e.to_string()))?
            .map_err(|e| AppError::Files(format!("cannot store the file: {e}")))?;
        let mut a = Attachment {
            id: AttachmentId(0),
            event_id: id,
            file_name: file_name.trim().to_owned(),
            media_type: media_type.to_owned(),
            size,
            sha256,
            added_by: actor.label(),
            added_at: now(),
        };
        let mut tx = self.store.begin().await?;
        a.id = store::add_attachment(&mut tx, &event, &a).await?;
        let line = EventLogLine {
            action: "attached".into(),
            note: a.file_name.clone(),
            recorded_by: actor.label(),
            recorded_at: a.added_at.clone(),
        };
        store::log(&mut tx, &event, &line).await?;
        let change = Change {
            action: "event.attach",
            object_type: "event",
            object_id: id.to_string(),
            division_code: Some(event.division_code.clone()),
            before: None,
            after: audit::json(&a),
        };
        audit::commit(tx, actor, change).await?;
        Ok(a)
    }

    /// An attached file and its content, for those who may read the event. A file that no
    /// longer matches its digest is an error, never served.
    pub async fn event_attachment(
        &self,
        actor: &Actor,
        id: EventId,
        file: AttachmentId,
    ) -> Result<(Attachment, Vec<u8>)> {
        self.event_in_scope(actor, id).await?;
        let mut c = self.store.conn().await?;
        let a = store::attachment_of(&mut c, id, file).await?.ok_or(AppError::NotFound)?;
        drop(c);
        let path = path_of(&self.settings.files_dir, &a.sha256);
        let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
            .await
            .map_err(|e| AppError::Files(e.to_string()))?
            .map_err(|e| AppError::Files(format!("attachment {} of event {id}: {e}", a.id)))?;
        if hex::encode(Sha256::digest(&bytes)) != a.sha256 {
            return Err(AppError::Files(format!("attachment {} of event {id} does not match its SHA-256", a.id)));
        }
        Ok((a, bytes))
    }
}

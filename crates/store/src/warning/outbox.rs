//! Webhook subscriptions and the outbox of deliveries (texts, webhook calls).

use grassroots_domain::warning::{NoticeId, WarningId, Webhook};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::core::under;

fn webhook(r: &AnyRow) -> Result<Webhook> {
    Ok(Webhook {
        id: r.try_get("id")?,
        division_code: r.try_get("division_code")?,
        url: r.try_get("url")?,
        secret: r.try_get("secret")?,
        active: r.try_get::<i64, _>("active")? != 0,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert_webhook(c: &mut AnyConnection, w: &Webhook) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO warning_webhook (division_code, url, secret, active, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&w.division_code)
    .bind(&w.url)
    .bind(&w.secret)
    .bind(i64::from(w.active))
    .bind(&w.created_by)
    .bind(&w.created_at)
    .fetch_one(c)
    .await?)
}

/// Active webhooks of divisions under `scope_path` or above it, with their division's path.
pub async fn webhooks(c: &mut AnyConnection, scope_path: &str) -> Result<Vec<(Webhook, String)>> {
    let rows = sqlx::query(
        "SELECT h.id, h.division_code, h.url, h.secret, h.active, h.created_by, h.created_at, d.path \
         FROM warning_webhook h JOIN division d ON d.code = h.division_code \
         WHERE h.active = 1 AND (d.path LIKE $1 OR $2 LIKE d.path || '%') ORDER BY h.id",
    )
    .bind(under(scope_path))
    .bind(scope_path)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((webhook(r)?, r.try_get("path")?))).collect()
}

pub async fn webhook_by_id(c: &mut AnyConnection, id: i64) -> Result<Option<Webhook>> {
    let row = sqlx::query(
        "SELECT id, division_code, url, secret, active, created_by, created_at FROM warning_webhook WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?;
    row.as_ref().map(webhook).transpose()
}

/// A delivery owed: a text to a monitor or a webhook call.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub warning_id: WarningId,
    pub channel: String,
    pub notice_id: Option<NoticeId>,
    pub webhook_id: Option<i64>,
    pub attempts: i64,
}

/// Deliveries pending and due at `now`, oldest first.
pub async fn due(c: &mut AnyConnection, now: &str, limit: i64) -> Result<Vec<Delivery>> {
    let rows = sqlx::query(
        "SELECT id, warning_id, channel, notice_id, webhook_id, attempts FROM warning_delivery \
         WHERE state = 'pending' AND next_at <= $1 ORDER BY next_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Delivery {
                id: r.try_get("id")?,
                warning_id: WarningId(r.try_get("warning_id")?),
                channel: r.try_get("channel")?,
                notice_id: r.try_get::<Option<i64>, _>("notice_id")?.map(NoticeId),
                webhook_id: r.try_get("webhook_id")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// Records an attempt: sent, or failed with the next try at `next_at` (none: given up).
pub async fn attempted(
    c: &mut AnyConnection,
    id: i64,
    now: &str,
    error: Option<&str>,
    next_at: Option<&str>,
) -> Result<()> {
    let state = match (error, next_at) {
        (None, _) => "sent",
        (Some(_), Some(_)) => "pending",
        (Some(_), None) => "failed",
    };
    sqlx::query(
        "UPDATE warning_delivery SET state = $1, attempts = attempts + 1, sent_at = $2, last_error = $3, \
         next_at = COALESCE($4, next_at) WHERE id = $5 AND state = 'pending'",
    )
    .bind(state)
    .bind(error.is_none().then_some(now))
    .bind(error)
    .bind(next_at)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

/// Per channel and state: (channel, state, count) of a warning's deliveries.
pub async fn delivery_counts(c: &mut AnyConnection, warning: WarningId) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT channel, state, COUNT(*) AS n FROM warning_delivery WHERE warning_id = $1 \
         GROUP BY channel, state ORDER BY channel, state",
    )
    .bind(warning.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("channel")?, r.try_get("state")?, r.try_get("n")?))).collect()
}

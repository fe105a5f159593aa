//! Relay: at publication, one notice per town, village and hazard monitor of the area and
//! one delivery per text message and webhook owed, all in the publishing transaction — the
//! outbox. A worker sends what is due: texts through the SMS gateway, webhooks signed with
//! HMAC-SHA256 and retried with backoff. A delivery is marked sent once, after it went out;
//! a restart between the two sends it again with the same delivery id, by which the
//! receiving end drops the repeat. Silence past the level's minutes escalates a notice to
//! its town's command center (an event there), and as long again to the county.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use grassroots_domain::ValidationError;
use grassroots_domain::command::{Category, Event, EventId, EventState, Source};
use grassroots_domain::core::body::BodyKind;
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Permission;
use grassroots_domain::core::time::{display_local, from_stored, to_stored};
use grassroots_domain::warning::{NoticeId, Warning, WarningId, Webhook};
use grassroots_store::Tx;
use grassroots_store::core::bodies::{self, BodyFilter};
use grassroots_store::warning::{self as store, Delivery, Stored};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::core::audit::{self, Change};
use crate::core::tracking;
use crate::{Actor, App, Result};

/// Tries of a delivery before it is given up (and shown as failed on the board).
pub const MAX_ATTEMPTS: i64 = 8;
/// Deliveries taken from the outbox at a time.
const BATCH: i64 = 500;

/// Sends text messages. The demo's gateway only logs; an installation plugs in its
/// operator's.
pub trait SmsGateway: Send + Sync + std::fmt::Debug {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Writes each message to the log and keeps the last thousand, for the demo and tests.
#[derive(Debug, Default)]
pub struct LoggingSms {
    sent: Mutex<Vec<(String, String)>>,
}

impl LoggingSms {
    /// The messages kept: (phone, text), oldest first.
    pub fn sent(&self) -> Vec<(String, String)> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl SmsGateway for LoggingSms {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            tracing::debug!(target: "sms", phone = %grassroots_domain::command::mask_phone(phone), text, "text message");
            if let Ok(mut s) = self.sent.lock() {
                if s.len() >= 1000 {
                    s.remove(0);
                }
                s.push((phone.to_owned(), text.to_owned()));
            }
            Ok(())
        })
    }
}

/// What publication queued.
pub(crate) struct Relayed {
    pub notices: u64,
    pub texts: u64,
    pub webhooks: u64,
}

/// Notices for everyone under the area's divisions (`paths`), a text for every monitor,
/// and a call of every webhook whose division meets the area; inside `tx`.
pub(crate) async fn notify(tx: &mut Tx, id: WarningId, paths: &[String], at: &str) -> Result<Relayed> {
    let mut notices = 0;
    let mut hooks = BTreeSet::new();
    for path in paths {
        notices += store::notify_under(tx, id, path, at).await?;
        for (hook, _) in store::webhooks(tx, path).await? {
            hooks.insert(hook.id);
        }
    }
    let texts = store::queue_texts(tx, id, at).await?;
    for hook in &hooks {
        store::queue_webhook(tx, id, *hook, at).await?;
    }
    Ok(Relayed { notices, texts, webhooks: hooks.len() as u64 })
}

fn hmac_hex(key: &[u8], data: &[u8]) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(data);
    hex::encode(m.finalize().into_bytes())
}

/// The token of a notice's acknowledgement link: its id and a MAC under the warning's
/// secret, so a link cannot be made up for another notice.
pub fn ack_token(secret: &str, notice: NoticeId) -> String {
    let mac = hmac_hex(secret.as_bytes(), notice.0.to_string().as_bytes());
    format!("{}.{}", notice.0, &mac[..24])
}

/// Whether a token's MAC is right under `secret` for the notice it names.
pub(crate) fn token_checks(token: &str, secret: &str) -> bool {
    let token = token.trim();
    let Some(id) = token.split_once('.').and_then(|(id, _)| id.parse().ok()) else { return false };
    let expected = ack_token(secret, NoticeId(id));
    // Compared whole and in constant time.
    expected.len() == token.len() && expected.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The webhook signature header's value for a body.
pub fn signature(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hmac_hex(secret.as_bytes(), body))
}

fn backoff(attempts: i64, now: &str) -> Option<String> {
    (attempts + 1 < MAX_ATTEMPTS).then(|| {
        let t = from_stored(now).unwrap_or_else(time::OffsetDateTime::now_utc);
        to_stored(t + time::Duration::minutes(1 << attempts.clamp(0, 10)))
    })
}

impl App {
    /// Sends every delivery due at `now`; returns how many went out.
    pub async fn relay_due(&self, now: &str) -> Result<usize> {
        let mut sent = 0;
        let mut warnings: HashMap<WarningId, Stored> = HashMap::new();
        loop {
            let due = {
                let mut c = self.store.conn().await?;
                store::due(&mut c, now, BATCH).await?
            };
            if due.is_empty() {
                return Ok(sent);
            }
            for d in &due {
                if let std::collections::hash_map::Entry::Vacant(slot) = warnings.entry(d.warning_id) {
                    let mut c = self.store.conn().await?;
                    if let Some(w) = store::get(&mut c, d.warning_id).await? {
                        slot.insert(w);
                    }
                }
                let outcome = match warnings.get(&d.warning_id) {
                    Some(w) => self.deliver(d, w).await,
                    None => Err("the warning is gone".into()),
                };
                let mut c = self.store.conn().await?;
                match outcome {
                    Ok(()) => {
                        store::attempted(&mut c, d.id, now, None, None).await?;
                        sent += 1;
                    }
                    Err(e) => {
                        tracing::warn!(delivery = d.id, channel = %d.channel, error = %e, "delivery failed");
                        store::attempted(&mut c, d.id, now, Some(&e), backoff(d.attempts, now).as_deref()).await?;
                    }
                }
            }
            if (due.len() as i64) < BATCH {
                return Ok(sent);
            }
        }
    }

    async fn deliver(&self, d: &Delivery, w: &Stored) -> Result<(), String> {
        let store_err = |e: grassroots_store::StoreError| e.to_string();
        let mut c = self.store.conn().await.map_err(store_err)?;
        match (d.channel.as_str(), d.notice_id, d.webhook_id) {
            ("sms", Some(notice), _) => {
                let phone = store::monitor_phone(&mut c, notice).await.map_err(store_err)?;
                drop(c);
                let phone = phone.ok_or("the monitor has no phone")?;
                let text = self.text_of(w, notice);
                let sending = self.settings.sms.send(&phone, &text);
                tokio::time::timeout(std::time::Duration::from_secs(10), sending)
                    .await
                    .unwrap_or_else(|_| Err("the SMS gateway did not answer within 10 s".into()))
            }
            ("webhook", _, Some(hook)) => {
                let hook = store::webhook_by_id(&mut c, hook).await.map_err(store_err)?.ok_or("no such webhook")?;
                drop(c);
                let body = serde_json::json!({
                    "delivery": d.id,
                    "warning": w.warning,
                    "cap": w.cap_xml,
                    "cap_url": format!("{}/warnings/{}/cap.xml", self.settings.public_url, w.warning.id),
                });
                let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
                let res = reqwest::Client::new()
                    .post(&hook.url)
                    .timeout(std::time::Duration::from_secs(10))
                    .header("content-type", "application/json")
                    .header("x-grassroots-delivery", d.id.to_string())
                    .header("x-grassroots-signature", signature(&hook.secret, &body))
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if res.status().is_success() { Ok(()) } else { Err(format!("the webhook answered {}", res.status())) }
            }
            _ => Err(format!("a {} delivery without its recipient", d.channel)),
        }
    }

    /// The text a monitor gets: who warns, of what, when, what to do, and the link that
    /// acknowledges it.
    pub(crate) fn text_of(&self, w: &Stored, notice: NoticeId) -> String {
        let v = &w.warning;
        let link =
            format!("{}/ack/{}", self.settings.public_url, ack_token(w.relay_secret.as_deref().unwrap_or(""), notice));
        format!(
            "【{}】{}：{}至{}。{}收到请点击确认：{link}",
            v.drafting_body,
            v.headline,
            display_local(&v.onset),
            display_local(&v.expires),
            v.instruction
        )
    }

    /// Escalates the notices still silent at `at`: past the level's minutes, to the town's
    /// command center (one event per town, where the town has one); as long again, to the
    /// county. Returns how many notices went up.
    pub async fn escalate_warnings(&self, at: &str) -> Result<u64> {
        let warnings = {
            let mut c = self.store.conn().await?;
            store::relaying(&mut c, at).await?
        };
        let mut raised = 0;
        for w in warnings {
            // One warning that fails must not hold up the others.
            match self.escalate_warning(&w, at).await {
                Ok(n) => raised += n,
                Err(e) => tracing::warn!(warning = %w.id, error = %e, "escalating a warning failed"),
            }
        }
        Ok(raised)
    }

    /// One warning's escalation, its command-center events and its audit record, all or none.
    async fn escalate_warning(&self, w: &Warning, at: &str) -> Result<u64> {
        let actor = Actor::system("warning-escalation");
        let rule = self.rule_for(&w.division_code, w.level).await?;
        let cutoff = from_stored(at)
            .map(|t| to_stored(t - time::Duration::minutes(rule.acknowledge_within_minutes)))
            .unwrap_or_default();
        let mut tx = self.store.begin().await?;
        let to_towns = store::escalate(&mut tx, w.id, 0, &cutoff, at).await?;
        let to_county = store::escalate(&mut tx, w.id, 1, &cutoff, at).await?;
        if to_towns.is_empty() && to_county.is_empty() {
            return Ok(0);
        }
        let events = command_center_events(&mut tx, &w.headline, w.id, &to_towns, at).await?;
        let pairs: Vec<(&Actor, &Event)> = events.iter().map(|e| (&actor, e)).collect();
        crate::command::intake::write_in(&mut tx, &pairs).await?;
        let count = |v: &[(String, i64)]| v.iter().map(|(_, n)| *n).sum::<i64>();
        let change = Change {
            action: "warning.escalate",
            object_type: "warning",
            object_id: w.id.to_string(),
            division_code: Some(w.division_code.clone()),
            before: None,
            after: audit::json(&serde_json::json!({
                "to_town_command_centers": count(&to_towns),
                "to_county": count(&to_county),
                "towns": to_towns.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            })),
        };
        audit::commit(tx, &actor, change).await?;
        Ok((count(&to_towns) + count(&to_county)) as u64)
    }
}

/// One event for each town with a command center, naming how many are silent.
async fn command_center_events(
    c: &mut Tx,
    headline: &str,
    id: WarningId,
    towns: &[(String, i64)],
    at: &str,
) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    for (town, silent) in towns {
        let Ok(code) = DivisionCode::parse(town) else { continue };
        let filter = BodyFilter { division: Some(code.clone()), kind: Some(BodyKind::CommandCenter), name: None };
        if bodies::list(c, "/", &filter, 1, 0).await?.1 == 0 {
            continue;
        }
        events.push(Event {
            id: EventId(0),
            county_code: code.county_code().as_str().to_owned(),
            town_code: town.clone(),
            division_code: town.clone(),
            tracking_number: tracking::tracking_number("SJ"),
            source: Source::Warning,
            category: Category::Safety,
            title: format!("预警未确认：{silent} 个接收方"),
            description: format!(
                "{headline}（预警 {id}）发出后，{silent} 个村（社区）、群测群防员或本镇未在时限内确认，请逐一电话落实。"
            ),
            address: String::new(),
            lon: None,
            lat: None,
            reporter_name: String::new(),
            reporter_phone: String::new(),
            state: EventState::New,
            office: None,
            dispatched_on: None,
            due_on: None,
            paused_on: None,
            extra_days: 0,
            resolved_on: None,
            closed_on: None,
            merged_into: None,
            satisfied: None,
            escalation: 0,
            escalated_on: None,
            created_by: "system:warning-escalation".into(),
            created_at: at.to_owned(),
        });
    }
    Ok(events)
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// `http://…` of the receiving system (or of the egress proxy that reaches it).
    pub url: String,
}

/// A new subscription and its secret, shown this once.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WebhookCreated {
    pub webhook: Webhook,
    /// Verifies `X-Grassroots-Signature: sha256=HMAC-SHA256(secret, body)`.
    pub secret: String,
}

impl App {
    /// Subscribes a webhook to the warnings whose area meets the administrator's division.
    pub async fn add_webhook(&self, actor: &Actor, req: WebhookRequest) -> Result<WebhookCreated> {
        actor.require(Permission::ManageWebhooks)?;
        let url = req.url.trim();
        let rest = url.strip_prefix("http://").unwrap_or("");
        if rest.is_empty() || rest.starts_with('/') || url.len() > 500 || url.chars().any(char::is_whitespace) {
            return Err(ValidationError::new(
                "url",
                "invalid_url",
                "an http:// address of the receiving system or of the egress proxy that reaches it",
            )
            .into());
        }
        let secret = hex::encode(rand::random::<[u8; 32]>());
        let mut hook = Webhook {
            id: 0,
            division_code: actor.division_code.clone(),
            url: url.to_owned(),
            secret: secret.clone(),
            active: true,
            created_by: actor.label(),
            created_at: crate::core::now(),
        };
        let mut tx = self.store.begin().await?;
        hook.id = store::insert_webhook(&mut tx, &hook).await?;
        let change = Change {
            action: "warning.webhook",
            object_type: "warning_webhook",
            object_id: hook.id.to_string(),
            division_code: Some(hook.division_code.clone()),
            before: None,
            after: audit::json(&hook),
        };
        audit::commit(tx, actor, change).await?;
        Ok(WebhookCreated { webhook: hook, secret })
    }

    /// The webhooks of the administrator's scope.
    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<Webhook>> {
        actor.require(Permission::ManageWebhooks)?;
        let mut c = self.store.conn().await?;
        let all = store::webhooks(&mut c, &actor.scope_path).await?;
        Ok(all.into_iter().filter(|(_, path)| actor.sees(path)).map(|(h, _)| h).collect())
    }
}

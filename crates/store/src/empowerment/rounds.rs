//! Rounds and the orders towns place in them, with assessments and decisions. Every state
//! change is a guarded UPDATE, so two officers acting at once cannot both succeed.

use grassroots_domain::empowerment::{MatterId, Opinion, Order, OrderDecision, OrderId, Round, RoundId, RoundStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::under;
use crate::{Result, StoreError, parse_col};

const ROUND_COLS: &str = "r.id, r.county_code, r.title, r.deadline, r.status, r.effective_from, r.created_by, \
    r.created_at, r.closed_at, r.published_by, r.published_at";

fn round(r: &AnyRow) -> Result<Round> {
    let status: String = r.try_get("status")?;
    Ok(Round {
        id: RoundId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        title: r.try_get("title")?,
        deadline: r.try_get("deadline")?,
        status: parse_col::<RoundStatus>(&status, "empowerment_round.status")?,
        effective_from: r.try_get("effective_from")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        closed_at: r.try_get("closed_at")?,
        published_by: r.try_get("published_by")?,
        published_at: r.try_get("published_at")?,
    })
}

pub async fn insert_round(
    c: &mut AnyConnection,
    county: &str,
    title: &str,
    deadline: &str,
    by: &str,
    now: &str,
) -> Result<Round> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO empowerment_round (county_code, title, deadline, status, created_by, created_at) \
         VALUES ($1, $2, $3, 'open', $4, $5) RETURNING id",
    )
    .bind(county)
    .bind(title)
    .bind(deadline)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?;
    get_round(c, RoundId(id)).await?.ok_or(StoreError::Corrupt("round vanished".into()))
}

pub async fn get_round(c: &mut AnyConnection, id: RoundId) -> Result<Option<Round>> {
    let row = sqlx::query(sql!("SELECT {ROUND_COLS} FROM empowerment_round r WHERE r.id = $1"))
        .bind(id.0)
        .fetch_optional(c)
        .await?;
    row.as_ref().map(round).transpose()
}

/// Rounds of a county, newest first.
pub async fn rounds(c: &mut AnyConnection, county: &str) -> Result<Vec<Round>> {
    let rows = sqlx::query(sql!(
        "SELECT {ROUND_COLS} FROM empowerment_round r WHERE r.county_code = $1 ORDER BY r.created_at DESC, r.id DESC"
    ))
    .bind(county)
    .fetch_all(c)
    .await?;
    rows.iter().map(round).collect()
}

/// Holds the round's row until the transaction ends, so that orders, assessments and
/// decisions serialise with closing and publishing, and each sees the round as it is.
pub async fn lock_round(c: &mut AnyConnection, id: RoundId) -> Result<Option<Round>> {
    sqlx::query("UPDATE empowerment_round SET id = id WHERE id = $1").bind(id.0).execute(&mut *c).await?;
    get_round(c, id).await
}

/// Ends ordering; false when the round was not open any more.
pub async fn close(c: &mut AnyConnection, id: RoundId, now: &str) -> Result<bool> {
    let r =
        sqlx::query("UPDATE empowerment_round SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open'")
            .bind(now)
            .bind(id.0)
            .execute(c)
            .await?;
    Ok(r.rows_affected() == 1)
}

/// Publishes a round; false when it was published already.
pub async fn publish(c: &mut AnyConnection, id: RoundId, effective_from: &str, by: &str, now: &str) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE empowerment_round SET status = 'published', effective_from = $1, published_by = $2, published_at = $3 \
         WHERE id = $4 AND status <> 'published'",
    )
    .bind(effective_from)
    .bind(by)
    .bind(now)
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

const ORDER_COLS: &str = "o.id, o.round_id, o.county_code, o.division_code, d.name AS town_name, m.code AS matter_code, \
    m.name AS matter_name, m.power_type, m.department, o.reason, o.yearly_volume, o.ordered_by, o.ordered_at, \
    o.opinion, o.assessment, o.assessed_by, o.assessed_at, o.decision, o.decision_reason, o.decided_by, o.decided_at";
const ORDER_FROM: &str =
    "FROM power_order o JOIN catalog_matter m ON m.id = o.matter_id JOIN division d ON d.code = o.division_code";

fn order(r: &AnyRow) -> Result<Order> {
    let power_type: String = r.try_get("power_type")?;
    let opinion: Option<String> = r.try_get("opinion")?;
    let decision: Option<String> = r.try_get("decision")?;
    Ok(Order {
        id: OrderId(r.try_get("id")?),
        round_id: RoundId(r.try_get("round_id")?),
        county_code: r.try_get("county_code")?,
        division_code: r.try_get("division_code")?,
        town_name: r.try_get("town_name")?,
        matter_code: r.try_get("matter_code")?,
        matter_name: r.try_get("matter_name")?,
        power_type: parse_col(&power_type, "catalog_matter.power_type")?,
        department: r.try_get("department")?,
        reason: r.try_get("reason")?,
        yearly_volume: r.try_get("yearly_volume")?,
        ordered_by: r.try_get("ordered_by")?,
        ordered_at: r.try_get("ordered_at")?,
        opinion: opinion.map(|o| parse_col::<Opinion>(&o, "power_order.opinion")).transpose()?,
        assessment: r.try_get("assessment")?,
        assessed_by: r.try_get("assessed_by")?,
        assessed_at: r.try_get("assessed_at")?,
        decision: decision.map(|d| parse_col::<OrderDecision>(&d, "power_order.decision")).transpose()?,
        decision_reason: r.try_get("decision_reason")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
    })
}

pub struct NewOrder<'a> {
    pub round: RoundId,
    pub town: &'a str,
    pub matter: MatterId,
    pub reason: &'a str,
    pub yearly_volume: i64,
    pub by: &'a str,
    pub now: &'a str,
}

pub async fn insert_order(c: &mut AnyConnection, o: &NewOrder<'_>) -> Result<OrderId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO power_order (county_code, round_id, division_code, matter_id, reason, yearly_volume, ordered_by, \
         ordered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(o.town.get(..6).unwrap_or(o.town))
    .bind(o.round.0)
    .bind(o.town)
    .bind(o.matter.0)
    .bind(o.reason)
    .bind(o.yearly_volume)
    .bind(o.by)
    .bind(o.now)
    .fetch_one(c)
    .await
    .map_err(StoreError::on_duplicate("town and matter in this round (the town has already ordered it)"))?;
    Ok(OrderId(id))
}

/// An order, the body that owns its matter, and the path of the town.
pub async fn get_order(c: &mut AnyConnection, id: OrderId) -> Result<Option<(Order, i64, String)>> {
    let row = sqlx::query(sql!("SELECT {ORDER_COLS}, m.department_body_id, d.path {ORDER_FROM} WHERE o.id = $1"))
        .bind(id.0)
        .fetch_optional(c)
        .await?;
    row.map(|r| Ok((order(&r)?, r.try_get("department_body_id")?, r.try_get("path")?))).transpose()
}

/// Orders of a round from towns under `scope_path`; only one town's, or only those of one
/// department's matters, when given.
pub async fn orders(
    c: &mut AnyConnection,
    round: RoundId,
    scope_path: &str,
    town: Option<&str>,
    department_body: Option<i64>,
) -> Result<Vec<Order>> {
    let rows = sqlx::query(sql!(
        "SELECT {ORDER_COLS} {ORDER_FROM} WHERE o.round_id = $1 AND d.path LIKE $2 \
         AND ($3 = '' OR o.division_code = $3) AND ($4 = 0 OR m.department_body_id = $4) ORDER BY o.division_code, m.code"
    ))
    .bind(round.0)
    .bind(under(scope_path))
    .bind(town.unwrap_or_default())
    .bind(department_body.unwrap_or(0))
    .fetch_all(c)
    .await?;
    rows.iter().map(order).collect()
}

/// Records an assessment; false when the order was already assessed.
pub async fn assess(
    c: &mut AnyConnection,
    id: OrderId,
    opinion: Opinion,
    text: &str,
    by: &str,
    now: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE power_order SET opinion = $1, assessment = $2, assessed_by = $3, assessed_at = $4 \
         WHERE id = $5 AND opinion IS NULL",
    )
    .bind(opinion.as_str())
    .bind(text)
    .bind(by)
    .bind(now)
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records a decision; false when the order was already decided.
pub async fn decide(
    c: &mut AnyConnection,
    id: OrderId,
    decision: OrderDecision,
    reason: &str,
    by: &str,
    now: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE power_order SET decision = $1, decision_reason = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $5 AND decision IS NULL",
    )
    .bind(decision.as_str())
    .bind(reason)
    .bind(by)
    .bind(now)
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// (orders not yet assessed, orders not yet decided) of a round.
pub async fn open_counts(c: &mut AnyConnection, round: RoundId) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN opinion IS NULL THEN 1 ELSE 0 END), 0) AS unassessed, \
         COALESCE(SUM(CASE WHEN decision IS NULL THEN 1 ELSE 0 END), 0) AS undecided FROM power_order WHERE round_id = $1",
    )
    .bind(round.0)
    .fetch_one(c)
    .await?;
    Ok((row.try_get("unassessed")?, row.try_get("undecided")?))
}

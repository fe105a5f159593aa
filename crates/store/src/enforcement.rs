//! Enforcement cases, their timeline, and gapless document numbers.

use grassroots_domain::enforcement::{Case, CaseEvent, CaseId, Procedure, Satisfaction, Stage};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, page, scope_code, under};
use crate::{Result, StoreError, parse_col};

const COLS: &str = "c.id, c.county_code, c.division_code, c.document_number, c.procedure, c.stage, c.party_name, \
    c.party_is_organisation, c.act_date, c.discovered_on, c.caused_harm, c.matter_code, c.legal_basis, c.facts, c.filed_on, c.notified_on, \
    c.hearing_requested_on, c.hearing_on, c.decided_on, c.penalty, c.fine_fen, c.served_on, c.reminded_on, \
    c.executed_on, c.closed_on, c.suspended_days, c.extension_days, c.satisfaction, c.created_by, c.created_at";

fn case(r: &AnyRow) -> Result<Case> {
    let procedure: String = r.try_get("procedure")?;
    let stage: String = r.try_get("stage")?;
    let satisfaction: Option<String> = r.try_get("satisfaction")?;
    Ok(Case {
        id: CaseId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        division_code: r.try_get("division_code")?,
        document_number: r.try_get("document_number")?,
        procedure: parse_col::<Procedure>(&procedure, "enforcement_case.procedure")?,
        stage: parse_col::<Stage>(&stage, "enforcement_case.stage")?,
        party_name: r.try_get("party_name")?,
        party_is_organisation: r.try_get::<i64, _>("party_is_organisation")? != 0,
        act_date: r.try_get("act_date")?,
        discovered_on: r.try_get("discovered_on")?,
        caused_harm: r.try_get::<i64, _>("caused_harm")? != 0,
        matter_code: r.try_get("matter_code")?,
        legal_basis: r.try_get("legal_basis")?,
        facts: r.try_get("facts")?,
        filed_on: r.try_get("filed_on")?,
        notified_on: r.try_get("notified_on")?,
        hearing_requested_on: r.try_get("hearing_requested_on")?,
        hearing_on: r.try_get("hearing_on")?,
        decided_on: r.try_get("decided_on")?,
        penalty: r.try_get("penalty")?,
        fine_fen: r.try_get("fine_fen")?,
        served_on: r.try_get("served_on")?,
        reminded_on: r.try_get("reminded_on")?,
        executed_on: r.try_get("executed_on")?,
        closed_on: r.try_get("closed_on")?,
        suspended_days: r.try_get("suspended_days")?,
        extension_days: r.try_get("extension_days")?,
        satisfaction: satisfaction
            .map(|s| parse_col::<Satisfaction>(&s, "enforcement_case.satisfaction"))
            .transpose()?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The next number of a kind of document for a town and year. Taken inside the
/// transaction that uses it: if that transaction rolls back, so does the number, and two
/// transactions never get the same one (the counter row is locked by the update).
pub async fn next_number(c: &mut AnyConnection, division: &str, year: i32, kind: &str) -> Result<i64> {
    // The row exists before anyone increments it, so concurrent first numbers of a year
    // queue on it instead of colliding.
    sqlx::query(
        "INSERT INTO document_counter (division_code, year, kind, last) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (division_code, year, kind) DO NOTHING",
    )
    .bind(division)
    .bind(i64::from(year))
    .bind(kind)
    .execute(&mut *c)
    .await?;
    sqlx::query("UPDATE document_counter SET last = last + 1 WHERE division_code = $1 AND year = $2 AND kind = $3")
        .bind(division)
        .bind(i64::from(year))
        .bind(kind)
        .execute(&mut *c)
        .await?;
    Ok(sqlx::query_scalar("SELECT last FROM document_counter WHERE division_code = $1 AND year = $2 AND kind = $3")
        .bind(division)
        .bind(i64::from(year))
        .bind(kind)
        .fetch_one(c)
        .await?)
}

pub struct NewCase<'a> {
    pub division: &'a str,
    pub year: i32,
    pub number: i64,
    pub document_number: &'a str,
    pub procedure: Procedure,
    pub party_name: &'a str,
    pub party_is_organisation: bool,
    pub act_date: &'a str,
    pub discovered_on: &'a str,
    pub caused_harm: bool,
    pub matter: Option<(i64, &'a str)>,
    pub legal_basis: &'a str,
    pub facts: &'a str,
    pub filed_on: &'a str,
    pub by: &'a str,
    pub now: &'a str,
}

pub async fn insert(c: &mut AnyConnection, n: &NewCase<'_>) -> Result<CaseId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO enforcement_case (county_code, division_code, year, number, document_number, procedure, stage, \
         party_name, party_is_organisation, act_date, matter_id, matter_code, legal_basis, facts, filed_on, \
         suspended_days, extension_days, created_by, created_at, discovered_on, caused_harm) \
         VALUES ($1, $2, $3, $4, $5, $6, 'filed', $7, $8, $9, $10, $11, $12, $13, $14, 0, 0, $15, $16, $17, $18) \
         RETURNING id",
    )
    .bind(n.division.get(..6).unwrap_or(n.division))
    .bind(n.division)
    .bind(i64::from(n.year))
    .bind(n.number)
    .bind(n.document_number)
    .bind(n.procedure.as_str())
    .bind(n.party_name)
    .bind(i64::from(n.party_is_organisation))
    .bind(n.act_date)
    .bind(n.matter.map(|m| m.0))
    .bind(n.matter.map(|m| m.1))
    .bind(n.legal_basis)
    .bind(n.facts)
    .bind(n.filed_on)
    .bind(n.by)
    .bind(n.now)
    .bind(n.discovered_on)
    .bind(i64::from(n.caused_harm))
    .fetch_one(c)
    .await
    .map_err(StoreError::on_duplicate("case number"))?;
    Ok(CaseId(id))
}

/// A case and the path of its town.
pub async fn get(c: &mut AnyConnection, id: CaseId) -> Result<Option<(Case, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS}, d.path FROM enforcement_case c JOIN division d ON d.code = c.division_code WHERE c.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((case(&r)?, r.try_get("path")?))).transpose()
}

/// Cases of towns under `scope_path`, at one stage when given, newest first.
pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    stage: Option<Stage>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Case>, i64)> {
    // Cases are filed on towns. A county reads its own by its code, in the order of an
    // index; a town by its code; any other scope through the division tree.
    let code = scope_code(scope_path);
    let (scope, arg) = match code.len() {
        6 if !code.ends_with("00") => ("c.county_code = $1", code.to_owned()),
        9 => ("c.division_code = $1", code.to_owned()),
        _ => ("c.division_code IN (SELECT code FROM division WHERE path LIKE $1)", under(scope_path)),
    };
    let from = format!("FROM enforcement_case c WHERE {scope} AND ($2 = '' OR c.stage = $2)");
    let args = [Arg::Text(arg), Arg::Text(stage.map(|s| s.as_str().to_owned()).unwrap_or_default())];
    page(c, COLS, &from, "c.filed_on DESC, c.id DESC", &args, limit, offset, case).await
}

/// Every case of one town filed in `[from, to]`, for the indicators.
pub async fn filed_between(c: &mut AnyConnection, division: &str, from: &str, to: &str) -> Result<Vec<Case>> {
    let rows = sqlx::query(sql!(
        "SELECT {COLS} FROM enforcement_case c WHERE c.division_code = $1 AND c.filed_on >= $2 AND c.filed_on <= $3 \
         ORDER BY c.filed_on"
    ))
    .bind(division)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    rows.iter().map(case).collect()
}

/// What the headline figures need of a county's or town's cases filed between two days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseFigures {
    pub filed: i64,
    pub closed: i64,
    /// Calendar days from filing to closing, summed over the closed.
    pub days: i64,
    pub rated: i64,
    /// Rated satisfied or fairly satisfied.
    pub satisfied: i64,
}

/// The cases of a town filed between two days, in one aggregate over the town's index.
pub async fn figures(c: &mut AnyConnection, town: &str, from: &str, to: &str) -> Result<CaseFigures> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS filed, COUNT(closed_days) AS closed, CAST(COALESCE(SUM(closed_days), 0) AS BIGINT) AS days, \
         COUNT(satisfaction) AS rated, \
         CAST(COALESCE(SUM(CASE WHEN satisfaction IN ($4, $5) THEN 1 ELSE 0 END), 0) AS BIGINT) AS satisfied \
         FROM enforcement_case WHERE division_code = $1 AND filed_on >= $2 AND filed_on <= $3",
    )
    .bind(town)
    .bind(from)
    .bind(to)
    .bind(Satisfaction::Satisfied.as_str())
    .bind(Satisfaction::Fair.as_str())
    .fetch_one(c)
    .await?;
    Ok(CaseFigures {
        filed: row.try_get("filed")?,
        closed: row.try_get("closed")?,
        days: row.try_get("days")?,
        rated: row.try_get("rated")?,
        satisfied: row.try_get("satisfied")?,
    })
}

/// How many cases of a county (6-digit code) or town were filed between two days.
pub async fn filed_count(c: &mut AnyConnection, code: &str, from: &str, to: &str) -> Result<i64> {
    let column = if code.len() == 6 { "county_code" } else { "division_code" };
    Ok(sqlx::query_scalar(sql!(
        "SELECT COUNT(*) FROM enforcement_case WHERE {column} = $1 AND filed_on >= $2 AND filed_on <= $3"
    ))
    .bind(code)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}

/// Writes the case's changeable fields as given, if it is still at `expected` stage; false
/// when someone moved it first.
pub async fn update(c: &mut AnyConnection, next: &Case, expected: Stage) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE enforcement_case SET stage = $1, notified_on = $2, hearing_requested_on = $3, hearing_on = $4, \
         decided_on = $5, penalty = $6, fine_fen = $7, served_on = $8, reminded_on = $9, executed_on = $10, \
         closed_on = $11, suspended_days = $12, extension_days = $13, satisfaction = $14, closed_days = $17 \
         WHERE id = $15 AND stage = $16",
    )
    .bind(next.stage.as_str())
    .bind(next.notified_on.as_deref())
    .bind(next.hearing_requested_on.as_deref())
    .bind(next.hearing_on.as_deref())
    .bind(next.decided_on.as_deref())
    .bind(next.penalty.as_deref())
    .bind(next.fine_fen)
    .bind(next.served_on.as_deref())
    .bind(next.reminded_on.as_deref())
    .bind(next.executed_on.as_deref())
    .bind(next.closed_on.as_deref())
    .bind(next.suspended_days)
    .bind(next.extension_days)
    .bind(next.satisfaction.map(|s| s.as_str()))
    .bind(next.id.0)
    .bind(expected.as_str())
    .bind(next.closed_days())
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn add_event(c: &mut AnyConnection, case: &Case, e: &CaseEvent) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_event (county_code, case_id, action, on_date, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&case.county_code)
    .bind(case.id.0)
    .bind(&e.action)
    .bind(&e.on_date)
    .bind(&e.note)
    .bind(&e.recorded_by)
    .bind(&e.recorded_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn events(c: &mut AnyConnection, id: CaseId) -> Result<Vec<CaseEvent>> {
    let rows = sqlx::query(
        "SELECT action, on_date, note, recorded_by, recorded_at FROM case_event WHERE case_id = $1 ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CaseEvent {
                action: r.try_get("action")?,
                on_date: r.try_get("on_date")?,
                note: r.try_get("note")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}

//! Hazard points and their monitors.

use grassroots_domain::warning::{HazardKind, HazardPoint, HazardPointId, HazardScale, Monitor};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, in_scope, page, placeholders, under};
use crate::{Result, StoreError, parse_col};

const POINT_COLS: &str = "p.id, p.county_code, p.town_code, p.division_code, p.number, p.name, p.kind, p.scale, \
    p.lon, p.lat, p.households, p.people, p.shelter, p.route";

fn point(r: &AnyRow) -> Result<HazardPoint> {
    let kind: String = r.try_get("kind")?;
    let scale: String = r.try_get("scale")?;
    Ok(HazardPoint {
        id: HazardPointId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        town_code: r.try_get("town_code")?,
        division_code: r.try_get("division_code")?,
        number: r.try_get("number")?,
        name: r.try_get("name")?,
        kind: parse_col::<HazardKind>(&kind, "hazard_point.kind")?,
        scale: parse_col::<HazardScale>(&scale, "hazard_point.scale")?,
        lon: r.try_get("lon")?,
        lat: r.try_get("lat")?,
        households: r.try_get("households")?,
        people: r.try_get("people")?,
        shelter: r.try_get("shelter")?,
        route: r.try_get("route")?,
        monitors: Vec::new(),
    })
}

/// Inserts a point with its monitors; its town and county are as given.
pub async fn insert_point(c: &mut AnyConnection, p: &HazardPoint, by: &str, at: &str) -> Result<HazardPointId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO hazard_point (county_code, town_code, division_code, number, name, kind, scale, lon, lat, \
         households, people, shelter, route, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(&p.county_code)
    .bind(&p.town_code)
    .bind(&p.division_code)
    .bind(&p.number)
    .bind(&p.name)
    .bind(p.kind.as_str())
    .bind(p.scale.as_str())
    .bind(p.lon)
    .bind(p.lat)
    .bind(p.households)
    .bind(p.people)
    .bind(&p.shelter)
    .bind(&p.route)
    .bind(by)
    .bind(at)
    .fetch_one(&mut *c)
    .await
    .map_err(StoreError::on_duplicate("hazard point number"))?;
    insert_monitors(c, id, &p.monitors).await?;
    Ok(HazardPointId(id))
}

async fn insert_monitors(c: &mut AnyConnection, point: i64, monitors: &[Monitor]) -> Result<()> {
    if monitors.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO hazard_monitor (point_id, name, phone, username) VALUES {}",
        placeholders(monitors.len(), 4)
    );
    let mut q = sqlx::query(sql!("{sql}"));
    for m in monitors {
        q = q.bind(point).bind(&m.name).bind(&m.phone).bind(&m.username);
    }
    q.execute(c).await?;
    Ok(())
}

/// The numbers among `numbers` that are taken.
pub async fn taken_numbers(c: &mut AnyConnection, numbers: &[&str]) -> Result<Vec<String>> {
    let mut taken = Vec::new();
    for slice in numbers.chunks(crate::core::MAX_BINDS) {
        let sql = format!(
            "SELECT number FROM hazard_point WHERE number IN ({})",
            (1..=slice.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
        );
        let mut q = sqlx::query_scalar(sql!("{sql}"));
        for n in slice {
            q = q.bind(*n);
        }
        taken.extend(q.fetch_all(&mut *c).await?);
    }
    Ok(taken)
}

async fn with_monitors(c: &mut AnyConnection, mut points: Vec<HazardPoint>) -> Result<Vec<HazardPoint>> {
    if points.is_empty() {
        return Ok(points);
    }
    let sql = format!(
        "SELECT id, point_id, name, phone, username FROM hazard_monitor WHERE point_id IN ({}) ORDER BY id",
        (1..=points.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
    );
    let mut q = sqlx::query(sql!("{sql}"));
    for p in &points {
        q = q.bind(p.id.0);
    }
    for r in q.fetch_all(c).await? {
        let point: i64 = r.try_get("point_id")?;
        if let Some(p) = points.iter_mut().find(|p| p.id.0 == point) {
            p.monitors.push(Monitor {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                phone: r.try_get("phone")?,
                username: r.try_get("username")?,
            });
        }
    }
    Ok(points)
}

pub async fn point_id_by_number(c: &mut AnyConnection, number: &str) -> Result<Option<HazardPointId>> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM hazard_point WHERE number = $1").bind(number).fetch_optional(c).await?;
    Ok(id.map(HazardPointId))
}

/// A point with its monitors, and the path of its village.
pub async fn point_by_id(c: &mut AnyConnection, id: HazardPointId) -> Result<Option<(HazardPoint, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {POINT_COLS}, d.path FROM hazard_point p JOIN division d ON d.code = p.division_code WHERE p.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let path: String = r.try_get("path")?;
    let p = with_monitors(c, vec![point(&r)?]).await?.remove(0);
    Ok(Some((p, path)))
}

/// Points under `scope_path`, by town and number, with their monitors.
pub async fn points(
    c: &mut AnyConnection,
    scope_path: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<HazardPoint>, i64)> {
    let (scope, arg) = in_scope("p", scope_path);
    let from = format!("FROM hazard_point p WHERE {scope}");
    let (list, total) =
        page(c, POINT_COLS, &from, "p.town_code, p.number", &[Arg::Text(arg)], limit, offset, point).await?;
    Ok((with_monitors(c, list).await?, total))
}

/// Points of the villages under any of `paths` (the area of a warning).
pub async fn points_under(c: &mut AnyConnection, path: &str) -> Result<Vec<HazardPoint>> {
    let rows = sqlx::query(sql!(
        "SELECT {POINT_COLS} FROM hazard_point p JOIN division d ON d.code = p.division_code \
         WHERE d.path LIKE $1 ORDER BY p.number"
    ))
    .bind(under(path))
    .fetch_all(c)
    .await?;
    rows.iter().map(point).collect()
}

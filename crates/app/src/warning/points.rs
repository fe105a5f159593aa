//! Hazard points (隐患点) as the natural resources bureau keeps them: added one by one or
//! imported from the survey's table (XLSX or CSV, English or Chinese headers), all or
//! nothing, errors by row and column. Monitors are written in one cell, `name phone` or
//! `name phone username`, several separated by `;`.

use std::collections::HashMap;

use grassroots_domain::ValidationError;
use grassroots_domain::command::check_phone;
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::core::role::{Permission, Role};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_domain::warning::{HazardKind, HazardPoint, HazardPointId, HazardScale, Monitor, check_point_fields};
use grassroots_store::core::{divisions, users};
use grassroots_store::warning as store;
use serde::Serialize;

use crate::core::audit::{self, Change};
use crate::core::now;
use crate::core::sheet::{self, Column, MAX_ERRORS};
use crate::{Actor, App, AppError, Result};

const COLUMNS: [Column; 12] = [
    ("number", &["编号", "隐患点编号"]),
    ("name", &["名称", "隐患点名称"]),
    ("kind", &["类型", "灾害类型"]),
    ("scale", &["规模", "规模等级"]),
    ("village_code", &["村代码", "所在村代码", "区划代码"]),
    ("lon", &["经度"]),
    ("lat", &["纬度"]),
    ("households", &["威胁户数", "户数"]),
    ("people", &["威胁人数", "人数"]),
    ("monitors", &["监测员", "群测群防员"]),
    ("shelter", &["避险场所", "避让场所"]),
    ("route", &["撤离路线", "转移路线"]),
];
const REQUIRED: [&str; 9] = ["number", "name", "kind", "scale", "village_code", "lon", "lat", "households", "people"];

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportedPoints {
    pub points: usize,
    pub monitors: usize,
}

/// Reads `name phone [username]; …`.
pub fn parse_monitors(cell: &str) -> Vec<Monitor> {
    cell.split([';', '；'])
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| {
            let mut parts = m.split_whitespace();
            Monitor {
                id: 0,
                name: parts.next().unwrap_or("").to_owned(),
                phone: parts.next().unwrap_or("").to_owned(),
                username: parts.next().map(str::to_owned),
            }
        })
        .collect()
}

/// Where a point's cells are, for the errors found once its village is looked up.
#[derive(Debug, Clone)]
pub struct Cells {
    pub number: String,
    pub village: String,
    pub monitors: String,
}

impl Cells {
    /// A point typed in a form rather than read from a file: fields by name.
    fn fields() -> Self {
        Self { number: "number".into(), village: "village_code".into(), monitors: "monitors".into() }
    }
}

/// Points as read from a file, each with the places of its cells.
pub fn read(data: &[u8]) -> Result<Vec<(HazardPoint, Cells)>, ValidationError> {
    let (header, rows) = sheet::read(data, &COLUMNS, &REQUIRED, "a hazard point table")?;
    let mut out = Vec::new();
    let mut errors = ValidationError::default();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (row, cells) in rows {
        if errors.errors.len() >= MAX_ERRORS {
            break;
        }
        let cell = |name: &str| header.cell(&cells, name);
        let at = |name: &str| header.at(row, name);
        let mut bad = |name: &str, code: &str, message: String| errors.push(at(name), code.to_owned(), message);
        let kind = cell("kind")
            .parse::<HazardKind>()
            .map_err(|e| bad("kind", "invalid_hazard_kind", e.errors[0].message.clone()));
        let scale = cell("scale")
            .parse::<HazardScale>()
            .map_err(|e| bad("scale", "invalid_hazard_scale", e.errors[0].message.clone()));
        let mut number = |name: &str| -> Option<f64> {
            let v = cell(name).parse::<f64>().ok().filter(|v| v.is_finite());
            if v.is_none() {
                bad(name, "invalid_number", format!("“{}” is not a number", cell(name)));
            }
            v
        };
        let (lon, lat, households, people) = (number("lon"), number("lat"), number("households"), number("people"));
        let monitors = parse_monitors(cell("monitors"));
        let (Ok(kind), Ok(scale), Some(lon), Some(lat), Some(households), Some(people)) =
            (kind, scale, lon, lat, households, people)
        else {
            // The row's other faults are told too.
            for m in monitors.iter().filter(|m| check_phone(&m.phone).is_err()) {
                errors.push(at("monitors"), "invalid_phone", format!("{}: an 11-digit mobile number", m.name));
            }
            continue;
        };
        let p = HazardPoint {
            id: HazardPointId(0),
            county_code: String::new(),
            town_code: String::new(),
            division_code: cell("village_code").to_owned(),
            number: cell("number").to_owned(),
            name: cell("name").to_owned(),
            kind,
            scale,
            lon,
            lat,
            households: households as i64,
            people: people as i64,
            shelter: cell("shelter").to_owned(),
            route: cell("route").to_owned(),
            monitors,
        };
        if let Err(e) = check_point_fields(&p) {
            for fe in e.errors {
                let column = match fe.location.as_str() {
                    "point" => "lon",
                    l if l.starts_with("monitors") => "monitors",
                    l => l,
                };
                errors.push(at(column), fe.code, fe.message);
            }
            continue;
        }
        if let Some(first) = first_row.insert(p.number.clone(), row) {
            errors.push(at("number"), "duplicate_number", format!("the number {} is on row {first} too", p.number));
            continue;
        }
        out.push((p, Cells { number: at("number"), village: at("village_code"), monitors: at("monitors") }));
    }
    errors.into_result()?;
    if out.is_empty() {
        return Err(ValidationError::new("file", "empty_file", "the file has a header but no points"));
    }
    Ok(out)
}

impl App {
    /// Imports the survey's points into villages of the bureau's district, all or none.
    /// A number already recorded is refused: the survey's numbers name one point each.
    pub async fn import_hazard_points(&self, actor: &Actor, data: &[u8]) -> Result<ImportedPoints> {
        actor.require(Permission::IssueWarnings)?;
        let read = read(data)?;
        self.add_points(actor, read).await
    }

    /// Adds one point.
    pub async fn add_hazard_point(&self, actor: &Actor, point: HazardPoint) -> Result<HazardPoint> {
        actor.require(Permission::IssueWarnings)?;
        check_point_fields(&point)?;
        self.add_points(actor, vec![(point.clone(), Cells::fields())]).await?;
        let mut c = self.store.conn().await?;
        let id = store::point_id_by_number(&mut c, &point.number).await?.ok_or(AppError::NotFound)?;
        Ok(store::point_by_id(&mut c, id).await?.ok_or(AppError::NotFound)?.0)
    }

    async fn add_points(&self, actor: &Actor, mut read: Vec<(HazardPoint, Cells)>) -> Result<ImportedPoints> {
        let mut c = self.store.conn().await?;
        let codes: Vec<&str> = read.iter().map(|(p, _)| p.division_code.as_str()).collect();
        let found = divisions::get_many(&mut c, &codes).await?;
        let numbers: Vec<&str> = read.iter().map(|(p, _)| p.number.as_str()).collect();
        let taken = store::taken_numbers(&mut c, &numbers).await?;
        let mut errors = ValidationError::default();
        for (p, at) in read.iter_mut() {
            match found.get(&p.division_code) {
                Some(d) if d.division.level == Level::Village && actor.sees(&d.path) => {
                    p.town_code = d.division.parent_code.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default();
                    p.county_code = DivisionCode::parse(&p.division_code)?.county_code().as_str().to_owned();
                    // A monitor's account, when named, is a hazard monitor of this village.
                    for name in p.monitors.iter().filter_map(|m| m.username.as_deref()) {
                        let user = users::by_username(&mut c, name).await?;
                        if !user.is_some_and(|u| u.user.role == Role::HazardMonitor && u.scope_path == d.path) {
                            errors.push(
                                at.monitors.clone(),
                                "unknown_monitor_user",
                                format!("{name} is not a hazard monitor's account in {}", d.division.name),
                            );
                        }
                    }
                }
                Some(d) if actor.sees(&d.path) => {
                    errors.push(at.village.clone(), "not_a_village", format!("{} is not a village", d.division.name));
                }
                _ => errors.push(
                    at.village.clone(),
                    "outside_district",
                    format!("{} is not a village of your district", p.division_code),
                ),
            }
            if taken.contains(&p.number) {
                errors.push(at.number.clone(), "point_exists", format!("point {} is recorded already", p.number));
            }
        }
        drop(c);
        errors.into_result()?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let mut monitors = 0;
        let mut changes = Vec::with_capacity(read.len());
        for (p, _) in &read {
            let id = store::insert_point(&mut tx, p, &actor.label(), &at).await?;
            monitors += p.monitors.len();
            changes.push((
                actor,
                Change {
                    action: "hazard_point.add",
                    object_type: "hazard_point",
                    object_id: id.to_string(),
                    division_code: Some(p.division_code.clone()),
                    before: None,
                    after: audit::json(&HazardPoint { id, ..p.clone() }),
                },
            ));
        }
        audit::record_many(&mut tx, changes).await?;
        tx.commit().await.map_err(grassroots_store::StoreError::from)?;
        Ok(ImportedPoints { points: read.len(), monitors })
    }

    pub async fn hazard_points(&self, actor: &Actor, req: PageRequest) -> Result<Page<HazardPoint>> {
        let mut c = self.store.conn().await?;
        let (items, total) = store::points(&mut c, &actor.scope_path, req.limit(), req.offset()).await?;
        Ok(Page::new(items, req, total))
    }

    pub async fn hazard_point(&self, actor: &Actor, id: HazardPointId) -> Result<HazardPoint> {
        let mut c = self.store.conn().await?;
        let (p, path) = store::point_by_id(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.within(&path)?;
        Ok(p)
    }
}

/// The table of points in the format `read` takes (English header).
pub fn write_csv(points: &[HazardPoint]) -> Vec<u8> {
    let rows = points.iter().map(|p| {
        let monitors: Vec<String> = p
            .monitors
            .iter()
            .map(|m| {
                [Some(m.name.as_str()), Some(m.phone.as_str()), m.username.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        vec![
            p.number.clone(),
            p.name.clone(),
            p.kind.as_str().to_owned(),
            p.scale.as_str().to_owned(),
            p.division_code.clone(),
            p.lon.to_string(),
            p.lat.to_string(),
            p.households.to_string(),
            p.people.to_string(),
            monitors.join("; "),
            p.shelter.clone(),
            p.route.clone(),
        ]
    });
    sheet::write_csv(&COLUMNS, rows)
}

//! Divisions: import from the official CSV (`code,name,level,parent_code`), all or
//! nothing; tree queries within the actor's scope.

use std::collections::{HashMap, HashSet};

use grassroots_domain::ValidationError;
use grassroots_domain::core::division::{Division, DivisionCode, Level, subtree_path};
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::core::divisions::{self, DivisionFilter, StoredDivision};
use serde::{Deserialize, Serialize};
use serde_json::json as j;

use super::audit::{self, Change};
use crate::{Actor, App, AppError, Result};

const HEADER: [&str; 4] = ["code", "name", "level", "parent_code"];
/// Enough problems to fix a file in one pass, without flooding the screen.
const MAX_ERRORS: usize = 50;

/// A division as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DivisionView {
    #[serde(flatten)]
    pub division: Division,
    pub level_label: &'static str,
}

impl From<StoredDivision> for DivisionView {
    fn from(d: StoredDivision) -> Self {
        Self { level_label: d.division.level.label_zh(), division: d.division }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DivisionQuery {
    /// Only the children of this division.
    #[param(value_type = Option<String>)]
    pub parent: Option<DivisionCode>,
    pub level: Option<Level>,
    /// Part of the name.
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, at most 200.
    pub per_page: Option<u32>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub rows: usize,
    pub inserted: usize,
    pub renamed: usize,
    pub unchanged: usize,
}

/// Reads the CSV, naming line and column of every problem.
pub fn parse_csv(data: &[u8]) -> Result<Vec<(u64, Division)>, ValidationError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(data);
    let header = rdr.headers().map_err(|e| ValidationError::new("line 1", "malformed_csv", e.to_string()))?.clone();
    let names: Vec<&str> = header.iter().map(|h| h.trim_start_matches('\u{feff}')).collect();
    if names != HEADER {
        return Err(ValidationError::new(
            "line 1",
            "bad_header",
            format!("the header is “{}”; expected “{}”", names.join(","), HEADER.join(",")),
        ));
    }
    let mut out = Vec::new();
    let mut errors = ValidationError::default();
    for rec in rdr.records() {
        if errors.errors.len() >= MAX_ERRORS {
            break;
        }
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(format!("line {line}"), "malformed_csv", e.to_string());
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let at = |col: usize| format!("line {line}, column {} ({})", col + 1, HEADER[col]);
        let field = |i: usize| rec.get(i).unwrap_or("");
        let code = DivisionCode::parse(field(0)).map_err(|e| errors.push(at(0), "invalid_division_code", e.messages()));
        let level = field(2).parse::<Level>().map_err(|e| errors.push(at(2), "invalid_level", e.messages()));
        let parent = match field(3) {
            "" => Ok(None),
            p => {
                DivisionCode::parse(p).map(Some).map_err(|e| errors.push(at(3), "invalid_division_code", e.messages()))
            }
        };
        let (Ok(code), Ok(level), Ok(parent_code)) = (code, level, parent) else { continue };
        let d = Division { code, name: field(1).to_owned(), level, parent_code };
        if let Err(e) = d.validate() {
            for fe in e.errors {
                let col = HEADER.iter().position(|h| *h == fe.location).unwrap_or(0);
                errors.push(at(col), fe.code, fe.message);
            }
            continue;
        }
        out.push((line, d));
    }
    errors.into_result()?;
    Ok(out)
}

impl App {
    /// Imports divisions: new codes are added, changed names updated, the same rows left
    /// alone, so importing a file twice changes nothing. Any problem rejects the whole file.
    pub async fn import_divisions(&self, actor: &Actor, data: &[u8]) -> Result<ImportSummary> {
        // Divisions are shared by every county: only an operator who sees everything imports.
        actor.require(Permission::ImportDivisions)?;
        if actor.scope_path != "/" {
            return Err(AppError::Forbidden);
        }
        let rows = parse_csv(data)?;
        let mut errors = ValidationError::default();
        let mut by_code: HashMap<&DivisionCode, (u64, &Division)> = HashMap::new();
        for (line, d) in &rows {
            if let Some((first, _)) = by_code.insert(&d.code, (*line, d)) {
                errors.push(
                    format!("line {line}, column 1 (code)"),
                    "duplicate_code",
                    format!("{} already appears on line {first}", d.code),
                );
            }
        }
        std::mem::take(&mut errors).into_result()?;

        let mut tx = self.store.begin().await?;
        let mut paths: HashMap<DivisionCode, (String, Level)> = HashMap::new();
        let mut summary = ImportSummary { rows: rows.len(), ..Default::default() };
        let mut inserted = Vec::new();
        let mut renamed = Vec::new();
        let mut resolved = Vec::new();
        for (line, d) in &rows {
            if errors.errors.len() >= MAX_ERRORS {
                break;
            }
            // Resolve the chain of parents within the file first, then in the database.
            let mut chain = vec![d];
            let mut seen: HashSet<&DivisionCode> = HashSet::from([&d.code]);
            let mut problem = None;
            let base = loop {
                let cur = chain[chain.len() - 1];
                let Some(parent) = &cur.parent_code else { break None };
                if let Some(p) = paths.get(parent) {
                    break Some(p.clone());
                }
                if let Some((_, pd)) = by_code.get(parent) {
                    if !seen.insert(&pd.code) {
                        problem =
                            Some(("parent_cycle", format!("the parents of {} loop back through {}", d.code, pd.code)));
                        break None;
                    }
                    chain.push(pd);
                    continue;
                }
                match divisions::get(&mut tx, parent).await? {
                    Some(sd) => break Some((sd.path, sd.division.level)),
                    None => {
                        problem = Some((
                            "unknown_parent",
                            format!("parent {parent} is neither in the file nor in the database"),
                        ));
                        break None;
                    }
                }
            };
            if let Some((code, msg)) = problem {
                errors.push(format!("line {line}, column 4 (parent_code)"), code, msg);
                continue;
            }
            // Walk back down, computing paths and checking that levels descend.
            let mut parent = base;
            for cur in chain.iter().rev() {
                if let Some((_, plevel)) = &parent
                    && *plevel >= cur.level
                {
                    errors.push(
                        format!("line {line}, column 3 (level)"),
                        "level_not_below_parent",
                        format!(
                            "{} ({}) is not below its parent's level ({})",
                            cur.code,
                            cur.level.as_str(),
                            plevel.as_str()
                        ),
                    );
                    break;
                }
                let path = subtree_path(parent.as_ref().map(|(p, _)| p.as_str()), &cur.code);
                paths.insert(cur.code.clone(), (path.clone(), cur.level));
                parent = Some((path, cur.level));
            }
            if let Some((path, _)) = paths.get(&d.code) {
                resolved.push((*line, d, path.clone()));
            }
        }
        // Parents before children, whatever the order of the file: the parent key is
        // checked at once on both backends.
        resolved.sort_by_key(|(_, _, path)| path.matches('/').count());
        for (line, d, path) in resolved {
            match divisions::get(&mut tx, &d.code).await? {
                None => {
                    divisions::insert(&mut tx, d, &path).await?;
                    inserted.push(d.code.to_string());
                }
                Some(old) if old.path != path || old.division.level != d.level => {
                    errors.push(
                        format!("line {line}, column 4 (parent_code)"),
                        "division_moved",
                        format!(
                            "{} already exists under another parent or level; moving a division is not supported",
                            d.code
                        ),
                    );
                }
                Some(old) if old.division.name != d.name => {
                    divisions::rename(&mut tx, &d.code, &d.name).await?;
                    renamed.push(j!({ "code": d.code, "from": old.division.name, "to": d.name }));
                }
                Some(_) => summary.unchanged += 1,
            }
        }
        errors.into_result()?;
        summary.inserted = inserted.len();
        summary.renamed = renamed.len();
        if summary.inserted + summary.renamed == 0 {
            return Ok(summary);
        }
        let change = Change {
            action: "division.import",
            object_type: "division",
            object_id: "import".into(),
            division_code: None,
            before: None,
            after: audit::json(&j!({ "summary": summary, "inserted": inserted, "renamed": renamed })),
        };
        audit::commit(tx, actor, change).await?;
        Ok(summary)
    }

    pub async fn get_division(&self, actor: &Actor, code: &DivisionCode) -> Result<DivisionView> {
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, code).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&d.path, Permission::ReadDirectory)?;
        Ok(d.into())
    }

    /// Divisions of the actor's scope, filtered by parent, level and name.
    pub async fn list_divisions(&self, actor: &Actor, q: DivisionQuery) -> Result<Page<DivisionView>> {
        actor.require(Permission::ReadDirectory)?;
        self.divisions_under(&actor.scope_path, q).await
    }

    /// The subtree of a division (itself included), within scope.
    pub async fn division_subtree(
        &self,
        actor: &Actor,
        code: &DivisionCode,
        q: DivisionQuery,
    ) -> Result<Page<DivisionView>> {
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, code).await?.ok_or(AppError::NotFound)?;
        drop(c);
        actor.may_act_on(&d.path, Permission::ReadDirectory)?;
        self.divisions_under(&d.path, q).await
    }

    /// Divisions under `path`, which the caller has checked is within scope.
    async fn divisions_under(&self, path: &str, q: DivisionQuery) -> Result<Page<DivisionView>> {
        let page = PageRequest::from_parts(q.page, q.per_page);
        let filter = DivisionFilter { parent: q.parent, level: q.level.map(|l| l.as_str().to_owned()), name: q.q };
        let mut c = self.store.conn().await?;
        let (items, total) = divisions::list(&mut c, path, &filter, page.limit(), page.offset()).await?;
        Ok(Page::new(items.into_iter().map(Into::into).collect(), page, total))
    }

    /// The ancestors of a division that lie within the actor's scope, root first.
    pub async fn division_ancestors(&self, actor: &Actor, code: &DivisionCode) -> Result<Vec<DivisionView>> {
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, code).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&d.path, Permission::ReadDirectory)?;
        let all = divisions::ancestors(&mut c, &d.path).await?;
        Ok(all.into_iter().filter(|a| actor.sees(&a.path)).map(Into::into).collect())
    }

    /// The division at the top of the actor's scope, if the actor has one.
    pub async fn home_division(&self, actor: &Actor) -> Result<Option<DivisionView>> {
        let Ok(code) = DivisionCode::parse(&actor.division_code) else { return Ok(None) };
        let mut c = self.store.conn().await?;
        Ok(divisions::get(&mut c, &code).await?.map(Into::into))
    }
}

/// How far a use case reaches from the actor's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Only divisions in scope: a town's own records.
    Within,
    /// Also the divisions above the scope: a county's catalog and rounds, read by its towns.
    WithinOrAbove,
}

impl App {
    /// The division a use case acts on, checked in the order that leaks nothing: out of
    /// reach is “not found”; then the role (“forbidden”); then the level (bad input).
    pub(crate) async fn division_for(
        &self,
        actor: &Actor,
        code: &str,
        reach: Reach,
        p: Permission,
        level: Level,
    ) -> Result<StoredDivision> {
        let parsed = DivisionCode::parse(code)?;
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, &parsed).await?.ok_or(AppError::NotFound)?;
        match reach {
            Reach::Within => actor.within(&d.path)?,
            Reach::WithinOrAbove => actor.within_or_above(&d.path)?,
        }
        actor.require(p)?;
        if d.division.level != level {
            let field = level.as_str();
            return Err(ValidationError::new(
                field,
                format!("not_a_{field}"),
                format!("{} is not a {}", d.division.name, level.as_str()),
            )
            .into());
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_column() {
        let csv = "code,name,level,parent_code\n340621,濉溪县,county,340600\n34062110x,临涣镇,town,340621\n340621105,双堆集镇,hamlet,340621\n";
        let e = parse_csv(csv.as_bytes()).unwrap_err();
        assert_eq!(e.errors[0].location, "line 3, column 1 (code)");
        assert_eq!(e.errors[1].location, "line 4, column 3 (level)");
    }

    #[test]
    fn a_short_row_is_malformed() {
        let csv = "code,name,level,parent_code\n340621,濉溪县,county\n";
        let e = parse_csv(csv.as_bytes()).unwrap_err();
        assert_eq!(e.errors[0].code, "malformed_csv");
        assert_eq!(e.errors[0].location, "line 2");
    }

    #[test]
    fn the_header_is_checked() {
        let e = parse_csv("id,name\n".as_bytes()).unwrap_err();
        assert_eq!(e.errors[0].code, "bad_header");
    }
}

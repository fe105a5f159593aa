//! Queries of the shared concepts. Every list takes the caller's scope as a division
//! path prefix, so no list can return a row outside it.

pub mod audit;
pub mod bodies;
pub mod calendar;
pub mod divisions;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::Result;

/// Values bound to one statement at most, within SQLite's limit (32,766) and
/// PostgreSQL's (65,535) with room to spare.
pub const MAX_BINDS: usize = 10_000;

/// A value bound to a list query.
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// One page of a filtered list and the count of all rows that match. `from` holds the
/// FROM and WHERE clauses with placeholders `$1..$n` for `args`; LIMIT and OFFSET follow.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn page<T>(
    c: &mut AnyConnection,
    select: &str,
    from: &str,
    order: &str,
    args: &[Arg],
    limit: i64,
    offset: i64,
    map: impl Fn(&AnyRow) -> Result<T>,
) -> Result<(Vec<T>, i64)> {
    let mut count = sqlx::query_scalar(sql!("SELECT COUNT(*) {from}"));
    for a in args {
        count = match a {
            Arg::Text(s) => count.bind(s.clone()),
            Arg::Int(i) => count.bind(*i),
        };
    }
    let total: i64 = count.fetch_one(&mut *c).await?;
    let n = args.len();
    let mut rows = sqlx::query(sql!("SELECT {select} {from} ORDER BY {order} LIMIT ${} OFFSET ${}", n + 1, n + 2));
    for a in args {
        rows = match a {
            Arg::Text(s) => rows.bind(s.clone()),
            Arg::Int(i) => rows.bind(*i),
        };
    }
    let rows = rows.bind(limit).bind(offset).fetch_all(c).await?;
    Ok((rows.iter().map(map).collect::<Result<_>>()?, total))
}

/// A user's "contains" filter as a LIKE pattern (used with `ESCAPE '\'`, which both
/// backends read alike), or empty for none; `%`, `_` and `\` typed by the user match
/// themselves.
pub(crate) fn contains(s: Option<&String>) -> String {
    let escape = |n: &str| n.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    s.filter(|n| !n.is_empty()).map(|n| format!("%{}%", escape(n))).unwrap_or_default()
}

/// `LIKE` pattern for a subtree: everything whose path starts with the scope's path.
/// `($1, $2, …), (…)`: placeholders for `rows` rows of `width` values, for one insert of many.
pub(crate) fn placeholders(rows: usize, width: usize) -> String {
    let row = |r: usize| {
        let cells: Vec<String> = (1..=width).map(|i| format!("${}", r * width + i)).collect();
        format!("({})", cells.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// The condition keeping the rows of table `alias` to those under `scope_path` (its
/// argument is `$1`), on the column the indexes lead with: the scope's county, town or
/// village; above a county, the division tree. The table has `county_code`, `town_code`
/// and `division_code`.
pub(crate) fn in_scope(alias: &str, scope_path: &str) -> (String, String) {
    let code = scope_code(scope_path);
    match code.len() {
        12 => (format!("{alias}.division_code = $1"), code.to_owned()),
        9 => (format!("{alias}.town_code = $1"), code.to_owned()),
        6 if !code.ends_with("00") => (format!("{alias}.county_code = $1"), code.to_owned()),
        _ => (format!("{alias}.division_code IN (SELECT code FROM division WHERE path LIKE $1)"), under(scope_path)),
    }
}

/// The code of the division a scope path ends in.
pub(crate) fn scope_code(scope_path: &str) -> &str {
    scope_path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

pub(crate) fn under(scope_path: &str) -> String {
    format!("{scope_path}%")
}

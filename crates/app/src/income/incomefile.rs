//! Income as towns and the county's agriculture department keep it (see
//! [`crate::core::sheet`]): XLSX or CSV, English or Chinese headers, one row per village,
//! year and source. Reading is all or nothing, errors by row and column.

use std::collections::HashMap;

use grassroots_domain::ValidationError;
use grassroots_domain::income::{IncomeLine, IncomeSource, check_year, parse_fen};

use crate::core::sheet::{self, Column, MAX_ERRORS};

const COLUMNS: [Column; 4] = [
    ("village_code", &["村代码", "村级代码", "区划代码"]),
    ("year", &["年度", "年份"]),
    ("source", &["收入来源", "来源"]),
    ("amount_fen", &["金额（分）", "金额(分)", "金额"]),
];

/// A line read from a file, with where its village cell is (the village is checked
/// against the division tree later, and its error must say where).
#[derive(Debug)]
pub struct Read {
    pub line: IncomeLine,
    pub village_at: String,
}

pub fn read(data: &[u8], this_year: i32) -> Result<Vec<Read>, ValidationError> {
    let (header, rows) =
        sheet::read(data, &COLUMNS, &["village_code", "year", "source", "amount_fen"], "an income table")?;
    let mut out = Vec::new();
    let mut errors = ValidationError::default();
    let mut first_row_of: HashMap<(String, i32, IncomeSource), usize> = HashMap::new();
    for (row, cells) in rows {
        if errors.errors.len() >= MAX_ERRORS {
            break;
        }
        let cell = |name: &str| header.cell(&cells, name);
        let at = |name: &str| header.at(row, name);
        let year = cell("year")
            .parse::<i32>()
            .map_err(|_| ValidationError::new("year", "invalid_year", "a year such as 2021"));
        let year = year.and_then(|y| check_year(y, this_year).map(|()| y));
        let (year, source, amount) = match (year, cell("source").parse::<IncomeSource>(), parse_fen(cell("amount_fen")))
        {
            (Ok(y), Ok(s), Ok(a)) => (y, s, a),
            (y, s, a) => {
                for e in [y.err(), s.err(), a.err()].into_iter().flatten() {
                    let fe = &e.errors[0];
                    errors.push(at(&fe.location), fe.code.clone(), fe.message.clone());
                }
                continue;
            }
        };
        let village_code = cell("village_code").to_owned();
        if let Some(first) = first_row_of.insert((village_code.clone(), year, source), row) {
            errors.push(at("source"), "duplicate_line", format!("the same village, year and source is on row {first}"));
            continue;
        }
        out.push(Read {
            line: IncomeLine { village_code, year, source, amount_fen: amount },
            village_at: at("village_code"),
        });
    }
    errors.into_result()?;
    if out.is_empty() {
        return Err(ValidationError::new("file", "empty_file", "the file has a header but no amounts"));
    }
    Ok(out)
}

/// A table of lines in the format `read` takes (English header).
pub fn write_csv(lines: &[IncomeLine]) -> Vec<u8> {
    let rows = lines.iter().map(|l| {
        vec![l.village_code.clone(), l.year.to_string(), l.source.as_str().to_owned(), l.amount_fen.to_string()]
    });
    sheet::write_csv(&COLUMNS, rows)
}

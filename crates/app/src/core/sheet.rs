//! Tables as counties keep them: XLSX or CSV, with a header row in English or in Chinese.
//! Reading maps the header onto known columns and hands each row to the caller with the
//! place of every cell, so errors name their row and column. Writing gives files that
//! read back the same.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use grassroots_domain::ValidationError;

/// A column: its English header, then the Chinese headers counties use (the first is the
/// one written).
pub type Column = (&'static str, &'static [&'static str]);

/// Stop collecting errors after this many: the file is wrong in some systematic way.
pub const MAX_ERRORS: usize = 50;

/// A file's format, known from its first bytes rather than its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

pub fn sniff(data: &[u8]) -> Result<Format, ValidationError> {
    if data.starts_with(b"PK\x03\x04") {
        Ok(Format::Xlsx)
    } else if std::str::from_utf8(data).is_ok() && !data.contains(&0) {
        Ok(Format::Csv)
    } else {
        Err(ValidationError::new("file", "unsupported_file", "the file is neither XLSX nor UTF-8 CSV"))
    }
}

/// Column letters as a spreadsheet shows them: 0 → A, 26 → AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s
}

/// One row of data: its number as the user sees it, and its cells.
pub type Row = (usize, Vec<String>);

/// The header of a table, matched against the known columns.
pub struct Header {
    column_of: HashMap<&'static str, usize>,
}

impl Header {
    /// The trimmed text of a column in a row; empty when the file has no such column.
    pub fn cell<'r>(&self, cells: &'r [String], name: &str) -> &'r str {
        self.column_of.get(name).and_then(|i| cells.get(*i)).map(String::as_str).unwrap_or("")
    }

    /// Where a cell is, for an error message.
    pub fn at(&self, row: usize, name: &str) -> String {
        match self.column_of.get(name) {
            Some(col) => format!("row {row}, column {} ({name})", column_letter(*col)),
            None => format!("row {row} ({name}: no such column)"),
        }
    }
}

/// Reads a file of either format: its header, checked against `columns` (every unknown,
/// doubled or missing required column is reported), then its non-empty rows.
pub fn read(
    data: &[u8],
    columns: &[Column],
    required: &[&str],
    what: &str,
) -> Result<(Header, Vec<Row>), ValidationError> {
    let rows = match sniff(data)? {
        Format::Xlsx => xlsx_rows(data)?,
        Format::Csv => csv_rows(data)?,
    };
    let mut rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let Some((header_row, header)) = rows.next() else {
        return Err(ValidationError::new("file", "empty_file", "the file has no header row"));
    };
    let mut column_of = HashMap::new();
    let mut errors = ValidationError::default();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        match columns.iter().find(|(en, zh)| *en == name || zh.contains(&name)) {
            Some((en, _)) => {
                if column_of.insert(*en, i).is_some() {
                    errors.push(
                        format!("row {header_row}, column {}", column_letter(i)),
                        "duplicate_column",
                        format!("“{name}” appears twice"),
                    );
                }
            }
            None => errors.push(
                format!("row {header_row}, column {}", column_letter(i)),
                "unknown_column",
                format!("“{name}” is not a column of {what}"),
            ),
        }
    }
    for r in required {
        if !column_of.contains_key(r) {
            let zh = columns.iter().find(|(en, _)| en == r).map_or("", |(_, zh)| zh[0]);
            errors.push(
                format!("row {header_row}"),
                "missing_column",
                format!("the header has no “{r}” ({zh}) column"),
            );
        }
    }
    errors.into_result()?;
    Ok((Header { column_of }, rows.collect()))
}

fn csv_rows(data: &[u8]) -> Result<Vec<Row>, ValidationError> {
    let data = data.strip_prefix("\u{feff}".as_bytes()).unwrap_or(data);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data);
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ValidationError::new(format!("row {line}"), "malformed_csv", e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        rows.push((line, rec.iter().map(|c| c.trim().to_owned()).collect()));
    }
    Ok(rows)
}

/// The largest table read: a province's villages several times over, and more columns than
/// any of our tables has. A workbook's cells are read one by one and checked against these
/// before any grid is built, since a file of a few bytes can name a cell at XFD1048576.
pub const MAX_ROWS: u32 = 200_000;
pub const MAX_COLUMNS: u32 = 100;

fn xlsx_rows(data: &[u8]) -> Result<Vec<Row>, ValidationError> {
    let bad = |e: &dyn std::fmt::Display| {
        ValidationError::new("file", "unreadable_xlsx", format!("cannot read the XLSX file: {e}"))
    };
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(data)).map_err(|e| bad(&e))?;
    let Some(first) = book.sheet_names().first().cloned() else {
        return Err(ValidationError::new("file", "empty_file", "the workbook has no sheet"));
    };
    let mut cells = book.worksheet_cells_reader(&first).map_err(|e| bad(&e))?;
    let mut by_row: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|e| bad(&e))? {
        let (row, col) = cell.get_position();
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(ValidationError::new(
                format!("row {}, column {}", row + 1, column_letter(col as usize)),
                "table_too_large",
                format!("a table is read up to row {MAX_ROWS} and column {}", column_letter(MAX_COLUMNS as usize - 1)),
            ));
        }
        let text = match Data::from(cell.get_value().clone()) {
            Data::Empty => continue,
            other => other.to_string().trim().to_owned(),
        };
        let cells = by_row.entry(row).or_default();
        if cells.len() <= col as usize {
            cells.resize(col as usize + 1, String::new());
        }
        cells[col as usize] = text;
    }
    Ok(by_row.into_iter().map(|(row, cells)| (row as usize + 1, cells)).collect())
}

/// CSV with the English header.
pub fn write_csv(columns: &[Column], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(columns.iter().map(|(en, _)| *en));
    for row in rows {
        let _ = w.write_record(row);
    }
    w.into_inner().unwrap_or_default()
}

/// XLSX with the Chinese header counties print.
pub fn write_xlsx(
    sheet_name: &str,
    columns: &[Column],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, ValidationError> {
    let fail = |e: rust_xlsxwriter::XlsxError| ValidationError::new("file", "xlsx_write_failed", e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(fail)?;
    for (c, (_, zh)) in columns.iter().enumerate() {
        sheet.write_string(0, c as u16, zh[0]).map_err(fail)?;
    }
    for (r, row) in rows.into_iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, value).map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

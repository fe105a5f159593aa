//! Duty lists as counties publish them: XLSX or CSV, with a header row in English or in
//! Chinese. Reading is all or nothing: every problem is reported with its row and column,
//! and no item is returned unless all are good. Writing gives files that read back the
//! same.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use grassroots_domain::ValidationError;
use grassroots_domain::admission::{ItemKind, ListItem};

/// The columns, by their English header, with the Chinese headers counties use.
const COLUMNS: [(&str, &[&str]); 9] = [
    ("kind", &["事项类型", "清单类型", "类型"]),
    ("code", &["事项编码", "编码", "编号"]),
    ("area", &["领域/类别", "领域", "类别"]),
    ("title", &["事项名称", "名称"]),
    ("description", &["事项内容/具体内容", "事项内容", "具体内容", "内容"]),
    ("lead_department", &["牵头部门", "上级部门", "对应上级部门"]),
    ("legal_basis", &["法律依据/依据", "法律依据", "依据"]),
    ("office", &["承办机构/责任科室", "承办机构", "责任科室"]),
    ("keywords", &["关键词"]),
];
const REQUIRED: [&str; 3] = ["kind", "code", "title"];
const MAX_ERRORS: usize = 50;

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

/// Reads a list file of either format.
pub fn read(data: &[u8]) -> Result<Vec<ListItem>, ValidationError> {
    let rows = match sniff(data)? {
        Format::Xlsx => xlsx_rows(data)?,
        Format::Csv => csv_rows(data)?,
    };
    items_from_rows(rows)
}

/// Column letters as a spreadsheet shows them: 0 → A, 26 → AA.
fn column_letter(mut i: usize) -> String {
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

/// (row number as the user sees it, cells)
type Rows = Vec<(usize, Vec<String>)>;

fn csv_rows(data: &[u8]) -> Result<Rows, ValidationError> {
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

fn xlsx_rows(data: &[u8]) -> Result<Rows, ValidationError> {
    let bad = |e: &dyn std::fmt::Display| {
        ValidationError::new("file", "unreadable_xlsx", format!("cannot read the XLSX file: {e}"))
    };
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(data)).map_err(|e| bad(&e))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| bad(&e))?,
        None => return Err(ValidationError::new("file", "empty_file", "the workbook has no sheet")),
    };
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<String> = vec![String::new(); first_col as usize];
            row.extend(cells.iter().map(|c| match c {
                Data::Empty => String::new(),
                other => other.to_string().trim().to_owned(),
            }));
            (first_row as usize + i + 1, row)
        })
        .collect())
}

fn items_from_rows(rows: Rows) -> Result<Vec<ListItem>, ValidationError> {
    let mut rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let Some((header_row, header)) = rows.next() else {
        return Err(ValidationError::new("file", "empty_file", "the file has no header row"));
    };
    let mut column_of: HashMap<&str, usize> = HashMap::new();
    let mut errors = ValidationError::default();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        match COLUMNS.iter().find(|(en, zh)| *en == name || zh.contains(&name)) {
            Some((en, _)) => {
                if column_of.insert(en, i).is_some() {
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
                format!("“{name}” is not a column of a duty list"),
            ),
        }
    }
    for r in REQUIRED {
        if !column_of.contains_key(r) {
            let zh = COLUMNS.iter().find(|(en, _)| *en == r).map_or("", |(_, zh)| zh[0]);
            errors.push(
                format!("row {header_row}"),
                "missing_column",
                format!("the header has no “{r}” ({zh}) column"),
            );
        }
    }
    errors.into_result()?;

    let mut items = Vec::new();
    let mut errors = ValidationError::default();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for (row, cells) in rows {
        if errors.errors.len() >= MAX_ERRORS {
            break;
        }
        let cell = |name: &str| column_of.get(name).and_then(|i| cells.get(*i)).map(String::as_str).unwrap_or("");
        let at = |name: &str| match column_of.get(name) {
            Some(col) => format!("row {row}, column {} ({name})", column_letter(*col)),
            None => format!("row {row} ({name}: no such column)"),
        };
        let kind = match cell("kind").parse::<ItemKind>() {
            Ok(k) => k,
            Err(e) => {
                errors.push(at("kind"), "invalid_item_kind", e.summary());
                continue;
            }
        };
        let item = ListItem {
            code: cell("code").to_owned(),
            kind,
            area: cell("area").to_owned(),
            title: cell("title").to_owned(),
            description: cell("description").to_owned(),
            lead_department: cell("lead_department").to_owned(),
            legal_basis: cell("legal_basis").to_owned(),
            office: cell("office").to_owned(),
            keywords: cell("keywords")
                .split([';', '；', '、', ',', '，'])
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        if let Err(e) = item.validate() {
            for fe in e.errors {
                errors.push(at(&fe.location), fe.code, fe.message);
            }
            continue;
        }
        if let Some(first) = first_row_of.insert(item.code.clone(), row) {
            errors.push(at("code"), "duplicate_code", format!("{} already appears on row {first}", item.code));
            continue;
        }
        items.push(item);
    }
    errors.into_result()?;
    if items.is_empty() {
        return Err(ValidationError::new("file", "empty_file", "the file has a header but no items"));
    }
    Ok(items)
}

fn cells(item: &ListItem) -> [String; 9] {
    [
        item.kind.as_str().to_owned(),
        item.code.clone(),
        item.area.clone(),
        item.title.clone(),
        item.description.clone(),
        item.lead_department.clone(),
        item.legal_basis.clone(),
        item.office.clone(),
        item.keywords.join(";"),
    ]
}

/// The list as CSV with the English header.
pub fn write_csv(items: &[ListItem]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS.iter().map(|(en, _)| *en));
    for item in items {
        let _ = w.write_record(cells(item));
    }
    w.into_inner().unwrap_or_default()
}

/// The list as XLSX with the Chinese header counties print.
pub fn write_xlsx(items: &[ListItem]) -> Result<Vec<u8>, ValidationError> {
    let fail = |e: rust_xlsxwriter::XlsxError| ValidationError::new("file", "xlsx_write_failed", e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("履职事项清单").map_err(fail)?;
    for (c, (_, zh)) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, c as u16, zh[0]).map_err(fail)?;
    }
    for (r, item) in items.iter().enumerate() {
        let kind = item.kind.label_zh();
        for (c, value) in cells(item).iter().enumerate() {
            let value = if c == 0 { kind } else { value.as_str() };
            if !value.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, value).map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "kind,code,area,title,description,lead_department,legal_basis,office,keywords\n\
        duty,LH-JB-001,应急管理,地质灾害隐患点巡查,汛期巡查隐患点,,地质灾害防治条例 第十五条,平安建设办公室,隐患点;巡查\n\
        cooperation,LH-PH-001,市场监管,配合开展食品安全监督检查,配合检查,县市场监督管理局,,经济发展办公室,\n\
        negative,LH-FM-001,市场监管,食品经营许可证核发,由县局办理,县市场监督管理局,,,\n";

    #[test]
    fn reads_english_headers_and_round_trips_both_formats() {
        let items = read(CSV.as_bytes()).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].keywords, ["隐患点", "巡查"]);
        assert_eq!(read(&write_csv(&items)).unwrap(), items);
        let xlsx = write_xlsx(&items).unwrap();
        assert_eq!(sniff(&xlsx).unwrap(), Format::Xlsx);
        assert_eq!(read(&xlsx).unwrap(), items);
    }

    #[test]
    fn reads_chinese_headers_and_kinds() {
        let csv = "事项类型,事项编码,领域,事项名称,具体内容,牵头部门\n收回事项,FM-1,市场监管,食品经营许可证核发,由县局办理,县市场监督管理局\n";
        let items = read(csv.as_bytes()).unwrap();
        assert_eq!(items[0].kind, ItemKind::Negative);
        assert_eq!(items[0].lead_department, "县市场监督管理局");
    }

    #[test]
    fn errors_name_row_and_column_and_nothing_is_returned() {
        let csv = "kind,code,title,colour\nduty,A-1,甲\nfeast,A-2,乙\ncooperation,A-3,丙\nduty,A-1,丁\n";
        let e = read(csv.as_bytes()).unwrap_err();
        assert_eq!(e.errors[0].location, "row 1, column D");
        let csv = "kind,code,title\nduty,A-1,甲\nfeast,A-2,乙\ncooperation,A-3,丙\nduty,A-1,丁\nduty,A-5,\n";
        let e = read(csv.as_bytes()).unwrap_err();
        let got: Vec<(&str, &str)> = e.errors.iter().map(|f| (f.location.as_str(), f.code.as_str())).collect();
        assert_eq!(
            got,
            [
                ("row 3, column A (kind)", "invalid_item_kind"),
                ("row 4 (lead_department: no such column)", "required"),
                ("row 5, column B (code)", "duplicate_code"),
                ("row 6, column C (title)", "required"),
            ]
        );
        assert_eq!(read(b"\x00\x01binary").unwrap_err().errors[0].code, "unsupported_file");
        assert_eq!(read("kind,code\n".as_bytes()).unwrap_err().errors[0].code, "missing_column");
    }
}

//! Duty lists as counties publish them (see [`crate::core::sheet`]). Reading is all or
//! nothing: every problem is reported with its row and column, and no item is returned
//! unless all are good.

use std::collections::HashMap;

use grassroots_domain::ValidationError;
use grassroots_domain::admission::{ItemKind, ListItem};

use crate::core::sheet::{self, Column, MAX_ERRORS};
pub use crate::core::sheet::{Format, sniff};

/// The columns, by their English header, with the Chinese headers counties use.
const COLUMNS: [Column; 9] = [
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

/// Reads a list file of either format.
pub fn read(data: &[u8]) -> Result<Vec<ListItem>, ValidationError> {
    let (header, rows) = sheet::read(data, &COLUMNS, &REQUIRED, "a duty list")?;
    let mut items = Vec::new();
    let mut errors = ValidationError::default();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for (row, cells) in rows {
        if errors.errors.len() >= MAX_ERRORS {
            break;
        }
        let cell = |name: &str| header.cell(&cells, name);
        let at = |name: &str| header.at(row, name);
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

fn cells(item: &ListItem, kind: &str) -> Vec<String> {
    vec![
        kind.to_owned(),
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
    sheet::write_csv(&COLUMNS, items.iter().map(|i| cells(i, i.kind.as_str())))
}

/// The list as XLSX with the Chinese header counties print.
pub fn write_xlsx(items: &[ListItem]) -> Result<Vec<u8>, ValidationError> {
    sheet::write_xlsx("履职事项清单", &COLUMNS, items.iter().map(|i| cells(i, i.kind.label_zh())))
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

//! The catalog of matters as counties publish it (see [`crate::core::sheet`]): XLSX or
//! CSV, English or Chinese headers. Reading is all or nothing, errors by row and column.

use std::collections::HashMap;

use grassroots_domain::ValidationError;
use grassroots_domain::empowerment::{Matter, PowerType, Risk};

use crate::core::sheet::{self, Column, MAX_ERRORS};

const COLUMNS: [Column; 7] = [
    ("code", &["事项编码", "编码"]),
    ("name", &["事项名称", "名称", "职权名称"]),
    ("power_type", &["事项类型", "类型", "权力类型"]),
    ("department", &["实施部门", "原实施部门", "部门"]),
    ("legal_basis", &["法定依据", "设定依据", "依据"]),
    ("requirements", &["承接条件", "条件要求"]),
    ("risk", &["风险等级", "风险"]),
];
const REQUIRED: [&str; 4] = ["code", "name", "power_type", "department"];

/// A matter read from a file, with where its department cell is (the department is
/// checked against the county's bodies later, and its error must say where).
#[derive(Debug)]
pub struct Read {
    pub matter: Matter,
    pub department_at: String,
}

pub fn read(data: &[u8]) -> Result<Vec<Read>, ValidationError> {
    let (header, rows) = sheet::read(data, &COLUMNS, &REQUIRED, "a catalog")?;
    let mut out = Vec::new();
    let mut errors = ValidationError::default();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for (row, cells) in rows {
        if errors.errors.len() >= MAX_ERRORS {
            break;
        }
        let cell = |name: &str| header.cell(&cells, name);
        let at = |name: &str| header.at(row, name);
        let power_type = cell("power_type").parse::<PowerType>();
        let risk = match cell("risk") {
            "" => Ok(Risk::Medium),
            r => r.parse::<Risk>(),
        };
        let (power_type, risk) = match (power_type, risk) {
            (Ok(t), Ok(r)) => (t, r),
            (t, r) => {
                for (field, e) in [("power_type", t.err()), ("risk", r.err())] {
                    if let Some(e) = e {
                        errors.push(at(field), e.errors[0].code.clone(), e.messages());
                    }
                }
                continue;
            }
        };
        let matter = Matter {
            code: cell("code").to_owned(),
            name: cell("name").to_owned(),
            power_type,
            department: cell("department").to_owned(),
            legal_basis: cell("legal_basis").to_owned(),
            requirements: cell("requirements").to_owned(),
            risk,
        };
        if let Err(e) = matter.validate() {
            for fe in e.errors {
                errors.push(at(&fe.location), fe.code, fe.message);
            }
            continue;
        }
        if let Some(first) = first_row_of.insert(matter.code.clone(), row) {
            errors.push(at("code"), "duplicate_code", format!("{} already appears on row {first}", matter.code));
            continue;
        }
        out.push(Read { matter, department_at: at("department") });
    }
    errors.into_result()?;
    if out.is_empty() {
        return Err(ValidationError::new("file", "empty_file", "the file has a header but no matters"));
    }
    Ok(out)
}

fn cells(m: &Matter, zh: bool) -> Vec<String> {
    let (t, r) =
        if zh { (m.power_type.label_zh(), m.risk.label_zh()) } else { (m.power_type.as_str(), m.risk.as_str()) };
    vec![
        m.code.clone(),
        m.name.clone(),
        t.to_owned(),
        m.department.clone(),
        m.legal_basis.clone(),
        m.requirements.clone(),
        r.to_owned(),
    ]
}

pub fn write_csv(matters: &[Matter]) -> Vec<u8> {
    sheet::write_csv(&COLUMNS, matters.iter().map(|m| cells(m, false)))
}

pub fn write_xlsx(matters: &[Matter]) -> Result<Vec<u8>, ValidationError> {
    sheet::write_xlsx("赋权事项目录", &COLUMNS, matters.iter().map(|m| cells(m, true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "code,name,power_type,department,legal_basis,requirements,risk\n\
        340621CF001,对农村居民未经批准建住宅的处罚,penalty,濉溪县住房和城乡建设局,《村庄和集镇规划建设管理条例》第三十七条,持证执法人员2名,high\n\
        340621XK001,个体工商户登记,licensing,濉溪县市场监督管理局,《促进个体工商户发展条例》,,low\n";

    #[test]
    fn round_trips_both_formats_and_reads_chinese_headers() {
        let read_back = |data: &[u8]| read(data).unwrap().into_iter().map(|r| r.matter).collect::<Vec<_>>();
        let matters = read_back(CSV.as_bytes());
        assert_eq!(matters.len(), 2);
        assert_eq!(matters[0].power_type, PowerType::Penalty);
        assert_eq!(read_back(&write_csv(&matters)), matters);
        assert_eq!(read_back(&write_xlsx(&matters).unwrap()), matters);
        let zh = "事项编码,事项名称,事项类型,实施部门,风险等级\nX1,农药经营许可,行政许可,濉溪县农业农村局,中\n";
        assert_eq!(read_back(zh.as_bytes())[0].risk, Risk::Medium);
    }

    #[test]
    fn errors_name_row_and_column() {
        let csv = "code,name,power_type,department,risk\nA1,甲,penalty,县局,low\nA2,乙,fine,县局,low\nA1,丙,penalty,县局,severe\nA4,,penalty,县局,\n";
        let e = read(csv.as_bytes()).unwrap_err();
        let got: Vec<(&str, &str)> = e.errors.iter().map(|f| (f.location.as_str(), f.code.as_str())).collect();
        assert_eq!(
            got,
            [
                ("row 3, column C (power_type)", "invalid_power_type"),
                ("row 4, column E (risk)", "invalid_risk"),
                ("row 5, column B (name)", "required"),
            ]
        );
    }
}

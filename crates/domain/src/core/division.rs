//! Administrative divisions (行政区划) with their official codes (GB/T 2260 and the
//! 12-digit statistical codes).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// An official division code: 6 digits (province, city, county), 9 (town) or 12 (village).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "340621104")]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        if !matches!(s.len(), 6 | 9 | 12) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new(
                "code",
                "invalid_division_code",
                format!("“{s}” is not a division code: 6, 9 or 12 digits expected"),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The county-level code this division belongs to: every table holding county data
    /// carries it, so a deployment can be sharded by county.
    pub fn county_code(&self) -> DivisionCode {
        Self(self.0[..6].to_owned())
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for DivisionCode {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DivisionCode> for String {
    fn from(c: DivisionCode) -> Self {
        c.0
    }
}

/// Level of a division. A 街道 (subdistrict) is a town-level division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    City,
    County,
    Town,
    Village,
}

impl Level {
    pub const ALL: [Level; 5] = [Level::Province, Level::City, Level::County, Level::Town, Level::Village];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Town => "town",
            Level::Village => "village",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县（区）",
            Level::Town => "乡镇（街道）",
            Level::Village => "村（社区）",
        }
    }

    /// How many digits a code of this level has.
    pub fn code_len(self) -> usize {
        match self {
            Level::Province | Level::City | Level::County => 6,
            Level::Town => 9,
            Level::Village => 12,
        }
    }
}

impl FromStr for Level {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL.into_iter().find(|l| l.as_str() == s.trim()).ok_or_else(|| {
            ValidationError::new(
                "level",
                "invalid_level",
                format!("“{s}” is not a level: province, city, county, town or village"),
            )
        })
    }
}

/// A division as imported: its parent is named by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Division {
    pub code: DivisionCode,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<DivisionCode>,
}

impl Division {
    /// Checks that hold for one row alone: a name, and a code whose length fits the level.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::default();
        if self.name.trim().is_empty() {
            e.push("name", "required", "name is empty");
        }
        if self.code.as_str().len() != self.level.code_len() {
            e.push(
                "code",
                "code_level_mismatch",
                format!(
                    "code {} has {} digits but a {} code has {}",
                    self.code,
                    self.code.as_str().len(),
                    self.level.as_str(),
                    self.level.code_len()
                ),
            );
        }
        if self.parent_code.as_ref() == Some(&self.code) {
            e.push("parent_code", "parent_cycle", format!("{} is its own parent", self.code));
        }
        e.into_result()
    }
}

/// The materialized path of a division: its ancestors' codes and its own, each enclosed
/// in slashes, so "is in the subtree of X" is a prefix test the database can index.
pub fn subtree_path(parent_path: Option<&str>, code: &DivisionCode) -> String {
    match parent_path {
        Some(p) => format!("{p}{code}/"),
        None => format!("/{code}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_nine_or_twelve_digits() {
        assert!(DivisionCode::parse("340621").is_ok());
        assert!(DivisionCode::parse("340621104").is_ok());
        assert!(DivisionCode::parse("340621104201").is_ok());
        assert!(DivisionCode::parse("34062").is_err());
        assert!(DivisionCode::parse("34062110x").is_err());
    }

    #[test]
    fn county_code_is_the_first_six_digits() {
        let c = DivisionCode::parse("340621104201").unwrap();
        assert_eq!(c.county_code().as_str(), "340621");
    }

    #[test]
    fn level_must_fit_code_length() {
        let d = Division {
            code: DivisionCode::parse("340621104").unwrap(),
            name: "临涣镇".into(),
            level: Level::Village,
            parent_code: None,
        };
        let err = d.validate().unwrap_err();
        assert_eq!(err.errors[0].code, "code_level_mismatch");
    }

    #[test]
    fn path_nests() {
        let c = DivisionCode::parse("340621").unwrap();
        let t = DivisionCode::parse("340621104").unwrap();
        let p = subtree_path(None, &c);
        assert_eq!(subtree_path(Some(&p), &t), "/340621/340621104/");
    }
}

//! Village collective income (村级集体经济收入): what each village's collective earned in a
//! year, by source, in integer fen; its growth year on year; and the weak villages, whose
//! operating income stays below a threshold.

use serde::Serialize;

use crate::ValidationError;

crate::named_enum! {
    /// Where the income came from, as rural collective accounts classify it.
    pub IncomeSource ("source", "invalid_income_source") {
        Operating = ("operating", "经营收入", "operating"),
        Contracting = ("contracting", "发包及上交收入", "contracting and rent"),
        Investment = ("investment", "投资收益", "investment"),
        Subsidy = ("subsidy", "补助收入", "subsidies"),
        Other = ("other", "其他收入", "other"),
    }
}

/// One village's income from one source in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IncomeLine {
    pub village_code: String,
    pub year: i32,
    pub source: IncomeSource,
    pub amount_fen: i64,
}

/// Growth from `previous` to `current` as a fraction (0.5 is +50%); none without a base.
pub fn growth(current: i64, previous: i64) -> Option<f64> {
    (previous > 0).then(|| (current - previous) as f64 / previous as f64)
}

/// An amount written in whole fen: digits only, no sign, no decimals.
pub fn parse_fen(s: &str) -> Result<i64, ValidationError> {
    let t = s.trim().replace(',', "");
    if t.starts_with('-') {
        return Err(ValidationError::new("amount_fen", "negative_amount", "an amount cannot be negative"));
    }
    t.parse::<i64>()
        .map_err(|_| ValidationError::new("amount_fen", "invalid_amount", "an amount in whole fen (1 yuan = 100 fen)"))
}

/// Checks a year: not before records were kept here, not in the future.
pub fn check_year(year: i32, this_year: i32) -> Result<(), ValidationError> {
    if year > this_year {
        Err(ValidationError::new("year", "future_period", format!("{year} has not come yet")))
    } else if year < 2000 {
        Err(ValidationError::new("year", "invalid_year", "a year from 2000 on"))
    } else {
        Ok(())
    }
}

/// Yuan with two decimals and thousands separators, as reports print money: 1,234.50.
pub fn yuan(fen: i64) -> String {
    let (sign, fen) = if fen < 0 { ("-", -fen) } else { ("", fen) };
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_amounts_and_years() {
        assert_eq!(growth(471_000_000, 125_000_000).map(|g| (g * 1000.0).round()), Some(2768.0));
        assert_eq!(growth(5, 0), None);
        assert_eq!(parse_fen("1,250,000").unwrap(), 1_250_000);
        assert_eq!(parse_fen("-3").unwrap_err().errors[0].code, "negative_amount");
        assert_eq!(parse_fen("12.5").unwrap_err().errors[0].code, "invalid_amount");
        assert_eq!(check_year(2027, 2026).unwrap_err().errors[0].code, "future_period");
        assert_eq!(yuan(123_456_789), "1,234,567.89");
        assert_eq!("经营收入".parse::<IncomeSource>().unwrap(), IncomeSource::Operating);
    }
}

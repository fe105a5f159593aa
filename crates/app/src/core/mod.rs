//! Use cases of the shared concepts.

pub mod access;
pub mod audit;
pub mod auth;
pub mod bodies;
pub mod calendar;
pub mod divisions;
pub mod password;
pub mod sheet;
pub mod tokens;
pub(crate) mod tracking;
pub mod users;

use time::OffsetDateTime;

/// Now, in stored form.
pub fn now() -> String {
    grassroots_domain::core::time::to_stored(OffsetDateTime::now_utc())
}

/// Today in Asia/Shanghai, where the towns are: the day deadlines and effective dates use.
pub fn today() -> time::Date {
    OffsetDateTime::now_utc().to_offset(grassroots_domain::core::time::SHANGHAI).date()
}

pub(crate) fn stored_in(d: time::Duration) -> String {
    grassroots_domain::core::time::to_stored(OffsetDateTime::now_utc() + d)
}

/// A day as users write it, YYYY-MM-DD.
pub(crate) fn parse_day(s: &str, field: &str) -> crate::Result<time::Date> {
    time::Date::parse(s.trim(), &time::format_description::well_known::Iso8601::DATE).map_err(|_| {
        grassroots_domain::ValidationError::new(field, "invalid_date", "a date is written YYYY-MM-DD").into()
    })
}

/// A text field that must be present and not too long.
pub(crate) fn required(text: &str, field: &str, max: usize, errors: &mut grassroots_domain::ValidationError) {
    let n = text.trim().chars().count();
    if n == 0 {
        errors.push(field, "required", format!("{field} is empty"));
    } else if n > max {
        errors.push(field, "too_long", format!("{field} has more than {max} characters"));
    }
}

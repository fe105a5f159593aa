//! Instants are stored in UTC as fixed-width RFC 3339 text (so text order is time order)
//! and shown in Asia/Shanghai (UTC+8, no daylight saving).

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// China Standard Time; fixed, so no time-zone database is needed.
pub const SHANGHAI: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

const STORED: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The stored form of an instant: `2026-11-26T08:30:00.000000Z`.
pub fn to_stored(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC).format(STORED).unwrap_or_default()
}

pub fn from_stored(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// A day written YYYY-MM-DD, as dates are stored.
pub fn parse_date(s: &str) -> Option<time::Date> {
    time::Date::parse(s, &time::format_description::well_known::Iso8601::DATE).ok()
}

/// How people read an instant: `2026-11-26 16:30` in Shanghai time.
pub fn display_local(s: &str) -> String {
    const SHOWN: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    from_stored(s).and_then(|t| t.to_offset(SHANGHAI).format(SHOWN).ok()).unwrap_or_else(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn stored_round_trips_and_displays_in_shanghai() {
        let t = datetime!(2026-11-26 08:30:00 UTC);
        let s = to_stored(t);
        assert_eq!(s, "2026-11-26T08:30:00.000000Z");
        assert_eq!(from_stored(&s), Some(t));
        assert_eq!(display_local(&s), "2026-11-26 16:30");
    }
}

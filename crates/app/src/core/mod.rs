//! Use cases of the shared concepts.

pub mod access;
pub mod audit;
pub mod auth;
pub mod bodies;
pub mod calendar;
pub mod divisions;
pub mod password;
pub mod tokens;
pub mod users;

use time::OffsetDateTime;

/// Now, in stored form.
pub(crate) fn now() -> String {
    grassroots_domain::core::time::to_stored(OffsetDateTime::now_utc())
}

pub(crate) fn stored_in(d: time::Duration) -> String {
    grassroots_domain::core::time::to_stored(OffsetDateTime::now_utc() + d)
}

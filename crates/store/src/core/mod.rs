//! Queries of the shared concepts. Every list takes the caller's scope as a division
//! path prefix, so no list can return a row outside it.

pub mod audit;
pub mod bodies;
pub mod calendar;
pub mod divisions;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

/// `LIKE` pattern for a subtree: everything whose path starts with the scope's path.
pub(crate) fn under(scope_path: &str) -> String {
    format!("{scope_path}%")
}

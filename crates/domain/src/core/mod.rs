//! Concepts every flow shares: divisions, bodies, roles, users, the working-day calendar
//! and the audit chain. Nothing here knows of any flow.

pub mod audit;
pub mod body;
pub mod calendar;
pub mod clock;
pub mod division;
pub mod role;
pub mod time;
pub mod user;

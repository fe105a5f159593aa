//! Queries of the admission flow.

pub mod lists;
pub mod tasks;

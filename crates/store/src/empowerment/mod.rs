//! Queries of the empowerment flow.

pub mod catalog;
pub mod powers;
pub mod rounds;

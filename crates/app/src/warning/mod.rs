//! Geological-hazard weather warnings. So far: their exchange format, CAP 1.2 ([`cap`]).

pub mod cap;

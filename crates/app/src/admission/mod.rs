//! Duty lists and task admission (准入).

pub mod batch;
pub(crate) mod demo;
pub mod listfile;
pub mod lists;
pub mod tasks;

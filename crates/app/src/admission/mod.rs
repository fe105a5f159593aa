//! Duty lists and task admission (准入).

pub mod batch;
pub mod listfile;
pub mod lists;
pub mod tasks;

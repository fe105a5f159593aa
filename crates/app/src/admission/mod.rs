//! Duty lists and task admission (准入).

pub mod listfile;

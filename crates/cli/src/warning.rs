//! Geological-hazard warnings from the command line. So far: checking CAP 1.2 files.

use std::path::PathBuf;

use clap::Subcommand;
use grassroots_app::AppError;
use grassroots_app::warning::cap;

use crate::{explain, read_file};

#[derive(Subcommand)]
pub(crate) enum CapCommand {
    /// Check a CAP 1.2 file: exit 0 and one line when it is valid; non-zero and every fault,
    /// with the element it is in, when it is not.
    Validate { file: PathBuf },
}

pub(crate) fn cap(cmd: CapCommand) -> Result<(), String> {
    let CapCommand::Validate { file } = cmd;
    let bytes = read_file(&file)?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", file.display()))?;
    let alert = cap::parse(&text).map_err(|e| explain(AppError::Validation(e)))?;
    println!("{}", cap::summary(&alert));
    Ok(())
}

//! The vocabulary of grassroots: validated values, rules and state machines, with no I/O.
//!
//! Shared concepts live in [`core`]; each flow of the reform gets a module of its own
//! beside it, and `core` imports none of them.

pub mod admission;
pub mod command;
pub mod core;
pub mod empowerment;
pub mod enforcement;
pub mod error;
pub mod income;
pub mod inspection;
mod named;
pub mod page;
pub mod petition;
pub mod restructuring;
pub mod warning;

pub use error::{FieldError, ValidationError};

//! Validation errors that say what is wrong and where.

use serde::Serialize;

/// One problem with one field of the input; `location` says where (row, column, field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field, column or path that is wrong, e.g. `parent_code` or `line 12, column 4`.
    pub location: String,
    /// A stable machine code, e.g. `unknown_parent`.
    pub code: String,
    /// A human message.
    pub message: String,
}

/// A list of field errors; constructing values from untrusted input returns this.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("{}", self.summary())]
pub struct ValidationError {
    pub errors: Vec<FieldError>,
}

impl ValidationError {
    pub fn new(location: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.push(location, code, message);
        e
    }

    pub fn push(&mut self, location: impl Into<String>, code: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError { location: location.into(), code: code.into(), message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when nothing was pushed, so a validator can collect every problem first.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The messages alone, for a caller that names the place itself.
    pub fn messages(&self) -> String {
        self.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")
    }

    pub fn summary(&self) -> String {
        self.errors.iter().map(|e| format!("{}: {}", e.location, e.message)).collect::<Vec<_>>().join("; ")
    }
}

//! What can go wrong in a use case, each with a stable machine code that the API sends
//! and the pages translate.

use grassroots_domain::ValidationError;
use grassroots_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Validation(#[from] ValidationError),
    /// Absent, or outside the actor's scope: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    #[error("this action is not allowed for your role")]
    Forbidden,
    /// The role may do this, but not to this object: it belongs to someone else.
    #[error("{0}")]
    NotYours(String),
    #[error("wrong username or password")]
    BadCredentials,
    #[error("the account is locked until {0} after repeated failed logins")]
    AccountLocked(String),
    #[error("the account is disabled")]
    AccountDisabled,
    #[error("too many failed logins from this address; try again later")]
    RateLimited,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
    /// A stored file could not be written, or read back intact.
    #[error("{0}")]
    Files(String),
    /// The installation lacks a setting this needs.
    #[error("{0}")]
    Unconfigured(&'static str),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(what) => AppError::Conflict(format!("a record with the same {what} already exists")),
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_failed",
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::NotYours(_) => "not_yours",
            AppError::BadCredentials => "bad_credentials",
            AppError::AccountLocked(_) => "account_locked",
            AppError::AccountDisabled => "account_disabled",
            AppError::RateLimited => "rate_limited",
            AppError::Conflict(_) => "conflict",
            AppError::Store(_) | AppError::Files(_) => "internal",
            AppError::Unconfigured(_) => "unconfigured",
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

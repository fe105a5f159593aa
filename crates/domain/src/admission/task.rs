//! Tasks sent down to towns, and where each target town's copy stands.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Decision;
use crate::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct TaskId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct TargetId(pub i64);

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for TargetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where one town's copy of a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetState {
    /// In the town's work queue.
    Accepted,
    /// Refused: on the negative list, or by the staffing office.
    Refused,
    /// Waiting for the staffing office: on no list, or appealed.
    PendingReview,
    /// The sender took the task back.
    Withdrawn,
}

impl TargetState {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetState::Accepted => "accepted",
            TargetState::Refused => "refused",
            TargetState::PendingReview => "pending_review",
            TargetState::Withdrawn => "withdrawn",
        }
    }

    /// What screening alone decides.
    pub fn after_screening(d: Decision) -> Self {
        match d {
            Decision::Duty | Decision::Cooperation => TargetState::Accepted,
            Decision::Negative => TargetState::Refused,
            Decision::Review => TargetState::PendingReview,
        }
    }
}

impl FromStr for TargetState {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [TargetState::Accepted, TargetState::Refused, TargetState::PendingReview, TargetState::Withdrawn]
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| ValidationError::new("state", "invalid_state", format!("“{s}” is not a target state")))
    }
}

/// A task as sent.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Task {
    pub id: TaskId,
    pub county_code: String,
    pub sender_body_id: i64,
    pub sender: String,
    pub title: String,
    pub text: String,
    pub legal_basis: String,
    pub due_date: Option<String>,
    /// `active` or `withdrawn`.
    pub status: String,
    pub created_at: String,
    pub withdrawn_at: Option<String>,
}

/// One target town's screening decision and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TaskTarget {
    pub id: TargetId,
    pub task_id: TaskId,
    pub task_title: String,
    pub division_code: String,
    /// The list version the decision was made against; none when the town had no list in force.
    pub list_version_id: Option<i64>,
    pub decision: Decision,
    pub item_code: Option<String>,
    pub item_title: Option<String>,
    /// For cooperation: the department that leads.
    pub lead_department: Option<String>,
    pub score: f64,
    /// The words that decided, with their places in `title + "\n" + text`.
    pub evidence_json: String,
    pub state: TargetState,
    /// The staffing office's ruling: `accept` or `refuse`.
    pub ruling: Option<String>,
    pub ruling_reason: Option<String>,
    pub ruled_by: Option<String>,
    pub ruled_at: Option<String>,
    pub appeal_reason: Option<String>,
    pub appealed_at: Option<String>,
    pub created_at: String,
}

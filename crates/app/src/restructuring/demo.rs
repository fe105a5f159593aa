//! The restructuring part of the demo: Linhuan's 24 legacy departments merged into 10
//! comprehensive offices, approved and in effect since mid-2021.

use grassroots_domain::page::PageRequest;

use super::{ApproveRequest, parse_document};
use crate::demo::LINHUAN;
use crate::{Actor, App, Result};

const LINHUAN_PLAN: &[u8] = include_bytes!("../../../../data/restructuring/linhuan-plan.json");
pub(crate) const IN_EFFECT_FROM: &str = "2021-06-01";

/// Returns whether the plan was made (not when the demo already has one).
pub(crate) async fn seed(app: &App, staffing: &Actor) -> Result<bool> {
    if app.list_plans(staffing, Some(LINHUAN), PageRequest::default()).await?.total > 0 {
        return Ok(false);
    }
    let plan = app.create_plan(staffing, parse_document(LINHUAN_PLAN)?).await?;
    app.approve_plan(staffing, plan.plan.id, ApproveRequest { effective_from: IN_EFFECT_FROM.into() }).await?;
    Ok(true)
}

//! Pagination of list queries.

use serde::{Deserialize, Serialize};

/// Which page of a list to return; `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageRequest {
    #[serde(default = "first_page")]
    pub page: u32,
    #[serde(default = "default_per_page")]
    pub per_page: u32,
}

const MAX_PER_PAGE: u32 = 200;

fn first_page() -> u32 {
    1
}
fn default_per_page() -> u32 {
    50
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, per_page: default_per_page() }
    }
}

impl PageRequest {
    pub fn from_parts(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self { page: page.unwrap_or(1), per_page: per_page.unwrap_or_else(default_per_page) }.normalized()
    }
    /// Clamp to sane bounds so no request can ask for an unbounded page.
    pub fn normalized(self) -> Self {
        Self { page: self.page.max(1), per_page: self.per_page.clamp(1, MAX_PER_PAGE) }
    }
    pub fn limit(self) -> i64 {
        i64::from(self.normalized().per_page)
    }
    pub fn offset(self) -> i64 {
        let n = self.normalized();
        i64::from(n.page - 1) * i64::from(n.per_page)
    }
}

/// One page of a list, with the total count so a client can page on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, req: PageRequest, total: i64) -> Self {
        let req = req.normalized();
        Self { items, page: req.page, per_page: req.per_page, total }
    }
}

//! What every handler shares.

use std::sync::Arc;

use grassroots_app::App;

use crate::ops::Metrics;

#[derive(Clone)]
pub struct WebState {
    pub app: App,
    /// Mark cookies `Secure`. On by default; off only for plain-HTTP test setups.
    pub secure_cookies: bool,
    /// Read the client's address from `X-Forwarded-For` (set by a trusted reverse proxy).
    pub behind_proxy: bool,
    pub metrics: Arc<Metrics>,
}

//! Health and metrics: `/healthz` answers whether the database answers; `/metrics`
//! speaks the Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::WebState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

pub struct Metrics {
    started: Instant,
    /// Requests by status class 1xx..5xx.
    by_class: [AtomicU64; 5],
    in_flight: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            by_class: Default::default(),
            in_flight: AtomicU64::new(0),
            buckets: Default::default(),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    fn observe(&self, status: StatusCode, secs: f64) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((secs * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# HELP grassroots_http_requests_total HTTP requests answered, by status class.");
        let _ = writeln!(s, "# TYPE grassroots_http_requests_total counter");
        for (i, n) in self.by_class.iter().enumerate() {
            let _ =
                writeln!(s, "grassroots_http_requests_total{{class=\"{}xx\"}} {}", i + 1, n.load(Ordering::Relaxed));
        }
        let _ = writeln!(s, "# HELP grassroots_http_requests_in_flight Requests being handled now.");
        let _ = writeln!(s, "# TYPE grassroots_http_requests_in_flight gauge");
        let _ = writeln!(s, "grassroots_http_requests_in_flight {}", self.in_flight.load(Ordering::Relaxed));
        let _ = writeln!(s, "# HELP grassroots_http_request_duration_seconds Time to answer a request.");
        let _ = writeln!(s, "# TYPE grassroots_http_request_duration_seconds histogram");
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                s,
                "grassroots_http_request_duration_seconds_bucket{{le=\"{le}\"}} {}",
                self.buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(s, "grassroots_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            s,
            "grassroots_http_request_duration_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(s, "grassroots_http_request_duration_seconds_count {count}");
        let _ = writeln!(s, "# HELP grassroots_uptime_seconds Seconds since the server started.");
        let _ = writeln!(s, "# TYPE grassroots_uptime_seconds gauge");
        let _ = writeln!(s, "grassroots_uptime_seconds {}", self.started.elapsed().as_secs());
        s
    }
}

/// Counts and times every request, and logs it with its route.
pub async fn track(State(state): State<WebState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let method = req.method().clone();
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let res = next.run(req).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    let secs = started.elapsed().as_secs_f64();
    state.metrics.observe(res.status(), secs);
    tracing::info!(%method, route = route.as_deref().unwrap_or("-"), status = res.status().as_u16(), ms = secs * 1e3, "request");
    res
}

pub async fn healthz(State(state): State<WebState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

pub async fn metrics(State(state): State<WebState>) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

//! The benchmark peer: a bare axum route answering a constant, which shows the HTTP
//! ceiling of the machine that grassroots is measured on.
//!
//! `cargo run --release -p grassroots-web --example bare_axum -- 127.0.0.1:18090`

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18090".into());
    let app = Router::new().route("/", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}

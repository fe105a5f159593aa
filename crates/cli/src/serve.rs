//! `serve` and `demo`'s server: the listening address, cookies and proxy settings from flags,
//! environment and file; housekeeping while serving; a graceful stop.

use std::net::SocketAddr;

use grassroots_app::App;

use crate::config::FileConfig;

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "GRASSROOTS_LISTEN")]
    pub(crate) listen: Option<String>,
    /// Do not mark cookies Secure (plain HTTP on a trusted network only).
    #[arg(long)]
    pub(crate) insecure_cookies: bool,
}

pub(crate) fn listen_addr(args: &ServeArgs, file: &FileConfig) -> Result<SocketAddr, String> {
    let s = args.listen.clone().or_else(|| file.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    s.parse().map_err(|e| format!("--listen {s}: {e}"))
}

pub(crate) async fn serve(app: App, args: &ServeArgs, file: &FileConfig, demo: bool) -> Result<(), String> {
    let addr = listen_addr(args, file)?;
    let env_secure = std::env::var("GRASSROOTS_SECURE_COOKIES").ok().map(|v| v != "false" && v != "0");
    let secure = !args.insecure_cookies && env_secure.or(file.secure_cookies).unwrap_or(true);
    let behind_proxy = std::env::var("GRASSROOTS_BEHIND_PROXY")
        .ok()
        .map(|v| v == "true" || v == "1")
        .or(file.behind_proxy)
        .unwrap_or(false);
    let stop = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, demo, "serving");
    // Every minute: pick up a calendar imported by `grassroots calendar import` while
    // serving; every five: escalate overdue events; every ten: drop expired sessions and
    // old login attempts.
    let keeper = app.clone();
    let housekeeping = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        for n in 0u64.. {
            tick.tick().await;
            if let Err(e) = keeper.reload_calendar().await {
                tracing::warn!(error = %e, "reloading the calendar failed");
            }
            if n % 5 == 0 {
                match keeper.escalate_overdue().await {
                    Ok(0) => {}
                    Ok(raised) => tracing::info!(raised, "overdue events escalated"),
                    Err(e) => tracing::warn!(error = %e, "escalating overdue events failed"),
                }
            }
            if n % 10 == 0
                && let Err(e) = keeper.prune_sessions().await
            {
                tracing::warn!(error = %e, "pruning sessions failed");
            }
        }
    });
    // Every two seconds: send the warnings' texts and webhooks that are due. Every
    // minute, on its own so that a slow gateway cannot hold it up: escalate notices left
    // unacknowledged past their level's minutes.
    let relayer = app.clone();
    let relay = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        loop {
            tick.tick().await;
            match relayer.relay_due(&grassroots_app::core::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "warning deliveries sent"),
                Err(e) => tracing::warn!(error = %e, "relaying warnings failed"),
            }
        }
    });
    let escalator = app.clone();
    let escalation = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match escalator.escalate_warnings(&grassroots_app::core::now()).await {
                Ok(0) => {}
                Ok(raised) => tracing::info!(raised, "silent warning notices escalated"),
                Err(e) => tracing::warn!(error = %e, "escalating warning notices failed"),
            }
        }
    });
    let router =
        grassroots_web::router(app.clone(), grassroots_web::WebOptions { secure_cookies: secure, behind_proxy });
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(stop)
        .await
        .map_err(|e| e.to_string())?;
    housekeeping.abort();
    relay.abort();
    escalation.abort();
    app.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let requests in flight finish. The handlers are
/// installed before the socket is bound, so a signal that comes early is not the default
/// (fatal) one.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    #[cfg(unix)]
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
    Ok(async move {
        #[cfg(unix)]
        let term = term.recv();
        #[cfg(not(unix))]
        let term = std::future::pending::<Option<()>>();
        tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term => {} }
        tracing::info!("shutting down");
    })
}

//! Backup, restore and the integrity check: the operator's answer to "is everything
//! still there, and can we get it back". SQLite is copied by the store (`VACUUM INTO`, one
//! snapshot, also while serving); PostgreSQL by its own `pg_dump` and `pg_restore`.

use std::path::Path;
use std::process::{Command, ExitCode};

use grassroots_app::core::audit::Verification;
use grassroots_app::{App, Settings};
use grassroots_store::{Backend, Store};

use crate::explain;

pub(crate) async fn backup(url: &str, path: &Path) -> Result<(), String> {
    if path.exists() {
        return Err(format!("{} exists; choose a new file", path.display()));
    }
    let target = path.to_str().ok_or("the backup path is not valid UTF-8")?;
    match backend(url)? {
        Backend::Sqlite => {
            let store = Store::connect(url).await.map_err(|e| e.to_string())?;
            store.backup(target).await.map_err(|e| e.to_string())?;
        }
        // The custom format is compressed and lets pg_restore run in one transaction.
        Backend::Postgres => {
            external("pg_dump", &["--format=custom", "--no-owner", "--file", target, "--dbname", url])?
        }
    }
    println!("backup written to {}", path.display());
    Ok(())
}

/// Restores `path` into the database at `url`, which must be new (or, on SQLite, replaced
/// on request while no server runs on it), and checks what was restored: exit 0 when it is
/// intact, 3 when not (on SQLite the damaged copy is then not put in place).
pub(crate) async fn restore(url: &str, path: &Path, replace: bool, settings: Settings) -> Result<ExitCode, String> {
    let source = path.to_str().ok_or("the backup path is not valid UTF-8")?;
    if !path.is_file() {
        return Err(format!("no backup at {}", path.display()));
    }
    match backend(url)? {
        Backend::Sqlite => {
            let file = sqlite_file(url);
            if Path::new(file).exists() && !replace {
                return Err(format!(
                    "{file} exists; restore into a new file, or add --replace with the server stopped"
                ));
            }
            // Checked beside the target and renamed over it: a restore cut short or refused
            // leaves the old database as it was, and the backup is never written to.
            let partial = format!("{file}.restoring");
            std::fs::copy(path, &partial).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
            let app = App::open(&format!("sqlite://{partial}"), settings).await.map_err(explain)?;
            let code = check(app.clone()).await?;
            app.store.close().await;
            if code != ExitCode::SUCCESS {
                let _ = std::fs::remove_file(&partial);
                return Err(format!("{} is damaged and was not restored", path.display()));
            }
            for stale in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{file}{stale}"));
            }
            std::fs::rename(&partial, file).map_err(|e| format!("cannot move the restored copy to {file}: {e}"))?;
            println!("restored {} into {url}", path.display());
            Ok(code)
        }
        Backend::Postgres => {
            let store = Store::connect(url).await.map_err(|e| e.to_string())?;
            if !store.schema().await.map_err(|e| e.to_string())?.is_empty() {
                return Err("the target database has tables; restore into a new, empty database".into());
            }
            store.close().await;
            external(
                "pg_restore",
                &["--single-transaction", "--exit-on-error", "--no-owner", "--dbname", url, source],
            )?;
            println!("restored {} into {url}", path.display());
            check(App::open(url, settings).await.map_err(explain)?).await
        }
    }
}

/// Exit 0 when the database and the audit chain are intact, 3 when anything is wrong.
pub(crate) async fn check(app: App) -> Result<ExitCode, String> {
    let problems = app.store.check().await.map_err(|e| e.to_string())?;
    let mut broken = false;
    for p in &problems {
        // An index check that could not run is said, but is no damage.
        broken |= !p.starts_with("indexes not checked");
        println!("{p}");
    }
    match app.verify_audit().await.map_err(explain)? {
        Verification::Intact { records } => println!("audit: {records} records, chain intact"),
        Verification::Broken(b) => {
            broken = true;
            println!("audit: BROKEN: {b}");
        }
    }
    if broken {
        return Ok(ExitCode::from(3));
    }
    println!("OK: database intact");
    Ok(ExitCode::SUCCESS)
}

fn backend(url: &str) -> Result<Backend, String> {
    Backend::of_url(url).map_err(|e| e.to_string())
}

/// The file of an `sqlite://FILE?…` URL.
fn sqlite_file(url: &str) -> &str {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or(rest)
}

fn external(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program).args(args).output().map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(())
}

//! Persistence. One query text per operation, run through sqlx's `Any` driver against
//! embedded SQLite (the default) or PostgreSQL; what differs between the two — schema
//! dialect, connection settings, backup — stays in this file and the two migration sets.
//!
//! Queries take `&mut AnyConnection`, so the caller decides whether they run inside a
//! transaction (every write does, together with its audit record) or on a pooled connection.

/// Query text assembled from constant pieces (column lists, shared conditions); values
/// are always bound, never formatted in.
macro_rules! sql {
    ($($t:tt)*) => { sqlx::AssertSqlSafe(format!($($t)*)) };
}

pub mod admission;
pub mod command;
pub mod core;
pub mod empowerment;
pub mod enforcement;
pub mod income;
pub mod inspection;
pub mod petition;
pub mod restructuring;
pub mod warning;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Connection, Row, SqlSafeStr};

pub use sqlx::AnyConnection as Conn;
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The migrations, embedded in the binary: (version, description, SQLite text, PostgreSQL text).
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "core",
        include_str!("../migrations/sqlite/0001_core.sql"),
        include_str!("../migrations/postgres/0001_core.sql"),
    ),
    (
        2,
        "admission",
        include_str!("../migrations/sqlite/0002_admission.sql"),
        include_str!("../migrations/postgres/0002_admission.sql"),
    ),
    (
        3,
        "restructuring",
        include_str!("../migrations/sqlite/0003_restructuring.sql"),
        include_str!("../migrations/postgres/0003_restructuring.sql"),
    ),
    (
        4,
        "empowerment",
        include_str!("../migrations/sqlite/0004_empowerment.sql"),
        include_str!("../migrations/postgres/0004_empowerment.sql"),
    ),
    (
        5,
        "enforcement",
        include_str!("../migrations/sqlite/0005_enforcement.sql"),
        include_str!("../migrations/postgres/0005_enforcement.sql"),
    ),
    (
        6,
        "inspection",
        include_str!("../migrations/sqlite/0006_inspection.sql"),
        include_str!("../migrations/postgres/0006_inspection.sql"),
    ),
    (
        7,
        "command",
        include_str!("../migrations/sqlite/0007_command.sql"),
        include_str!("../migrations/postgres/0007_command.sql"),
    ),
    (
        8,
        "escalation_attachments",
        include_str!("../migrations/sqlite/0008_escalation_attachments.sql"),
        include_str!("../migrations/postgres/0008_escalation_attachments.sql"),
    ),
    (
        9,
        "income",
        include_str!("../migrations/sqlite/0009_income.sql"),
        include_str!("../migrations/postgres/0009_income.sql"),
    ),
    (
        10,
        "petition",
        include_str!("../migrations/sqlite/0010_petition.sql"),
        include_str!("../migrations/postgres/0010_petition.sql"),
    ),
    (
        11,
        "indicators",
        include_str!("../migrations/sqlite/0011_indicators.sql"),
        include_str!("../migrations/postgres/0011_indicators.sql"),
    ),
    (
        12,
        "warning",
        include_str!("../migrations/sqlite/0012_warning.sql"),
        include_str!("../migrations/postgres/0012_warning.sql"),
    ),
    (
        13,
        "list order",
        include_str!("../migrations/sqlite/0013_list_order.sql"),
        include_str!("../migrations/postgres/0013_list_order.sql"),
    ),
];

fn migrator(backend: Backend) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, description, sqlite, postgres)| {
                let text = match backend {
                    Backend::Sqlite => sqlite,
                    Backend::Postgres => postgres,
                };
                Migration::new(version, description.into(), MigrationType::Simple, text.into_sql_str(), false)
            })
            .collect(),
    )
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL “{0}”: use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    #[error("a record with the same {0} already exists")]
    Duplicate(String),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// A unique-constraint violation becomes `Duplicate`, naming what was duplicated.
    pub fn on_duplicate(what: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
        move |e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => StoreError::Duplicate(what.to_owned()),
            _ => StoreError::Database(e),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects, creating an SQLite file when it does not exist yet. Does not migrate.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let (url, max) = match backend {
            // rwc: create the file on first start.
            Backend::Sqlite if !url.contains('?') => (format!("{url}?mode=rwc"), 8),
            Backend::Sqlite => (url.to_owned(), 8),
            Backend::Postgres => (url.to_owned(), 16),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; FULL makes an acknowledged
                        // commit durable; the busy timeout queues writers instead of failing.
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA busy_timeout = 10000",
                            "PRAGMA case_sensitive_like = ON",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<()> {
        migrator(self.backend).run(&self.pool).await?;
        Ok(())
    }

    /// Brings the schema up to `version` and no further: a database as an earlier release
    /// left it, for testing the upgrade from every earlier version.
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        let mut m = migrator(self.backend);
        m.migrations = m.migrations.iter().filter(|m| m.version <= version).cloned().collect::<Vec<_>>().into();
        m.run(&self.pool).await?;
        Ok(())
    }

    /// The versions of the schema this build knows, oldest first.
    pub fn schema_versions() -> Vec<i64> {
        MIGRATIONS.iter().map(|m| m.0).collect()
    }

    /// What is wrong with the stored database, or nothing: the engine's own check of pages
    /// and indexes, foreign keys that point nowhere, and migrations that are missing or
    /// failed. On PostgreSQL the B-tree indexes are checked when the `amcheck` extension
    /// is installed; the report says when it is not.
    pub async fn check(&self) -> Result<Vec<String>> {
        let mut c = self.conn().await?;
        let mut problems = Vec::new();
        match self.backend {
            Backend::Sqlite => {
                for row in sqlx::query("PRAGMA integrity_check").fetch_all(&mut *c).await? {
                    let line: String = row.try_get(0)?;
                    if line != "ok" {
                        problems.push(format!("integrity: {line}"));
                    }
                }
                for row in sqlx::query("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
                    .fetch_all(&mut *c)
                    .await?
                {
                    let (table, rowid, parent): (String, i64, String) =
                        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                    problems.push(format!("foreign key: {table} row {rowid} points to a missing {parent}"));
                }
            }
            Backend::Postgres => {
                let amcheck: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_extension WHERE extname = 'amcheck'")
                    .fetch_one(&mut *c)
                    .await?;
                if amcheck == 0 {
                    problems.push(
                        "indexes not checked: the amcheck extension is not installed (CREATE EXTENSION amcheck)".into(),
                    );
                } else {
                    let indexes: Vec<String> = sqlx::query_scalar(
                        "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                         JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace \
                         WHERE a.amname = 'btree' AND n.nspname = current_schema()",
                    )
                    .fetch_all(&mut *c)
                    .await?;
                    for index in indexes {
                        // bt_index_check raises an error naming the damage; it is the report.
                        if let Err(e) = sqlx::query("SELECT bt_index_check($1::regclass, true)::text")
                            .bind(&index)
                            .fetch_one(&mut *c)
                            .await
                        {
                            problems.push(format!("index {index}: {e}"));
                        }
                    }
                }
                let invalid: Vec<String> = sqlx::query_scalar(
                    "SELECT conname::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
                     WHERE NOT c.convalidated AND n.nspname = current_schema()",
                )
                .fetch_all(&mut *c)
                .await?;
                problems.extend(invalid.into_iter().map(|n| format!("constraint {n} is not validated")));
            }
        }
        let applied: Vec<(i64, i64)> =
            sqlx::query_as("SELECT version, CAST(CASE WHEN success THEN 1 ELSE 0 END AS BIGINT) FROM _sqlx_migrations ORDER BY version").fetch_all(&mut *c).await?;
        for (version, ..) in applied.iter().filter(|(_, success)| *success == 0) {
            problems.push(format!("migration {version} failed part-way"));
        }
        for version in Self::schema_versions() {
            if !applied.iter().any(|(v, _)| *v == version) {
                problems.push(format!("migration {version} is not applied"));
            }
        }
        Ok(problems)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// A write transaction. On SQLite it takes the write lock at once (BEGIN IMMEDIATE),
    /// so two writers queue on the busy timeout instead of failing on lock upgrade.
    pub async fn begin(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    pub async fn ping(&self) -> Result<()> {
        let mut c = self.conn().await?;
        c.ping().await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A consistent copy of the database while it serves. SQLite writes a new file with
    /// `VACUUM INTO`, which reads one snapshot; PostgreSQL deployments use `pg_dump`.
    pub async fn backup(&self, path: &str) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("VACUUM INTO $1").bind(path).execute(&self.pool).await?;
                Ok(())
            }
            Backend::Postgres => Err(StoreError::UnsupportedUrl(
                "backup of a PostgreSQL database: use pg_dump, which takes a consistent snapshot".into(),
            )),
        }
    }

    /// Every table of the schema and its columns, for checking that both migration sets agree.
    pub async fn schema(&self) -> Result<BTreeMap<String, Vec<String>>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
                 ORDER BY m.name, p.cid"
            }
            Backend::Postgres => {
                "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' \
                 ORDER BY table_name, ordinal_position"
            }
        };
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in sqlx::query(sql).fetch_all(&self.pool).await? {
            let t: String = row.try_get("t")?;
            let c: String = row.try_get("c")?;
            out.entry(t).or_default().push(c);
        }
        Ok(out)
    }
}

/// Parse a stored enum-like text column, turning a bad value into `Corrupt`.
pub(crate) fn parse_col<T: FromStr>(value: &str, column: &str) -> Result<T> {
    value.parse().map_err(|_| StoreError::Corrupt(format!("{column} = “{value}”")))
}

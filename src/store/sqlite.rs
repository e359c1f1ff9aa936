//! The embedded default: one SQLite file in WAL mode, foreign keys on, a busy timeout.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use time::OffsetDateTime;

use super::common::{ClaimRow, shared_store_impl};
use super::types::Timestamp;
use super::{Backend, ClaimedJob, ConnectError, ConnectOptions, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A store on a SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing, with its folder) the file named by a `sqlite://path` URL, then migrates.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Self, ConnectError> {
        let path = url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or("");
        if path.is_empty() {
            return Err(ConnectError::Malformed(
                "sqlite:// needs a file path, like sqlite://data/summer-school.db".into(),
            ));
        }
        if path != ":memory:"
            && let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| ConnectError::Unreachable {
                target: url.to_owned(),
                reason: format!("cannot create folder {}: {e}", parent.display()),
            })?;
        }
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|e| ConnectError::Malformed(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.connect_timeout)
            .connect_with(connect)
            .await
            .map_err(|e| ConnectError::Unreachable {
                target: url.to_owned(),
                reason: e.to_string(),
            })?;
        // SQLite has no advisory lock: a lock file keeps two processes opening the same new database
        // from both applying the same migration.
        let lock = if path == ":memory:" {
            None
        } else {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(format!("{path}.migrate-lock"))
                .map_err(|e| {
                    ConnectError::Migration(format!("cannot open the migration lock: {e}"))
                })?;
            let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
                .await
                .map_err(|e| ConnectError::Migration(e.to_string()))?
                .map_err(|e| {
                    ConnectError::Migration(format!("cannot take the migration lock: {e}"))
                })?;
            Some(file)
        };
        let migrated = MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| ConnectError::Migration(e.to_string()));
        drop(lock);
        migrated?;
        Ok(SqliteStore { pool })
    }

    /// SQLite allows one writer: taking the write lock at `begin` (rather than at the first write) lets
    /// the busy timeout queue writers instead of failing them with a deadlock.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("begin immediate").await
    }

    /// One statement is atomic on SQLite, so the select-and-update cannot hand one job to two workers.
    async fn claim_next_job(
        &self,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let until = Timestamp::new(now + lease);
        let row: Option<ClaimRow> = sqlx::query_as(
            "update job
             set status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2
             where job_id = (
                 select job_id
                 from job
                 where (status = 'queued' and run_at <= $2) or (status = 'running' and locked_until < $2)
                 order by run_at, job_id
                 limit 1)
             returning job_id, kind, payload, attempts, max_attempts, created_at",
        )
        .bind(until)
        .bind(Timestamp::new(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Into::into))
    }
}

shared_store_impl!(SqliteStore, Sqlite, Backend::Sqlite);

//! The embedded default: one SQLite file in WAL mode, foreign keys on, a busy timeout.

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

use super::applications::applications_sql;
use super::db::Db;
use super::{ConnectError, ConnectOptions, SqlStore};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

impl SqlStore {
    /// Opens (creating if missing, with its folder) the file named by a `sqlite://path` URL, then migrates.
    pub(super) async fn connect_sqlite(
        url: &str,
        options: &ConnectOptions,
    ) -> Result<Self, ConnectError> {
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
        let unreachable = |e: sqlx::Error| ConnectError::Unreachable {
            target: url.to_owned(),
            reason: e.to_string(),
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.connect_timeout)
            .connect_with(connect.clone())
            .await
            .map_err(unreachable)?;
        // An in-memory database exists once per connection: there, the writer must be the same pool.
        let writer = if path == ":memory:" {
            pool.clone()
        } else {
            // The writer never checkpoints: a checkpoint in the one writer would stall every write
            // behind it. A reader checkpoints instead, beside the writer (see `checkpoint_in_background`).
            SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(options.connect_timeout)
                .connect_with(connect.pragma("wal_autocheckpoint", "0"))
                .await
                .map_err(unreachable)?
        };
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
        if path != ":memory:" {
            checkpoint_in_background(pool.clone());
        }
        Ok(SqlStore::new(
            Db::Sqlite {
                readers: pool,
                writer,
            },
            options,
        ))
    }
}

/// Copies the write-ahead log back into the database file every second, without blocking the writer
/// (a passive checkpoint), so that the log stays small. Stops when the pool is closed.
fn checkpoint_in_background(pool: SqlitePool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !pool.is_closed() {
            tick.tick().await;
            if let Err(e) = sqlx::query("pragma wal_checkpoint(passive)")
                .execute(&pool)
                .await
                && !pool.is_closed()
            {
                tracing::warn!(error = %e, "the background checkpoint failed");
            }
        }
    });
}

/// Documents and answers aggregated by SQLite's JSON functions.
pub(super) const APPLICATIONS_SQL: [&str; 2] = applications_sql!(
    "(select json_group_array(json_object('document_id', d.document_id,
         'application_id', d.application_id, 'kind', d.kind, 'file_name', d.file_name,
         'content_type', d.content_type, 'size_bytes', d.size_bytes, 'sha256', d.sha256,
         'blob_key', d.blob_key, 'created_at', d.created_at))
      from application_document d where d.application_id = a.application_id)",
    "(select json_group_array(json_array(r.question_key, r.value))
      from application_answer r where r.application_id = a.application_id)"
);

/// One statement is atomic on SQLite, so the select-and-update cannot hand one job to two workers.
pub(super) const CLAIM_NEXT_JOB_SQL: &str = "update job
             set status = $3, attempts = attempts + 1, locked_until = $1, updated_at = $2
             where job_id = (
                 select job_id
                 from job
                 where (status = $4 and run_at <= $2) or (status = $3 and locked_until < $2)
                 order by run_at, job_id
                 limit 1)
             returning job_id, kind, payload, attempts, max_attempts, created_at";

//! The embedded default: one SQLite file in WAL mode, foreign keys on, a busy timeout.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use time::OffsetDateTime;

use super::certificates::certificate_store_impl;
use super::cohort::cohort_store_impl;
use super::common::{ClaimRow, PartsCache, applications_sql, shared_store_impl};
use super::demo::demo_store_impl;
use super::discounts::discount_store_impl;
use super::organizers::organizer_store_impl;
use super::payments::payment_store_impl;
use super::review::review_store_impl;
use super::types::Timestamp;
use super::visa::visa_store_impl;
use super::{Backend, ClaimedJob, ConnectError, ConnectOptions, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A store on a SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    /// Readers: WAL lets them run beside the writer.
    pool: SqlitePool,
    /// The one writer. SQLite serialises writes anyway; queueing them for one connection in the pool
    /// is fair and cheap, where many connections polling the file lock under a busy timeout are neither.
    writer: SqlitePool,
    /// Programs' questions and fee tiers, per catalog revision.
    parts: PartsCache,
    /// How many times a job queued by a state change is tried.
    job_max_attempts: u32,
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
        Ok(SqliteStore {
            pool,
            writer,
            parts: PartsCache::default(),
            job_max_attempts: options.job_max_attempts.max(1),
        })
    }

    /// SQLite allows one writer: taking the write lock at `begin` (rather than at the first write) lets
    /// the busy timeout queue writers of other processes instead of failing them with a deadlock.
    /// Documents and answers aggregated by SQLite's JSON functions.
    const APPLICATIONS_SQL: [&str; 2] = applications_sql!(
        "(select json_group_array(json_object('document_id', d.document_id,
             'application_id', d.application_id, 'kind', d.kind, 'file_name', d.file_name,
             'content_type', d.content_type, 'size_bytes', d.size_bytes, 'sha256', d.sha256,
             'blob_key', d.blob_key, 'created_at', d.created_at))
          from application_document d where d.application_id = a.application_id)",
        "(select json_group_array(json_array(r.question_key, r.value))
          from application_answer r where r.application_id = a.application_id)"
    );

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.writer.begin_with("begin immediate").await
    }

    /// Where single-statement writes go.
    fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    /// SQLite has no data-modifying `with`; its statements are local calls, so the general path (one
    /// transaction of a few statements) is what it runs.
    async fn submit_in_one_statement(
        &self,
        _applicant_id: &str,
        _application: &super::ApplicationRecord,
        _received: &crate::domain::job::OutgoingEmail,
        _now: Timestamp,
    ) -> Result<bool, StoreError> {
        Ok(false)
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
        .fetch_optional(&self.writer)
        .await?;
        Ok(row.map(Into::into))
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

shared_store_impl!(SqliteStore, Sqlite, Backend::Sqlite);
cohort_store_impl!(SqliteStore, Sqlite);
review_store_impl!(SqliteStore, Sqlite);
organizer_store_impl!(SqliteStore, Sqlite);
payment_store_impl!(SqliteStore, Sqlite);
discount_store_impl!(SqliteStore, Sqlite);
certificate_store_impl!(SqliteStore, Sqlite);
visa_store_impl!(SqliteStore, Sqlite);
demo_store_impl!(SqliteStore, Sqlite);

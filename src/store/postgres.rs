//! Postgres, for deployments that run several instances on one database.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};
use time::OffsetDateTime;

use super::cohort::cohort_store_impl;
use super::common::{ClaimRow, shared_store_impl};
use super::organizers::organizer_store_impl;
use super::review::review_store_impl;
use super::types::Timestamp;
use super::{Backend, ClaimedJob, ConnectError, ConnectOptions, StoreError, redact_url};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A store on a Postgres database.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and migrates. sqlx's migrator holds an advisory lock while it runs, so several
    /// instances starting at once apply each migration exactly once.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Self, ConnectError> {
        let connect: PgConnectOptions = url
            .parse()
            .map_err(|e: sqlx::Error| ConnectError::Malformed(e.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.connect_timeout)
            .connect_with(connect)
            .await
            .map_err(|e| ConnectError::Unreachable {
                target: redact_url(url),
                reason: e.to_string(),
            })?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| ConnectError::Migration(e.to_string()))?;
        Ok(PgStore { pool })
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Where single-statement writes go: any connection, Postgres has row locks.
    fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    /// `for update skip locked`: concurrent workers on several instances each take a different job.
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
                 limit 1
                 for update skip locked)
             returning job_id, kind, payload, attempts, max_attempts, created_at",
        )
        .bind(until)
        .bind(Timestamp::new(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Into::into))
    }
}

shared_store_impl!(PgStore, Postgres, Backend::Postgres);
cohort_store_impl!(PgStore, Postgres);
review_store_impl!(PgStore, Postgres);
organizer_store_impl!(PgStore, Postgres);

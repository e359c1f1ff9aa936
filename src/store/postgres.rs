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
use crate::domain::audit::Actor;
use crate::domain::job::{JobPayload, OutgoingEmail};

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

    /// A reviewed program's submission in one statement, one round trip instead of five: the status
    /// change, its audit event and the email's outbox row, atomic like any statement. False when it
    /// changed nothing (not a draft, not the applicant's, the window closed, or the program now takes
    /// applications first come): the general path then decides and explains.
    async fn submit_in_one_statement(
        &self,
        applicant_id: &str,
        application_id: &str,
        received: &OutgoingEmail,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let payload = JobPayload::SendEmail(received.clone());
        let job: Option<i64> = sqlx::query_scalar(
            "with sent as (
                 update application set status = 'submitted', submitted_at = $3, updated_at = $3
                 where application_id = $1 and applicant_id = $2 and status = 'draft'
                   and exists (select 1 from program p
                               where p.program_id = application.program_id
                                 and p.review_mode = 'review' and $3 < p.application_closes_at)
                 returning application_id),
             audit as (
                 insert into audit_event (organization_id, actor, action, subject_type, subject_id, detail, created_at)
                 select null, $4, 'application.submitted', 'application', application_id, 'draft → submitted', $3
                 from sent)
             insert into job (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at, application_id)
             select $5, $6, 'queued', 0, 8, $3, $3, $3, application_id from sent
             returning job_id",
        )
        .bind(application_id)
        .bind(applicant_id)
        .bind(now)
        .bind(Actor::Applicant(applicant_id.to_owned()).to_string())
        .bind(payload.kind())
        .bind(sqlx::types::Json(&payload))
        .fetch_optional(&self.pool)
        .await?;
        Ok(job.is_some())
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

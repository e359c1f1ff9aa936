//! The job queue: rows queued in the transaction of the change that asks for them, claimed with a
//! lease by the worker, retried with backoff until their attempts run out.

use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

use super::db::{Tx, query, scalar};
use super::types::Timestamp;
use super::{Backend, SqlStore, StoreError, postgres, sqlite};
use crate::domain::audit::{Action, Actor};
use crate::domain::job::JobPayload;
use crate::domain::refusal::Refusal;
use crate::domain::status::JobStatus;

/// A job as listed to operators (no payload: it may hold personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSummary {
    pub job_id: i64,
    pub kind: String,
    /// What the job carries (an email's content, a notice's application and kind).
    pub payload: serde_json::Value,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

/// A job the worker has claimed, with its lease.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    pub job_id: i64,
    pub kind: String,
    /// The raw payload; the worker parses it so that an unreadable one becomes a dead job, not a crash.
    pub payload: serde_json::Value,
    /// This attempt's number (1 for the first); also the fencing token for completing the job.
    pub attempt: i32,
    pub max_attempts: i32,
    pub created_at: OffsetDateTime,
}

/// Which jobs to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobFilter {
    All,
    Dead,
    Pending,
}

/// The queue the worker drains (emails, notices, refunds) and operators inspect.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Queues a job on its own (callers that change state queue theirs inside their operation).
    async fn enqueue_job(
        &self,
        payload: &JobPayload,
        max_attempts: u32,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError>;
    /// Claims the next due job (or one whose lease expired) for `lease`.
    async fn claim_job(
        &self,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError>;
    /// Marks a claimed job done; a no-op if the lease was lost to another worker. `scrubbed` replaces
    /// the payload once it is no longer needed (an email that held a sign-in link).
    async fn complete_job(
        &self,
        job_id: i64,
        attempt: i32,
        scrubbed: Option<&JobPayload>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Records a failure: queued again at `retry_at`, or dead when `retry_at` is `None`.
    async fn fail_job(
        &self,
        job_id: i64,
        attempt: i32,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn jobs(&self, filter: JobFilter, limit: i64) -> Result<Vec<JobSummary>, StoreError>;
    /// Gives a dead job a fresh set of attempts.
    async fn retry_job(
        &self,
        job_id: i64,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

#[derive(sqlx::FromRow)]
pub(super) struct JobRow {
    job_id: i64,
    kind: String,
    payload: sqlx::types::Json<serde_json::Value>,
    status: JobStatus,
    attempts: i32,
    max_attempts: i32,
    run_at: Timestamp,
    last_error: Option<String>,
    created_at: Timestamp,
    finished_at: Option<Timestamp>,
}

impl TryFrom<JobRow> for JobSummary {
    type Error = StoreError;
    fn try_from(r: JobRow) -> Result<Self, StoreError> {
        Ok(JobSummary {
            job_id: r.job_id,
            kind: r.kind,
            payload: r.payload.0,
            status: r.status,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_at: r.run_at.into(),
            last_error: r.last_error,
            created_at: r.created_at.into(),
            finished_at: r.finished_at.map(Into::into),
        })
    }
}

/// What a claim returns, on both backends.
#[derive(sqlx::FromRow)]
pub(super) struct ClaimRow {
    job_id: i64,
    kind: String,
    payload: sqlx::types::Json<serde_json::Value>,
    attempts: i32,
    max_attempts: i32,
    created_at: Timestamp,
}

impl From<ClaimRow> for ClaimedJob {
    fn from(r: ClaimRow) -> Self {
        ClaimedJob {
            job_id: r.job_id,
            kind: r.kind,
            payload: r.payload.0,
            attempt: r.attempts,
            max_attempts: r.max_attempts,
            created_at: r.created_at.into(),
        }
    }
}

impl SqlStore {
    /// Takes the next job that is due (or whose lease ran out).
    pub(super) async fn claim_next_job(
        &self,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let sql = match self.db.backend() {
            Backend::Sqlite => sqlite::CLAIM_NEXT_JOB_SQL,
            Backend::Postgres => postgres::CLAIM_NEXT_JOB_SQL,
        };
        let row: Option<ClaimRow> = query(sql)
            .bind(Timestamp::new(now + lease))
            .bind(Timestamp::new(now))
            .bind(JobStatus::Running)
            .bind(JobStatus::Queued)
            .fetch_optional(self.db.write())
            .await?;
        Ok(row.map(Into::into))
    }

    /// Queues a job in the transaction of the change that asks for it, retried up to the
    /// configured number of attempts (`JOB_MAX_ATTEMPTS`).
    pub(super) async fn insert_job(
        &self,
        tx: &mut Tx,
        payload: &crate::domain::job::JobPayload,
        now: Timestamp,
        application_id: Option<&str>,
    ) -> Result<i64, StoreError> {
        Self::insert_job_tried(tx, payload, self.job_max_attempts, now, application_id).await
    }

    /// Queues a job retried up to `max_attempts`.
    pub(super) async fn insert_job_tried(
        tx: &mut Tx,
        payload: &crate::domain::job::JobPayload,
        max_attempts: u32,
        now: Timestamp,
        application_id: Option<&str>,
    ) -> Result<i64, StoreError> {
        let max_attempts = i32::try_from(max_attempts.max(1)).unwrap_or(i32::MAX);
        let id: i64 = scalar(
            "insert into job (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at, application_id)
             values ($1, $2, $6, 0, $3, $4, $4, $4, $5)
             returning job_id",
        )
        .bind(payload.kind())
        .bind(sqlx::types::Json(payload))
        .bind(max_attempts)
        .bind(now)
        .bind(application_id)
        .bind(JobStatus::Queued)
        .fetch_one(&mut *tx)
        .await?;
        Ok(id)
    }
}

#[async_trait]
impl JobStore for SqlStore {
    async fn enqueue_job(
        &self,
        payload: &crate::domain::job::JobPayload,
        max_attempts: u32,
        now: time::OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.db.begin_write().await?;
        let id = Self::insert_job_tried(&mut tx, payload, max_attempts, now.into(), None).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn claim_job(
        &self,
        now: time::OffsetDateTime,
        lease: std::time::Duration,
    ) -> Result<Option<crate::store::ClaimedJob>, StoreError> {
        self.claim_next_job(now, lease).await
    }

    async fn complete_job(
        &self,
        job_id: i64,
        attempt: i32,
        scrubbed: Option<&crate::domain::job::JobPayload>,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = query(
            "update job
             set status = $5, locked_until = null, finished_at = $3, updated_at = $3,
                 payload = coalesce($4, payload)
             where job_id = $1 and attempts = $2 and status = $6",
        )
        .bind(job_id)
        .bind(attempt)
        .bind(Timestamp::new(now))
        .bind(scrubbed.map(sqlx::types::Json))
        .bind(JobStatus::Done)
        .bind(JobStatus::Running)
        .execute(self.db.write())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn fail_job(
        &self,
        job_id: i64,
        attempt: i32,
        error: &str,
        retry_at: Option<time::OffsetDateTime>,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let now = Timestamp::new(now);
        let error: String = error.chars().take(1000).collect();
        let (status, run_at, finished_at) = match retry_at {
            Some(at) => (JobStatus::Queued, Timestamp::new(at), None),
            None => (JobStatus::Dead, now, Some(now)),
        };
        let done = query(
            "update job
             set status = $3, run_at = $4, last_error = $5, locked_until = null, finished_at = $6, updated_at = $7
             where job_id = $1 and attempts = $2 and status = $8",
        )
        .bind(job_id)
        .bind(attempt)
        .bind(status)
        .bind(run_at)
        .bind(error)
        .bind(finished_at)
        .bind(now)
        .bind(JobStatus::Running)
        .execute(self.db.write())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn jobs(
        &self,
        filter: crate::store::JobFilter,
        limit: i64,
    ) -> Result<Vec<crate::store::JobSummary>, StoreError> {
        use crate::store::JobFilter;
        // The statuses listed, or every one.
        let statuses: &[JobStatus] = match filter {
            JobFilter::All => JobStatus::ALL,
            JobFilter::Dead => &[JobStatus::Dead],
            JobFilter::Pending => &[JobStatus::Queued, JobStatus::Running],
        };
        let listed = |s: JobStatus| statuses.contains(&s).then_some(s);
        let rows: Vec<JobRow> = query(
            "select job_id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, finished_at
             from job where status in ($2, $3, $4, $5) order by job_id desc limit $1",
        )
        .bind(limit)
        .bind(listed(JobStatus::Queued))
        .bind(listed(JobStatus::Running))
        .bind(listed(JobStatus::Done))
        .bind(listed(JobStatus::Dead))
        .fetch_all(self.db.read())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn retry_job(
        &self,
        job_id: i64,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let status: Option<JobStatus> = scalar("select status from job where job_id = $1")
            .bind(job_id)
            .fetch_optional(&mut tx)
            .await?;
        match status {
            None => return Err(StoreError::NotFound),
            Some(JobStatus::Dead) => {}
            Some(other) => {
                return Err(StoreError::Refused(Refusal::JobNotDead {
                    job_id,
                    status: other,
                }));
            }
        }
        query(
            "update job
             set status = $3, attempts = 0, run_at = $2, locked_until = null, finished_at = null, updated_at = $2
             where job_id = $1 and status = $4",
        )
        .bind(job_id)
        .bind(now)
        .bind(JobStatus::Queued)
        .bind(JobStatus::Dead)
        .execute(&mut tx)
        .await?;
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::JobRetried,
            ("job", &job_id.to_string()),
            "dead job queued again",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

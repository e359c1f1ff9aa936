use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};

use crate::config::JobSettings;
use crate::domain::job::JobPayload;
use crate::email::{self, MailError, Mailer};
use crate::store::{ClaimedJob, Store, StoreError};

/// Why a job failed: a transient failure is retried, a permanent one buries the job at once.
#[derive(Debug)]
enum JobError {
    Transient(String),
    Permanent(String),
}

/// What one turn of the worker did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No job was due.
    Idle,
    Done(i64),
    Retrying(i64),
    Dead(i64),
    /// Another worker took the job over after this one's lease ran out.
    LeaseLost(i64),
}

/// Totals of a `run_until_idle`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub done: usize,
    pub retrying: usize,
    pub dead: usize,
}

/// Performs jobs from the store.
#[derive(Clone)]
pub struct Worker {
    store: Arc<dyn Store>,
    mailer: Mailer,
    from: Mailbox,
    host: String,
    settings: JobSettings,
    wake: Arc<Notify>,
}

impl Worker {
    pub fn new(
        store: Arc<dyn Store>,
        mailer: Mailer,
        from: Mailbox,
        host: String,
        settings: JobSettings,
        wake: Arc<Notify>,
    ) -> Self {
        Worker {
            store,
            mailer,
            from,
            host,
            settings,
            wake,
        }
    }

    /// Claims and performs one due job.
    pub async fn run_one(&self) -> Result<Outcome, StoreError> {
        let now = OffsetDateTime::now_utc();
        let Some(job) = self.store.claim_job(now, self.settings.lease).await? else {
            return Ok(Outcome::Idle);
        };
        let span = tracing::info_span!("job", job_id = job.job_id, kind = %job.kind, attempt = job.attempt);
        let _enter = span.enter();
        // A job may not outlive its lease, or a second worker could start it while it still runs.
        let budget = self
            .settings
            .lease
            .saturating_sub(Duration::from_secs(1))
            .max(Duration::from_millis(500));
        let result = match tokio::time::timeout(budget, self.perform(&job)).await {
            Ok(r) => r,
            Err(_) => Err(JobError::Transient(format!(
                "timed out after {} s",
                budget.as_secs()
            ))),
        };
        let now = OffsetDateTime::now_utc();
        let outcome = match result {
            Ok(scrubbed) => {
                if self
                    .store
                    .complete_job(job.job_id, job.attempt, scrubbed.as_ref(), now)
                    .await?
                {
                    tracing::info!("job done");
                    Outcome::Done(job.job_id)
                } else {
                    tracing::warn!("job finished after its lease was taken over");
                    Outcome::LeaseLost(job.job_id)
                }
            }
            Err(error) => {
                let (message, retry_at) = match error {
                    JobError::Permanent(m) => (m, None),
                    JobError::Transient(m) => {
                        let attempts = u32::try_from(job.attempt).unwrap_or(u32::MAX);
                        let max = u32::try_from(job.max_attempts).unwrap_or(1);
                        let policy = crate::domain::job::RetryPolicy {
                            max_attempts: max,
                            ..self.settings.retry
                        };
                        (m, policy.next_delay(attempts).map(|d| now + d))
                    }
                };
                if !self
                    .store
                    .fail_job(job.job_id, job.attempt, &message, retry_at, now)
                    .await?
                {
                    Outcome::LeaseLost(job.job_id)
                } else if let Some(at) = retry_at {
                    tracing::warn!(error = %message, retry_at = %at, "job failed; will retry");
                    Outcome::Retrying(job.job_id)
                } else {
                    tracing::error!(error = %message, "job failed for good; it is dead until retried");
                    Outcome::Dead(job.job_id)
                }
            }
        };
        Ok(outcome)
    }

    /// Performs due jobs until none is left (jobs waiting for a retry later are left alone).
    pub async fn run_until_idle(&self) -> Result<RunReport, StoreError> {
        let mut report = RunReport::default();
        loop {
            match self.run_one().await? {
                Outcome::Idle => return Ok(report),
                Outcome::Done(_) => report.done += 1,
                Outcome::Retrying(_) => report.retrying += 1,
                Outcome::Dead(_) => report.dead += 1,
                Outcome::LeaseLost(_) => {}
            }
        }
    }

    /// Runs until `shutdown` turns true; the job in hand is always finished first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!("worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            match self.run_one().await {
                Ok(Outcome::Idle) => {
                    tokio::select! {
                        _ = tokio::time::sleep(self.settings.poll_interval) => {}
                        _ = self.wake.notified() => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "worker could not reach the store");
                    tokio::select! {
                        _ = tokio::time::sleep(self.settings.poll_interval.max(Duration::from_secs(1))) => {}
                        _ = shutdown.changed() => {}
                    }
                }
            }
        }
        tracing::info!("worker stopped");
    }

    /// Performs the job; returns what its payload becomes when it must not be kept as it was.
    async fn perform(&self, job: &ClaimedJob) -> Result<Option<JobPayload>, JobError> {
        let payload: JobPayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Permanent(format!("unreadable {} payload: {e}", job.kind)))?;
        match payload {
            JobPayload::SendEmail(mail) => {
                let id = email::message_id(job.job_id, job.created_at, &self.host);
                let message =
                    email::build_message(&mail, &self.from, &id, job.created_at, job.job_id)
                        .map_err(|e| JobError::Permanent(e.to_string()))?;
                self.mailer
                    .deliver(&message, &id)
                    .await
                    .map_err(|e| match e {
                        MailError::Address(_) | MailError::Build(_) => {
                            JobError::Permanent(e.to_string())
                        }
                        MailError::Smtp(_) | MailError::Io(_) => JobError::Transient(e.to_string()),
                    })?;
                Ok(mail
                    .scrub_after_send
                    .then(|| JobPayload::SendEmail(mail.scrubbed())))
            }
        }
    }
}

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};

use crate::config::JobSettings;
use crate::domain::job::{Attachment, JobPayload, NoticeKind};
use crate::email::{self, MailError, Mailer, render};
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

/// What performing a job came to.
enum Performed {
    /// Done; keep this payload instead of the original when given (a sign-in link removed).
    Done { scrubbed: Option<JobPayload> },
    /// Done, and this job takes over (a notice rendered into its email).
    FollowUp {
        job: JobPayload,
        application_id: Option<String>,
    },
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
    /// Links in emails the worker renders point here.
    public_url: String,
    settings: JobSettings,
    wake: Arc<Notify>,
    /// Stripe, when it is the provider: the worker reconciles its sessions with ours now and then.
    reconciler: Option<Arc<crate::payments::stripe::StripeProvider>>,
    /// The payment provider refunds go through.
    provider: Option<Arc<dyn crate::payments::PaymentProvider>>,
    /// Signature images for the certificates attached to emails.
    signatures: Arc<crate::documents::signatures::SignatureImages>,
    /// PDF-signs those certificates; without it, certificates are not attached (the job fails).
    sealer: Option<Arc<crate::documents::seal::Sealer>>,
}

impl Worker {
    /// Reconciles Stripe's checkout sessions with our attempts every `reconcile_interval`.
    pub fn with_reconciler(mut self, stripe: Arc<crate::payments::stripe::StripeProvider>) -> Self {
        self.reconciler = Some(stripe);
        self
    }

    /// Certificates attached to emails are printed with these signature images and PDF-signed
    /// with `sealer`.
    pub fn with_documents(
        mut self,
        signatures: Arc<crate::documents::signatures::SignatureImages>,
        sealer: Arc<crate::documents::seal::Sealer>,
    ) -> Self {
        self.signatures = signatures;
        self.sealer = Some(sealer);
        self
    }

    /// Refunds go through `provider` (the one payments are configured with).
    pub fn with_provider(mut self, provider: Arc<dyn crate::payments::PaymentProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Compares the provider's sessions of the last days with ours and logs every difference (ids
    /// and amounts, no personal data); returns how many there were.
    pub async fn reconcile(&self) -> anyhow::Result<usize> {
        let Some(stripe) = &self.reconciler else {
            return Ok(0);
        };
        let found = super::reconcile::differences(
            self.store.as_ref(),
            stripe,
            self.settings.reconcile_days,
            OffsetDateTime::now_utc(),
        )
        .await?;
        for d in &found {
            tracing::warn!(difference = %d, "payments differ from Stripe's records");
        }
        // Kept for the finance page; finance is emailed when something new differs.
        self.store
            .record_reconciliation(
                crate::payments::stripe::NAME,
                self.settings.reconcile_days,
                &found,
                OffsetDateTime::now_utc(),
            )
            .await?;
        tracing::info!(
            differences = found.len(),
            days = self.settings.reconcile_days,
            "payments reconciled"
        );
        Ok(found.len())
    }

    pub fn new(
        store: Arc<dyn Store>,
        mailer: Mailer,
        from: Mailbox,
        host: String,
        public_url: String,
        settings: JobSettings,
        wake: Arc<Notify>,
    ) -> Self {
        Worker {
            store,
            mailer,
            from,
            host,
            public_url,
            settings,
            wake,
            reconciler: None,
            provider: None,
            signatures: Arc::new(crate::documents::signatures::SignatureImages::new(
                "certificates",
            )),
            sealer: None,
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
            Ok(Performed::FollowUp {
                job: next,
                application_id,
            }) => {
                if self
                    .store
                    .complete_job_with(
                        job.job_id,
                        job.attempt,
                        &next,
                        application_id.as_deref(),
                        now,
                    )
                    .await?
                {
                    self.wake.notify_one();
                    tracing::info!("job done; its email is queued");
                    Outcome::Done(job.job_id)
                } else {
                    tracing::warn!("job finished after its lease was taken over");
                    Outcome::LeaseLost(job.job_id)
                }
            }
            Ok(Performed::Done { scrubbed }) => {
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

    /// Expires unpaid offers past their deadline (their seats go down the waitlist) and queues the
    /// reminders due. Several instances may sweep at once: each change is a conditional update.
    pub async fn sweep_deadlines(
        &self,
    ) -> Result<crate::store::cohort::DeadlineReport, StoreError> {
        let now = OffsetDateTime::now_utc();
        let report = self.store.run_deadlines(now).await?;
        // Passport data given for visa letters is kept only until the school is over.
        let erased = self
            .store
            .erase_visa_data(crate::domain::calendar::to_paris(now).date(), now)
            .await?;
        if erased > 0 {
            tracing::info!(erased, "passport data of past schools erased");
        }
        if report != Default::default() {
            tracing::info!(
                expired = report.expired,
                reminded = report.reminded,
                cascaded = report.cascaded,
                "deadlines swept"
            );
            self.wake.notify_one();
        }
        Ok(report)
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
        let mut last_sweep: Option<std::time::Instant> = None;
        // Not at start: a restart should not call Stripe; the first comparison comes one interval later.
        let mut last_reconcile = std::time::Instant::now();
        loop {
            if *shutdown.borrow() {
                break;
            }
            if last_sweep.is_none_or(|t| t.elapsed() >= self.settings.deadline_interval) {
                last_sweep = Some(std::time::Instant::now());
                if let Err(e) = self.sweep_deadlines().await {
                    tracing::error!(error = %e, "the deadline sweep could not reach the store");
                }
            }
            let every = self.settings.reconcile_interval;
            if self.reconciler.is_some() && !every.is_zero() && last_reconcile.elapsed() >= every {
                last_reconcile = std::time::Instant::now();
                match tokio::time::timeout(Duration::from_secs(120), self.reconcile()).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::error!(error = %e, "reconciliation failed"),
                    Err(_) => tracing::error!("reconciliation took more than 120 s"),
                }
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

    /// Performs the job.
    async fn perform(&self, job: &ClaimedJob) -> Result<Performed, JobError> {
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
                Ok(Performed::Done {
                    scrubbed: mail
                        .scrub_after_send
                        .then(|| JobPayload::SendEmail(mail.scrubbed())),
                })
            }
            JobPayload::Notify(notice) => {
                let context = self
                    .store
                    .notice_context(&notice.application_id)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => JobError::Permanent("no such application".into()),
                        e => JobError::Transient(e.to_string()),
                    })?;
                let base = self.public_url.trim_end_matches('/');
                let link = match notice.kind {
                    NoticeKind::CertificatesReady => format!("{base}/certificates"),
                    _ => format!("{base}/applications/{}", notice.application_id),
                };
                let mut email = render::notice(&context, notice.kind, &link)
                    .map_err(|e| JobError::Permanent(e.to_string()))?;
                // The confirmation of enrollment carries the receipt, printed from its frozen record.
                if notice.kind == NoticeKind::Enrolled
                    && let Some(receipt) = &context.receipt
                {
                    let pdf = crate::documents::receipt::render(receipt);
                    email.attachments.push(Attachment::binary(
                        &receipt.file_name(),
                        "application/pdf",
                        &pdf,
                    ));
                }
                // A refund's notice carries its credit note.
                if notice.kind == NoticeKind::Refunded
                    && let Some(note) = &context.credit_note
                {
                    let pdf = crate::documents::receipt::render(note);
                    email.attachments.push(Attachment::binary(
                        &note.file_name(),
                        "application/pdf",
                        &pdf,
                    ));
                }
                // Certificates travel with the email that announces them, printed from their
                // signed records (the ones that stand when the email is written).
                if notice.kind == NoticeKind::CertificatesReady {
                    let standing = self
                        .store
                        .certificates_of(&notice.application_id)
                        .await
                        .map_err(|e| JobError::Transient(e.to_string()))?;
                    let sealer = self.sealer.as_ref().ok_or_else(|| {
                        JobError::Permanent("the worker has no PDF signing key".into())
                    })?;
                    for c in standing {
                        let signature: [u8; 64] =
                            c.signature.as_slice().try_into().map_err(|_| {
                                JobError::Permanent("a stored signature is not 64 bytes".into())
                            })?;
                        let picture = self.signatures.for_record(&c.record);
                        let pdf = sealer.seal(crate::documents::certificate::render_with(
                            &c.record,
                            &signature,
                            picture.as_deref(),
                        ));
                        email.attachments.push(Attachment::binary(
                            &c.record.file_name(),
                            "application/pdf",
                            &pdf,
                        ));
                    }
                }
                Ok(Performed::FollowUp {
                    job: JobPayload::SendEmail(email),
                    application_id: Some(notice.application_id),
                })
            }
            JobPayload::IssueReceipt { payment_id } => {
                self.store
                    .issue_receipt(&payment_id, OffsetDateTime::now_utc())
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => JobError::Permanent("no such payment".into()),
                        e => JobError::Transient(e.to_string()),
                    })?;
                Ok(Performed::Done { scrubbed: None })
            }
            JobPayload::StartRefund { refund_id } => {
                let refund = self
                    .store
                    .refund_to_send(&refund_id)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => JobError::Permanent("no such refund".into()),
                        e => JobError::Transient(e.to_string()),
                    })?;
                if refund.status != crate::domain::status::RefundStatus::Created {
                    // Sent already (a retry after the answer was recorded): nothing to do.
                    return Ok(Performed::Done { scrubbed: None });
                }
                let provider = self
                    .provider
                    .as_ref()
                    .filter(|p| p.name() == refund.provider)
                    .ok_or_else(|| {
                        JobError::Permanent(format!(
                            "the refund goes through {}, which is not the configured provider",
                            refund.provider
                        ))
                    })?;
                let sent = provider
                    .refund(&crate::payments::RefundRequest {
                        idempotency_key: format!("refund-{}", refund.refund_id),
                        refund_id: refund.refund_id.clone(),
                        intent: refund.intent.clone(),
                        session: refund.session.clone(),
                        amount_cents: refund.amount_cents,
                        currency: refund.currency.clone(),
                    })
                    .await
                    .map_err(|e| match e {
                        crate::payments::ProviderError::Refused(_) => {
                            JobError::Permanent(e.to_string())
                        }
                        crate::payments::ProviderError::Unavailable(_) => {
                            JobError::Transient(e.to_string())
                        }
                    })?;
                self.store
                    .refund_sent(
                        &refund_id,
                        &sent.reference,
                        sent.done,
                        OffsetDateTime::now_utc(),
                    )
                    .await
                    .map_err(|e| JobError::Transient(e.to_string()))?;
                Ok(Performed::Done { scrubbed: None })
            }
            JobPayload::EmailInvoice { number } => {
                let invoice = self.store.invoice(&number).await.map_err(|e| match e {
                    StoreError::NotFound => JobError::Permanent("no such invoice".into()),
                    e => JobError::Transient(e.to_string()),
                })?;
                let pdf = crate::documents::receipt::render_invoice(&invoice);
                Ok(Performed::FollowUp {
                    job: JobPayload::SendEmail(render::invoice_email(&invoice, &pdf)),
                    application_id: None,
                })
            }
            JobPayload::NotifyReconciliation(notice) => {
                let link = format!(
                    "{}/organizer/finance",
                    self.public_url.trim_end_matches('/')
                );
                Ok(Performed::FollowUp {
                    job: JobPayload::SendEmail(render::reconciliation_notice(&notice, &link)),
                    application_id: None,
                })
            }
            JobPayload::NotifyFinance(notice) => {
                let context = self
                    .store
                    .finance_context(&notice.application_id)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => JobError::Permanent("no such application".into()),
                        e => JobError::Transient(e.to_string()),
                    })?;
                let link = format!(
                    "{}/organizer/finance",
                    self.public_url.trim_end_matches('/')
                );
                Ok(Performed::FollowUp {
                    job: JobPayload::SendEmail(render::finance_notice(&notice, &context, &link)),
                    application_id: None,
                })
            }
        }
    }
}

//! Postgres, for deployments that run several instances on one database.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::applications::applications_sql;
use super::cohort::{NO_SEAT_DETAIL, PreparedOffer, TierRow, eligibility};
use super::db::{Db, scalar};
use super::types::Timestamp;
use super::{ApplicationRecord, ConnectError, ConnectOptions, SqlStore, StoreError, redact_url};
use crate::domain::audit::{Action, Actor};
use crate::domain::job::{JobPayload, Notice, NoticeKind, OutgoingEmail};
use crate::domain::offer::{Adjustment, payment_deadline};
use crate::domain::status::{ApplicationStatus, JobStatus, ReviewMode};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl SqlStore {
    /// Connects and migrates. sqlx's migrator holds an advisory lock while it runs, so several
    /// instances starting at once apply each migration exactly once.
    pub(super) async fn connect_postgres(
        url: &str,
        options: &ConnectOptions,
    ) -> Result<Self, ConnectError> {
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
        Ok(SqlStore::new(Db::Postgres(pool), options))
    }

    /// A submission in one statement: one round trip instead of a transaction of five (reviewed
    /// programs) or twelve (first come) statements. False when it changed nothing (not a draft, not
    /// the applicant's, the window closed, or the program's mode changed since the caller read it):
    /// the general path then decides and explains.
    pub(super) async fn submit_in_one_statement(
        &self,
        applicant_id: &str,
        application: &ApplicationRecord,
        received: &OutgoingEmail,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        if !matches!(self.db, Db::Postgres(_)) {
            // SQLite has no data-modifying `with`; its statements are local calls, so the general
            // path (one transaction of a few statements) is what it runs.
            return Ok(false);
        }
        match application.review_mode {
            ReviewMode::Review => {
                self.submit_reviewed(applicant_id, &application.application_id, received, now)
                    .await
            }
            ReviewMode::FirstCome => {
                self.submit_first_come(applicant_id, application, received, now)
                    .await
            }
        }
    }

    /// The status change, its audit event and the email's outbox row, atomic like any statement.
    pub(super) async fn submit_reviewed(
        &self,
        applicant_id: &str,
        application_id: &str,
        received: &OutgoingEmail,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let payload = JobPayload::SendEmail(received.clone());
        let job: Option<i64> = scalar(
            "with sent as (
                 update application set status = $9, submitted_at = $3, updated_at = $3
                 where application_id = $1 and applicant_id = $2 and status = $10
                   and exists (select 1 from program p
                               where p.program_id = application.program_id
                                 and p.review_mode = $11 and $3 < p.application_closes_at)
                 returning application_id),
             audit as (
                 insert into audit_event (organization_id, actor, action, subject_type, subject_id, detail, created_at)
                 select null, $4, $8::text, 'application', application_id, 'draft → submitted', $3
                 from sent)
             insert into job (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at, application_id)
             select $5, $6, $12, 0, $7, $3, $3, $3, application_id from sent
             returning job_id",
        )
        .bind(application_id)
        .bind(applicant_id)
        .bind(now)
        .bind(Actor::Applicant(applicant_id.to_owned()).to_string())
        .bind(payload.kind())
        .bind(sqlx::types::Json(&payload))
        .bind(self.job_attempts())
        .bind(Action::ApplicationSubmitted.as_str())
        .bind(ApplicationStatus::Submitted)
        .bind(ApplicationStatus::Draft)
        .bind(ReviewMode::Review)
        .bind(JobStatus::Queued)
        .fetch_optional(self.db.write())
        .await?;
        Ok(job.is_some())
    }

    /// First come, first served: the submission takes a seat if one is left, else a waitlist place,
    /// with its order, audit events and emails, in one statement. The offer is priced beforehand from
    /// the tiers the caller read with the draft, so the program's row is locked only from the seat's
    /// update to the commit: claims on the last seats queue behind one short statement each, not
    /// behind a whole transaction.
    ///
    /// Lock order: this locks the draft's row, then the program's. No transaction locks a program and
    /// then a draft (withdrawing a draft takes no program lock; decisions, expiry and the cascade only
    /// touch submitted rows), so the two orders never meet.
    pub(super) async fn submit_first_come(
        &self,
        applicant_id: &str,
        application: &ApplicationRecord,
        received: &OutgoingEmail,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        // A discount code is checked and taken in a transaction: the general path.
        if application.form.discount_code.is_some() {
            return Ok(false);
        }
        let application_id = application.application_id.as_str();
        let tiers: Vec<TierRow> = application.fee_tiers.iter().map(TierRow::from).collect();
        let deadline = payment_deadline(now.0, application.payment_deadline_days);
        // Sent now: an early-bird tier counts from this instant.
        let who = eligibility(
            application.form.category.as_deref(),
            application.form.partner_university,
            None,
            now,
        );
        let offer = PreparedOffer::new(
            &tiers,
            None,
            application.form.requested_fee_tier.as_deref(),
            &who,
            &Adjustment::None,
            None,
            application.applicant_locale,
            deadline,
        )?;
        let notice = |kind| {
            JobPayload::Notify(Notice {
                application_id: application_id.to_owned(),
                kind,
            })
        };
        let received = JobPayload::SendEmail(received.clone());
        let (seated, waiting) = (notice(offer.notice()), notice(NoticeKind::Waitlisted));
        let status: Option<ApplicationStatus> = scalar(
            "with app as (
                 select a.application_id, a.program_id
                 from application a
                 join program p on p.program_id = a.program_id
                 where a.application_id = $1 and a.applicant_id = $2 and a.status = $26
                   and p.review_mode = $27 and $3 < p.application_closes_at
                 for update of a),
             seat as (
                 update program set seats_held = seats_held + 1
                 where program_id = (select program_id from app) and seats_held < capacity
                 returning program_id),
             moved as (
                 update application
                 set status = case when exists (select 1 from seat) then $4 else $28 end,
                     submitted_at = $3, decided_at = $3, updated_at = $3, reject_reason = null
                 where application_id = (select application_id from app)
                 returning application_id, status),
             ordered as (
                 insert into fee_order (order_id, application_id, status, total_cents, currency, price_explanation,
                                        payment_reference, deadline_at, fee_tier_code, list_cents, waiver_reason,
                                        created_at, updated_at)
                 select $5, application_id, $6, $7, 'EUR', $8, $9, $10, $11, $12, $13, $3, $3
                 from moved where status <> $28),
             audited as (
                 insert into audit_event (organization_id, actor, action, subject_type, subject_id, detail, created_at)
                 select null, $14, e.action, 'application', m.application_id, e.detail, $3
                 from moved m
                 cross join lateral (values
                     (1, $23::text, 'draft → submitted'),
                     (2, case when m.status = $28 then $24::text else $25::text end,
                         case when m.status = $28 then $16 else $15 end)) e(n, action, detail)
                 order by e.n),
             queued as (
                 insert into job (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at,
                                  application_id)
                 select j.kind, j.payload, $29, 0, $22, $3, $3, $3, m.application_id
                 from moved m
                 cross join lateral (values
                     (1, $17, $18::jsonb),
                     (2, $19, case when m.status = $28 then $21::jsonb else $20::jsonb end)) j(n, kind, payload)
                 order by j.n)
             select status from moved",
        )
        .bind(application_id)
        .bind(applicant_id)
        .bind(now)
        .bind(offer.status())
        .bind(&offer.order_id)
        .bind(offer.order_status())
        .bind(offer.price.total_cents)
        .bind(&offer.price.explanation)
        .bind(&offer.reference)
        .bind(offer.deadline)
        .bind(&offer.price.tier_code)
        .bind(offer.price.list_cents)
        .bind(&offer.price.waiver_reason)
        .bind(Actor::Applicant(applicant_id.to_owned()).to_string())
        .bind(offer.audit_detail(ApplicationStatus::Submitted))
        .bind(NO_SEAT_DETAIL)
        .bind(received.kind())
        .bind(sqlx::types::Json(&received))
        .bind(seated.kind())
        .bind(sqlx::types::Json(&seated))
        .bind(sqlx::types::Json(&waiting))
        .bind(self.job_attempts())
        .bind(Action::ApplicationSubmitted.as_str())
        .bind(Action::ApplicationWaitlisted.as_str())
        .bind(Action::ApplicationAccepted.as_str())
        .bind(ApplicationStatus::Draft)
        .bind(ReviewMode::FirstCome)
        .bind(ApplicationStatus::Waitlisted)
        .bind(JobStatus::Queued)
        .fetch_optional(self.db.write())
        .await?;
        Ok(status.is_some())
    }
}

/// Documents and answers aggregated by Postgres' JSON functions.
pub(super) const APPLICATIONS_SQL: [&str; 2] = applications_sql!(
    "(select coalesce(json_agg(json_build_object('document_id', d.document_id,
         'application_id', d.application_id, 'kind', d.kind, 'file_name', d.file_name,
         'content_type', d.content_type, 'size_bytes', d.size_bytes, 'sha256', d.sha256,
         'blob_key', d.blob_key, 'created_at', d.created_at)), '[]')::text
      from application_document d where d.application_id = a.application_id)",
    "(select coalesce(json_agg(json_build_array(r.question_key, r.value)), '[]')::text
      from application_answer r where r.application_id = a.application_id)"
);

/// `for update skip locked`: concurrent workers on several instances each take a different job.
pub(super) const CLAIM_NEXT_JOB_SQL: &str = "update job
             set status = $3, attempts = attempts + 1, locked_until = $1, updated_at = $2
             where job_id = (
                 select job_id
                 from job
                 where (status = $4 and run_at <= $2) or (status = $3 and locked_until < $2)
                 order by run_at, job_id
                 limit 1
                 for update skip locked)
             returning job_id, kind, payload, attempts, max_attempts, created_at";

//! What cohort emails need: a program's message queued to each of its people in one
//! transaction, the facts a notice about an application is written from, and a notice job
//! replaced by its rendered email exactly once.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::cohort::{NoticeContext, Recipient};
use super::db::{query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::job::JobPayload;
use crate::domain::status::{ApplicationStatus, JobStatus};

#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// Queues one email per person of the program whose application is in `statuses` (each written
    /// by `write` for that person), with the audit event, in one transaction. Returns how many.
    async fn message_program(
        &self,
        program_id: &str,
        statuses: &[ApplicationStatus],
        write: &(dyn for<'r> Fn(&'r Recipient) -> crate::domain::job::OutgoingEmail + Send + Sync),
        audit_detail: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError>;

    /// What an email about this application needs.
    async fn notice_context(&self, application_id: &str) -> Result<NoticeContext, StoreError>;

    /// Marks a job done and queues the job it turned into, in one transaction: a rendered email
    /// replaces its notice exactly once. False when the lease was lost.
    async fn complete_job_with(
        &self,
        job_id: i64,
        attempt: i32,
        follow_up: &JobPayload,
        application_id: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
impl NoticeStore for SqlStore {
    async fn message_program(
        &self,
        program_id: &str,
        statuses: &[ApplicationStatus],
        write: &(dyn for<'r> Fn(&'r Recipient) -> crate::domain::job::OutgoingEmail + Send + Sync),
        audit_detail: &str,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let rows: Vec<(String, String, String, Option<String>, ApplicationStatus)> = query(
            "select a.application_id, ap.email, ap.locale, f.given_names, a.status
             from application a
             join applicant ap on ap.applicant_id = a.applicant_id
             left join application_form f on f.application_id = a.application_id
             where a.program_id = $1
             order by a.application_id",
        )
        .bind(program_id)
        .fetch_all(&mut tx)
        .await?;
        let mut sent = 0;
        for (application_id, email, locale, given_names, status) in rows {
            if !statuses.contains(&status) {
                continue;
            }
            let recipient = Recipient {
                email: crate::domain::email::EmailAddress::parse(&email)
                    .map_err(|e| StoreError::Corrupt(format!("applicant.email: {e}")))?,
                locale: crate::domain::locale::Locale::from_tag(&locale)
                    .unwrap_or(crate::domain::locale::Locale::En),
                given_names,
                application_id,
            };
            let mail = write(&recipient);
            self.insert_job(
                &mut tx,
                &crate::domain::job::JobPayload::SendEmail(mail),
                now,
                Some(&recipient.application_id),
            )
            .await?;
            sent += 1;
        }
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::ProgramMessageSent,
            ("program", program_id),
            &format!("{sent} recipients; {audit_detail}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(sent)
    }

    async fn notice_context(&self, application_id: &str) -> Result<NoticeContext, StoreError> {
        let mut conn = self.db.acquire().await?;
        #[allow(clippy::type_complexity)]
        let row: Option<(String, String, Option<String>, String, String, String, String, time::Date, time::Date, String)> = query(
            "select ap.email, ap.locale, f.given_names, p.title_en, p.title_fr, p.contact_email, a.status,
                    p.starts_on, p.ends_on, p.program_id
             from application a
             join applicant ap on ap.applicant_id = a.applicant_id
             join program p on p.program_id = a.program_id
             left join application_form f on f.application_id = a.application_id
             where a.application_id = $1",
        )
        .bind(application_id)
        .fetch_optional(&mut conn)
        .await?;
        let Some((
            email,
            locale,
            given_names,
            title_en,
            title_fr,
            contact_email,
            status,
            starts_on,
            ends_on,
            program_id,
        )) = row
        else {
            return Err(StoreError::NotFound);
        };
        let places: Vec<String> =
            scalar("select name from program_place where program_id = $1 order by position")
                .bind(&program_id)
                .fetch_all(&mut conn)
                .await?;
        let standing = Self::standing_of(&mut conn, application_id).await?;
        let mut latest = Vec::new();
        for kind in ["receipt", "credit_note"] {
            let record: Option<String> = scalar(
                "select record from receipt where application_id = $1 and kind = $2
                 order by issued_at desc, number desc limit 1",
            )
            .bind(application_id)
            .bind(kind)
            .fetch_optional(&mut conn)
            .await?;
            latest.push(
                record
                    .map(|r| serde_json::from_str(&r))
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(format!("receipt.record: {e}")))?,
            );
        }
        let credit_note = latest.pop().flatten();
        let receipt = latest.pop().flatten();
        Ok(NoticeContext {
            receipt,
            credit_note,
            application_id: application_id.to_owned(),
            email,
            locale: crate::domain::locale::Locale::from_tag(&locale)
                .unwrap_or(crate::domain::locale::Locale::En),
            given_names,
            program_title_en: title_en,
            program_title_fr: title_fr,
            contact_email,
            status: status
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("application.status: {e}")))?,
            standing,
            starts_on,
            ends_on,
            places,
        })
    }

    async fn complete_job_with(
        &self,
        job_id: i64,
        attempt: i32,
        follow_up: &crate::domain::job::JobPayload,
        application_id: Option<&str>,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let done = query(
            "update job set status = $4, locked_until = null, finished_at = $3, updated_at = $3
             where job_id = $1 and attempts = $2 and status = $5",
        )
        .bind(job_id)
        .bind(attempt)
        .bind(now)
        .bind(JobStatus::Done)
        .bind(JobStatus::Running)
        .execute(&mut tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        self.insert_job(&mut tx, follow_up, now, application_id)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

//! Sending an application, and withdrawing it. Sending checks completeness against the form's
//! own rules and, in a first-come program, takes a seat or a waitlist place in the same
//! transaction (see `seats.rs`); withdrawing gives a held seat back down the waitlist.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::applications::ApplicationRecord;
use super::db::{query, scalar};
use super::types::Timestamp;
use super::{SqlStore, StoreError};
use crate::domain::audit::{Action, Actor};
use crate::domain::job::OutgoingEmail;
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, ReviewMode};

#[async_trait]
pub trait SubmissionStore: Send + Sync {
    /// draft → submitted, with its audit event and the "application received" email; on a first-come
    /// program, on to a seat (with its order, priced from `application`'s tiers) or a waitlist place.
    /// `application` is the draft as the caller has just read it; the owner, the state, the program's
    /// mode and the window are checked again as the change is written. Refused (`window`) when the
    /// window has closed, (`not_draft`) when already submitted.
    async fn submit_application(
        &self,
        applicant_id: &str,
        application: &ApplicationRecord,
        received: &OutgoingEmail,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Any open state → withdrawn, audited. Refused (`not_open`) otherwise. A held seat (an offer
    /// declined) goes to the first on the waitlist, in the same transaction.
    async fn withdraw_application(
        &self,
        applicant_id: &str,
        application_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

#[async_trait]
impl SubmissionStore for SqlStore {
    async fn submit_application(
        &self,
        applicant_id: &str,
        application: &crate::store::ApplicationRecord,
        received: &crate::domain::job::OutgoingEmail,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        if self
            .submit_in_one_statement(applicant_id, application, received, now)
            .await?
        {
            return Ok(());
        }
        let (application_id, review_mode) =
            (application.application_id.as_str(), application.review_mode);
        let mut tx = self.db.begin_write().await?;
        // First come, first served takes a seat in this transaction: the program's lock comes
        // first, as in every transaction that moves seats. Reviewed programs never touch it.
        let first_come = review_mode == ReviewMode::FirstCome;
        let mut deadline_days = None;
        if first_come {
            let program_id: Option<String> = scalar(
                "select program_id from application where application_id = $1 and applicant_id = $2",
            )
            .bind(application_id)
            .bind(applicant_id)
            .fetch_optional(&mut tx)
            .await?;
            if let Some(program_id) = program_id {
                deadline_days = Some((
                    Self::lock_program(&mut tx, &program_id, now).await?,
                    program_id,
                ));
            }
        }
        // The owner, the state and the window checked by the update itself: one statement on
        // the hot path, and the reason looked up only when it refuses.
        let sent: Option<(String, ReviewMode)> = query(
            "update application set status = $4, submitted_at = $3, updated_at = $3
             where application_id = $1 and applicant_id = $2 and status = $5
               and $3 < (select p.application_closes_at from program p where p.program_id = application.program_id)
             returning program_id, (select p.review_mode from program p where p.program_id = application.program_id)",
        )
        .bind(application_id)
        .bind(applicant_id)
        .bind(now)
        .bind(ApplicationStatus::Submitted)
        .bind(ApplicationStatus::Draft)
        .fetch_optional(&mut tx)
        .await?;
        if sent.is_none() {
            let status: Option<ApplicationStatus> = scalar(
                "select status from application where application_id = $1 and applicant_id = $2",
            )
            .bind(application_id)
            .bind(applicant_id)
            .fetch_optional(&mut tx)
            .await?;
            return Err(match status {
                None => StoreError::NotFound,
                Some(s) if s != ApplicationStatus::Draft => StoreError::Refused(Refusal::NotDraft),
                Some(_) => StoreError::Refused(Refusal::WindowClosed),
            });
        }
        let actor = Actor::Applicant(applicant_id.to_owned());
        Self::insert_audit(
            &mut tx,
            None,
            &actor,
            Action::ApplicationSubmitted,
            ("application", application_id),
            "draft → submitted",
            now,
        )
        .await?;
        self.insert_job(
            &mut tx,
            &crate::domain::job::JobPayload::SendEmail(received.clone()),
            now,
            Some(application_id),
        )
        .await?;
        if let Some((program_id, mode)) = sent
            && mode == ReviewMode::FirstCome
        {
            // The catalog may have switched the program to first come since the caller read it.
            let days = match deadline_days {
                Some((days, _)) => days,
                None => Self::lock_program(&mut tx, &program_id, now).await?,
            };
            self.seat_or_waitlist_in_tx(&mut tx, application_id, &program_id, days, &actor, now)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn withdraw_application(
        &self,
        applicant_id: &str,
        application_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        self.withdraw_in_tx(&mut tx, applicant_id, application_id, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

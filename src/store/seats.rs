//! The seat-taking steps that decisions, submissions, payments and the waitlist cascade share,
//! each in the caller's transaction: lock the program's row first (one lock order everywhere),
//! then take a seat with a conditional update, or give one back and offer it down the waitlist.
//! See `cohort.rs` for why seats are exact under concurrency.

use super::SqlStore;
use super::StoreError;
use super::cohort::{
    DecisionOutcome, NEXT_WAITLISTED_SQL, NO_SEAT_DETAIL, OFFER_SQL, OFFER_TIERS_SQL, OfferRow,
    PreparedOffer, Standing, TierRow, WAITLIST_POSITION_SQL, eligibility,
};
use super::db::{On, Tx, query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, OrderStatus, RejectReason};

/// The seat-taking steps, each in the caller's transaction.
impl SqlStore {
    /// Takes the program's row lock (every seat-moving transaction starts here) and returns the
    /// program's payment deadline in days. NotFound if there is no such program.
    pub(super) async fn lock_program(
        tx: &mut Tx,
        program_id: &str,
        now: Timestamp,
    ) -> Result<i32, StoreError> {
        let days: Option<i32> = scalar(
            "update program set updated_at = $2 where program_id = $1 returning payment_deadline_days",
        )
        .bind(program_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        days.ok_or(StoreError::NotFound)
    }

    /// Moves `application_id` from one of `from` to accepted, holding a seat, and writes its
    /// order, audit event and notice. The program must already be locked by this transaction.
    /// `Ok(None)` when the application was not in one of `from`; `Refused(Full)` without a seat.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn offer_in_tx(
        &self,
        tx: &mut Tx,
        application_id: &str,
        program_id: &str,
        from: &[ApplicationStatus],
        tier_code: Option<&str>,
        adjustment: &crate::domain::offer::Adjustment,
        deadline: time::OffsetDateTime,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Option<DecisionOutcome>, StoreError> {
        // The status is read under the program's lock, which every seat-moving change takes.
        #[allow(clippy::type_complexity)]
        let asked: Option<(Option<String>, String, ApplicationStatus, Option<String>, Option<bool>, Option<Timestamp>, Option<String>)> = query(
            "select f.requested_fee_tier, ap.locale, a.status, f.category, f.partner_university, a.submitted_at,
                    f.discount_code
             from application a
             join applicant ap on ap.applicant_id = a.applicant_id
             join application_form f on f.application_id = a.application_id
             where a.application_id = $1 and a.program_id = $2",
        )
        .bind(application_id)
        .bind(program_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((requested, locale, previous, category, partner, sent_at, discount_code)) = asked
        else {
            return Err(StoreError::NotFound);
        };
        if !from.contains(&previous) {
            return Ok(None);
        }
        let seat = query(
            "update program set seats_held = seats_held + 1
             where program_id = $1 and seats_held < capacity",
        )
        .bind(program_id)
        .execute(&mut *tx)
        .await?;
        if seat.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::Full));
        }
        let tiers: Vec<TierRow> = query(OFFER_TIERS_SQL)
            .bind(program_id)
            .fetch_all(&mut *tx)
            .await?;
        let locale = crate::domain::locale::Locale::from_tag(&locale).unwrap_or_default();
        let who = eligibility(category.as_deref(), partner, sent_at, now);
        // The applicant's discount code, if it still holds; its use is taken below, only if the
        // price keeps it (a set price or a full waiver replaces it).
        let code = match &discount_code {
            Some(c) => Self::discount_terms(&mut *tx, program_id, c)
                .await?
                .filter(|t| crate::domain::fees::check_code(t, program_id, now.0).is_ok()),
            None => None,
        };
        let prepare = |code: Option<&crate::domain::fees::DiscountTerms>| {
            PreparedOffer::new(
                &tiers,
                tier_code,
                requested.as_deref(),
                &who,
                adjustment,
                code.map(|t| (t.code.as_str(), t.kind)),
                locale,
                deadline,
            )
        };
        let mut offer = prepare(code.as_ref())?;
        if let Some((code, _)) = &offer.price.discount {
            let took = query(
                "update discount_code set uses = uses + 1
                 where edition_id = (select edition_id from program where program_id = $1) and code = $2
                   and (max_uses is null or uses < max_uses) and (expires_at is null or expires_at > $3)",
            )
            .bind(program_id)
            .bind(code)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if took.rows_affected() == 0 {
                // Used up by another offer since it was read: priced without it.
                offer = prepare(None)?;
            }
        }
        let moved = query(
            "update application set status = $2, decided_at = $3, updated_at = $3, reject_reason = null
             where application_id = $1 and status = $4",
        )
        .bind(application_id)
        .bind(offer.status())
        .bind(now)
        .bind(previous)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            query("update program set seats_held = seats_held - 1 where program_id = $1")
                .bind(program_id)
                .execute(&mut *tx)
                .await?;
            return Ok(None);
        }
        query(
            "insert into fee_order (order_id, application_id, status, total_cents, currency, price_explanation,
                                    payment_reference, deadline_at, fee_tier_code, list_cents, waiver_reason,
                                    created_at, updated_at, discount_code, discount_cents)
             values ($1, $2, $3, $4, 'EUR', $5, $6, $7, $8, $9, $10, $11, $11, $12, $13)",
        )
        .bind(&offer.order_id)
        .bind(application_id)
        .bind(offer.order_status())
        .bind(offer.price.total_cents)
        .bind(&offer.price.explanation)
        .bind(&offer.reference)
        .bind(offer.deadline)
        .bind(&offer.price.tier_code)
        .bind(offer.price.list_cents)
        .bind(&offer.price.waiver_reason)
        .bind(now)
        .bind(offer.price.discount.as_ref().map(|d| d.0.as_str()))
        .bind(offer.price.discount.as_ref().map(|d| d.1))
        .execute(&mut *tx)
        .await?;
        Self::insert_audit(
            tx,
            None,
            actor,
            Action::ApplicationAccepted,
            ("application", application_id),
            &offer.audit_detail(previous),
            now,
        )
        .await?;
        self.insert_notice(tx, application_id, offer.notice(), now)
            .await?;
        let PreparedOffer {
            order_id,
            waived,
            price,
            ..
        } = offer;
        Ok(Some(if waived {
            DecisionOutcome::Enrolled { order_id }
        } else {
            DecisionOutcome::Offered {
                order_id,
                total_cents: price.total_cents,
            }
        }))
    }

    /// An order that will never be paid gives its discount code's use back.
    pub(super) async fn give_back_code_in_tx(
        tx: &mut Tx,
        order_id: &str,
    ) -> Result<(), StoreError> {
        query(
            "update discount_code set uses = uses - 1
             where uses > 0 and (edition_id, code) in (
                 select p.edition_id, o.discount_code
                 from fee_order o
                 join application a on a.application_id = o.application_id
                 join program p on p.program_id = a.program_id
                 where o.order_id = $1 and o.discount_code is not null)",
        )
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    pub(super) async fn insert_notice(
        &self,
        tx: &mut Tx,
        application_id: &str,
        kind: crate::domain::job::NoticeKind,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let payload = crate::domain::job::JobPayload::Notify(crate::domain::job::Notice {
            application_id: application_id.to_owned(),
            kind,
        });
        self.insert_job(tx, &payload, now, Some(application_id))
            .await?;
        Ok(())
    }

    /// Gives back one seat of a locked program and offers freed seats down the waitlist until a
    /// seat is taken or nobody waits. Returns how many offers it made.
    pub(super) async fn release_seat_in_tx(
        &self,
        tx: &mut Tx,
        program_id: &str,
        deadline_days: i32,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        query(
            "update program set seats_held = seats_held - 1 where program_id = $1 and seats_held > 0",
        )
        .bind(program_id)
        .execute(&mut *tx)
        .await?;
        let deadline = crate::domain::offer::payment_deadline(
            now.0,
            u16::try_from(deadline_days).unwrap_or(14),
        );
        let mut offers = 0;
        // Each pass offers the freed seat to the first in line; a pass that finds its candidate
        // gone (decided meanwhile) tries the next one.
        for _ in 0..64 {
            let next: Option<String> = scalar(NEXT_WAITLISTED_SQL)
                .bind(program_id)
                .bind(ApplicationStatus::Waitlisted)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(next) = next else { break };
            match self
                .offer_in_tx(
                    tx,
                    &next,
                    program_id,
                    &[ApplicationStatus::Waitlisted],
                    None,
                    &crate::domain::offer::Adjustment::None,
                    deadline,
                    &Actor::System,
                    now,
                )
                .await
            {
                Ok(Some(_)) => {
                    offers += 1;
                    break;
                }
                Ok(None) => continue,
                Err(StoreError::Refused(Refusal::Full)) => {
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(offers)
    }

    /// Withdraws an open application of this applicant; a held seat goes down the waitlist and
    /// a pending order is cancelled.
    pub(super) async fn withdraw_in_tx(
        &self,
        tx: &mut Tx,
        applicant_id: &str,
        application_id: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = Actor::Applicant(applicant_id.to_owned());
        // A draft holds no seat: it is withdrawn without the program's lock. This keeps the one
        // place that locks a draft's row before its program (Postgres' first-come submission)
        // from ever waiting on a transaction that waits for it.
        let draft = query(
            "update application set status = $4, updated_at = $3
             where application_id = $1 and applicant_id = $2 and status = $5",
        )
        .bind(application_id)
        .bind(applicant_id)
        .bind(now)
        .bind(ApplicationStatus::Withdrawn)
        .bind(ApplicationStatus::Draft)
        .execute(&mut *tx)
        .await?;
        if draft.rows_affected() == 1 {
            Self::insert_audit(
                tx,
                None,
                &actor,
                Action::ApplicationWithdrawn,
                ("application", application_id),
                "draft → withdrawn",
                now,
            )
            .await?;
            return Ok(());
        }
        let program_id: Option<String> = scalar(
            "select program_id from application where application_id = $1 and applicant_id = $2",
        )
        .bind(application_id)
        .bind(applicant_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(program_id) = program_id else {
            return Err(StoreError::NotFound);
        };
        let days = Self::lock_program(tx, &program_id, now).await?;
        let from: ApplicationStatus =
            scalar("select status from application where application_id = $1")
                .bind(application_id)
                .fetch_one(&mut *tx)
                .await?;
        if !from.can_withdraw() {
            return Err(StoreError::Refused(Refusal::OffersNotOpen));
        }
        query("update application set status = $3, updated_at = $2 where application_id = $1")
            .bind(application_id)
            .bind(now)
            .bind(ApplicationStatus::Withdrawn)
            .execute(&mut *tx)
            .await?;
        let holds_seat = from.holds_seat();
        let detail = if holds_seat {
            format!("{from} → withdrawn; the offer is cancelled and its seat freed")
        } else {
            format!("{from} → withdrawn")
        };
        Self::insert_audit(
            tx,
            None,
            &actor,
            Action::ApplicationWithdrawn,
            ("application", application_id),
            &detail,
            now,
        )
        .await?;
        if holds_seat {
            let cancelled: Option<String> = scalar(
                "update fee_order set status = $3, updated_at = $2
                 where application_id = $1 and status = $4
                 returning order_id",
            )
            .bind(application_id)
            .bind(now)
            .bind(OrderStatus::Cancelled)
            .bind(OrderStatus::Pending)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(order_id) = cancelled {
                Self::give_back_code_in_tx(tx, &order_id).await?;
            }
            self.release_seat_in_tx(tx, &program_id, days, now).await?;
        }
        Ok(())
    }

    /// First come, first served: a submitted application takes a seat if one is left, else a
    /// place on the waitlist. Runs in the submission's transaction, after the program's lock.
    pub(super) async fn seat_or_waitlist_in_tx(
        &self,
        tx: &mut Tx,
        application_id: &str,
        program_id: &str,
        deadline_days: i32,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let deadline = crate::domain::offer::payment_deadline(
            now.0,
            u16::try_from(deadline_days).unwrap_or(14),
        );
        match self
            .offer_in_tx(
                tx,
                application_id,
                program_id,
                &[ApplicationStatus::Submitted],
                None,
                &crate::domain::offer::Adjustment::None,
                deadline,
                actor,
                now,
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(StoreError::Refused(Refusal::Full)) => {
                query(
                    "update application set status = $3, decided_at = $2, updated_at = $2
                     where application_id = $1 and status = $4",
                )
                .bind(application_id)
                .bind(now)
                .bind(ApplicationStatus::Waitlisted)
                .bind(ApplicationStatus::Submitted)
                .execute(&mut *tx)
                .await?;
                Self::insert_audit(
                    tx,
                    None,
                    actor,
                    Action::ApplicationWaitlisted,
                    ("application", application_id),
                    NO_SEAT_DETAIL,
                    now,
                )
                .await?;
                self.insert_notice(
                    tx,
                    application_id,
                    crate::domain::job::NoticeKind::Waitlisted,
                    now,
                )
                .await?;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    pub(super) async fn standing_of(
        conn: impl Into<On<'_>> + Send,
        application_id: &str,
    ) -> Result<Standing, StoreError> {
        let mut conn = conn.into();
        let row: Option<(ApplicationStatus, Option<RejectReason>, Option<String>)> = query(
            "select status, reject_reason, cancel_reason from application where application_id = $1",
        )
        .bind(application_id)
        .fetch_optional(&mut conn)
        .await?;
        let Some((status, reason, cancel_reason)) = row else {
            return Err(StoreError::NotFound);
        };
        let offer: Option<OfferRow> = query(OFFER_SQL)
            .bind(application_id)
            .fetch_optional(&mut conn)
            .await?;
        let waitlist_position = if status == ApplicationStatus::Waitlisted {
            Some(
                scalar(WAITLIST_POSITION_SQL)
                    .bind(application_id)
                    .bind(ApplicationStatus::Waitlisted)
                    .fetch_one(&mut conn)
                    .await?,
            )
        } else {
            None
        };
        Ok(Standing {
            offer: offer.map(TryInto::try_into).transpose()?,
            waitlist_position,
            reject_reason: reason,
            cancel_reason: cancel_reason.filter(|_| status == ApplicationStatus::Cancelled),
        })
    }
}

//! Turning applications into a cohort: offers that hold seats, the waitlist and its automatic
//! cascade, rejections, payment deadlines with their reminders and expiry.
//!
//! Seats are exact under any concurrency because the database enforces them: `program.seats_held`
//! only moves through conditional updates (`seats_held < capacity`) and a check constraint backs them.
//! Every transaction that takes or frees a seat locks the program's row first, then the applications:
//! one order everywhere, so no two transactions wait for each other (and two instances on one
//! Postgres behave as one).

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::locale::Locale;
use crate::domain::offer::Adjustment;
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, OrderStatus, RejectReason};

pub use crate::domain::decision::DecisionKind;

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionOutcome {
    /// A seat is held and an order awaits payment.
    Offered {
        order_id: String,
        total_cents: i64,
    },
    /// The whole fee was waived: enrolled at once.
    Enrolled {
        order_id: String,
    },
    Waitlisted {
        position: i64,
    },
    Rejected,
}

/// A frozen offer: the order that says what is owed and by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRecord {
    pub order_id: String,
    pub status: OrderStatus,
    pub total_cents: i64,
    pub list_cents: Option<i64>,
    pub tier_code: Option<String>,
    pub waiver_reason: Option<String>,
    pub explanation: String,
    pub payment_reference: String,
    pub deadline_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
    /// Why finance is looking at the order's money, if it is.
    pub attention: Option<crate::domain::payment::Attention>,
}

/// Someone a program's message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub application_id: String,
    pub email: crate::domain::email::EmailAddress,
    pub locale: Locale,
    pub given_names: Option<String>,
}

/// Where an application stands beyond its status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Standing {
    pub offer: Option<OfferRecord>,
    /// 1 for the first in line; only while waitlisted.
    pub waitlist_position: Option<i64>,
    pub reject_reason: Option<RejectReason>,
    /// Why the enrollment was cancelled; only once cancelled.
    pub cancel_reason: Option<String>,
}

/// What an email about an application needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeContext {
    pub application_id: String,
    pub email: String,
    pub locale: Locale,
    pub given_names: Option<String>,
    pub program_title_en: String,
    pub program_title_fr: String,
    pub contact_email: String,
    pub status: ApplicationStatus,
    pub standing: Standing,
    /// The school's first and last days, and its places, for the calendar invitation.
    pub starts_on: time::Date,
    pub ends_on: time::Date,
    pub places: Vec<String>,
    /// The latest receipt, attached to the confirmation of enrollment.
    pub receipt: Option<crate::domain::receipt::ReceiptRecord>,
    /// The latest credit note, attached to the notice of a refund.
    pub credit_note: Option<crate::domain::receipt::ReceiptRecord>,
}

/// Seats of one program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    pub capacity: i32,
    pub held: i32,
    pub waitlisted: i64,
}

/// What one pass over the deadlines did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeadlineReport {
    pub expired: usize,
    pub reminded: usize,
    /// Offers made to waitlisted applicants because expired offers freed their seats.
    pub cascaded: usize,
}

#[async_trait]
pub trait CohortStore: Send + Sync {
    /// Accept, waitlist or reject one application (submitted, under review, or waitlisted for accept
    /// and reject). `Refused(Full)` when no seat is left; `Refused(WrongState)` when the application is
    /// not in a state the decision applies to.
    async fn decide(
        &self,
        application_id: &str,
        decision: &DecisionKind,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<DecisionOutcome, StoreError>;

    /// Expire unpaid offers whose deadline has passed (their seats go down the waitlist) and mark
    /// reminders due. Safe to run on several instances at once.
    async fn run_deadlines(&self, now: OffsetDateTime) -> Result<DeadlineReport, StoreError>;

    /// Give a pending offer a later deadline (its reminders start again).
    async fn extend_deadline(
        &self,
        application_id: &str,
        deadline: OffsetDateTime,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The offer, waitlist position and reject reason of an application.
    async fn standing(&self, application_id: &str) -> Result<Standing, StoreError>;

    /// Seats of a program.
    async fn seats(&self, program_id: &str) -> Result<Seats, StoreError>;
}

#[derive(sqlx::FromRow)]
pub(super) struct OfferRow {
    order_id: String,
    status: OrderStatus,
    total_cents: i64,
    list_cents: Option<i64>,
    fee_tier_code: Option<String>,
    waiver_reason: Option<String>,
    price_explanation: String,
    payment_reference: String,
    deadline_at: super::types::Timestamp,
    created_at: super::types::Timestamp,
    attention: Option<String>,
}

impl TryFrom<OfferRow> for OfferRecord {
    type Error = StoreError;
    fn try_from(r: OfferRow) -> Result<Self, StoreError> {
        Ok(OfferRecord {
            status: r.status,
            order_id: r.order_id,
            total_cents: r.total_cents,
            list_cents: r.list_cents,
            tier_code: r.fee_tier_code,
            waiver_reason: r.waiver_reason,
            explanation: r.price_explanation,
            payment_reference: r.payment_reference,
            deadline_at: r.deadline_at.into(),
            created_at: r.created_at.into(),
            attention: r
                .attention
                .as_deref()
                .and_then(crate::domain::payment::Attention::parse),
        })
    }
}

pub(super) const OFFER_SQL: &str =
    "select order_id, status, total_cents, list_cents, fee_tier_code, waiver_reason,
        price_explanation, payment_reference, deadline_at, created_at, attention
 from fee_order where application_id = $1";

/// The applications ahead of `$1` on its program's waitlist, plus one: its position. `$2` is
/// [`ApplicationStatus::Waitlisted`].
pub(super) const WAITLIST_POSITION_SQL: &str = "select 1 + count(*)
 from application a
 join application b on b.program_id = a.program_id and b.status = $2
 where a.application_id = $1
   and (coalesce(b.waitlist_score, -1) > coalesce(a.waitlist_score, -1)
        or (coalesce(b.waitlist_score, -1) = coalesce(a.waitlist_score, -1)
            and (b.submitted_at < a.submitted_at
                 or (b.submitted_at = a.submitted_at and b.application_id < a.application_id))))";

/// The first in line on a program's waitlist. `$2` is [`ApplicationStatus::Waitlisted`].
pub(super) const NEXT_WAITLISTED_SQL: &str = "select application_id from application
 where program_id = $1 and status = $2
 order by coalesce(waitlist_score, -1) desc, submitted_at, application_id
 limit 1";

fn random_reference() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    crate::domain::offer::payment_reference(bytes)
}

pub(super) fn new_reference() -> String {
    random_reference()
}

/// A program's fee tier as an offer reads it.
#[derive(sqlx::FromRow, Clone)]
pub(super) struct TierRow {
    pub code: String,
    pub label_en: String,
    pub label_fr: String,
    pub amount_cents: i64,
    pub is_standard: bool,
    pub applicant_category: Option<String>,
    pub partner_only: bool,
    pub available_until: Option<super::types::Timestamp>,
}

impl TierRow {
    fn terms(&self) -> crate::domain::fees::TierTerms {
        crate::domain::fees::TierTerms {
            code: self.code.clone(),
            list_cents: self.amount_cents,
            standard: self.is_standard,
            // A category this version does not know: kept closed to applicants (only an organizer
            // naming the tier gives it).
            category: self.applicant_category.as_deref().map(|c| {
                crate::domain::catalog::ApplicantCategory::from_text(c)
                    .unwrap_or(crate::domain::catalog::ApplicantCategory::Other)
            }),
            partner_only: self.partner_only,
            available_until: self.available_until.map(Into::into),
        }
    }
}

impl From<&super::FeeTierRecord> for TierRow {
    fn from(t: &super::FeeTierRecord) -> Self {
        TierRow {
            code: t.code.clone(),
            label_en: t.label.en.clone(),
            label_fr: t.label.fr.clone(),
            amount_cents: t.amount.cents(),
            is_standard: t.is_standard,
            applicant_category: t.applicant_category.clone(),
            partner_only: t.partner_only,
            available_until: t.available_until.map(super::types::Timestamp::new),
        }
    }
}

pub(super) const OFFER_TIERS_SQL: &str =
    "select code, label_en, label_fr, amount_cents, is_standard,
        applicant_category, partner_only, available_until
 from fee_tier where program_id = $1 order by position";

/// What decides an applicant's tiers, as stored: category, partner flag, and when the application
/// was sent (`now` for one being sent).
pub(super) fn eligibility(
    category: Option<&str>,
    partner: Option<bool>,
    sent_at: Option<super::types::Timestamp>,
    now: super::types::Timestamp,
) -> crate::domain::fees::Eligibility {
    crate::domain::fees::Eligibility {
        category: category.and_then(crate::domain::catalog::ApplicantCategory::from_text),
        partner: partner.unwrap_or(false),
        sent_at: sent_at.unwrap_or(now).into(),
    }
}

/// An offer priced and numbered before it is written: everything the order row, the audit event and
/// the notice need, computed without touching the database (so a fast path can do it before it
/// takes any lock).
pub(super) struct PreparedOffer {
    pub order_id: String,
    pub price: crate::domain::offer::Price,
    pub reference: String,
    pub deadline: super::types::Timestamp,
    /// A fee waived in full enrolls at once; its order is paid.
    pub waived: bool,
}

impl PreparedOffer {
    /// The tier an organizer named (`chosen`, taken as they say); otherwise the one the applicant
    /// asked for if they may have it, else the cheapest tier open to them (the fee rules of
    /// `domain::fees`); priced with the discount code (already checked) and the adjustment, in the
    /// applicant's language.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        tiers: &[TierRow],
        chosen: Option<&str>,
        requested: Option<&str>,
        who: &crate::domain::fees::Eligibility,
        adjustment: &Adjustment,
        code: Option<(&str, crate::domain::fees::DiscountKind)>,
        locale: Locale,
        deadline: OffsetDateTime,
    ) -> Result<Self, StoreError> {
        let tier = match chosen.and_then(|c| tiers.iter().find(|t| t.code == c)) {
            Some(t) => t,
            None => {
                let terms: Vec<_> = tiers.iter().map(TierRow::terms).collect();
                let choice = crate::domain::fees::choose(&terms, requested, who)
                    .ok_or_else(|| StoreError::Refused(Refusal::NoFeeTier))?;
                tiers
                    .iter()
                    .find(|t| t.code == choice.tier.code)
                    .ok_or_else(|| StoreError::Refused(Refusal::NoFeeTier))?
            }
        };
        let label = match locale {
            Locale::En => &tier.label_en,
            Locale::Fr => &tier.label_fr,
        };
        let price = crate::domain::offer::price_with_code(
            &tier.code,
            label,
            tier.amount_cents,
            code,
            adjustment,
            locale,
        )
        .map_err(|e| StoreError::Refused(e.into()))?;
        Ok(PreparedOffer {
            order_id: super::new_id(),
            waived: price.total_cents == 0,
            price,
            reference: new_reference(),
            deadline: super::types::Timestamp::new(deadline),
        })
    }

    /// The application's status once the offer is made.
    pub(super) fn status(&self) -> ApplicationStatus {
        if self.waived {
            ApplicationStatus::Enrolled
        } else {
            ApplicationStatus::Accepted
        }
    }

    pub(super) fn order_status(&self) -> OrderStatus {
        if self.waived {
            OrderStatus::Paid
        } else {
            OrderStatus::Pending
        }
    }

    pub(super) fn notice(&self) -> crate::domain::job::NoticeKind {
        if self.waived {
            crate::domain::job::NoticeKind::Enrolled
        } else {
            crate::domain::job::NoticeKind::Offer
        }
    }

    /// The audit event's detail for an offer made from `previous`.
    pub(super) fn audit_detail(&self, previous: ApplicationStatus) -> String {
        let code = self
            .price
            .discount
            .as_ref()
            .map(|(code, off)| format!("; discount code {code} (-{off} cents, one use taken)"))
            .unwrap_or_default();
        format!(
            "{previous} → {}; {} cents; deadline {}{code}",
            self.status(),
            self.price.total_cents,
            self.deadline.fixed_text()
        )
    }
}

/// The audit detail of a first-come submission that found no seat.
pub(super) const NO_SEAT_DETAIL: &str = "submitted → waitlisted (no seat left)";

#[async_trait]
impl CohortStore for SqlStore {
    async fn decide(
        &self,
        application_id: &str,
        decision: &DecisionKind,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<DecisionOutcome, StoreError> {
        use {DecisionKind, DecisionOutcome};
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let program_id: Option<String> =
            scalar("select program_id from application where application_id = $1")
                .bind(application_id)
                .fetch_optional(&mut tx)
                .await?;
        let Some(program_id) = program_id else {
            return Err(StoreError::NotFound);
        };
        Self::lock_program(&mut tx, &program_id, now).await?;
        let state = || StoreError::Refused(Refusal::WrongState);
        let outcome = match decision {
            DecisionKind::Accept {
                tier_code,
                adjustment,
                deadline,
            } => self
                .offer_in_tx(
                    &mut tx,
                    application_id,
                    &program_id,
                    &[
                        ApplicationStatus::Submitted,
                        ApplicationStatus::UnderReview,
                        ApplicationStatus::Waitlisted,
                    ],
                    tier_code.as_deref(),
                    adjustment,
                    *deadline,
                    actor,
                    now,
                )
                .await?
                .ok_or_else(state)?,
            DecisionKind::Waitlist => {
                let scores: Vec<i32> =
                    scalar("select score from review_score where application_id = $1")
                        .bind(application_id)
                        .fetch_all(&mut tx)
                        .await?;
                let mean = crate::domain::offer::mean_score_hundredths(&scores);
                let moved = query(
                    "update application set status = $4, waitlist_score = $2, decided_at = $3, updated_at = $3
                     where application_id = $1 and status in ($5, $6)",
                )
                .bind(application_id)
                .bind(mean)
                .bind(now)
                .bind(ApplicationStatus::Waitlisted)
                .bind(ApplicationStatus::Submitted)
                .bind(ApplicationStatus::UnderReview)
                .execute(&mut tx)
                .await?;
                if moved.rows_affected() == 0 {
                    return Err(state());
                }
                let detail = match mean {
                    Some(m) => format!(
                        "→ waitlisted; mean score {}",
                        crate::domain::offer::format_score(m)
                    ),
                    None => "→ waitlisted; not scored".to_owned(),
                };
                Self::insert_audit(
                    &mut tx,
                    None,
                    actor,
                    Action::ApplicationWaitlisted,
                    ("application", application_id),
                    &detail,
                    now,
                )
                .await?;
                self.insert_notice(
                    &mut tx,
                    application_id,
                    crate::domain::job::NoticeKind::Waitlisted,
                    now,
                )
                .await?;
                let position: i64 = scalar(WAITLIST_POSITION_SQL)
                    .bind(application_id)
                    .bind(ApplicationStatus::Waitlisted)
                    .fetch_one(&mut tx)
                    .await?;
                DecisionOutcome::Waitlisted { position }
            }
            DecisionKind::Reject { reason } => {
                let moved = query(
                    "update application set status = $4, reject_reason = $2, decided_at = $3, updated_at = $3
                     where application_id = $1 and status in ($5, $6, $7)",
                )
                .bind(application_id)
                .bind(*reason)
                .bind(now)
                .bind(ApplicationStatus::Rejected)
                .bind(ApplicationStatus::Submitted)
                .bind(ApplicationStatus::UnderReview)
                .bind(ApplicationStatus::Waitlisted)
                .execute(&mut tx)
                .await?;
                if moved.rows_affected() == 0 {
                    return Err(state());
                }
                let detail = format!("→ rejected; reason {}", reason.as_str());
                Self::insert_audit(
                    &mut tx,
                    None,
                    actor,
                    Action::ApplicationRejected,
                    ("application", application_id),
                    &detail,
                    now,
                )
                .await?;
                self.insert_notice(
                    &mut tx,
                    application_id,
                    crate::domain::job::NoticeKind::Rejected,
                    now,
                )
                .await?;
                DecisionOutcome::Rejected
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn run_deadlines(&self, now: time::OffsetDateTime) -> Result<DeadlineReport, StoreError> {
        let mut report = DeadlineReport::default();
        let at = Timestamp::new(now);
        // Expiry, one offer per transaction so a long list never holds the lock for long.
        loop {
            let due: Vec<(String, String, String)> = query(
                "select o.order_id, o.application_id, a.program_id
                 from fee_order o join application a on a.application_id = o.application_id
                 where o.status = $2 and o.deadline_at <= $1
                 order by o.deadline_at, o.order_id
                 limit 100",
            )
            .bind(at)
            .bind(OrderStatus::Pending)
            .fetch_all(self.db.read())
            .await?;
            if due.is_empty() {
                break;
            }
            let mut progressed = false;
            for (order_id, application_id, program_id) in due {
                let mut tx = self.db.begin_write().await?;
                let days = Self::lock_program(&mut tx, &program_id, at).await?;
                let expired = query(
                    "update fee_order set status = $3, updated_at = $2
                     where order_id = $1 and status = $4 and deadline_at <= $2",
                )
                .bind(&order_id)
                .bind(at)
                .bind(OrderStatus::Expired)
                .bind(OrderStatus::Pending)
                .execute(&mut tx)
                .await?;
                if expired.rows_affected() == 0 {
                    // Paid, extended or expired by another instance meanwhile.
                    continue;
                }
                progressed = true;
                Self::give_back_code_in_tx(&mut tx, &order_id).await?;
                query(
                    "update application set status = $3, updated_at = $2
                     where application_id = $1 and status = $4",
                )
                .bind(&application_id)
                .bind(at)
                .bind(ApplicationStatus::Expired)
                .bind(ApplicationStatus::Accepted)
                .execute(&mut tx)
                .await?;
                Self::insert_audit(
                    &mut tx,
                    None,
                    &Actor::System,
                    Action::ApplicationExpired,
                    ("application", &application_id),
                    "accepted → expired (unpaid at the deadline)",
                    at,
                )
                .await?;
                self.insert_notice(
                    &mut tx,
                    &application_id,
                    crate::domain::job::NoticeKind::Expired,
                    at,
                )
                .await?;
                report.cascaded += self
                    .release_seat_in_tx(&mut tx, &program_id, days, at)
                    .await?;
                tx.commit().await?;
                report.expired += 1;
            }
            if !progressed {
                break;
            }
        }
        // Reminders: offers whose deadline is within the furthest reminder.
        let horizon = Timestamp::new(
            now + time::Duration::days(i64::from(crate::domain::offer::REMINDER_DAYS[0])),
        );
        let pending: Vec<(String, String, Timestamp, Timestamp, Option<i32>)> = query(
            "select order_id, application_id, created_at, deadline_at, reminded_days from fee_order
             where status = $3 and deadline_at > $1 and deadline_at <= $2",
        )
        .bind(at)
        .bind(horizon)
        .bind(OrderStatus::Pending)
        .fetch_all(self.db.read())
        .await?;
        for (order_id, application_id, created, deadline, reminded) in pending {
            let Some(days) =
                crate::domain::offer::reminder_due(created.0, deadline.0, reminded, now)
            else {
                continue;
            };
            let mut tx = self.db.begin_write().await?;
            let marked = query(
                "update fee_order set reminded_days = $2, updated_at = $3
                 where order_id = $1 and status = $5 and deadline_at = $4
                   and (reminded_days is null or reminded_days > $2)",
            )
            .bind(&order_id)
            .bind(days)
            .bind(at)
            .bind(deadline)
            .bind(OrderStatus::Pending)
            .execute(&mut tx)
            .await?;
            if marked.rows_affected() == 1 {
                let detail = format!("reminder {days} day(s) before the deadline");
                Self::insert_audit(
                    &mut tx,
                    None,
                    &Actor::System,
                    Action::OfferReminded,
                    ("application", &application_id),
                    &detail,
                    at,
                )
                .await?;
                self.insert_notice(
                    &mut tx,
                    &application_id,
                    crate::domain::job::NoticeKind::Reminder { days },
                    at,
                )
                .await?;
                tx.commit().await?;
                report.reminded += 1;
            }
        }
        Ok(report)
    }

    async fn extend_deadline(
        &self,
        application_id: &str,
        deadline: time::OffsetDateTime,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let old: Option<Timestamp> =
            scalar("select deadline_at from fee_order where application_id = $1 and status = $2")
                .bind(application_id)
                .bind(OrderStatus::Pending)
                .fetch_optional(&mut tx)
                .await?;
        let Some(old) = old else {
            return Err(StoreError::Refused(Refusal::NoPendingOffer));
        };
        if deadline <= old.0 || deadline <= now.0 {
            return Err(StoreError::Refused(Refusal::DeadlineNotLater));
        }
        let moved = query(
            "update fee_order set deadline_at = $2, reminded_days = null, updated_at = $3
             where application_id = $1 and status = $5 and deadline_at = $4",
        )
        .bind(application_id)
        .bind(Timestamp::new(deadline))
        .bind(now)
        .bind(old)
        .bind(OrderStatus::Pending)
        .execute(&mut tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::NoPendingOffer));
        }
        let detail = format!(
            "deadline {} → {}",
            old.fixed_text(),
            Timestamp::new(deadline).fixed_text()
        );
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::OfferDeadlineExtended,
            ("application", application_id),
            &detail,
            now,
        )
        .await?;
        self.insert_notice(
            &mut tx,
            application_id,
            crate::domain::job::NoticeKind::DeadlineExtended,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn standing(&self, application_id: &str) -> Result<Standing, StoreError> {
        let mut conn = self.db.acquire().await?;
        Self::standing_of(&mut conn, application_id).await
    }

    async fn seats(&self, program_id: &str) -> Result<Seats, StoreError> {
        let row: Option<(i32, i32, i64)> = query(
            "select p.capacity, p.seats_held,
                    (select count(*) from application a where a.program_id = p.program_id and a.status = $2)
             from program p where p.program_id = $1",
        )
        .bind(program_id)
        .bind(ApplicationStatus::Waitlisted)
        .fetch_optional(self.db.read())
        .await?;
        let (capacity, held, waitlisted) = row.ok_or(StoreError::NotFound)?;
        Ok(Seats {
            capacity,
            held,
            waitlisted,
        })
    }
}

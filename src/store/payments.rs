//! Paying an order: attempts with their checkout sessions, and the providers' events applied once.
//!
//! Enrollment happens here. The event that confirms the money moves the order to paid and the
//! application to enrolled, in the transaction that records the event's id (so a second delivery finds
//! it and changes nothing), under the program's lock like every change of a seat holder (so an expiry
//! sweep and a payment never both win). Money for an order that is no longer pending is never taken as
//! an enrollment: the order is flagged for finance.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{query, scalar};
use super::ledger::Movement;
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::catalog::LocalizedText;
use crate::domain::locale::Locale;
use crate::domain::payment::{Attention, EventOutcome, PaymentEvent};
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, LedgerKind, OrderStatus, PaymentStatus};

#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// A new attempt to pay the applicant's pending order with `provider`; or, when an attempt with
    /// an open checkout exists (not expiring within five minutes), that one, to send the applicant back
    /// to; or the attempt another request is opening this minute (one per order, enforced by the
    /// database), to open again with its key and start time, which the provider answers with the
    /// same checkout. NotFound when the application is not the applicant's; `Refused(NotPayable)` when its order
    /// is not pending (paid, expired, cancelled, none) or its deadline has passed.
    async fn start_payment(
        &self,
        applicant_id: &str,
        application_id: &str,
        provider: &str,
        now: OffsetDateTime,
    ) -> Result<PaymentStart, StoreError>;

    /// Records the provider's checkout for a new attempt: created → pending.
    async fn attach_checkout(
        &self,
        payment_id: &str,
        session: &str,
        url: &str,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Applies a provider's event exactly once (see the module's notes).
    async fn apply_payment_event(
        &self,
        event: &PaymentEvent,
        now: OffsetDateTime,
    ) -> Result<EventOutcome, StoreError>;

    /// The attempts with a provider's session opened since `since`, for reconciliation.
    async fn attempts_since(
        &self,
        provider: &str,
        since: OffsetDateTime,
    ) -> Result<Vec<crate::domain::payment::RecordedAttempt>, StoreError>;

    /// One attempt, for its applicant only (NotFound for anyone else).
    async fn payment(
        &self,
        applicant_id: &str,
        payment_id: &str,
    ) -> Result<PaymentView, StoreError>;
}

/// What a provider needs to open a checkout for an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentStart {
    pub payment_id: String,
    pub order_id: String,
    pub application_id: String,
    pub amount_cents: i64,
    pub currency: String,
    /// One per attempt: a retried request to the provider opens no second checkout.
    pub idempotency_key: String,
    pub program_title: LocalizedText,
    pub tier_label: Option<LocalizedText>,
    pub applicant_email: String,
    pub locale: Locale,
    /// The offer's deadline: a checkout never outlives it.
    pub order_deadline: OffsetDateTime,
    pub payment_reference: String,
    /// The open checkout of an attempt already started, if any.
    pub open_checkout: Option<String>,
    /// When the attempt was started: its checkout's expiry is counted from then, so that a second
    /// request for the same attempt asks the provider with the same parameters.
    pub started_at: OffsetDateTime,
}

/// An attempt as its applicant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentView {
    pub payment_id: String,
    pub application_id: String,
    pub provider: String,
    pub status: PaymentStatus,
    pub amount_cents: i64,
    pub currency: String,
    pub session: Option<String>,
    pub order_status: OrderStatus,
    pub program_title: LocalizedText,
    pub expires_at: Option<OffsetDateTime>,
    /// What the attempt brought in and still holds, by the ledger.
    pub held_cents: i64,
    /// Some of its money went back.
    pub given_back: bool,
}

#[derive(sqlx::FromRow)]
pub(super) struct PaymentViewRow {
    pub payment_id: String,
    pub application_id: String,
    pub provider: String,
    pub status: PaymentStatus,
    pub amount_cents: i64,
    pub currency: String,
    pub provider_reference: Option<String>,
    pub order_status: OrderStatus,
    pub title_en: String,
    pub title_fr: String,
    pub expires_at: Option<super::types::Timestamp>,
    pub held_cents: i64,
    pub given_back_cents: i64,
}

impl TryFrom<PaymentViewRow> for PaymentView {
    type Error = StoreError;
    fn try_from(r: PaymentViewRow) -> Result<Self, StoreError> {
        Ok(PaymentView {
            status: r.status,
            order_status: r.order_status,
            payment_id: r.payment_id,
            application_id: r.application_id,
            provider: r.provider,
            amount_cents: r.amount_cents,
            currency: r.currency,
            session: r.provider_reference,
            program_title: LocalizedText {
                en: r.title_en,
                fr: r.title_fr,
            },
            expires_at: r.expires_at.map(Into::into),
            held_cents: r.held_cents,
            given_back: r.given_back_cents > 0,
        })
    }
}

pub(super) const PAYMENT_VIEW_SQL: &str = "
select y.payment_id, o.application_id, y.provider, y.status, y.amount_cents, y.currency,
       y.provider_reference, o.status as order_status, p.title_en, p.title_fr, y.expires_at,
       cast(coalesce((select sum(l.amount_cents) from ledger_entry l
                      where l.payment_id = y.payment_id), 0) as bigint) as held_cents,
       cast(coalesce((select -sum(l.amount_cents) from ledger_entry l
                      where l.payment_id = y.payment_id and l.amount_cents < 0), 0) as bigint)
           as given_back_cents
from payment y
join fee_order o on o.order_id = y.order_id
join application a on a.application_id = o.application_id
join program p on p.program_id = a.program_id
where y.payment_id = $1 and a.applicant_id = $2";

/// An application with its order, if any, as paying needs it.
#[derive(sqlx::FromRow)]
pub(super) struct PayableRow {
    pub order_id: Option<String>,
    pub order_status: Option<OrderStatus>,
    pub total_cents: Option<i64>,
    pub currency: Option<String>,
    pub deadline_at: Option<super::types::Timestamp>,
    pub payment_reference: Option<String>,
    pub fee_tier_code: Option<String>,
    pub status: ApplicationStatus,
    pub email: String,
    pub locale: String,
    pub title_en: String,
    pub title_fr: String,
    pub program_id: String,
    pub attention: Option<String>,
}

pub(super) const PAYABLE_SQL: &str = "
select o.order_id, o.status as order_status, o.total_cents, o.currency, o.deadline_at, o.payment_reference,
       o.fee_tier_code, o.attention, a.status, ap.email, ap.locale, p.title_en, p.title_fr, p.program_id
from application a
join applicant ap on ap.applicant_id = a.applicant_id
join program p on p.program_id = a.program_id
left join fee_order o on o.application_id = a.application_id
where a.application_id = $1 and a.applicant_id = $2";

/// The attempt a session belongs to, with its order and program (read before the program's lock).
#[derive(sqlx::FromRow)]
pub(super) struct AttemptRow {
    pub payment_id: String,
    pub order_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub application_id: String,
    pub program_id: String,
}

/// By session ($2) or, for charge-level events, by payment intent ($3).
pub(super) const ATTEMPT_SQL: &str = "
select y.payment_id, y.order_id, y.amount_cents, y.currency, o.application_id, a.program_id
from payment y
join fee_order o on o.order_id = y.order_id
join application a on a.application_id = o.application_id
where y.provider = $1
  and (y.provider_reference = $2 or ($2 is null and y.provider_intent = $3))";

impl SqlStore {
    async fn start_payment_once(
        &self,
        applicant_id: &str,
        application_id: &str,
        provider: &str,
        now: time::OffsetDateTime,
    ) -> Result<PaymentStart, StoreError> {
        let now_ts = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let row: PayableRow = query(PAYABLE_SQL)
            .bind(application_id)
            .bind(applicant_id)
            .fetch_optional(&mut tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let PayableRow {
            order_id,
            order_status,
            total_cents,
            currency,
            deadline_at,
            payment_reference,
            fee_tier_code,
            status: app_status,
            email,
            locale,
            title_en,
            title_fr,
            program_id,
            attention,
        } = row;
        let (
            Some(order_id),
            Some(order_status),
            Some(total),
            Some(currency),
            Some(deadline),
            Some(reference),
        ) = (
            order_id,
            order_status,
            total_cents,
            currency,
            deadline_at,
            payment_reference,
        )
        else {
            return Err(StoreError::Refused(Refusal::NotPayable));
        };
        let tier_code = fee_tier_code;
        // Money that did not match is being checked by finance: no second payment meanwhile.
        let checking = attention.as_deref() == Some(Attention::Mismatch.as_str());
        if order_status != OrderStatus::Pending
            || checking
            || app_status != ApplicationStatus::Accepted
            || total <= 0
            || deadline <= now_ts
        {
            return Err(StoreError::Refused(Refusal::NotPayable));
        }
        let tier_label: Option<(String, String)> = match &tier_code {
            Some(code) => {
                query("select label_en, label_fr from fee_tier where program_id = $1 and code = $2")
                    .bind(&program_id)
                    .bind(code)
                    .fetch_optional(&mut tx)
                    .await?
            }
            None => None,
        };
        // In one statement, so that an attempt being attached meanwhile is seen in one state or the
        // other: an attempt with an open checkout (not expiring within five minutes) to send the
        // applicant back to, else one another request is opening right now (a double click), to take
        // with its key so that the provider answers with the same checkout.
        let found: Option<(String, String, Option<String>, PaymentStatus, Timestamp)> = query(
            "select payment_id, idempotency_key, checkout_url, status, created_at from payment
             where order_id = $1 and provider = $2
               and ((status = $4 and checkout_url is not null and expires_at > $3) or status = $5)
             order by case when status = $4 then 0 else 1 end, created_at desc limit 1",
        )
        .bind(&order_id)
        .bind(provider)
        .bind(Timestamp::new(now + time::Duration::minutes(5)))
        .bind(PaymentStatus::Pending)
        .bind(PaymentStatus::Created)
        .fetch_optional(&mut tx)
        .await?;
        let (open, opening) = match found {
            Some((id, key, Some(url), PaymentStatus::Pending, _)) => (Some((id, key, url)), None),
            Some((id, key, _, _, at)) => (None, Some((id, key, at))),
            None => (None, None),
        };
        // One being opened for longer than that never reached the provider, or its answer was
        // lost: closed, and a new attempt started.
        let opening = match opening {
            Some((id, key, at)) if now - at.0 <= REUSE_OPENING => Some((id, key, at)),
            Some((id, _, _)) => {
                query("update payment set status = $2, updated_at = $3 where payment_id = $1")
                    .bind(&id)
                    .bind(PaymentStatus::Cancelled)
                    .bind(now_ts)
                    .execute(&mut tx)
                    .await?;
                Self::insert_audit(
                    &mut tx,
                    None,
                    &Actor::System,
                    Action::PaymentCancelled,
                    ("application", application_id),
                    &format!("{provider}: an attempt that never opened a checkout, replaced"),
                    now_ts,
                )
                .await?;
                None
            }
            None => None,
        };
        let (payment_id, idempotency_key, open_checkout, started_at) = match (open, opening) {
            (Some((id, key, url)), _) => (id, key, Some(url), now),
            (None, Some((id, key, at))) => (id, key, None, at.0),
            (None, None) => {
                let id = crate::store::new_id();
                let key = format!("payment-{id}");
                query(
                    "insert into payment (payment_id, order_id, provider, status, amount_cents, currency,
                                          idempotency_key, created_at, updated_at)
                     values ($1, $2, $3, $8, $4, $5, $6, $7, $7)",
                )
                .bind(&id)
                .bind(&order_id)
                .bind(provider)
                .bind(total)
                .bind(&currency)
                .bind(&key)
                .bind(now_ts)
                .bind(PaymentStatus::Created)
                .execute(&mut tx)
                .await?;
                Self::insert_audit(
                    &mut tx,
                    None,
                    &Actor::Applicant(applicant_id.to_owned()),
                    Action::PaymentStarted,
                    ("application", application_id),
                    &format!("{provider}: {total} cents"),
                    now_ts,
                )
                .await?;
                (id, key, None, now)
            }
        };
        tx.commit().await?;
        Ok(PaymentStart {
            payment_id,
            order_id,
            application_id: application_id.to_owned(),
            amount_cents: total,
            currency,
            idempotency_key,
            program_title: crate::domain::catalog::LocalizedText {
                en: title_en,
                fr: title_fr,
            },
            tier_label: tier_label.map(|(en, fr)| crate::domain::catalog::LocalizedText { en, fr }),
            applicant_email: email,
            locale: crate::domain::locale::Locale::from_tag(&locale).unwrap_or_default(),
            order_deadline: deadline.into(),
            payment_reference: reference,
            open_checkout,
            started_at,
        })
    }
}

impl SqlStore {
    /// The order's money is all in: paid, the application enrolled (accepted → enrolled), both
    /// audited, the receipt (and the confirmation that carries it) queued for the payment that
    /// completed it, and an earlier flag about the order's money settled; in the caller's
    /// transaction, which holds the program's lock.
    pub(super) async fn enroll_paid_order_in_tx(
        &self,
        tx: &mut super::db::Tx,
        order_id: &str,
        application_id: &str,
        payment_id: &str,
        detail: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        query(
            "update fee_order set status = $3, paid_at = $2, updated_at = $2 where order_id = $1",
        )
        .bind(order_id)
        .bind(now)
        .bind(OrderStatus::Paid)
        .execute(&mut *tx)
        .await?;
        query(
            "update application set status = $3, updated_at = $2
             where application_id = $1 and status = $4",
        )
        .bind(application_id)
        .bind(now)
        .bind(ApplicationStatus::Enrolled)
        .bind(ApplicationStatus::Accepted)
        .execute(&mut *tx)
        .await?;
        let actor = Actor::System;
        Self::insert_audit(
            tx,
            None,
            &actor,
            Action::OrderPaid,
            ("application", application_id),
            detail,
            now,
        )
        .await?;
        Self::insert_audit(
            tx,
            None,
            &actor,
            Action::ApplicationEnrolled,
            ("application", application_id),
            "accepted → enrolled",
            now,
        )
        .await?;
        // The receipt, then the confirmation that carries it, come from a job.
        let receipt = crate::domain::job::JobPayload::IssueReceipt {
            payment_id: payment_id.to_owned(),
        };
        self.insert_job(tx, &receipt, now, None).await?;
        // A mismatched payment before this one: resolved, or due back.
        self.settle_money_flag_in_tx(tx, order_id, application_id, now)
            .await
    }
}

/// How long an attempt being opened is taken by a second request for the same order; past that
/// it is given up (within the margin a checkout keeps from the provider's window).
const REUSE_OPENING: time::Duration = time::Duration::minutes(4);

#[async_trait]
impl PaymentStore for SqlStore {
    async fn start_payment(
        &self,
        applicant_id: &str,
        application_id: &str,
        provider: &str,
        now: time::OffsetDateTime,
    ) -> Result<PaymentStart, StoreError> {
        // Two requests starting the order's attempt at once: the second's insert waits for the
        // first's and is refused by the one-attempt-being-opened index; again, it takes that one.
        match self
            .start_payment_once(applicant_id, application_id, provider, now)
            .await
        {
            Err(StoreError::Conflict { constraint })
                if constraint == "payment_order_id_provider_key" =>
            {
                self.start_payment_once(applicant_id, application_id, provider, now)
                    .await
            }
            other => other,
        }
    }

    async fn attach_checkout(
        &self,
        payment_id: &str,
        session: &str,
        url: &str,
        expires_at: time::OffsetDateTime,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let opened: Option<(String, String)> = query(
            "update payment set status = $6, provider_reference = $2, checkout_url = $3,
                                expires_at = $4, updated_at = $5
             where payment_id = $1 and status = $7
             returning provider, (select o.application_id from fee_order o where o.order_id = payment.order_id)",
        )
        .bind(payment_id)
        .bind(session)
        .bind(url)
        .bind(Timestamp::new(expires_at))
        .bind(now)
        .bind(PaymentStatus::Pending)
        .bind(PaymentStatus::Created)
        .fetch_optional(&mut tx)
        .await?;
        let Some((provider, application_id)) = opened else {
            // The same checkout, attached already by the other request that opened this attempt
            // (a double click): nothing to do.
            let same: Option<i32> =
                scalar("select 1 from payment where payment_id = $1 and provider_reference = $2")
                    .bind(payment_id)
                    .bind(session)
                    .fetch_optional(&mut tx)
                    .await?;
            return match same {
                Some(_) => Ok(()),
                None => Err(StoreError::Refused(Refusal::CheckoutNotCreated)),
            };
        };
        Self::insert_audit(
            &mut tx,
            None,
            &Actor::System,
            Action::PaymentCheckoutOpened,
            ("application", &application_id),
            &format!(
                "{provider} {session}, open until {}",
                Timestamp::new(expires_at).fixed_text()
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn apply_payment_event(
        &self,
        event: &crate::domain::payment::PaymentEvent,
        now: time::OffsetDateTime,
    ) -> Result<crate::domain::payment::EventOutcome, StoreError> {
        use crate::domain::payment::{Attention, EventOutcome, PaymentEventKind};
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let attempt: Option<AttemptRow> = query(ATTEMPT_SQL)
            .bind(&event.provider)
            .bind(event.session.as_deref())
            .bind(event.intent.as_deref())
            .fetch_optional(&mut tx)
            .await?;
        // The event's id first: a second delivery stops here, whatever the first one did.
        let fresh = query(
            "insert into payment_event (provider, event_id, kind, payment_id, received_at)
             values ($1, $2, $3, $4, $5)
             on conflict (provider, event_id) do nothing",
        )
        .bind(&event.provider)
        .bind(&event.event_id)
        .bind(event.kind.as_str())
        .bind(attempt.as_ref().map(|a| a.payment_id.as_str()))
        .bind(now)
        .execute(&mut tx)
        .await?;
        if fresh.rows_affected() == 0 {
            return Ok(EventOutcome::Duplicate);
        }
        let Some(attempt) = attempt else {
            // A session we never opened (another integration on the same account): kept, ignored.
            tx.commit().await?;
            return Ok(EventOutcome::Unchanged);
        };
        // Every change of a seat holder takes the program's lock first.
        Self::lock_program(&mut tx, &attempt.program_id, now).await?;
        let (payment_status, order_status): (PaymentStatus, OrderStatus) = query(
            "select y.status, o.status from payment y join fee_order o on o.order_id = y.order_id
             where y.payment_id = $1",
        )
        .bind(&attempt.payment_id)
        .fetch_one(&mut tx)
        .await?;
        let application_id = attempt.application_id.as_str();
        if let (Some(_), Some(intent)) = (&event.session, &event.intent) {
            query("update payment set provider_intent = $2 where payment_id = $1 and provider_intent is null")
                .bind(&attempt.payment_id)
                .bind(intent)
                .execute(&mut tx)
                .await?;
        }
        let set_payment = |status: PaymentStatus| {
            query("update payment set status = $2, updated_at = $3 where payment_id = $1")
                .bind(attempt.payment_id.clone())
                .bind(status)
                .bind(now)
        };
        let outcome = match event.kind {
            kind if kind.confirms() => {
                if payment_status.received() {
                    EventOutcome::Unchanged
                } else if !crate::domain::payment::matches_attempt(
                    event,
                    &attempt.order_id,
                    attempt.amount_cents,
                    &attempt.currency,
                ) {
                    let detail = format!(
                        "the provider reported {} {} for order {}",
                        event.amount_cents.map_or("?".to_owned(), |c| c.to_string()),
                        event.currency.as_deref().unwrap_or("?"),
                        event.order_id.as_deref().unwrap_or("?"),
                    );
                    // The money is at the provider all the same: in the ledger, so that finance
                    // sees it and can give it back (when it is in the order's currency).
                    if let Some(cents) = event.amount_cents.filter(|c| *c > 0)
                        && event
                            .currency
                            .as_deref()
                            .is_some_and(|c| c.eq_ignore_ascii_case(&attempt.currency))
                    {
                        Self::record_movement_in_tx(
                            &mut tx,
                            Movement {
                                order_id: &attempt.order_id,
                                kind: LedgerKind::Card,
                                cents,
                                currency: &attempt.currency,
                                payment_id: Some(&attempt.payment_id),
                                refund_id: None,
                                source: format!("mismatch:{}", attempt.payment_id),
                                note: &detail,
                            },
                            now,
                        )
                        .await?;
                    }
                    // The attempt is closed (its checkout is not offered again); the order
                    // waits for finance, and cannot be paid again until then.
                    if payment_status.open() {
                        set_payment(PaymentStatus::Failed).execute(&mut tx).await?;
                    }
                    self.flag_order_in_tx(
                        &mut tx,
                        &attempt.order_id,
                        application_id,
                        Attention::Mismatch,
                        &detail,
                        now,
                    )
                    .await?
                } else {
                    set_payment(PaymentStatus::Confirmed)
                        .execute(&mut tx)
                        .await?;
                    Self::record_movement_in_tx(
                        &mut tx,
                        Movement {
                            order_id: &attempt.order_id,
                            kind: LedgerKind::Card,
                            cents: attempt.amount_cents,
                            currency: &attempt.currency,
                            payment_id: Some(&attempt.payment_id),
                            refund_id: None,
                            source: format!("payment:{}", attempt.payment_id),
                            note: event.session.as_deref().unwrap_or_default(),
                        },
                        now,
                    )
                    .await?;
                    if order_status == OrderStatus::Pending {
                        self.enroll_paid_order_in_tx(
                            &mut tx,
                            &attempt.order_id,
                            application_id,
                            &attempt.payment_id,
                            &format!("{}: {} cents", event.provider, attempt.amount_cents),
                            now,
                        )
                        .await?;
                        EventOutcome::Enrolled {
                            application_id: application_id.to_owned(),
                        }
                    } else {
                        let detail = match order_status {
                            OrderStatus::Paid => "paid again on an order already paid".to_owned(),
                            other => format!("paid while the order was {other}"),
                        };
                        self.flag_order_in_tx(
                            &mut tx,
                            &attempt.order_id,
                            application_id,
                            Attention::RefundDue,
                            &detail,
                            now,
                        )
                        .await?
                    }
                }
            }
            PaymentEventKind::Completed { paid: false } => {
                if payment_status.open() {
                    set_payment(PaymentStatus::Pending).execute(&mut tx).await?;
                    Self::insert_audit(
                        &mut tx,
                        None,
                        &Actor::System,
                        Action::PaymentAwaiting,
                        ("application", application_id),
                        &format!(
                            "{}: checkout finished, the payment confirms later",
                            event.provider
                        ),
                        now,
                    )
                    .await?;
                    EventOutcome::Pending
                } else {
                    EventOutcome::Unchanged
                }
            }
            PaymentEventKind::AsyncFailed | PaymentEventKind::Expired => {
                if payment_status.open() {
                    let status = if event.kind == PaymentEventKind::Expired {
                        PaymentStatus::Cancelled
                    } else {
                        PaymentStatus::Failed
                    };
                    set_payment(status).execute(&mut tx).await?;
                    Self::insert_audit(
                        &mut tx,
                        None,
                        &Actor::System,
                        if event.kind == PaymentEventKind::Expired {
                            Action::PaymentCancelled
                        } else {
                            Action::PaymentFailed
                        },
                        ("application", application_id),
                        &format!("{}: {}", event.provider, event.kind.as_str()),
                        now,
                    )
                    .await?;
                    EventOutcome::Closed
                } else {
                    EventOutcome::Unchanged
                }
            }
            PaymentEventKind::Refunded => {
                // One of ours (the refund names it): it completes through the refund. Any other
                // is the provider saying how much of the charge it has given back in all: what
                // is beyond what the ledger and our refunds under way account for was refunded
                // at the provider (its dashboard), and is a row of the ledger.
                let ours: Option<String> =
                    match &event.refund {
                        Some(r) => scalar(
                            "select refund_id from refund where refund_id = $1 and payment_id = $2",
                        )
                        .bind(r)
                        .bind(&attempt.payment_id)
                        .fetch_optional(&mut tx)
                        .await?,
                        None => None,
                    };
                if let Some(refund_id) = ours {
                    match self
                        .complete_refund_in_tx(&mut tx, &refund_id, None, now)
                        .await?
                    {
                        Some(application_id) => EventOutcome::RefundCompleted { application_id },
                        None => EventOutcome::Unchanged,
                    }
                } else {
                    let held = Self::payment_held_in_tx(&mut tx, &attempt.payment_id).await?;
                    let in_flight =
                        Self::refunds_in_flight_in_tx(&mut tx, &attempt.payment_id).await?;
                    let received: i64 = scalar(
                        "select cast(coalesce(sum(amount_cents), 0) as bigint) from ledger_entry
                         where payment_id = $1 and amount_cents > 0",
                    )
                    .bind(&attempt.payment_id)
                    .fetch_one(&mut tx)
                    .await?;
                    let known = received - held + in_flight;
                    // Without the provider's total, a refund event while none of ours is known
                    // means the whole charge.
                    let total = event
                        .refunded_total_cents
                        .or((known == 0).then_some(received));
                    let beyond = total.map_or(0, |t| t - known);
                    if beyond <= 0 {
                        EventOutcome::Unchanged
                    } else {
                        let note = format!("{beyond} cents refunded at the provider");
                        Self::record_movement_in_tx(
                            &mut tx,
                            Movement {
                                order_id: &attempt.order_id,
                                kind: LedgerKind::ProviderRefund,
                                cents: -beyond,
                                currency: &attempt.currency,
                                payment_id: Some(&attempt.payment_id),
                                refund_id: None,
                                source: format!(
                                    "provider-refund:{}:{}",
                                    event.provider, event.event_id
                                ),
                                note: &note,
                            },
                            now,
                        )
                        .await?;
                        if payment_status == PaymentStatus::Confirmed && held - beyond <= 0 {
                            set_payment(PaymentStatus::Refunded)
                                .execute(&mut tx)
                                .await?;
                        }
                        self.flag_order_in_tx(
                            &mut tx,
                            &attempt.order_id,
                            application_id,
                            Attention::Refunded,
                            &note,
                            now,
                        )
                        .await?
                    }
                }
            }
            PaymentEventKind::Disputed => {
                self.flag_order_in_tx(
                    &mut tx,
                    &attempt.order_id,
                    application_id,
                    Attention::Disputed,
                    "the charge is disputed",
                    now,
                )
                .await?
            }
            _ => EventOutcome::Unchanged,
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn attempts_since(
        &self,
        provider: &str,
        since: time::OffsetDateTime,
    ) -> Result<Vec<crate::domain::payment::RecordedAttempt>, StoreError> {
        let rows: Vec<(String, String, String, i64, String, PaymentStatus)> = query(
            "select payment_id, provider_reference, order_id, amount_cents, currency, status
             from payment
             where provider = $1 and provider_reference is not null and created_at >= $2
             order by created_at",
        )
        .bind(provider)
        .bind(Timestamp::new(since))
        .fetch_all(self.db.read())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(payment_id, session, order_id, amount_cents, currency, status)| {
                    crate::domain::payment::RecordedAttempt {
                        confirmed: status.received(),
                        payment_id,
                        session,
                        order_id,
                        amount_cents,
                        currency,
                    }
                },
            )
            .collect())
    }

    async fn payment(
        &self,
        applicant_id: &str,
        payment_id: &str,
    ) -> Result<PaymentView, StoreError> {
        let row: Option<PaymentViewRow> = query(PAYMENT_VIEW_SQL)
            .bind(payment_id)
            .bind(applicant_id)
            .fetch_optional(self.db.read())
            .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }
}

//! The finance office's side of the money: refunds (started, sent to the provider, completed with
//! their credit note), cancelling an enrollment with or without a refund, orders flagged for a
//! person to look at, and the overview their page shows. Every change writes its audit event and
//! queues its emails in its transaction, under the program's lock where a seat moves.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{Tx, query, scalar};
use super::ledger::Movement;
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::catalog::LocalizedText;
use crate::domain::refusal::Refusal;
use crate::domain::status::{
    ApplicationStatus, LedgerKind, OrderStatus, PaymentStatus, RefundStatus,
};

use super::receipts::{RECEIPT_SOURCE_SQL, ReceiptSourceRow};

#[async_trait]
pub trait FinanceStore: Send + Sync {
    /// Starts giving back `cents` of an order's confirmed payment: the refund (status `created`), its
    /// audit event and the job that asks the provider, in one transaction. `Refused(NotPaid)` without
    /// a confirmed payment, `Refused(RefundTooLarge)` beyond what was paid less what is already being or
    /// has been refunded, `Refused(NoReason)` without a reason. Returns the refund's id.
    async fn start_refund(
        &self,
        order_id: &str,
        cents: i64,
        reason: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<String, StoreError>;

    /// Cancels an enrollment (enrolled → cancelled, DESIGN §3): the seat goes down the waitlist,
    /// the applicant is emailed why, and when `refund_cents` is given that much of the confirmed
    /// payment is given back as by [`start_refund`](Self::start_refund); all in one transaction.
    /// `Refused(NoReason)` without a reason, `Refused(NotEnrolled)` unless enrolled, and the
    /// refund's refusals (`not_paid`, `too_much`), nothing changed then. Returns the refund's id.
    async fn cancel_enrollment(
        &self,
        application_id: &str,
        reason: &str,
        refund_cents: Option<i64>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError>;

    /// Writes off what a pending or paid order still asks (bank charges taken from a transfer, a
    /// few cents short): a `write_off` row of its ledger, audited; a pending order then settled is
    /// paid and its applicant enrolled, as if the money had arrived. `Refused(NoReason)` without a
    /// reason; `Refused(NotPayable)` when nothing is due.
    async fn write_off(
        &self,
        order_id: &str,
        reason: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError>;

    /// A refund as the worker sends it to the provider.
    async fn refund_to_send(&self, refund_id: &str) -> Result<RefundToSend, StoreError>;

    /// What the provider answered: pending (its event completes it), or done (completed now: the
    /// credit note, the payment refunded when wholly, the applicant told).
    async fn refund_sent(
        &self,
        refund_id: &str,
        reference: &str,
        done: bool,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The orders finance must look at (flagged first), the paid ones and those with refunds, and
    /// every refund with its state, newest first.
    async fn finance_overview(&self) -> Result<FinanceOverview, StoreError>;

    /// What the finance office's email about an application says.
    async fn finance_context(&self, application_id: &str) -> Result<FinanceContext, StoreError>;

    /// An order's ledger: every movement of its money, and what it asks. NotFound without the
    /// order.
    async fn order_ledger(
        &self,
        order_id: &str,
    ) -> Result<crate::domain::ledger::OrderLedger, StoreError>;

    /// The program's cancellation policy, first day and contact address, for an application (the
    /// caller checked the viewer); `None` when the catalog gives no policy.
    async fn cancellation_terms(
        &self,
        application_id: &str,
    ) -> Result<Option<CancellationTerms>, StoreError>;

    /// The ledger of an application's order, if it has one (the caller checked the viewer).
    async fn application_ledger(
        &self,
        application_id: &str,
    ) -> Result<Option<crate::domain::ledger::OrderLedger>, StoreError>;
}

/// A program's cancellation policy, as an application's page states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancellationTerms {
    pub policy: crate::domain::cancellation::CancellationPolicy,
    pub starts_on: time::Date,
    pub contact_email: String,
}

/// A refund as the provider needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundToSend {
    pub refund_id: String,
    /// `Created` until the provider has it.
    pub status: RefundStatus,
    pub provider: String,
    pub intent: Option<String>,
    pub session: Option<String>,
    pub amount_cents: i64,
    pub currency: String,
}

/// An order finance must look at, or one with money given back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinanceOrder {
    pub order_id: String,
    pub application_id: String,
    pub applicant_name: String,
    pub applicant_email: String,
    pub program_title: LocalizedText,
    pub order_status: OrderStatus,
    /// Enrolled ones can be cancelled.
    pub application_status: ApplicationStatus,
    pub attention: Option<crate::domain::payment::Attention>,
    pub total_cents: i64,
    /// What the order asks now (its total, nothing once expired, what a cancellation kept).
    pub owed_cents: i64,
    /// Money in, before anything went back.
    pub paid_cents: i64,
    /// The ledger's sum: the money held for the order.
    pub held_cents: i64,
    /// Our refunds asked for or on their way, not yet in the ledger.
    pub in_flight_cents: i64,
    pub payment_reference: String,
    pub updated_at: OffsetDateTime,
    /// The program's cancellation policy and first day, when the catalog gives one.
    pub cancellation: Option<(crate::domain::cancellation::CancellationPolicy, time::Date)>,
}

impl FinanceOrder {
    /// What can still be given back.
    pub fn refundable_cents(&self) -> i64 {
        (self.held_cents - self.in_flight_cents).max(0)
    }

    /// Given back or on its way back.
    pub fn refunded_cents(&self) -> i64 {
        self.paid_cents - self.held_cents + self.in_flight_cents
    }

    /// Where the order's money stands by its ledger.
    pub fn balance(&self) -> crate::domain::ledger::Balance {
        crate::domain::ledger::balance(self.owed_cents, self.held_cents)
    }
}

/// A refund as finance sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinanceRefund {
    pub refund_id: String,
    pub order_id: String,
    pub applicant_name: String,
    pub amount_cents: i64,
    pub status: RefundStatus,
    pub reason: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FinanceOverview {
    /// Flagged orders first, then paid orders and orders with refunds, most recent first.
    pub orders: Vec<FinanceOrder>,
    pub refunds: Vec<FinanceRefund>,
}

/// What the finance email says about an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinanceContext {
    pub applicant_name: String,
    pub program_title: LocalizedText,
    pub total_cents: i64,
    pub payment_reference: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct FinanceOrderRow {
    pub order_id: String,
    pub application_id: String,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub email: String,
    pub title_en: String,
    pub title_fr: String,
    pub status: OrderStatus,
    pub application_status: ApplicationStatus,
    pub attention: Option<String>,
    pub total_cents: i64,
    pub retained_cents: Option<i64>,
    pub paid_cents: i64,
    pub held_cents: i64,
    pub in_flight_cents: i64,
    pub payment_reference: String,
    pub updated_at: super::types::Timestamp,
    pub cancellation_policy: Option<String>,
    pub starts_on: time::Date,
}

/// "Given Family", or the email when the form has no name yet.
pub(super) fn display_name(given: Option<&str>, family: Option<&str>, email: &str) -> String {
    let name = [given, family]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        email.to_owned()
    } else {
        name
    }
}

impl TryFrom<FinanceOrderRow> for FinanceOrder {
    type Error = StoreError;
    fn try_from(r: FinanceOrderRow) -> Result<Self, StoreError> {
        Ok(FinanceOrder {
            applicant_name: display_name(
                r.given_names.as_deref(),
                r.family_name.as_deref(),
                &r.email,
            ),
            order_status: r.status,
            attention: r
                .attention
                .as_deref()
                .and_then(crate::domain::payment::Attention::parse),
            application_status: r.application_status,
            order_id: r.order_id,
            application_id: r.application_id,
            applicant_email: r.email,
            program_title: LocalizedText {
                en: r.title_en,
                fr: r.title_fr,
            },
            total_cents: r.total_cents,
            owed_cents: crate::domain::ledger::owed_cents(
                r.status,
                r.total_cents,
                r.retained_cents,
            ),
            paid_cents: r.paid_cents,
            held_cents: r.held_cents,
            in_flight_cents: r.in_flight_cents,
            payment_reference: r.payment_reference,
            updated_at: r.updated_at.into(),
            cancellation: r
                .cancellation_policy
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("program.cancellation_policy: {e}")))?
                .map(|policy| (policy, r.starts_on)),
        })
    }
}

/// `$1`, `$2`: our refunds under way ([`RefundStatus::Created`], [`RefundStatus::Pending`]); `$3`:
/// [`OrderStatus::Paid`].
pub(super) const FINANCE_ORDERS_SQL: &str = "
select o.order_id, o.application_id, f.given_names, f.family_name, ap.email, p.title_en, p.title_fr,
       o.status, a.status as application_status, o.attention, o.total_cents, o.retained_cents,
       cast(coalesce((select sum(l.amount_cents) from ledger_entry l
                      where l.order_id = o.order_id and l.amount_cents > 0), 0) as bigint) as paid_cents,
       cast(coalesce((select sum(l.amount_cents) from ledger_entry l
                      where l.order_id = o.order_id), 0) as bigint) as held_cents,
       cast(coalesce((select sum(r.amount_cents) from refund r
                      where r.order_id = o.order_id and r.status in ($1, $2)), 0) as bigint)
           as in_flight_cents,
       o.payment_reference, o.updated_at, p.cancellation_policy, p.starts_on
from fee_order o
join application a on a.application_id = o.application_id
join applicant ap on ap.applicant_id = a.applicant_id
join program p on p.program_id = a.program_id
left join application_form f on f.application_id = a.application_id
where o.attention is not null or o.status = $3
   or exists (select 1 from ledger_entry l where l.order_id = o.order_id)
   or exists (select 1 from refund r where r.order_id = o.order_id)
order by case when o.attention is null then 1 else 0 end, o.updated_at desc
limit 500";

pub(super) const FINANCE_REFUNDS_SQL: &str = "
select r.refund_id, r.order_id, f.given_names, f.family_name, ap.email, r.amount_cents, r.status, r.reason,
       r.created_at
from refund r
join fee_order o on o.order_id = r.order_id
join application a on a.application_id = o.application_id
join applicant ap on ap.applicant_id = a.applicant_id
left join application_form f on f.application_id = a.application_id
order by r.created_at desc
limit 500";

/// The finance steps other operations share (a payment event flags an order, completes a refund),
/// each in the caller's transaction.
impl SqlStore {
    /// Records a refund of `cents` of the order's confirmed payment, its audit event and the
    /// job that asks the provider, in the caller's transaction (which holds the program's
    /// lock). `Refused(NotPaid)`, `Refused(RefundTooLarge)`.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn start_refund_in_tx(
        &self,
        tx: &mut Tx,
        order_id: &str,
        application_id: &str,
        cents: i64,
        reason: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        // The attempt whose money is still held (less our refunds under way) is the one
        // refunded: the ledger says what can still go back.
        let attempts: Vec<(String, String, i64, i64, String)> = query(
            "select y.payment_id, y.currency,
                    cast(coalesce((select sum(l.amount_cents) from ledger_entry l
                                   where l.payment_id = y.payment_id), 0) as bigint),
                    cast(coalesce((select sum(r.amount_cents) from refund r
                                   where r.payment_id = y.payment_id and r.status in ($2, $3)), 0) as bigint),
                    y.provider
             from payment y where y.order_id = $1
             order by y.updated_at desc",
        )
        .bind(order_id)
        .bind(RefundStatus::Created)
        .bind(RefundStatus::Pending)
        .fetch_all(&mut *tx)
        .await?;
        let Some((payment_id, currency, refundable, provider)) = attempts
            .into_iter()
            .filter(|(_, _, held, _, _)| *held > 0)
            .map(|(id, currency, held, flight, provider)| (id, currency, held - flight, provider))
            .max_by_key(|(_, _, refundable, _)| *refundable)
        else {
            return Err(StoreError::Refused(Refusal::NotPaid));
        };
        if cents <= 0 || cents > refundable {
            return Err(StoreError::Refused(Refusal::RefundTooLarge));
        }
        let refund_id = crate::store::new_id();
        query(
            "insert into refund (refund_id, order_id, payment_id, status, amount_cents, currency, reason,
                                 created_at, updated_at)
             values ($1, $2, $3, $8, $4, $5, $6, $7, $7)",
        )
        .bind(&refund_id)
        .bind(order_id)
        .bind(&payment_id)
        .bind(cents)
        .bind(&currency)
        .bind(reason)
        .bind(now)
        .bind(RefundStatus::Created)
        .execute(&mut *tx)
        .await?;
        Self::insert_audit(
            tx,
            None,
            actor,
            Action::RefundRequested,
            ("application", application_id),
            &format!("{cents} cents: {reason}"),
            now,
        )
        .await?;
        if provider == "bank_transfer" {
            // A transfer goes back by transfer, from the university's own bank: finance records
            // it here when they make it, and it is done (credit note, ledger, applicant told).
            self.complete_refund_in_tx(tx, &refund_id, Some("bank transfer"), now)
                .await?;
        } else {
            self.insert_job(
                tx,
                &crate::domain::job::JobPayload::StartRefund {
                    refund_id: refund_id.clone(),
                },
                now,
                None,
            )
            .await?;
        }
        Ok(refund_id)
    }

    /// Marks an order for finance and says why in the audit trail.
    pub(super) async fn flag_order_in_tx(
        &self,
        tx: &mut Tx,
        order_id: &str,
        application_id: &str,
        attention: crate::domain::payment::Attention,
        detail: &str,
        now: Timestamp,
    ) -> Result<crate::domain::payment::EventOutcome, StoreError> {
        query("update fee_order set attention = $2, updated_at = $3 where order_id = $1")
            .bind(order_id)
            .bind(attention.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        Self::insert_audit(
            tx,
            None,
            &Actor::System,
            Action::OrderFlagged,
            ("application", application_id),
            &format!("{}: {detail}", attention.as_str()),
            now,
        )
        .await?;
        self.notify_finance_in_tx(tx, application_id, attention.as_str(), now)
            .await?;
        Ok(crate::domain::payment::EventOutcome::Flagged { attention })
    }

    /// Queues the finance office's email about an application, one per recipient: the
    /// organization's finance organizers, else its admins, else the program's contact address.
    /// Not on the application's timeline (the applicant does not see finance's mail).
    pub(super) async fn notify_finance_in_tx(
        &self,
        tx: &mut Tx,
        application_id: &str,
        attention: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (organization_id, contact): (String, String) = query(
            "select e.organization_id, p.contact_email
             from application a
             join program p on p.program_id = a.program_id
             join edition e on e.edition_id = p.edition_id
             where a.application_id = $1",
        )
        .bind(application_id)
        .fetch_one(&mut *tx)
        .await?;
        let mut to: Vec<(String, Option<String>)> = Vec::new();
        for role in ["finance", "admin"] {
            let found: Vec<(String, String)> = query(
                "select email, display_name from organizer
                 where organization_id = $1 and role = $2 order by email",
            )
            .bind(&organization_id)
            .bind(role)
            .fetch_all(&mut *tx)
            .await?;
            if !found.is_empty() {
                to = found.into_iter().map(|(e, n)| (e, Some(n))).collect();
                break;
            }
        }
        if to.is_empty() {
            to.push((contact, None));
        }
        for (email, name) in to {
            let Ok(email) = crate::domain::email::EmailAddress::parse(&email) else {
                continue;
            };
            let payload =
                crate::domain::job::JobPayload::NotifyFinance(crate::domain::job::FinanceNotice {
                    application_id: application_id.to_owned(),
                    attention: attention.to_owned(),
                    to: email,
                    to_name: name,
                });
            self.insert_job(tx, &payload, now, None).await?;
        }
        Ok(())
    }

    /// Who hears of money matters that belong to no one order: every finance organizer, else
    /// every admin, of every organization (one service, one finance office).
    pub(super) async fn finance_recipients_in_tx(
        tx: &mut Tx,
    ) -> Result<Vec<(crate::domain::email::EmailAddress, Option<String>)>, StoreError> {
        for role in ["finance", "admin"] {
            let found: Vec<(String, String)> = query(
                "select email, display_name from organizer
                 where role = $1 and deactivated_at is null order by email",
            )
            .bind(role)
            .fetch_all(&mut *tx)
            .await?;
            let found: Vec<_> = found
                .into_iter()
                .filter_map(|(e, n)| {
                    crate::domain::email::EmailAddress::parse(&e)
                        .ok()
                        .map(|e| (e, Some(n)))
                })
                .collect();
            if !found.is_empty() {
                return Ok(found);
            }
        }
        Ok(Vec::new())
    }

    /// Completes one of our refunds: done, its credit note, the payment refunded when
    /// wholly, the order's flag cleared when the money due back is back, the applicant
    /// told. `None` when it was already done.
    pub(super) async fn complete_refund_in_tx(
        &self,
        tx: &mut Tx,
        refund_id: &str,
        reference: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<String>, StoreError> {
        use crate::domain::receipt::{LineItem, ReceiptKind, ReceiptLine};
        let done: Option<(String, String, i64, String, Option<String>)> = query(
            "update refund set status = $4, provider_reference = coalesce(provider_reference, $2),
                               updated_at = $3
             where refund_id = $1 and status in ($5, $6)
             returning order_id, payment_id, amount_cents, reason, provider_reference",
        )
        .bind(refund_id)
        .bind(reference)
        .bind(now)
        .bind(RefundStatus::Done)
        .bind(RefundStatus::Created)
        .bind(RefundStatus::Pending)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((order_id, payment_id, cents, reason, reference)) = done else {
            return Ok(None);
        };
        let source: ReceiptSourceRow = query(RECEIPT_SOURCE_SQL)
            .bind(&payment_id)
            .fetch_one(&mut *tx)
            .await?;
        let application_id = source.application_id.clone();
        let corrects: Option<String> =
            scalar("select number from receipt where payment_id = $1 and kind = 'receipt'")
                .bind(&payment_id)
                .fetch_optional(&mut *tx)
                .await?;
        let number =
            Self::next_receipt_number(tx, ReceiptKind::CreditNote, source.edition_is_demo, now.0)
                .await?;
        let mut record = source.into_record(number.clone(), now.0)?;
        record.kind = ReceiptKind::CreditNote;
        record.lines = vec![ReceiptLine {
            item: LineItem::Refund,
            cents,
        }];
        record.total_cents = cents;
        record.provider_reference = reference;
        record.corrects = corrects;
        record.reason = Some(reason);
        // A credit note's date of money is the refund's.
        record.paid_at = now.0;
        let json = serde_json::to_string(&record)
            .map_err(|e| StoreError::Corrupt(format!("credit note record: {e}")))?;
        query(
            "insert into receipt (number, kind, order_id, application_id, payment_id, refund_id, total_cents,
                                  currency, issued_at, record)
             values ($1, 'credit_note', $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&number)
        .bind(&order_id)
        .bind(&application_id)
        .bind(&payment_id)
        .bind(refund_id)
        .bind(cents)
        .bind(record.currency.code())
        .bind(now)
        .bind(json)
        .execute(&mut *tx)
        .await?;
        Self::record_movement_in_tx(
            tx,
            Movement {
                order_id: &order_id,
                kind: LedgerKind::Refund,
                cents: -cents,
                currency: record.currency.code(),
                payment_id: Some(&payment_id),
                refund_id: Some(refund_id),
                source: format!("refund:{refund_id}"),
                note: record.reason.as_deref().unwrap_or_default(),
            },
            now,
        )
        .await?;
        if Self::payment_held_in_tx(tx, &payment_id).await? <= 0 {
            query(
                "update payment set status = $3, updated_at = $2 where payment_id = $1 and status = $4",
            )
            .bind(&payment_id)
            .bind(now)
            .bind(PaymentStatus::Refunded)
            .bind(PaymentStatus::Confirmed)
            .execute(&mut *tx)
            .await?;
        }
        // Money that was due back is back: the order's flag clears.
        self.settle_money_flag_in_tx(tx, &order_id, &application_id, now)
            .await?;
        Self::insert_audit(
            tx,
            None,
            &Actor::System,
            Action::RefundCompleted,
            ("application", &application_id),
            &format!("{cents} cents; credit note {number}"),
            now,
        )
        .await?;
        self.insert_notice(
            tx,
            &application_id,
            crate::domain::job::NoticeKind::Refunded,
            now,
        )
        .await?;
        Ok(Some(application_id))
    }
}

#[async_trait]
impl FinanceStore for SqlStore {
    async fn start_refund(
        &self,
        order_id: &str,
        cents: i64,
        reason: &str,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<String, StoreError> {
        let now = Timestamp::new(now);
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused(Refusal::NoReason));
        }
        let mut tx = self.db.begin_write().await?;
        let order: Option<(String, String)> = query(
            "select o.application_id, a.program_id from fee_order o
             join application a on a.application_id = o.application_id where o.order_id = $1",
        )
        .bind(order_id)
        .fetch_optional(&mut tx)
        .await?;
        let (application_id, program_id) = order.ok_or(StoreError::NotFound)?;
        // Payment events take this lock too: a refund and a confirmation never cross.
        Self::lock_program(&mut tx, &program_id, now).await?;
        let refund_id = self
            .start_refund_in_tx(
                &mut tx,
                order_id,
                &application_id,
                cents,
                reason,
                actor,
                now,
            )
            .await?;
        tx.commit().await?;
        Ok(refund_id)
    }

    async fn cancel_enrollment(
        &self,
        application_id: &str,
        reason: &str,
        refund_cents: Option<i64>,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        let now = Timestamp::new(now);
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused(Refusal::NoReason));
        }
        let mut tx = self.db.begin_write().await?;
        let program_id: Option<String> =
            scalar("select program_id from application where application_id = $1")
                .bind(application_id)
                .fetch_optional(&mut tx)
                .await?;
        let program_id = program_id.ok_or(StoreError::NotFound)?;
        // The seat counter and payment events take this lock: read the status after it.
        let days = Self::lock_program(&mut tx, &program_id, now).await?;
        let cancelled = query(
            "update application set status = $4, cancel_reason = $2, updated_at = $3
             where application_id = $1 and status = $5",
        )
        .bind(application_id)
        .bind(reason)
        .bind(now)
        .bind(ApplicationStatus::Cancelled)
        .bind(ApplicationStatus::Enrolled)
        .execute(&mut tx)
        .await?;
        if cancelled.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::NotEnrolled));
        }
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::ApplicationCancelled,
            ("application", application_id),
            &format!("enrolled → cancelled: {reason}"),
            now,
        )
        .await?;
        let refund_id = match refund_cents {
            Some(cents) => {
                let order_id: Option<String> = scalar(
                    "select order_id from fee_order where application_id = $1 and status = $2",
                )
                .bind(application_id)
                .bind(OrderStatus::Paid)
                .fetch_optional(&mut tx)
                .await?;
                let order_id = order_id.ok_or(StoreError::Refused(Refusal::NotPaid))?;
                Some(
                    self.start_refund_in_tx(
                        &mut tx,
                        &order_id,
                        application_id,
                        cents,
                        reason,
                        actor,
                        now,
                    )
                    .await?,
                )
            }
            None => None,
        };
        // What the order keeps from now on: what is held, less what is on its way back.
        query(
            "update fee_order set retained_cents = (
                 select case when held.cents - held.flight > 0 then held.cents - held.flight else 0 end
                 from (select cast(coalesce((select sum(l.amount_cents) from ledger_entry l
                                             where l.order_id = fee_order.order_id), 0) as bigint) as cents,
                              cast(coalesce((select sum(r.amount_cents) from refund r
                                             where r.order_id = fee_order.order_id
                                               and r.status in ($2, $3)), 0) as bigint) as flight) held),
                 updated_at = $4
             where application_id = $1",
        )
        .bind(application_id)
        .bind(RefundStatus::Created)
        .bind(RefundStatus::Pending)
        .bind(now)
        .execute(&mut tx)
        .await?;
        self.insert_notice(
            &mut tx,
            application_id,
            crate::domain::job::NoticeKind::Cancelled,
            now,
        )
        .await?;
        self.release_seat_in_tx(&mut tx, &program_id, days, now)
            .await?;
        tx.commit().await?;
        Ok(refund_id)
    }

    async fn refund_to_send(&self, refund_id: &str) -> Result<RefundToSend, StoreError> {
        #[allow(clippy::type_complexity)]
        let row: Option<(RefundStatus, String, Option<String>, Option<String>, i64, String)> = query(
            "select r.status, y.provider, y.provider_intent, y.provider_reference, r.amount_cents, r.currency
             from refund r join payment y on y.payment_id = r.payment_id where r.refund_id = $1",
        )
        .bind(refund_id)
        .fetch_optional(self.db.read())
        .await?;
        let (status, provider, intent, session, amount_cents, currency) =
            row.ok_or(StoreError::NotFound)?;
        Ok(RefundToSend {
            refund_id: refund_id.to_owned(),
            status,
            provider,
            intent,
            session,
            amount_cents,
            currency,
        })
    }

    async fn refund_sent(
        &self,
        refund_id: &str,
        reference: &str,
        done: bool,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let program: Option<(String, String)> = query(
            "select a.program_id, a.application_id from refund r
             join fee_order o on o.order_id = r.order_id
             join application a on a.application_id = o.application_id
             where r.refund_id = $1",
        )
        .bind(refund_id)
        .fetch_optional(&mut tx)
        .await?;
        let (program_id, application_id) = program.ok_or(StoreError::NotFound)?;
        Self::lock_program(&mut tx, &program_id, now).await?;
        if done {
            self.complete_refund_in_tx(&mut tx, refund_id, Some(reference), now)
                .await?;
        } else {
            let moved = query(
                "update refund set status = $4, provider_reference = $2, updated_at = $3
                 where refund_id = $1 and status = $5",
            )
            .bind(refund_id)
            .bind(reference)
            .bind(now)
            .bind(RefundStatus::Pending)
            .bind(RefundStatus::Created)
            .execute(&mut tx)
            .await?;
            if moved.rows_affected() == 1 {
                Self::insert_audit(
                    &mut tx,
                    None,
                    &Actor::System,
                    Action::RefundSent,
                    ("application", &application_id),
                    reference,
                    now,
                )
                .await?;
            }
        }
        // Done by its event before the provider's answer was recorded: keep the reference.
        query("update refund set provider_reference = $2 where refund_id = $1 and provider_reference is null")
            .bind(refund_id)
            .bind(reference)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn finance_overview(&self) -> Result<FinanceOverview, StoreError> {
        let orders: Vec<FinanceOrderRow> = query(FINANCE_ORDERS_SQL)
            .bind(RefundStatus::Created)
            .bind(RefundStatus::Pending)
            .bind(OrderStatus::Paid)
            .fetch_all(self.db.read())
            .await?;
        #[allow(clippy::type_complexity)]
        let refunds: Vec<(
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            i64,
            RefundStatus,
            String,
            Timestamp,
        )> = query(FINANCE_REFUNDS_SQL).fetch_all(self.db.read()).await?;
        Ok(FinanceOverview {
            orders: orders
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            refunds: refunds
                .into_iter()
                .map(
                    |(
                        refund_id,
                        order_id,
                        given,
                        family,
                        email,
                        amount_cents,
                        status,
                        reason,
                        created_at,
                    )| {
                        FinanceRefund {
                            applicant_name: display_name(
                                given.as_deref(),
                                family.as_deref(),
                                &email,
                            ),
                            refund_id,
                            order_id,
                            amount_cents,
                            status,
                            reason,
                            created_at: created_at.into(),
                        }
                    },
                )
                .collect(),
        })
    }

    async fn finance_context(&self, application_id: &str) -> Result<FinanceContext, StoreError> {
        #[allow(clippy::type_complexity)]
        let row: Option<(Option<String>, Option<String>, String, String, String, Option<i64>, Option<String>)> = query(
            "select f.given_names, f.family_name, ap.email, p.title_en, p.title_fr, o.total_cents, o.payment_reference
             from application a
             join applicant ap on ap.applicant_id = a.applicant_id
             join program p on p.program_id = a.program_id
             left join application_form f on f.application_id = a.application_id
             left join fee_order o on o.application_id = a.application_id
             where a.application_id = $1",
        )
        .bind(application_id)
        .fetch_optional(self.db.read())
        .await?;
        let (given, family, email, en, fr, total, reference) = row.ok_or(StoreError::NotFound)?;
        Ok(FinanceContext {
            applicant_name: display_name(given.as_deref(), family.as_deref(), &email),
            program_title: crate::domain::catalog::LocalizedText { en, fr },
            total_cents: total.unwrap_or(0),
            payment_reference: reference.unwrap_or_default(),
        })
    }

    async fn order_ledger(
        &self,
        order_id: &str,
    ) -> Result<crate::domain::ledger::OrderLedger, StoreError> {
        self.order_ledger_read(order_id).await
    }

    async fn application_ledger(
        &self,
        application_id: &str,
    ) -> Result<Option<crate::domain::ledger::OrderLedger>, StoreError> {
        let order: Option<String> =
            scalar("select order_id from fee_order where application_id = $1")
                .bind(application_id)
                .fetch_optional(self.db.read())
                .await?;
        match order {
            Some(order_id) => Ok(Some(self.order_ledger_read(&order_id).await?)),
            None => Ok(None),
        }
    }

    async fn cancellation_terms(
        &self,
        application_id: &str,
    ) -> Result<Option<CancellationTerms>, StoreError> {
        let row: Option<(Option<String>, time::Date, String)> = query(
            "select p.cancellation_policy, p.starts_on, p.contact_email from application a
             join program p on p.program_id = a.program_id where a.application_id = $1",
        )
        .bind(application_id)
        .fetch_optional(self.db.read())
        .await?;
        let Some((Some(json), starts_on, contact_email)) = row else {
            return Ok(None);
        };
        let policy = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("program.cancellation_policy: {e}")))?;
        Ok(Some(CancellationTerms {
            policy,
            starts_on,
            contact_email,
        }))
    }

    async fn write_off(
        &self,
        order_id: &str,
        reason: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let now = Timestamp::new(now);
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused(Refusal::NoReason));
        }
        let mut tx = self.db.begin_write().await?;
        let order: Option<(String, String, String)> = query(
            "select o.application_id, a.program_id, o.currency from fee_order o
             join application a on a.application_id = o.application_id where o.order_id = $1",
        )
        .bind(order_id)
        .fetch_optional(&mut tx)
        .await?;
        let (application_id, program_id, currency) = order.ok_or(StoreError::NotFound)?;
        Self::lock_program(&mut tx, &program_id, now).await?;
        let money = Self::order_money_in_tx(&mut tx, order_id).await?;
        let due = money.owed_cents - money.held_cents;
        let open = matches!(money.status, OrderStatus::Pending | OrderStatus::Paid);
        if due <= 0 || !open || money.held_cents <= 0 {
            return Err(StoreError::Refused(Refusal::NotPayable));
        }
        let entry = crate::store::new_id();
        Self::record_movement_in_tx(
            &mut tx,
            Movement {
                order_id,
                kind: LedgerKind::WriteOff,
                cents: due,
                currency: &currency,
                payment_id: None,
                refund_id: None,
                source: format!("write-off:{entry}"),
                note: reason,
            },
            now,
        )
        .await?;
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::BalanceWrittenOff,
            ("application", &application_id),
            &format!("{due} cents: {reason}"),
            now,
        )
        .await?;
        if money.status == OrderStatus::Pending {
            // The receipt is the last transfer's.
            let payment: Option<String> = scalar(
                "select payment_id from ledger_entry where order_id = $1 and payment_id is not null
                 and amount_cents > 0 order by recorded_at desc, entry_id desc limit 1",
            )
            .bind(order_id)
            .fetch_optional(&mut tx)
            .await?;
            let payment = payment.ok_or(StoreError::Refused(Refusal::NotPayable))?;
            self.enroll_paid_order_in_tx(
                &mut tx,
                order_id,
                &application_id,
                &payment,
                &format!("balance of {due} cents written off"),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(due)
    }
}

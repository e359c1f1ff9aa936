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
use super::db::{Tx, query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::catalog::LocalizedText;
use crate::domain::locale::Locale;
use crate::domain::payment::{EventOutcome, PaymentEvent};
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, OrderStatus, PaymentStatus, RefundStatus};

#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// A new attempt to pay the applicant's pending order with `provider`; or, when an attempt with
    /// an open checkout exists (not expiring within five minutes), that one, to send the applicant back
    /// to. NotFound when the application is not the applicant's; `Refused(NotPayable)` when its order
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

    /// Issues the receipt of a confirmed payment and queues the confirmation of enrollment, in one
    /// transaction; the number is the next of the year's series. `None` when the payment has its
    /// receipt already (a retried job), NotFound for an unknown payment.
    async fn issue_receipt(
        &self,
        payment_id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError>;

    /// The receipts and credit notes of an application, oldest first. The caller checks that the
    /// viewer may see the application.
    async fn receipts(
        &self,
        application_id: &str,
    ) -> Result<Vec<crate::domain::receipt::ReceiptRecord>, StoreError>;

    /// One attempt, for its applicant only (NotFound for anyone else).
    async fn payment(
        &self,
        applicant_id: &str,
        payment_id: &str,
    ) -> Result<PaymentView, StoreError>;
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
    pub paid_cents: i64,
    /// Refunded or being refunded.
    pub refunded_cents: i64,
    pub payment_reference: String,
    pub updated_at: OffsetDateTime,
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
        })
    }
}

pub(super) const PAYMENT_VIEW_SQL: &str = "
select y.payment_id, o.application_id, y.provider, y.status, y.amount_cents, y.currency,
       y.provider_reference, o.status as order_status, p.title_en, p.title_fr, y.expires_at
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
}

pub(super) const PAYABLE_SQL: &str = "
select o.order_id, o.status as order_status, o.total_cents, o.currency, o.deadline_at, o.payment_reference,
       o.fee_tier_code, a.status, ap.email, ap.locale, p.title_en, p.title_fr, p.program_id
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

/// What a receipt shows, read in the transaction that confirms the payment ($1: the payment).
#[derive(sqlx::FromRow)]
pub(super) struct ReceiptSourceRow {
    pub order_id: String,
    pub application_id: String,
    pub email: String,
    pub locale: String,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub address_postcode: Option<String>,
    pub address_city: Option<String>,
    pub address_country: Option<String>,
    pub title_en: String,
    pub title_fr: String,
    pub starts_on: time::Date,
    pub ends_on: time::Date,
    pub tier_en: Option<String>,
    pub tier_fr: Option<String>,
    pub list_cents: Option<i64>,
    pub total_cents: i64,
    pub currency: String,
    pub waiver_reason: Option<String>,
    pub discount_code: Option<String>,
    pub discount_cents: Option<i64>,
    pub price_explanation: String,
    pub payment_reference: String,
    pub organization: String,
    pub contact_email: String,
    pub website: Option<String>,
    pub provider: String,
    pub provider_reference: Option<String>,
    pub paid_at: Option<super::types::Timestamp>,
    pub edition_is_demo: bool,
}

pub(super) const RECEIPT_SOURCE_SQL: &str = "
select o.order_id, o.application_id, ap.email, ap.locale, f.given_names, f.family_name,
       f.address_line1, f.address_line2, f.address_postcode, f.address_city, f.address_country,
       p.title_en, p.title_fr, p.starts_on, p.ends_on, t.label_en as tier_en, t.label_fr as tier_fr,
       o.list_cents, o.total_cents, o.currency, o.waiver_reason, o.discount_code, o.discount_cents,
       o.price_explanation, o.payment_reference,
       org.name as organization, org.contact_email, org.website,
       y.provider, coalesce(y.provider_intent, y.provider_reference) as provider_reference, o.paid_at,
       e.is_demo as edition_is_demo
from payment y
join fee_order o on o.order_id = y.order_id
join application a on a.application_id = o.application_id
join applicant ap on ap.applicant_id = a.applicant_id
join program p on p.program_id = a.program_id
join edition e on e.edition_id = p.edition_id
join organization org on org.organization_id = e.organization_id
left join application_form f on f.application_id = a.application_id
left join fee_tier t on t.program_id = p.program_id and t.code = o.fee_tier_code
where y.payment_id = $1";

impl ReceiptSourceRow {
    /// The frozen record of the receipt numbered `number`, issued at `issued_at` (the money came in
    /// when the order was paid).
    pub(super) fn into_record(
        self,
        number: String,
        issued_at: time::OffsetDateTime,
    ) -> Result<crate::domain::receipt::ReceiptRecord, StoreError> {
        let paid_at = self.paid_at.map_or(issued_at, Into::into);
        use crate::domain::receipt::{Issuer, Payer, ReceiptKind, ReceiptRecord, statement_lines};
        let locale = Locale::from_tag(&self.locale).unwrap_or_default();
        let pick = |en: String, fr: String| if locale == Locale::Fr { fr } else { en };
        let name = display_name(
            self.given_names.as_deref(),
            self.family_name.as_deref(),
            &self.email,
        );
        let city = [
            self.address_postcode.as_deref(),
            self.address_city.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        let country = self
            .address_country
            .as_deref()
            .and_then(crate::domain::countries::by_code)
            .map(|c| c.name(locale).to_owned());
        let address = [self.address_line1, self.address_line2, Some(city), country]
            .into_iter()
            .flatten()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        let currency = crate::domain::money::Currency::parse(&self.currency)
            .map_err(|e| StoreError::Corrupt(format!("fee_order.currency: {e}")))?;
        let discount = self.discount_code.as_deref().zip(self.discount_cents);
        Ok(ReceiptRecord {
            kind: ReceiptKind::Receipt,
            issued_at,
            locale,
            issuer: Issuer {
                name: self.organization,
                contact_email: self.contact_email,
                website: self.website,
            },
            payer: Payer {
                name,
                email: self.email,
                address,
            },
            program_title: pick(self.title_en, self.title_fr),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            tier_label: self.tier_en.zip(self.tier_fr).map(|(en, fr)| pick(en, fr)),
            lines: statement_lines(
                self.list_cents,
                self.total_cents,
                discount,
                self.waiver_reason.as_deref(),
            ),
            total_cents: self.total_cents,
            currency,
            explanation: self.price_explanation,
            provider: self.provider,
            provider_reference: self.provider_reference,
            order_reference: self.payment_reference,
            paid_at,
            corrects: None,
            reason: None,
            number,
            demo: self.edition_is_demo,
        })
    }
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
    pub paid_cents: i64,
    pub refunded_cents: i64,
    pub payment_reference: String,
    pub updated_at: super::types::Timestamp,
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
            paid_cents: r.paid_cents,
            refunded_cents: r.refunded_cents,
            payment_reference: r.payment_reference,
            updated_at: r.updated_at.into(),
        })
    }
}

/// `$1`, `$2`: [`PaymentStatus::RECEIVED`]; `$3`–`$5`: [`RefundStatus::COUNTED`]; `$6`:
/// [`OrderStatus::Paid`].
pub(super) const FINANCE_ORDERS_SQL: &str = "
select o.order_id, o.application_id, f.given_names, f.family_name, ap.email, p.title_en, p.title_fr,
       o.status, a.status as application_status, o.attention, o.total_cents,
       cast(coalesce((select sum(y.amount_cents) from payment y
                      where y.order_id = o.order_id and y.status in ($1, $2)), 0) as bigint) as paid_cents,
       cast(coalesce((select sum(r.amount_cents) from refund r
                      where r.order_id = o.order_id and r.status in ($3, $4, $5)), 0) as bigint)
           as refunded_cents,
       o.payment_reference, o.updated_at
from fee_order o
join application a on a.application_id = o.application_id
join applicant ap on ap.applicant_id = a.applicant_id
join program p on p.program_id = a.program_id
left join application_form f on f.application_id = a.application_id
where o.attention is not null or o.status = $6 or exists (select 1 from refund r where r.order_id = o.order_id)
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

/// The steps of a payment that other operations share (refunds, finance notices, flags), each in
/// the caller's transaction.
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
        let payment: Option<(String, i64, String)> = query(
            "select payment_id, amount_cents, currency from payment
             where order_id = $1 and status in ($2, $3)
             order by updated_at desc limit 1",
        )
        .bind(order_id)
        .bind_each(PaymentStatus::RECEIVED)
        .fetch_optional(&mut *tx)
        .await?;
        let (payment_id, paid, currency) = payment.ok_or(StoreError::Refused(Refusal::NotPaid))?;
        let refunded: i64 = scalar(
            "select cast(coalesce(sum(amount_cents), 0) as bigint) from refund
             where payment_id = $1 and status in ($2, $3, $4)",
        )
        .bind(&payment_id)
        .bind_each(RefundStatus::COUNTED)
        .fetch_one(&mut *tx)
        .await?;
        if cents <= 0 || cents > paid - refunded {
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
        self.insert_job(
            tx,
            &crate::domain::job::JobPayload::StartRefund {
                refund_id: refund_id.clone(),
            },
            now,
            None,
        )
        .await?;
        Ok(refund_id)
    }

    /// Takes the next number of `kind`'s series for the year of `now` (Paris): the counter
    /// moves in the caller's transaction, so numbers have no gaps and never repeat.
    pub(super) async fn next_receipt_number(
        tx: &mut Tx,
        kind: crate::domain::receipt::ReceiptKind,
        demo: bool,
        now: time::OffsetDateTime,
    ) -> Result<String, StoreError> {
        let year = crate::domain::calendar::to_paris(now).year();
        let n: i64 = scalar(
            "insert into receipt_counter (series, year, last_number) values ($1, $2, 1)
             on conflict (series, year) do update set last_number = receipt_counter.last_number + 1
             returning last_number",
        )
        .bind(crate::domain::receipt::counter_series(kind, demo))
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        Ok(crate::domain::receipt::number_in_series(
            kind, demo, year, n,
        ))
    }

    /// Issues the receipt of a confirmed payment, in the transaction that confirms it.
    pub(super) async fn issue_receipt_in_tx(
        tx: &mut Tx,
        payment_id: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let source: ReceiptSourceRow = query(RECEIPT_SOURCE_SQL)
            .bind(payment_id)
            .fetch_one(&mut *tx)
            .await?;
        let number = Self::next_receipt_number(
            tx,
            crate::domain::receipt::ReceiptKind::Receipt,
            source.edition_is_demo,
            now.0,
        )
        .await?;
        let (order_id, application_id) = (source.order_id.clone(), source.application_id.clone());
        let record = source.into_record(number.clone(), now.0)?;
        let json = serde_json::to_string(&record)
            .map_err(|e| StoreError::Corrupt(format!("receipt record: {e}")))?;
        query(
            "insert into receipt (number, kind, order_id, application_id, payment_id, total_cents, currency,
                                  issued_at, record)
             values ($1, 'receipt', $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&number)
        .bind(&order_id)
        .bind(&application_id)
        .bind(payment_id)
        .bind(record.total_cents)
        .bind(record.currency.code())
        .bind(now)
        .bind(json)
        .execute(&mut *tx)
        .await?;
        Self::insert_audit(
            tx,
            None,
            &Actor::System,
            Action::ReceiptIssued,
            ("application", &application_id),
            &number,
            now,
        )
        .await?;
        Ok(number)
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
        let (paid, refunded): (i64, i64) = query(
            "select y.amount_cents,
                    cast(coalesce((select sum(r.amount_cents) from refund r
                                   where r.payment_id = y.payment_id and r.status = $2), 0) as bigint)
             from payment y where y.payment_id = $1",
        )
        .bind(&payment_id)
        .bind(RefundStatus::Done)
        .fetch_one(&mut *tx)
        .await?;
        if refunded >= paid {
            query("update payment set status = $3, updated_at = $2 where payment_id = $1")
                .bind(&payment_id)
                .bind(now)
                .bind(PaymentStatus::Refunded)
                .execute(&mut *tx)
                .await?;
            // Money that was due back is back: nothing left for finance on this order.
            query(
                "update fee_order set attention = null, updated_at = $2
                 where order_id = $1 and attention in ('refund_due', 'mismatch')",
            )
            .bind(&order_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
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
impl PaymentStore for SqlStore {
    async fn start_payment(
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
        if order_status != OrderStatus::Pending
            || app_status != ApplicationStatus::Accepted
            || total <= 0
            || deadline <= now_ts
        {
            return Err(StoreError::Refused(Refusal::NotPayable));
        }
        let open: Option<(String, String, String)> = query(
            "select payment_id, idempotency_key, checkout_url from payment
             where order_id = $1 and provider = $2 and status = $4 and checkout_url is not null
               and expires_at > $3
             order by created_at desc limit 1",
        )
        .bind(&order_id)
        .bind(provider)
        .bind(Timestamp::new(now + time::Duration::minutes(5)))
        .bind(PaymentStatus::Pending)
        .fetch_optional(&mut tx)
        .await?;
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
        let (payment_id, idempotency_key, open_checkout) = match open {
            Some((id, key, url)) => (id, key, Some(url)),
            None => {
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
                (id, key, None)
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
        })
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
            return Err(StoreError::Refused(Refusal::CheckoutNotCreated));
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
                    if order_status == OrderStatus::Pending {
                        query("update fee_order set status = $3, paid_at = $2, updated_at = $2 where order_id = $1")
                            .bind(&attempt.order_id)
                            .bind(now)
                            .bind(OrderStatus::Paid)
                            .execute(&mut tx)
                            .await?;
                        query(
                            "update application set status = $3, updated_at = $2
                             where application_id = $1 and status = $4",
                        )
                        .bind(application_id)
                        .bind(now)
                        .bind(ApplicationStatus::Enrolled)
                        .bind(ApplicationStatus::Accepted)
                        .execute(&mut tx)
                        .await?;
                        let actor = Actor::System;
                        Self::insert_audit(
                            &mut tx,
                            None,
                            &actor,
                            Action::OrderPaid,
                            ("application", application_id),
                            &format!("{}: {} cents", event.provider, attempt.amount_cents),
                            now,
                        )
                        .await?;
                        Self::insert_audit(
                            &mut tx,
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
                            payment_id: attempt.payment_id.clone(),
                        };
                        self.insert_job(&mut tx, &receipt, now, None).await?;
                        EventOutcome::Enrolled {
                            application_id: application_id.to_owned(),
                        }
                    } else {
                        let detail = format!("paid while the order was {order_status}");
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
                // One of ours (the refund names it), or any while ours are under way (the
                // charge-level event of our own refund): ours complete through the refund.
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
                let started: i64 = scalar(
                    "select count(*) from refund where payment_id = $1 and status in ($2, $3, $4)",
                )
                .bind(&attempt.payment_id)
                .bind_each(RefundStatus::COUNTED)
                .fetch_one(&mut tx)
                .await?;
                if let Some(refund_id) = ours {
                    match self
                        .complete_refund_in_tx(&mut tx, &refund_id, None, now)
                        .await?
                    {
                        Some(application_id) => EventOutcome::RefundCompleted { application_id },
                        None => EventOutcome::Unchanged,
                    }
                } else if started > 0 && event.refund.is_none() {
                    EventOutcome::Unchanged
                } else {
                    if payment_status == PaymentStatus::Confirmed {
                        set_payment(PaymentStatus::Refunded)
                            .execute(&mut tx)
                            .await?;
                    }
                    self.flag_order_in_tx(
                        &mut tx,
                        &attempt.order_id,
                        application_id,
                        Attention::Refunded,
                        "refunded at the provider",
                        now,
                    )
                    .await?
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

    async fn issue_receipt(
        &self,
        payment_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let payment: Option<(PaymentStatus, String)> = query(
            "select y.status, o.application_id from payment y
             join fee_order o on o.order_id = y.order_id where y.payment_id = $1",
        )
        .bind(payment_id)
        .fetch_optional(&mut tx)
        .await?;
        let (status, application_id) = payment.ok_or(StoreError::NotFound)?;
        let issued: Option<String> =
            scalar("select number from receipt where payment_id = $1 and kind = 'receipt'")
                .bind(payment_id)
                .fetch_optional(&mut tx)
                .await?;
        if issued.is_some() || !status.received() {
            return Ok(None);
        }
        let number = Self::issue_receipt_in_tx(&mut tx, payment_id, now).await?;
        self.insert_notice(
            &mut tx,
            &application_id,
            crate::domain::job::NoticeKind::Enrolled,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(number))
    }

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
            .bind_each(PaymentStatus::RECEIVED)
            .bind_each(RefundStatus::COUNTED)
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

    async fn receipts(
        &self,
        application_id: &str,
    ) -> Result<Vec<crate::domain::receipt::ReceiptRecord>, StoreError> {
        let rows: Vec<String> = scalar(
            "select record from receipt where application_id = $1 order by issued_at, number",
        )
        .bind(application_id)
        .fetch_all(self.db.read())
        .await?;
        rows.iter()
            .map(|r| {
                serde_json::from_str(r)
                    .map_err(|e| StoreError::Corrupt(format!("receipt.record: {e}")))
            })
            .collect()
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

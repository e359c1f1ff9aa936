//! Bank statements: an import applies a file's lines in one transaction (all or nothing; a dry
//! run rolls it back and says what it would do), each line once by the bank's reference; a line
//! matched to an order is a `bank_transfer` payment with its ledger row, enrolling when the order's
//! money is all in; the others wait in a queue finance matches by hand.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{Tx, query, scalar};
use super::ledger::Movement;
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
pub use crate::domain::bank::StatementFormat;
use crate::domain::bank::{Confidence, OpenOrder, StatementLine, match_line};
use crate::domain::ledger::owed_cents;
use crate::domain::refusal::Refusal;
use crate::domain::status::{LedgerKind, OrderStatus, PaymentStatus};

/// A statement file read, to import.
#[derive(Debug, Clone)]
pub struct StatementImport<'a> {
    pub file_name: &'a str,
    pub format: StatementFormat,
    pub lines: &'a [StatementLine],
    /// Say what the import would do, change nothing.
    pub dry_run: bool,
}

/// What a matched transfer did to its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferOutcome {
    /// The order's money is all in: paid, the applicant enrolled.
    Enrolled,
    /// Paid in part: this much is still due.
    Short { due_cents: i64 },
    /// More than the order asks: flagged for the refund of this much.
    Overpaid { over_cents: i64 },
    /// Counted; the order asked nothing more and holds nothing extra.
    Settled,
}

/// One line the import matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedLine {
    pub file_line: usize,
    pub order_id: String,
    pub payment_reference: String,
    pub cents: i64,
    pub confidence: Confidence,
    pub outcome: TransferOutcome,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub dry_run: bool,
    pub lines: usize,
    /// Lines imported before (by the bank's reference): nothing done again.
    pub duplicates: usize,
    /// Money out: kept, not matched.
    pub debits: usize,
    pub matched: Vec<MatchedLine>,
    /// File lines left for finance.
    pub unmatched: Vec<usize>,
}

/// A statement line as finance sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankLineView {
    pub line_id: String,
    pub booked_on: time::Date,
    pub cents: i64,
    pub currency: String,
    pub payer: Option<String>,
    pub reference_text: String,
    pub confidence: Option<Confidence>,
    /// The order it was matched to, or the one its amount suggests.
    pub order_id: Option<String>,
    pub payment_reference: Option<String>,
    pub applicant_name: Option<String>,
    pub matched: bool,
}

#[async_trait]
pub trait BankStore: Send + Sync {
    /// Imports a statement's lines in one transaction, as the module says.
    async fn import_statement(
        &self,
        import: &StatementImport<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<ImportReport, StoreError>;

    /// Lines waiting for finance (unmatched), oldest first; or the latest matched ones.
    async fn bank_lines(&self, matched: bool) -> Result<Vec<BankLineView>, StoreError>;

    /// The orders that still ask money, to match a line to by hand: reference, name, due.
    async fn orders_awaiting_money(&self) -> Result<Vec<AwaitingOrder>, StoreError>;

    /// Finance matches a waiting line to an order. NotFound without either;
    /// `Refused(AlreadyMatched)` for a line matched or ignored already.
    async fn match_line_by_hand(
        &self,
        line_id: &str,
        order_id: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<TransferOutcome, StoreError>;
}

/// An order that still asks money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitingOrder {
    pub order_id: String,
    pub payment_reference: String,
    pub applicant_name: String,
    pub due_cents: i64,
}

/// An order a line may be for, with what matching and applying need.
#[derive(sqlx::FromRow)]
struct OrderRow {
    order_id: String,
    application_id: String,
    payment_reference: String,
    currency: String,
    status: OrderStatus,
    total_cents: i64,
    retained_cents: Option<i64>,
    held_cents: i64,
    given_names: Option<String>,
    family_name: Option<String>,
    certificate_name: Option<String>,
    invoice_number: Option<String>,
    payer_name: Option<String>,
}

/// Every order, or the one named by `$1`.
const ORDERS_SQL: &str = "
select o.order_id, o.application_id, o.payment_reference, o.currency, o.status, o.total_cents,
       o.retained_cents,
       cast(coalesce((select sum(l.amount_cents) from ledger_entry l
                      where l.order_id = o.order_id), 0) as bigint) as held_cents,
       f.given_names, f.family_name, f.certificate_name, i.number as invoice_number,
       y.name as payer_name
from fee_order o
left join application_form f on f.application_id = o.application_id
left join invoice i on i.order_id = o.order_id
left join order_payer y on y.order_id = o.order_id
where cast($1 as text) is null or o.order_id = $1";

impl OrderRow {
    fn open_order(&self) -> OpenOrder {
        let mut names: Vec<String> = Vec::new();
        names.extend(self.certificate_name.clone());
        names.extend(self.payer_name.clone());
        names.extend(
            [self.given_names.as_deref(), self.family_name.as_deref()]
                .into_iter()
                .flatten()
                .map(str::to_owned),
        );
        OpenOrder {
            order_id: self.order_id.clone(),
            payment_reference: self.payment_reference.clone(),
            currency: self.currency.clone(),
            due_cents: owed_cents(self.status, self.total_cents, self.retained_cents)
                - self.held_cents,
            names,
            invoice: self.invoice_number.clone(),
        }
    }
}

impl SqlStore {
    /// A matched line's money: a `bank_transfer` payment of the order, its ledger row, the line
    /// marked matched, audited; the order enrolled when its money is all in, flagged when it is
    /// more than the order asks. In the caller's transaction, which holds the program's lock.
    #[allow(clippy::too_many_arguments)]
    async fn apply_transfer_in_tx(
        &self,
        tx: &mut Tx,
        line_id: &str,
        source: &str,
        cents: i64,
        order: &OrderRow,
        confidence: Confidence,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TransferOutcome, StoreError> {
        let payment_id = crate::store::new_id();
        query(
            "insert into payment (payment_id, order_id, provider, status, amount_cents, currency,
                                  provider_reference, idempotency_key, created_at, updated_at)
             values ($1, $2, 'bank_transfer', $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&payment_id)
        .bind(&order.order_id)
        .bind(PaymentStatus::Confirmed)
        .bind(cents)
        .bind(&order.currency)
        .bind(source)
        .bind(format!("bank-{line_id}"))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::record_movement_in_tx(
            tx,
            Movement {
                order_id: &order.order_id,
                kind: LedgerKind::Transfer,
                cents,
                currency: &order.currency,
                payment_id: Some(&payment_id),
                refund_id: None,
                source: format!("bank:{source}"),
                note: confidence.as_str(),
            },
            now,
        )
        .await?;
        query(
            "update bank_line set status = 'matched', confidence = $2, order_id = $3, payment_id = $4,
                                  updated_at = $5
             where line_id = $1",
        )
        .bind(line_id)
        .bind(confidence.as_str())
        .bind(&order.order_id)
        .bind(&payment_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let application_id = order.application_id.as_str();
        Self::insert_audit(
            tx,
            None,
            actor,
            Action::TransferReceived,
            ("application", application_id),
            &format!("{cents} cents, matched by {}", confidence.as_str()),
            now,
        )
        .await?;
        let money = Self::order_money_in_tx(tx, &order.order_id).await?;
        let over = money.held_cents - money.owed_cents;
        if money.status == OrderStatus::Pending && over >= 0 {
            self.enroll_paid_order_in_tx(
                tx,
                &order.order_id,
                application_id,
                &payment_id,
                &format!("bank_transfer: {} cents", money.held_cents),
                now,
            )
            .await?;
            return Ok(if over > 0 {
                TransferOutcome::Overpaid { over_cents: over }
            } else {
                TransferOutcome::Enrolled
            });
        }
        self.settle_money_flag_in_tx(tx, &order.order_id, application_id, now)
            .await?;
        Ok(match over {
            0 => TransferOutcome::Settled,
            o if o > 0 => TransferOutcome::Overpaid { over_cents: o },
            o => TransferOutcome::Short { due_cents: -o },
        })
    }

    /// Every program with an order, locked in one order (imports and payments never cross).
    async fn lock_paying_programs(tx: &mut Tx, now: Timestamp) -> Result<(), StoreError> {
        let programs: Vec<String> = scalar(
            "select distinct a.program_id from fee_order o
             join application a on a.application_id = o.application_id order by 1",
        )
        .fetch_all(&mut *tx)
        .await?;
        for p in programs {
            Self::lock_program(tx, &p, now).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl BankStore for SqlStore {
    async fn import_statement(
        &self,
        import: &StatementImport<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<ImportReport, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        Self::lock_paying_programs(&mut tx, now).await?;
        let import_id = crate::store::new_id();
        query(
            "insert into bank_import (import_id, file_name, format, line_count, new_count, matched_count,
                                      actor, imported_at)
             values ($1, $2, $3, $4, 0, 0, $5, $6)",
        )
        .bind(&import_id)
        .bind(import.file_name)
        .bind(import.format.as_str())
        .bind(import.lines.len() as i64)
        .bind(actor.to_string())
        .bind(now)
        .execute(&mut tx)
        .await?;
        let mut report = ImportReport {
            dry_run: import.dry_run,
            lines: import.lines.len(),
            ..ImportReport::default()
        };
        for line in import.lines {
            let line_id = crate::store::new_id();
            let fresh = query(
                "insert into bank_line (line_id, import_id, source, file_line, booked_on, amount_cents,
                                        currency, payer_name, reference_text, status, created_at,
                                        updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
                 on conflict (source) do nothing",
            )
            .bind(&line_id)
            .bind(&import_id)
            .bind(&line.source)
            .bind(line.line as i64)
            .bind(line.booked_on)
            .bind(line.cents)
            .bind(&line.currency)
            .bind(line.payer.as_deref())
            .bind(line.references.join(" · "))
            .bind(if line.cents > 0 { "unmatched" } else { "ignored" })
            .bind(now)
            .execute(&mut tx)
            .await?;
            if fresh.rows_affected() == 0 {
                report.duplicates += 1;
                continue;
            }
            if line.cents <= 0 {
                report.debits += 1;
                continue;
            }
            // Read again for each line: an earlier line of the file may have paid an order.
            let orders: Vec<OrderRow> = query(ORDERS_SQL)
                .bind(None::<&str>)
                .fetch_all(&mut tx)
                .await?;
            let open: Vec<OpenOrder> = orders.iter().map(OrderRow::open_order).collect();
            let found = match_line(line, &open)
                .and_then(|(id, c)| orders.iter().find(|o| o.order_id == id).map(|o| (o, c)))
                .filter(|(o, _)| o.currency.eq_ignore_ascii_case(&line.currency));
            match found {
                Some((order, confidence)) if confidence.applies() => {
                    let outcome = self
                        .apply_transfer_in_tx(
                            &mut tx,
                            &line_id,
                            &line.source,
                            line.cents,
                            order,
                            confidence,
                            actor,
                            now,
                        )
                        .await?;
                    report.matched.push(MatchedLine {
                        file_line: line.line,
                        order_id: order.order_id.clone(),
                        payment_reference: order.payment_reference.clone(),
                        cents: line.cents,
                        confidence,
                        outcome,
                    });
                }
                suggested => {
                    if let Some((order, confidence)) = suggested {
                        query(
                            "update bank_line set order_id = $2, confidence = $3 where line_id = $1",
                        )
                        .bind(&line_id)
                        .bind(&order.order_id)
                        .bind(confidence.as_str())
                        .execute(&mut tx)
                        .await?;
                    }
                    report.unmatched.push(line.line);
                }
            }
        }
        let new = report.lines - report.duplicates;
        query("update bank_import set new_count = $2, matched_count = $3 where import_id = $1")
            .bind(&import_id)
            .bind(new as i64)
            .bind(report.matched.len() as i64)
            .execute(&mut tx)
            .await?;
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::StatementImported,
            ("bank_import", &import_id),
            &format!(
                "{} ({}): {} lines, {new} new, {} matched, {} waiting",
                import.file_name,
                import.format.as_str(),
                report.lines,
                report.matched.len(),
                report.unmatched.len()
            ),
            now,
        )
        .await?;
        if !import.dry_run {
            tx.commit().await?;
        }
        Ok(report)
    }

    async fn bank_lines(&self, matched: bool) -> Result<Vec<BankLineView>, StoreError> {
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            String,
            time::Date,
            i64,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        )> = query(if matched {
            "select l.line_id, l.booked_on, l.amount_cents, l.currency, l.payer_name, l.reference_text,
                    l.confidence, l.order_id, o.payment_reference, f.given_names, f.family_name, l.status
             from bank_line l
             left join fee_order o on o.order_id = l.order_id
             left join application_form f on f.application_id = o.application_id
             where l.status = 'matched'
             order by l.updated_at desc, l.line_id limit 100"
        } else {
            "select l.line_id, l.booked_on, l.amount_cents, l.currency, l.payer_name, l.reference_text,
                    l.confidence, l.order_id, o.payment_reference, f.given_names, f.family_name, l.status
             from bank_line l
             left join fee_order o on o.order_id = l.order_id
             left join application_form f on f.application_id = o.application_id
             where l.status = 'unmatched'
             order by l.booked_on, l.file_line, l.line_id limit 500"
        })
        .fetch_all(self.db.read())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    line_id,
                    booked_on,
                    cents,
                    currency,
                    payer,
                    reference_text,
                    confidence,
                    order_id,
                    payment_reference,
                    given,
                    family,
                    status,
                )| BankLineView {
                    applicant_name: order_id.as_ref().map(|_| {
                        super::finance::display_name(given.as_deref(), family.as_deref(), "")
                    }),
                    line_id,
                    booked_on,
                    cents,
                    currency,
                    payer,
                    reference_text,
                    confidence: confidence.as_deref().and_then(Confidence::parse),
                    order_id,
                    payment_reference,
                    matched: status == "matched",
                },
            )
            .collect())
    }

    async fn match_line_by_hand(
        &self,
        line_id: &str,
        order_id: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<TransferOutcome, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let order: Option<OrderRow> = query(ORDERS_SQL)
            .bind(order_id)
            .fetch_optional(&mut tx)
            .await?;
        let order = order.ok_or(StoreError::NotFound)?;
        let program: String =
            scalar("select program_id from application where application_id = $1")
                .bind(&order.application_id)
                .fetch_one(&mut tx)
                .await?;
        Self::lock_program(&mut tx, &program, now).await?;
        let line: Option<(String, i64, String, String)> = query(
            "select source, amount_cents, currency, status from bank_line where line_id = $1",
        )
        .bind(line_id)
        .fetch_optional(&mut tx)
        .await?;
        let (source, cents, currency, status) = line.ok_or(StoreError::NotFound)?;
        if status != "unmatched" || !currency.eq_ignore_ascii_case(&order.currency) {
            return Err(StoreError::Refused(Refusal::AlreadyMatched));
        }
        // The order as it is now, under the lock.
        let order: OrderRow = query(ORDERS_SQL).bind(order_id).fetch_one(&mut tx).await?;
        let outcome = self
            .apply_transfer_in_tx(
                &mut tx,
                line_id,
                &source,
                cents,
                &order,
                Confidence::ByHand,
                actor,
                now,
            )
            .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn orders_awaiting_money(&self) -> Result<Vec<AwaitingOrder>, StoreError> {
        let orders: Vec<OrderRow> = query(ORDERS_SQL)
            .bind(None::<&str>)
            .fetch_all(self.db.read())
            .await?;
        let mut awaiting: Vec<AwaitingOrder> = orders
            .iter()
            .map(|o| (o, o.open_order().due_cents))
            .filter(|(o, due)| *due > 0 && o.status == OrderStatus::Pending)
            .map(|(o, due)| AwaitingOrder {
                order_id: o.order_id.clone(),
                payment_reference: o.payment_reference.clone(),
                applicant_name: o.certificate_name.clone().unwrap_or_else(|| {
                    super::finance::display_name(
                        o.given_names.as_deref(),
                        o.family_name.as_deref(),
                        "",
                    )
                }),
                due_cents: due,
            })
            .collect();
        awaiting.sort_by(|a, b| a.applicant_name.cmp(&b.applicant_name));
        Ok(awaiting)
    }
}

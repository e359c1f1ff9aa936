//! The ledger of each order (see `domain::ledger`): the rows written in the transaction of each
//! movement of money, the sums the refund and finance steps read, and the flag an order's money
//! raises or clears once the rows say so.

use super::SqlStore;
use super::StoreError;
use super::db::{Tx, query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::ledger::{LedgerEntry, OrderLedger, money_flag_resolved, owed_cents};
use crate::domain::payment::Attention;
use crate::domain::status::{LedgerKind, OrderStatus, RefundStatus};

/// One movement of money, as a step records it.
pub(super) struct Movement<'a> {
    pub order_id: &'a str,
    pub kind: LedgerKind,
    /// Positive in, negative out.
    pub cents: i64,
    pub currency: &'a str,
    pub payment_id: Option<&'a str>,
    pub refund_id: Option<&'a str>,
    /// Names the movement once: a second record of it adds nothing.
    pub source: String,
    pub note: &'a str,
}

/// Where an order's money stands, read in a transaction.
pub(super) struct OrderMoney {
    pub status: OrderStatus,
    pub owed_cents: i64,
    pub held_cents: i64,
    pub attention: Option<Attention>,
}

impl SqlStore {
    /// Writes one row of an order's ledger, in the caller's transaction; `false` when the
    /// movement was recorded before (its source is known), nothing written then.
    pub(super) async fn record_movement_in_tx(
        tx: &mut Tx,
        m: Movement<'_>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        if m.cents == 0 {
            return Ok(false);
        }
        let written = query(
            "insert into ledger_entry (entry_id, order_id, kind, amount_cents, currency, payment_id,
                                       refund_id, source, note, recorded_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             on conflict (source) do nothing",
        )
        .bind(crate::store::new_id())
        .bind(m.order_id)
        .bind(m.kind)
        .bind(m.cents)
        .bind(m.currency)
        .bind(m.payment_id)
        .bind(m.refund_id)
        .bind(&m.source)
        .bind(m.note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Ok(written.rows_affected() == 1)
    }

    /// The money an attempt brought in and still holds: the sum of its ledger rows.
    pub(super) async fn payment_held_in_tx(
        tx: &mut Tx,
        payment_id: &str,
    ) -> Result<i64, StoreError> {
        Ok(scalar(
            "select cast(coalesce(sum(amount_cents), 0) as bigint) from ledger_entry
             where payment_id = $1",
        )
        .bind(payment_id)
        .fetch_one(&mut *tx)
        .await?)
    }

    /// Our refunds of an attempt asked for or on their way (not yet rows of the ledger).
    pub(super) async fn refunds_in_flight_in_tx(
        tx: &mut Tx,
        payment_id: &str,
    ) -> Result<i64, StoreError> {
        Ok(scalar(
            "select cast(coalesce(sum(amount_cents), 0) as bigint) from refund
             where payment_id = $1 and status in ($2, $3)",
        )
        .bind(payment_id)
        .bind(RefundStatus::Created)
        .bind(RefundStatus::Pending)
        .fetch_one(&mut *tx)
        .await?)
    }

    pub(super) async fn order_money_in_tx(
        tx: &mut Tx,
        order_id: &str,
    ) -> Result<OrderMoney, StoreError> {
        let (status, total, retained, attention, held): (
            OrderStatus,
            i64,
            Option<i64>,
            Option<String>,
            i64,
        ) = query(
            "select o.status, o.total_cents, o.retained_cents, o.attention,
                    cast(coalesce((select sum(l.amount_cents) from ledger_entry l
                                   where l.order_id = o.order_id), 0) as bigint)
             from fee_order o where o.order_id = $1",
        )
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
        Ok(OrderMoney {
            status,
            owed_cents: owed_cents(status, total, retained),
            held_cents: held,
            attention: attention.as_deref().and_then(Attention::parse),
        })
    }

    /// After money moved: an order flagged because its money had to go back or did not match is
    /// cleared once the ledger says it is resolved (and the applicant's timeline says so); an
    /// order holding more than it asks is flagged for the refund.
    pub(super) async fn settle_money_flag_in_tx(
        &self,
        tx: &mut Tx,
        order_id: &str,
        application_id: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let money = Self::order_money_in_tx(tx, order_id).await?;
        let resolved = money_flag_resolved(money.status, money.owed_cents, money.held_cents);
        match money.attention {
            Some(a @ (Attention::RefundDue | Attention::Mismatch)) if resolved => {
                query("update fee_order set attention = null, updated_at = $2 where order_id = $1")
                    .bind(order_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                Self::insert_audit(
                    tx,
                    None,
                    &Actor::System,
                    Action::OrderFlagCleared,
                    ("application", application_id),
                    &format!(
                        "{}: {} cents held, {} owed",
                        a.as_str(),
                        money.held_cents,
                        money.owed_cents
                    ),
                    now,
                )
                .await?;
            }
            Some(Attention::Mismatch) if money.held_cents > money.owed_cents => {
                // The mismatched money and a good payment both arrived: what is beyond the fee
                // goes back.
                self.flag_order_in_tx(
                    tx,
                    order_id,
                    application_id,
                    Attention::RefundDue,
                    &format!(
                        "{} cents held for {} owed",
                        money.held_cents, money.owed_cents
                    ),
                    now,
                )
                .await?;
            }
            None if money.held_cents > money.owed_cents => {
                self.flag_order_in_tx(
                    tx,
                    order_id,
                    application_id,
                    Attention::RefundDue,
                    &format!(
                        "{} cents held for {} owed",
                        money.held_cents, money.owed_cents
                    ),
                    now,
                )
                .await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// An order's ledger, oldest row first.
    pub(super) async fn order_ledger_read(
        &self,
        order_id: &str,
    ) -> Result<OrderLedger, StoreError> {
        let order: Option<(OrderStatus, i64, Option<i64>, String)> = query(
            "select status, total_cents, retained_cents, currency from fee_order where order_id = $1",
        )
        .bind(order_id)
        .fetch_optional(self.db.read())
        .await?;
        let (status, total, retained, currency) = order.ok_or(StoreError::NotFound)?;
        let rows: Vec<(LedgerKind, i64, Timestamp, String)> = query(
            "select kind, amount_cents, recorded_at, note from ledger_entry
             where order_id = $1 order by recorded_at, entry_id",
        )
        .bind(order_id)
        .fetch_all(self.db.read())
        .await?;
        Ok(OrderLedger {
            order_id: order_id.to_owned(),
            currency,
            owed_cents: owed_cents(status, total, retained),
            entries: rows
                .into_iter()
                .map(|(kind, amount_cents, at, note)| LedgerEntry {
                    kind,
                    amount_cents,
                    recorded_at: at.into(),
                    note,
                })
                .collect(),
        })
    }
}

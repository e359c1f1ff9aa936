//! An order's ledger: every movement of its money is one row (a card payment or a bank transfer
//! in, a refund ours or the provider's out, a balance written off), with a signed amount in cents.
//! What the payer has paid is the sum of the rows; what they still owe, or are owed back, is what
//! the order asks less that sum. Pure: the store writes the rows in the transaction of the movement.

use time::OffsetDateTime;

use super::status::{LedgerKind, OrderStatus};

impl LedgerKind {
    /// Money in (positive rows) or out (negative rows); a write-off counts as if paid.
    pub fn is_money_in(self) -> bool {
        matches!(
            self,
            LedgerKind::Card | LedgerKind::Transfer | LedgerKind::WriteOff
        )
    }
}

/// One row of an order's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub kind: LedgerKind,
    /// Positive for money in (and write-offs), negative for money given back.
    pub amount_cents: i64,
    pub recorded_at: OffsetDateTime,
    /// What a person reads beside the row (a refund's reason, the provider's reference).
    pub note: String,
}

/// What an order asks of its payer: its total while it stands; nothing once it expired unpaid or
/// was cancelled; after a cancelled enrollment, what the cancellation kept.
pub fn owed_cents(status: OrderStatus, total_cents: i64, retained_cents: Option<i64>) -> i64 {
    match status {
        OrderStatus::Pending | OrderStatus::Paid => retained_cents.unwrap_or(total_cents),
        OrderStatus::Expired | OrderStatus::Cancelled => retained_cents.unwrap_or(0),
    }
}

/// Where an order's money stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// What was owed is what was paid.
    Settled,
    /// The payer still owes this much.
    Due(i64),
    /// This much was paid beyond what is owed: it goes back.
    Overpaid(i64),
}

/// An order's ledger, with what the order asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLedger {
    pub order_id: String,
    pub currency: String,
    pub owed_cents: i64,
    /// Oldest first.
    pub entries: Vec<LedgerEntry>,
}

impl OrderLedger {
    /// The money held for the order: the sum of its rows.
    pub fn held_cents(&self) -> i64 {
        self.entries.iter().map(|e| e.amount_cents).sum()
    }

    /// Money in, before anything went back.
    pub fn received_cents(&self) -> i64 {
        self.entries
            .iter()
            .filter(|e| e.kind.is_money_in())
            .map(|e| e.amount_cents)
            .sum()
    }

    /// Money given back, as a positive number.
    pub fn given_back_cents(&self) -> i64 {
        -self
            .entries
            .iter()
            .filter(|e| !e.kind.is_money_in())
            .map(|e| e.amount_cents)
            .sum::<i64>()
    }

    pub fn balance(&self) -> Balance {
        balance(self.owed_cents, self.held_cents())
    }
}

/// What is owed against what is held.
pub fn balance(owed_cents: i64, held_cents: i64) -> Balance {
    match owed_cents - held_cents {
        0 => Balance::Settled,
        due if due > 0 => Balance::Due(due),
        over => Balance::Overpaid(-over),
    }
}

/// Whether an order's flag about its money (money that must go back, or money that did not
/// match) is resolved: nothing is held beyond what is owed, and either the order is paid or no
/// money is held at all (a mismatched payment given back leaves the order to be paid again).
pub fn money_flag_resolved(status: OrderStatus, owed_cents: i64, held_cents: i64) -> bool {
    held_cents <= owed_cents && (status == OrderStatus::Paid || held_cents == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: LedgerKind, cents: i64) -> LedgerEntry {
        LedgerEntry {
            kind,
            amount_cents: cents,
            recorded_at: time::macros::datetime!(2026-05-01 10:00 UTC),
            note: String::new(),
        }
    }

    #[test]
    fn the_balance_is_what_is_owed_less_the_sum_of_the_rows() {
        let ledger = OrderLedger {
            order_id: "o1".into(),
            currency: "EUR".into(),
            owed_cents: 310_000,
            entries: vec![
                entry(LedgerKind::Card, 310_000),
                entry(LedgerKind::ProviderRefund, -100_000),
                entry(LedgerKind::Refund, -50_000),
            ],
        };
        assert_eq!(ledger.held_cents(), 160_000);
        assert_eq!(ledger.received_cents(), 310_000);
        assert_eq!(ledger.given_back_cents(), 150_000);
        assert_eq!(ledger.balance(), Balance::Due(150_000));
        // A short transfer, then the rest written off.
        let short = OrderLedger {
            entries: vec![
                entry(LedgerKind::Transfer, 309_500),
                entry(LedgerKind::WriteOff, 500),
            ],
            ..ledger.clone()
        };
        assert_eq!(short.balance(), Balance::Settled);
        assert_eq!(balance(250_000, 500_000), Balance::Overpaid(250_000));
    }

    #[test]
    fn what_an_order_asks_follows_its_state() {
        assert_eq!(owed_cents(OrderStatus::Pending, 250_000, None), 250_000);
        assert_eq!(owed_cents(OrderStatus::Paid, 250_000, None), 250_000);
        assert_eq!(owed_cents(OrderStatus::Expired, 250_000, None), 0);
        assert_eq!(owed_cents(OrderStatus::Paid, 250_000, Some(12_500)), 12_500);
        assert_eq!(owed_cents(OrderStatus::Cancelled, 250_000, Some(0)), 0);
    }

    #[test]
    fn a_money_flag_clears_only_when_nothing_is_held_beyond_what_is_owed() {
        // Paid after the offer expired: the whole payment goes back first.
        assert!(!money_flag_resolved(OrderStatus::Expired, 0, 250_000));
        assert!(money_flag_resolved(OrderStatus::Expired, 0, 0));
        // A mismatched €2,400 on a pending €2,500 order: resolved once given back.
        assert!(!money_flag_resolved(OrderStatus::Pending, 250_000, 240_000));
        assert!(money_flag_resolved(OrderStatus::Pending, 250_000, 0));
        // Paid twice: resolved once the second payment is back.
        assert!(!money_flag_resolved(OrderStatus::Paid, 250_000, 500_000));
        assert!(money_flag_resolved(OrderStatus::Paid, 250_000, 250_000));
    }
}

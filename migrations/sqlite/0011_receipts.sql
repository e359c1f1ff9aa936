-- Receipts and credit notes. Each series (R: receipts, A: credit notes) is numbered per year without
-- gaps: the counter moves in the transaction that issues the document, so a rolled-back payment gives
-- its number back. The record is the frozen data the PDF is printed from (JSON, see
-- domain::receipt::ReceiptRecord); a document is never edited, a refund issues a credit note.
create table receipt_counter (
    series text not null,
    year integer not null,
    last_number integer not null,
    primary key (series, year)
);

create table receipt (
    number text primary key,
    kind text not null constraint receipt_kind_check check (kind in ('receipt', 'credit_note')),
    order_id text not null references fee_order (order_id),
    application_id text not null references application (application_id),
    payment_id text references payment (payment_id),
    refund_id text references refund (refund_id),
    total_cents integer not null constraint receipt_total_cents_check check (total_cents >= 0),
    currency text not null constraint receipt_currency_check check (currency in ('EUR')),
    issued_at text not null,
    record text not null
);
-- One receipt per confirmed payment, one credit note per refund.
create unique index receipt_payment_key on receipt (payment_id) where kind = 'receipt';
create unique index receipt_refund_key on receipt (refund_id) where refund_id is not null;
create index receipt_application_id_idx on receipt (application_id);

-- Bank statements: each import, and each of its lines once. A line is known by the bank's own
-- reference (`source`, unique): a file imported twice, or two statements that overlap, add nothing
-- the second time. A matched line is a bank_transfer payment of its order, with its ledger row; an
-- unmatched one waits for finance (with the order it may be for, when only its amount fits); money
-- out (debits) is kept as ignored.
create table bank_import (
    import_id text primary key,
    file_name text not null,
    format text not null constraint bank_import_format_check check (format in ('camt053', 'csv')),
    line_count integer not null,
    new_count integer not null,
    matched_count integer not null,
    actor text not null,
    imported_at text not null
);

create table bank_line (
    line_id text primary key,
    import_id text not null references bank_import (import_id),
    source text not null,
    file_line integer not null,
    booked_on text not null,
    amount_cents integer not null,
    currency text not null,
    payer_name text,
    reference_text text not null,
    status text not null constraint bank_line_status_check check (status in ('matched', 'unmatched', 'ignored')),
    confidence text constraint bank_line_confidence_check check (confidence in ('reference', 'amount_and_name', 'amount', 'by_hand')),
    order_id text references fee_order (order_id),
    payment_id text references payment (payment_id),
    created_at text not null,
    updated_at text not null,
    constraint bank_line_source_key unique (source)
);
create index bank_line_status_idx on bank_line (status);

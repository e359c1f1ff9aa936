-- Who pays an order (the applicant, or an institution: name, address lines joined by newlines, VAT
-- number, purchase order, the email its invoice goes to), and the invoices (factures) sent to an
-- institution before it pays: numbered per year without gaps in series F (the counter moves in the
-- transaction that issues one), frozen as a record (JSON, domain::payer::InvoiceRecord). One invoice
-- per order.
create table order_payer (
    order_id text primary key references fee_order (order_id),
    kind text not null constraint order_payer_kind_check check (kind in ('person', 'institution')),
    name text,
    address text,
    vat_number text,
    purchase_order text,
    contact_email text,
    updated_at timestamptz not null
);

create table invoice (
    number text primary key,
    order_id text not null references fee_order (order_id),
    application_id text not null references application (application_id),
    total_cents bigint not null constraint invoice_total_cents_check check (total_cents >= 0),
    currency text not null constraint invoice_currency_check check (currency in ('EUR')),
    issued_at timestamptz not null,
    due_at timestamptz not null,
    record text not null,
    constraint invoice_order_id_key unique (order_id)
);
create index invoice_application_id_idx on invoice (application_id);

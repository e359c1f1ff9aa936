-- Discount codes, per edition, for one program or all of them; single or multi use, with an expiry.
-- `uses` counts the offers that hold the code (pending or paid): taken with a conditional update when
-- an offer is made, given back when the offer expires or is cancelled, so the limit holds under
-- concurrency on every program at once.
create table discount_code (
    edition_id text not null references edition (edition_id),
    code text not null,
    program_id text references program (program_id),
    kind text not null constraint discount_code_kind_check check (kind in ('percent', 'amount')),
    amount integer not null constraint discount_code_amount_check check (amount > 0),
    max_uses integer constraint discount_code_max_uses_check check (max_uses is null or max_uses > 0),
    uses integer not null default 0 constraint discount_code_uses_check
        check (uses >= 0 and (max_uses is null or uses <= max_uses)),
    expires_at text,
    note text not null,
    created_by text,
    created_at text not null,
    primary key (edition_id, code)
);

-- The code an applicant typed on the form, checked when typed and again when the offer is made.
alter table application_form add column discount_code text;
-- What the code took off, frozen with the price.
alter table fee_order add column discount_code text;
alter table fee_order add column discount_cents integer;

-- Paying an order: each attempt's checkout, each provider event applied once (its id is written in the
-- same transaction as the change it causes), and the orders finance must look at.
alter table fee_order add column paid_at text;
alter table fee_order add column attention text
    constraint fee_order_attention_check check (attention in ('refund_due', 'mismatch', 'disputed', 'refunded'));
alter table payment add column checkout_url text;
alter table payment add column expires_at text;
create index payment_order_id_idx on payment (order_id);
create index payment_provider_reference_idx on payment (provider, provider_reference);

create table payment_event (
    provider text not null,
    event_id text not null,
    kind text not null,
    payment_id text references payment (payment_id),
    received_at text not null,
    primary key (provider, event_id)
);

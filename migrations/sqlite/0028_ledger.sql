-- An order's ledger: every movement of its money is a row (a card payment or a bank transfer in, a
-- refund ours or made at the provider out, a balance written off), signed, in cents. The order's
-- paid amount is the sum of its rows; what is still owed is what the order asks less that sum.
-- `source` names the movement once (an attempt, a refund, a provider's event, a statement line):
-- a second delivery of the same movement finds it and adds nothing.
create table ledger_entry (
    entry_id text primary key,
    order_id text not null references fee_order (order_id),
    kind text not null constraint ledger_entry_kind_check check (kind in ('card', 'transfer', 'refund', 'provider_refund', 'write_off')),
    amount_cents integer not null constraint ledger_entry_amount_cents_check check (amount_cents <> 0),
    currency text not null constraint ledger_entry_currency_check check (currency in ('EUR')),
    payment_id text references payment (payment_id),
    refund_id text references refund (refund_id),
    source text not null,
    note text not null default '',
    recorded_at text not null,
    constraint ledger_entry_source_key unique (source)
);
create index ledger_entry_order_id_idx on ledger_entry (order_id);
create index ledger_entry_payment_id_idx on ledger_entry (payment_id);

-- What a cancelled enrollment kept of its fee (null while the order stands as offered).
alter table fee_order add column retained_cents integer
    constraint fee_order_retained_cents_check check (retained_cents >= 0);

-- The ledger of what happened before it: every payment whose money arrived, every refund done, and
-- what the provider gave back beyond our refunds on a payment it marked refunded.
insert into ledger_entry (entry_id, order_id, kind, amount_cents, currency, payment_id, source, recorded_at)
select 'in-' || payment_id, order_id, case provider when 'bank_transfer' then 'transfer' else 'card' end,
       amount_cents, currency, payment_id, 'payment:' || payment_id, updated_at
from payment
where status in ('confirmed', 'refunded') and amount_cents > 0;

insert into ledger_entry (entry_id, order_id, kind, amount_cents, currency, payment_id, refund_id, source, note, recorded_at)
select 'out-' || refund_id, order_id, 'refund', -amount_cents, currency, payment_id, refund_id,
       'refund:' || refund_id, reason, updated_at
from refund
where status = 'done';

insert into ledger_entry (entry_id, order_id, kind, amount_cents, currency, payment_id, source, note, recorded_at)
select 'provider-' || y.payment_id, y.order_id, 'provider_refund',
       -(y.amount_cents - coalesce((select sum(r.amount_cents) from refund r
                                    where r.payment_id = y.payment_id and r.status = 'done'), 0)),
       y.currency, y.payment_id, 'provider-refund:' || y.payment_id, 'refunded at the provider', y.updated_at
from payment y
where y.status = 'refunded'
  and y.amount_cents > coalesce((select sum(r.amount_cents) from refund r
                                 where r.payment_id = y.payment_id and r.status = 'done'), 0);

update fee_order set retained_cents = (
    select case when held.cents - held.flight > 0 then held.cents - held.flight else 0 end
    from (select coalesce((select sum(l.amount_cents) from ledger_entry l
                           where l.order_id = fee_order.order_id), 0) as cents,
                 coalesce((select sum(r.amount_cents) from refund r
                           where r.order_id = fee_order.order_id and r.status in ('created', 'pending')), 0) as flight) held
)
where exists (select 1 from application a
              where a.application_id = fee_order.application_id and a.status = 'cancelled');

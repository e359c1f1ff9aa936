-- One attempt of an order is being opened with a provider at a time: a second press of Pay (a double
-- click, two tabs) takes the attempt the first one is opening, with its idempotency key, so the
-- provider answers with the same checkout instead of opening a second one that could be paid too.
-- Attempts left being opened by earlier code (only the newest of an order can still be opened)
-- are closed first.
update payment set status = 'cancelled'
where status = 'created'
  and exists (
    select 1 from payment newer
    where newer.order_id = payment.order_id
      and newer.provider = payment.provider
      and newer.status = 'created'
      and (newer.created_at > payment.created_at
           or (newer.created_at = payment.created_at and newer.payment_id > payment.payment_id))
  );

create unique index payment_order_id_provider_key on payment (order_id, provider) where status = 'created';

-- Stripe's charge-level events (refunds, disputes) name the payment intent, not the checkout session:
-- the intent is kept on the attempt when its session completes.
alter table payment add column provider_intent text;
create index payment_provider_intent_idx on payment (provider, provider_intent);

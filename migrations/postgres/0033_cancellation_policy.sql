-- A program's cancellation policy from the catalog (domain::cancellation::CancellationPolicy as
-- JSON: the dated refund schedule and the visa-refusal fee); null when the catalog gives none.
alter table program add column cancellation_policy text;

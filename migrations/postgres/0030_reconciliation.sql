-- Each reconciliation of a provider's records with ours: when, how far back, and what differed (a
-- JSON list of domain::payment::Difference: ids and amounts only). The finance page shows the latest;
-- finance is emailed when a run finds differences that the run before did not.
create table reconciliation_run (
    run_id text primary key,
    provider text not null,
    ran_at timestamptz not null,
    days integer not null,
    difference_count integer not null,
    differences text not null
);
create index reconciliation_run_provider_idx on reconciliation_run (provider, ran_at);

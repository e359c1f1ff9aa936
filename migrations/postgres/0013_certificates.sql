-- Certificates as issued: the signed record (canonical JSON, see domain::certificate) beside the
-- columns it is found by, and what revoked it. Serial numbers run per program and year without gaps:
-- the counter moves in the transaction that issues. One issued certificate of a kind per application
-- (a correction supersedes it, a revocation ends it).
alter table certificate add column record text;
alter table certificate add column revoked_reason text;
alter table certificate add column revoked_at timestamptz;

create unique index certificate_one_issued_key on certificate (application_id, kind) where status = 'issued';

create table certificate_counter (
    program_id text not null references program (program_id),
    year integer not null,
    last_number bigint not null,
    primary key (program_id, year)
);

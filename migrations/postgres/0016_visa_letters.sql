-- Visa invitation letters. An admitted or enrolled applicant who asks gives their passport data
-- here, and only here; the letter is printed from it on demand and numbered per year
-- (V-2026-00001). Once the school is over the passport data is erased (the columns are emptied
-- and purged_at set, with an audit event): the row keeps only that a letter was issued.
create table visa_letter_counter (
    year integer primary key,
    last_number bigint not null
);

create table visa_letter (
    application_id text primary key references application (application_id),
    number text not null,
    passport_name text,
    passport_number text,
    nationality text,
    birth_date date,
    passport_expires_on date,
    issued_on date not null,
    requested_at timestamptz not null,
    updated_at timestamptz not null,
    purged_at timestamptz,
    constraint visa_letter_number_key unique (number),
    constraint visa_letter_purged_check check (
        (purged_at is null and passport_name is not null and passport_number is not null
            and nationality is not null and birth_date is not null and passport_expires_on is not null)
        or (purged_at is not null and passport_name is null and passport_number is null
            and nationality is null and birth_date is null and passport_expires_on is null))
);

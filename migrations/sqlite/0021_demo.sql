-- The demo (`serve --demo`): its people can be signed in as from /demo with one click, which no real
-- account ever can; and its visa letters are numbered in a series of their own (DEMO-V-2026-00001),
-- so that trying the product never takes a real number. Receipts and credit notes already count per
-- series (receipt_counter), certificates per program (a demo program is its own).
alter table applicant add column is_demo integer not null default 0 check (is_demo in (0, 1));
alter table organizer add column is_demo integer not null default 0 check (is_demo in (0, 1));

create table demo_visa_letter_counter (
    year integer primary key,
    last_number integer not null
);

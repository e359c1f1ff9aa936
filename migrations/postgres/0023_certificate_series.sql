-- Certificate serials are numbered per series (prefix, year, program code: UPC-SS-2026-HO), no
-- longer per program: two editions of one year whose programs share a code, or a correction issued
-- in the next year, count on in one series instead of both taking number 1 (which the unique serial
-- then refused). A series that has no row yet starts after the highest number its serials already
-- hold, so what the per-program counter issued carries on, gap-free.
create table certificate_series (
    series text not null primary key,
    last_number bigint not null check (last_number > 0)
);

drop table certificate_counter;

-- What organizers record of each participant: presence per school day, and the assessment's result
-- with, for the Hands-on school, the AFGSU 2 practical validation. Each change is audited.
create table attendance (
    application_id text not null references application (application_id),
    day text not null,
    present integer not null check (present in (0, 1)),
    recorded_by text not null,
    recorded_at text not null,
    primary key (application_id, day)
);

create table assessment_result (
    application_id text primary key references application (application_id),
    passed integer not null check (passed in (0, 1)),
    grade text,
    afgsu_validated integer check (afgsu_validated in (0, 1)),
    recorded_by text not null,
    recorded_at text not null
);

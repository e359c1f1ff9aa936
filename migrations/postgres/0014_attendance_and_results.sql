-- What organizers record of each participant: presence per school day, and the assessment's result
-- with, for the Hands-on school, the AFGSU 2 practical validation. Each change is audited.
create table attendance (
    application_id text not null references application (application_id),
    day date not null,
    present boolean not null,
    recorded_by text not null,
    recorded_at timestamptz not null,
    primary key (application_id, day)
);

create table assessment_result (
    application_id text primary key references application (application_id),
    passed boolean not null,
    grade text,
    afgsu_validated boolean,
    recorded_by text not null,
    recorded_at timestamptz not null
);

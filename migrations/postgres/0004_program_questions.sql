-- A program's own questions (from the catalog) and each application's answers to them.

create table program_question (
    program_id text not null references program (program_id) on delete cascade,
    question_key text not null,
    position integer not null,
    kind text not null constraint program_question_kind_check check (kind in ('yes_no')),
    label_en text not null,
    label_fr text not null,
    hint_en text,
    hint_fr text,
    required boolean not null,
    primary key (program_id, question_key)
);

create table application_answer (
    application_id text not null references application (application_id),
    question_key text not null,
    value text not null,
    primary key (application_id, question_key)
);

-- Organizers (issue 4): password sign-in with lockout and an optional TOTP second factor, server-side
-- sessions, invitations, the programs given to directors and reviewers; then review (rubric, assignments,
-- scores, comments, blind mode), decisions (waitlist rank, reject reasons) and offers (deadline reminders).

alter table organizer add column totp_secret text;
-- the last 30-second step whose code was accepted: a code works once
alter table organizer add column totp_last_step integer;
alter table organizer add column failed_sign_ins integer not null default 0;
alter table organizer add column locked_until text;

-- Program directors and reviewers act only on the programs given to them here.
create table organizer_program (
    organizer_id text not null references organizer (organizer_id) on delete cascade,
    program_id text not null references program (program_id) on delete cascade,
    primary key (organizer_id, program_id)
);

create table organizer_session (
    session_hash text primary key,
    organizer_id text not null references organizer (organizer_id),
    -- a password alone opens a session that still waits for the second factor
    second_factor_pending integer not null check (second_factor_pending in (0, 1)),
    created_at text not null,
    expires_at text not null
);

create index organizer_session_organizer_idx on organizer_session (organizer_id);

create table organizer_invitation (
    token_hash text primary key,
    organizer_id text not null references organizer (organizer_id),
    created_at text not null,
    expires_at text not null,
    used_at text
);

alter table program add column blind_review integer not null default 0 check (blind_review in (0, 1));

-- The scoring rubric, from the catalog: each criterion is scored 1 to 5.
create table program_criterion (
    program_id text not null references program (program_id) on delete cascade,
    criterion_key text not null,
    position integer not null,
    label_en text not null,
    label_fr text not null,
    primary key (program_id, criterion_key)
);

create table review_assignment (
    application_id text not null references application (application_id),
    organizer_id text not null references organizer (organizer_id),
    conflict_of_interest integer not null default 0 check (conflict_of_interest in (0, 1)),
    assigned_at text not null,
    primary key (application_id, organizer_id)
);

create index review_assignment_organizer_idx on review_assignment (organizer_id);

create table review_score (
    application_id text not null references application (application_id),
    organizer_id text not null references organizer (organizer_id),
    criterion_key text not null,
    score integer not null constraint review_score_score_check check (score between 1 and 5),
    updated_at text not null,
    primary key (application_id, organizer_id, criterion_key)
);

create table review_comment (
    comment_id text primary key,
    application_id text not null references application (application_id),
    organizer_id text not null references organizer (organizer_id),
    body text not null,
    created_at text not null
);

create index review_comment_application_idx on review_comment (application_id, created_at);

-- The waitlist's order: the mean score (hundredths of a point) frozen at the decision, then submission.
alter table application add column waitlist_score integer;
alter table application add column reject_reason text constraint application_reject_reason_check
    check (reject_reason in ('program_full', 'profile', 'incomplete', 'language', 'other'));

create index application_program_status_idx on application (program_id, status);

-- The offer: which tier it was priced from, the price before any waiver, and the last reminder sent
-- (7, 2 or 1 days before the deadline; cleared when the deadline moves).
alter table fee_order add column fee_tier_code text;
alter table fee_order add column list_cents integer;
alter table fee_order add column waiver_reason text;
alter table fee_order add column reminded_days integer;

create index fee_order_deadline_idx on fee_order (status, deadline_at);

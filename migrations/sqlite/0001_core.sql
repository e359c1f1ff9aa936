-- The core of the journey (DESIGN.md §3). Times are UTC text in one fixed width
-- (YYYY-MM-DDTHH:MM:SS.ffffffZ) so that text order is time order. Money is integer cents.
-- Unique constraints are named as Postgres names them ({table}_{columns}_key) so both backends
-- report the same constraint to the application.

create table organization (
    organization_id text primary key,
    slug text not null,
    name text not null,
    contact_email text not null,
    website text,
    created_at text not null,
    updated_at text not null,
    constraint organization_slug_key unique (slug)
);

create table organizer (
    organizer_id text primary key,
    organization_id text not null references organization (organization_id),
    email text not null,
    display_name text not null,
    password_hash text not null,
    role text not null constraint organizer_role_check
        check (role in ('admin', 'program_director', 'reviewer', 'finance', 'scolarite')),
    created_at text not null,
    updated_at text not null,
    constraint organizer_organization_id_email_key unique (organization_id, email)
);

create table edition (
    edition_id text primary key,
    organization_id text not null references organization (organization_id),
    slug text not null,
    year integer not null,
    title_en text not null,
    title_fr text not null,
    is_demo integer not null default 0 check (is_demo in (0, 1)),
    created_at text not null,
    updated_at text not null,
    constraint edition_organization_id_slug_key unique (organization_id, slug)
);

create table program (
    program_id text primary key,
    edition_id text not null references edition (edition_id),
    slug text not null,
    position integer not null,
    title_en text not null,
    title_fr text not null,
    summary_en text not null,
    summary_fr text not null,
    audience_en text not null,
    audience_fr text not null,
    teaching_language text not null,
    starts_on text not null,
    ends_on text not null,
    ects integer not null,
    hours integer not null,
    capacity integer not null constraint program_capacity_check check (capacity > 0),
    -- offers plus enrollments; the check is what keeps a 61st person out of a 60-seat cohort
    seats_held integer not null default 0,
    application_opens_at text not null,
    application_closes_at text not null,
    review_mode text not null constraint program_review_mode_check check (review_mode in ('review', 'first_come')),
    payment_deadline_days integer not null,
    contact_email text not null,
    created_at text not null,
    updated_at text not null,
    constraint program_edition_id_slug_key unique (edition_id, slug),
    constraint program_seats_held_check check (seats_held >= 0 and seats_held <= capacity),
    constraint program_dates_check check (starts_on <= ends_on)
);

create table program_place (
    program_id text not null references program (program_id) on delete cascade,
    position integer not null,
    name text not null,
    primary key (program_id, position)
);

create table program_certification (
    program_id text not null references program (program_id) on delete cascade,
    kind text not null constraint program_certification_kind_check check (kind in ('attestation_of_success', 'afgsu2')),
    primary key (program_id, kind)
);

create table fee_tier (
    fee_tier_id text primary key,
    program_id text not null references program (program_id),
    code text not null,
    position integer not null,
    label_en text not null,
    label_fr text not null,
    amount_cents integer not null constraint fee_tier_amount_cents_check check (amount_cents >= 0),
    currency text not null constraint fee_tier_currency_check check (currency in ('EUR')),
    is_standard integer not null check (is_standard in (0, 1)),
    applicant_category text,
    partner_only integer not null default 0 check (partner_only in (0, 1)),
    available_until text,
    created_at text not null,
    updated_at text not null,
    constraint fee_tier_program_id_code_key unique (program_id, code)
);

create table applicant (
    applicant_id text primary key,
    organization_id text not null references organization (organization_id),
    email text not null,
    locale text not null constraint applicant_locale_check check (locale in ('en', 'fr')),
    created_at text not null,
    updated_at text not null,
    constraint applicant_organization_id_email_key unique (organization_id, email)
);

create table application (
    application_id text primary key,
    program_id text not null references program (program_id),
    applicant_id text not null references applicant (applicant_id),
    status text not null constraint application_status_check check (status in (
        'draft', 'submitted', 'under_review', 'accepted', 'waitlisted', 'rejected', 'enrolled',
        'expired', 'withdrawn', 'cancelled', 'completed', 'not_completed')),
    submitted_at text,
    decided_at text,
    created_at text not null,
    updated_at text not null,
    constraint application_program_id_applicant_id_key unique (program_id, applicant_id)
);

create table fee_order (
    order_id text primary key,
    application_id text not null references application (application_id),
    status text not null constraint fee_order_status_check check (status in ('pending', 'paid', 'expired', 'cancelled')),
    total_cents integer not null constraint fee_order_total_cents_check check (total_cents >= 0),
    currency text not null constraint fee_order_currency_check check (currency in ('EUR')),
    price_explanation text not null,
    payment_reference text not null,
    deadline_at text not null,
    created_at text not null,
    updated_at text not null,
    constraint fee_order_application_id_key unique (application_id),
    constraint fee_order_payment_reference_key unique (payment_reference)
);

create table payment (
    payment_id text primary key,
    order_id text not null references fee_order (order_id),
    provider text not null constraint payment_provider_check check (provider in ('stripe', 'bank_transfer', 'simulated')),
    status text not null constraint payment_status_check check (status in (
        'created', 'pending', 'confirmed', 'failed', 'cancelled', 'refunded')),
    amount_cents integer not null constraint payment_amount_cents_check check (amount_cents >= 0),
    currency text not null constraint payment_currency_check check (currency in ('EUR')),
    provider_reference text,
    idempotency_key text not null,
    created_at text not null,
    updated_at text not null,
    constraint payment_idempotency_key_key unique (idempotency_key)
);

create table refund (
    refund_id text primary key,
    order_id text not null references fee_order (order_id),
    payment_id text not null references payment (payment_id),
    status text not null constraint refund_status_check check (status in ('created', 'pending', 'done', 'failed', 'cancelled')),
    amount_cents integer not null constraint refund_amount_cents_check check (amount_cents > 0),
    currency text not null constraint refund_currency_check check (currency in ('EUR')),
    reason text not null,
    provider_reference text,
    created_at text not null,
    updated_at text not null
);

create table certificate (
    certificate_id text primary key,
    application_id text not null references application (application_id),
    kind text not null constraint certificate_kind_check check (kind in ('attestation_of_success', 'afgsu2')),
    status text not null constraint certificate_status_check check (status in ('issued', 'revoked', 'superseded')),
    serial text not null,
    verification_code text not null,
    holder_name text not null,
    issued_at text not null,
    expires_at text,
    superseded_by text references certificate (certificate_id),
    signature text not null,
    created_at text not null,
    updated_at text not null,
    constraint certificate_serial_key unique (serial),
    constraint certificate_verification_code_key unique (verification_code)
);

create table audit_event (
    audit_event_id integer primary key autoincrement,
    organization_id text references organization (organization_id),
    actor text not null,
    action text not null,
    subject_type text not null,
    subject_id text not null,
    detail text not null,
    created_at text not null
);

create index audit_event_subject_idx on audit_event (subject_type, subject_id, audit_event_id);

create table job (
    job_id integer primary key autoincrement,
    kind text not null,
    payload text not null,
    status text not null constraint job_status_check check (status in ('queued', 'running', 'done', 'dead')),
    attempts integer not null default 0,
    max_attempts integer not null constraint job_max_attempts_check check (max_attempts > 0),
    run_at text not null,
    locked_until text,
    last_error text,
    created_at text not null,
    updated_at text not null,
    finished_at text
);

create index job_ready_idx on job (status, run_at);

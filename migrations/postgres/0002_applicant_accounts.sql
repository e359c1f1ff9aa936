-- Applicant accounts without passwords: single-use sign-in links sent by email, and server-side
-- sessions (so that several instances share them). Only hashes of links and session ids are stored.

create table sign_in_token (
    token_hash text primary key,
    organization_id text not null references organization (organization_id),
    email text not null,
    locale text not null constraint sign_in_token_locale_check check (locale in ('en', 'fr')),
    next_path text not null,
    -- a keyed hash of the requester's IP address: enough to rate-limit, not to identify
    requester text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz
);

create index sign_in_token_email_idx on sign_in_token (email, created_at);
create index sign_in_token_requester_idx on sign_in_token (requester, created_at);

create table applicant_session (
    session_hash text primary key,
    applicant_id text not null references applicant (applicant_id),
    created_at timestamptz not null,
    expires_at timestamptz not null
);

create index applicant_session_applicant_idx on applicant_session (applicant_id);

-- Organizer sign-in (issue 4): failed attempts, so that the sign-in form is rate limited per visitor
-- across every instance, and so that an unknown address answers exactly like a known one, lockout
-- included. Only keyed hashes are stored: enough to count, not to identify.

create table organizer_sign_in_attempt (
    attempt_id bigint generated always as identity primary key,
    -- a keyed hash of the visitor's IP address
    requester text not null,
    -- a keyed hash of the address typed in the form
    email_key text not null,
    created_at timestamptz not null
);

create index organizer_sign_in_attempt_requester_idx on organizer_sign_in_attempt (requester, created_at);
create index organizer_sign_in_attempt_email_idx on organizer_sign_in_attempt (email_key, created_at);
create index organizer_sign_in_attempt_created_idx on organizer_sign_in_attempt (created_at);

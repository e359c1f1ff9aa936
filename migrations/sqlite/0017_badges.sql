-- Participants' badges: a random token per enrolled participant, printed as a QR code on their badge.
-- An organizer who scans it opens the check-in page that marks them present for the day. The token
-- names nobody; it is made when the cohort's badges are first printed.
alter table application add column badge_token text;
create unique index application_badge_token_key on application (badge_token);

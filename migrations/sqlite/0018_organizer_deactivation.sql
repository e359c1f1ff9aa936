-- An organizer account an admin turned off: it cannot sign in, its sessions are gone, and it
-- keeps its history (audit events name it). Null while the account is active.
alter table organizer add column deactivated_at text;

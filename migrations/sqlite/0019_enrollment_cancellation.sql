-- Why an enrollment was cancelled (enrolled → cancelled), as the applicant is told. Null otherwise.
alter table application add column cancel_reason text;

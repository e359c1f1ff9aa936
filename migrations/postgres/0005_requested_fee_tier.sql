-- The fee tier an applicant asks for (when the program offers more than one), proved by a document.

alter table application_form add column requested_fee_tier text;

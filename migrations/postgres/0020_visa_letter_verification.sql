-- A consulate checks an invitation letter at /verify/{code}: the code printed on the letter (and in
-- its QR code), random like a certificate's. Letters requested before this have none until the
-- applicant asks for theirs again.
alter table visa_letter add column verification_code text;
create unique index visa_letter_verification_code_key on visa_letter (verification_code);

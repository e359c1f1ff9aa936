# Certificates (PDF).
certificate-success-title = Attestation of success
certificate-afgsu-title = Attestation of training in emergency care, level 2 (AFGSU 2)
certificate-certify = This is to certify that
certificate-born = born on { $date }
certificate-success-completed = has successfully completed the summer school
certificate-afgsu-completed = has completed the training in emergency gestures and care, level 2, within the summer school
# Places and institutions come from the catalog: sentences name them after a colon or in brackets,
# so they read right whatever their grammar (no article to agree, no "in" or "à" to choose).
certificate-details = Place: { $place } · { $dates } · taught in { $language } · { $hours } contact hours
certificate-result-passed = Result: passed
certificate-result-grade = Result: passed, grade { $grade }
certificate-result-failed = Result: not passed
certificate-ects = { $ects } ECTS credits
certificate-ects-workload = { $ects } ECTS credits ({ $hours } hours of student work)
certificate-afgsu-level = Level 2, practical skills validated
certificate-valid-until = Valid until { $date }
certificate-outcomes = Learning outcomes
certificate-supersedes = This attestation replaces the one numbered { $serial }.
certificate-issued = Issued in { $place } on { $date }
certificate-serial = Serial number: { $serial }
certificate-code = Verification code: { $code }
certificate-verify-at = Anyone can check this document at:
certificate-signed = Its data is signed electronically (Ed25519); the file carries them for checking offline.
verify-title = Certificate verification
verify-status-valid = Valid: this certificate was issued by us and stands.
verify-status-revoked = Revoked: this certificate is no longer valid.
verify-status-superseded = Replaced: a corrected certificate was issued in its place.
verify-status-expired = Expired: this attestation is past its last day of validity.
verify-revoked-reason = Reason: { $reason }
verify-superseded-by = It is replaced by the certificate numbered { $serial }.
verify-issuer = Issued by
verify-holder = Holder
verify-what = Certificate
verify-dates = Programme dates
verify-issued = Date of issue
verify-serial = Serial number
verify-credits = ECTS credits
verify-credits-workload = { $ects } ({ $hours } hours of student work)
verify-hours = Hours
verify-hours-value = { $hours } contact hours
verify-result = Result
verify-result-passed = Passed
verify-result-grade = Passed, grade { $grade }
verify-result-failed = Not passed
verify-valid-until = Valid until
verify-signature-ok = Its electronic signature checks against our public key.
verify-signature-bad = Its electronic signature does not check against our public key: contact the issuer.
verify-key = Our public key, to check certificate files and Open Badges yourself:
verify-letter-title = Invitation letter verification
verify-letter-status-valid = Valid: we issued this invitation letter, and the participant still has their place in the school.
verify-letter-dates-changed = The school's dates have changed since this letter was issued: it is now held { $dates }. The dates above are the letter's.
verify-letter-status-withdrawn = No longer valid: the participant no longer has a place in this school.
verify-letter-status-ended = The school is over: this letter was issued by us for it.
verify-letter-what = Invitation to the summer school
verify-letter-number = Letter number
verify-letter-records = Checked against the faculty's records at the time this page was opened. The letter's passport details are not shown here.
verify-another = Check another code
verify-lookup-title = Check a certificate or an invitation letter
verify-lookup-lead = Type the verification code printed on the document to see whether we issued it and whether it still stands.
verify-missing-title = No certificate or letter has this code
verify-missing-body = We have no certificate and no invitation letter with the code “{ $code }”.
verify-missing-malformed = This is not how our codes are written: check it against the document, character by character.
verify-code-label = Verification code
verify-code-hint = 16 letters and digits in four groups of four, for example 7KQ2-MX9D-4T8P-ZR3W
verify-submit = Check the code
verify-error-empty = Enter the verification code printed on the document
verify-where-title = Where to find the code
verify-where-certificate = On a certificate: at the bottom of the page, on the left, beside the QR code, on the line “Verification code:” (“Code de vérification :” on a certificate in French), under the serial number.
verify-where-letter = On an invitation letter: at the bottom of the page, on the left, beside the QR code, at the end of the address printed there: the code is what follows /verify/.
verify-where-qr = Scanning the QR code with a phone’s camera opens the document’s check without typing anything.
verify-format = A code has 16 characters in four groups of four, separated by dashes: capital letters and the digits 2 to 9. It never contains 0, 1, I or O, so it cannot be misread. Capital or small letters, spaces and dashes make no difference.
verify-contact-title = If you still cannot find it
verify-contact = If the code is typed correctly and still matches nothing, or the document has no code, write to us with the certificate’s serial number or the letter’s number:
notice-certificates-subject = Your certificates: { $program }
notice-certificates-body = Congratulations: you have completed { $program }. Your certificates are attached to this email.
notice-certificates-keep = They stay on your certificates page: download them at any time, get their Open Badge, and copy a link anyone can use to check them.
# The organizers' cohort page.
cohort-title = Participants, attendance and certificates
cohort-link = Participants, attendance and certificates
cohort-rule-assessment = Certified: present at least { $days } of the { $total } school days, and the assessment passed.
cohort-rule-attendance = Certified: present at least { $days } of the { $total } school days.
cohort-certificates = Certificates
cohort-signed-by = Signed by
cohort-afgsu-by = AFGSU 2 delivered by
cohort-issue-summary = Issuing now: { $graduates ->
    [one] { $graduates } graduate would receive
    *[other] { $graduates } graduates would receive
  } { $documents ->
    [one] { $documents } document
    *[other] { $documents } documents
  }; { $held } already hold theirs; { $short } do not complete yet.
cohort-issue = Issue the certificates
cohort-issue-not-finished = Certificates can be issued from the school's last day, { $date }.
cohort-issue-no-issuer = The catalog does not say who signs the certificates: add its [certificates] table.
cohort-issue-no-cesu = The catalog does not name the CESU that delivers the AFGSU 2 or who signs it for the CESU (certificates.afgsu_issuer, certificates.afgsu_signatory).
cohort-issued = { $graduates ->
    [one] { $graduates } graduate received
    *[other] { $graduates } graduates received
  } { $documents ->
    [one] { $documents } document
    *[other] { $documents } documents
  }. Each is told by email.
cohort-revoked = The certificate is revoked: its verification page says so, with the reason.
cohort-corrected = A corrected certificate replaces the old one, and the graduate is told by email.
cohort-participants = Participants
cohort-none = Nobody is enrolled in this school yet.
cohort-days = Days
cohort-result = Result
cohort-grade = Grade
cohort-status = Completion
cohort-passed = Passed
cohort-failed = Not passed
cohort-afgsu-validated = Validated
cohort-afgsu-not-validated = Not validated
cohort-completes = Completes.
cohort-no-afgsu = No AFGSU 2 (practical skills not validated).
cohort-short-attendance = Present { $present ->
    [one] { $present } day
    *[other] { $present } days
  }, { $required } required.
cohort-short-no-result = No result yet.
cohort-short-failed = Assessment not passed.
cohort-short-birth-date = No date of birth on file.
cohort-save-attendance = Save attendance
cohort-save-results = Save results
cohort-correct = Issue a corrected certificate
cohort-revoke = Revoke
cohort-revoke-reason = Reason for revoking
cohort-error-reason = Give the reason for revoking (at most 500 characters): it is shown on the verification page.
cohort-error-result = Choose passed or not passed
cohort-error-grade = A grade has at most 20 characters
cohort-error-afgsu = Choose whether the AFGSU 2 practical training was validated
cohort-saved-attendance = Attendance saved.
cohort-saved-results = Results saved.
cohort-saved-import = The results file was recorded.
cohort-import = Import results from a spreadsheet
cohort-import-lead = A CSV file with a header line: email, result (passed or failed), and optionally grade and afgsu (yes or no). Commas or semicolons. A file with a mistake records nothing.
cohort-import-file = Results file (CSV)
cohort-import-submit = Import
cohort-import-no-file = Choose a CSV file to import
cohort-import-too-large = The file is larger than 256 KB: is it the right one?
cohort-import-missing-column = The first line must name the columns; the column { $column } is missing
cohort-import-unreadable = Line { $line }: this is not a readable CSV file (save it as CSV, UTF-8)
cohort-import-empty = The file has no result after its header line
cohort-import-too-long = The file has more lines than a cohort has participants
cohort-import-unknown = Line { $line }: no enrolled participant has the address { $email }
cohort-import-duplicate = Line { $line }: { $email } appears a second time
cohort-import-result = Line { $line }: "{ $value }" is not a result (passed or failed)
cohort-import-grade = Line { $line }: a grade has at most 20 characters
cohort-import-afgsu = Line { $line }: "{ $value }" is not an AFGSU 2 validation (yes or no)
# The graduate's certificates page.
graduates-title = Your certificates
graduates-none = You hold no certificate yet. They appear here once your school's organizers issue them, from its last day; you are told by email.
graduates-lead = Download them at any time. Share the link of each: anyone who opens it can check that it is genuine, without an account.
graduates-issued = issued on { $date }
graduates-pdf-en = Download in English (PDF)
graduates-pdf-fr = Download in French (PDF)
graduates-share = Link to check it
graduates-copy = Copy the link
graduates-copied = Link copied
applications-certificates = Your certificates
# The visa invitation letter (PDF) and its form.
visa-letter-number = Ref. { $number }
visa-letter-date = { $place }, { $date }
visa-letter-to = To the consular authorities concerned
visa-letter-title = Letter of invitation
visa-letter-name = Name (as in passport)
visa-letter-birth = Date of birth
visa-letter-nationality = Nationality
visa-letter-passport = Passport number
visa-letter-expiry = Passport valid until
# Places and institutions come from the catalog: sentences name them after a colon or in brackets,
# so they read right whatever their grammar (no article to agree, no "in" or "à" to choose).
visa-letter-body-enrolled = We confirm that { $name } is enrolled in the summer school "{ $program }" ({ $institution }), and has paid the tuition fee or been granted a waiver.
visa-letter-body-admitted = We confirm that { $name } has been admitted to the summer school "{ $program }" ({ $institution }). Enrolment is final once the tuition fee is paid.
visa-letter-body-school = Place of the school: { $place }. Dates: { $dates }. Teaching: { $hours } hours, in person, on weekdays.
visa-letter-body-costs = Travel, accommodation, health insurance and living costs during the stay are the participant's responsibility. This letter does not commit the university to any of them.
visa-letter-body-contact = For any question about this letter, write to { $contact }.
visa-letter-footer = This letter is issued at the participant's request for a visa application only. The passport data it shows is erased from our records once the school is over.
visa-letter-verify = Consulates can check this letter, and whether it still stands, at:
visa-title = Visa invitation letter
visa-lead = If you need a visa to come to France, we write a letter of invitation for the consulate. Enter your details exactly as they appear in your passport. We keep them only until the school ends.
visa-passport-name = Name as it appears in your passport
visa-passport-name-hint = Surname and given names, in the order and spelling of the passport's identity page.
visa-passport-number = Passport number
visa-nationality = Nationality (as in the passport)
visa-birth-date = Date of birth
visa-expiry = Passport expiry date
visa-expiry-hint = Your passport must be valid until at least { $date } (three months after the school ends).
visa-submit = Get my letter
visa-update = Correct my details
visa-ready = Your letter { $number } is ready.
visa-download = Download the letter (PDF)
visa-erased = The school is over: the passport data of your letter { $number } has been erased, as promised.
visa-not-admitted = A visa letter is written once you have been offered a place.
visa-link = Visa invitation letter
error-passport-number-empty = Enter your passport number
error-passport-number = Enter the passport number as printed: 5 to 20 letters and digits
error-passport-expiry = Your passport must be valid until at least three months after the school ends
visa-school-over = The school is over: visa letters are no longer written for it.
cohort-badges = Print the badges (PDF)
cohort-badges-hint = each carries a QR code: scan it with a phone signed in here to mark the participant present for the day.
cohort-export = Download the cohort (CSV)
cohort-export-hint = a line per participant with each day, the result and completion. With every result filled in, the same file can be imported back below.
badge-role = Participant
badge-scan = Organizers: scan to check in
check-in-title = Check-in
check-in-present = Present today.
check-in-not-yet = Not marked present today yet.
check-in-not-a-school-day = Today is not a school day of this programme: nothing to mark.
check-in-submit = Mark present today
check-in-done = Marked present.
check-in-next = Scan the next badge with your phone's camera.
verify-demo-badge = DEMO
verify-demo-notice = This is a demo document, made to try the service. It certifies nothing about anyone.

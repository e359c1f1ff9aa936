site-name = Summer Schools
site-owner = Université Paris Cité · Medical School
skip-to-content = Skip to main content
language-switch = Language
footer-contact = Questions about the summer schools: write to
footer-api = Open data: programs as JSON
footer-verify = Certificates issued by this service can be verified on this site.

home-title = Summer Schools in Paris
home-lead = Two-week programs taught entirely in English at Université Paris Cité Medical School, for international students in medicine and health sciences, engineers and data scientists.
home-empty = No program has been published yet.
edition-demo-badge = Demo
edition-demo-notice = This is a demo edition for trying the service. It is not a real school: nothing you do here is an application.

program-dates = Dates
program-fee = Fee
program-certification = Certification
program-places = Where
program-language = Language
program-taught-in-en = Taught entirely in English
program-taught-in-fr = Taught in French
program-workload = Workload
program-ects = { $ects } ECTS credits
program-hours = { $hours } hours
program-audience = Who it is for
program-applications = Applications
program-seats = Seats
program-contact = Questions about this school
program-read-more = About this school
program-back = All summer schools
program-past = This edition took place { $dates }.

cert-attestation_of_success = Attestation of success from Université Paris Cité
cert-afgsu2 = AFGSU level 2: the official French emergency-care certification for health professionals (valid 4 years)

window-open = Applications are open until { $date } (Paris time).
window-not-yet = Applications open on { $date } (Paris time).
window-closed = Applications are closed.

seats-left = { $count ->
    [one] 1 seat left
   *[other] { $count } seats left
}
seats-full = Full: new applications go on the waiting list
seats-capacity = { $count ->
    [one] { $count } seat in total
    *[other] { $count } seats in total
  }

not-found-title = Page not found
not-found-body = If you typed the address, check it is correct. If you followed a link, the page may have moved.
not-found-home = Go to the summer schools home page
error-title = Sorry, there is a problem with the service
error-body = Please try again later. Nothing you entered has been lost. If the problem continues, write to us.

email-greeting = Hello,
email-signoff = The summer schools team, Université Paris Cité Medical School
email-organizer-welcome-subject = Your organizer account for the summer schools
email-organizer-welcome-body = An organizer account was created for you with the role: { $role }. You will sign in at the address below with this email address and the password given to the person who created the account.
email-test-subject = Test message from the summer schools service
email-test-body = This message confirms that the service can send email. You do not need to do anything.

forbidden-title = This form has expired
forbidden-body = For your security, forms stop working after a while or in another browser. Go back, reload the page and try again: nothing has been changed.

error-summary-title = There is a problem
error-title-prefix = Error:
field-optional = (optional)
button-continue = Continue
button-back = Back

nav-my-applications = Your applications
nav-sign-in = Sign in
nav-sign-out = Sign out

sign-in-title = Sign in to apply
sign-in-lead = We will email you a link to sign in. You do not need a password.
sign-in-email = Email address
sign-in-email-hint = Use an address you can read now. We will also use it to tell you about your application.
sign-in-submit = Email me a sign-in link
sign-in-sent-title = Check your email
sign-in-sent-body = We have sent a sign-in link to { $email }. It works once, for 30 minutes.
sign-in-sent-help = Not there after a few minutes? Look in your spam folder, or ask for a new link. For your security we send at most 5 links an hour to one address.
sign-in-confirm-title = Continue signing in
sign-in-confirm-body = Select the button to finish signing in on this device.
sign-in-confirm-submit = Sign in
sign-in-invalid-title = This sign-in link no longer works
sign-in-invalid-body = Sign-in links work once, for 30 minutes. Ask for a new one.
sign-in-again = Get a new sign-in link
sign-out-done = You have signed out.

error-email-empty = Enter your email address
error-email-malformed = Enter an email address in the correct format, like name@example.org
error-email-too-long = Email address must be 254 characters or fewer

email-sign-in-subject = Your sign-in link for the summer schools
email-sign-in-body = Use the link below to sign in. It works once, for 30 minutes. If you did not ask for it, you can ignore this email: nobody can sign in without it.

applications-title = Your applications
applications-signed-in-as = Signed in as { $email }
applications-none = You have not started an application yet.
applications-browse = See the summer schools

program-apply = Apply to this school
apply-start-title = Apply: { $program }
apply-start-body = Your answers are saved at each step: you can stop and come back. You check everything before you send it.
apply-start-need = You will need: your CV, a motivation letter and a transcript or proof of your status, as PDF, JPEG or PNG files.
apply-start-submit = Start your application
apply-closed = Applications for this school are not open.

step-identity = Your identity
step-contact = Your contact details
step-background = Your studies and work
step-motivation = Your motivation
step-documents = Your documents
step-declaration = Declaration
step-check = Check your answers before sending your application
step-caption = Application: { $program }

field-given_names = Given names
field-given_names-hint = All of them, as in your passport.
field-family_name = Family name
field-certificate_name = Name as it must appear on certificates
field-certificate_name-hint = Exactly as it should be printed on your attestation. Latin, Greek and Cyrillic letters can be printed.
field-birth_date = Date of birth
field-birth_date-hint = For example, 27 3 1998
date-day = Day
date-month = Month
date-year = Year
field-nationality = Nationality
field-residence_country = Country where you live
choose-country = Choose a country
field-phone = Phone number
field-phone-hint = In international format: + then your country code, for example +33 6 12 34 56 78
field-address = Postal address, for your invoice
field-address_line1 = Address line 1
field-address_line2 = Address line 2 (optional)
field-address_city = Town or city
field-address_postcode = Postcode (optional)
field-address_country = Country
field-category = Which describes you best?
category-medical_student = Medical student
category-resident = Resident (doctor in specialty training)
category-physician = Physician
category-nurse_or_health_professional = Nurse or other health professional
category-engineer_or_data_scientist = Engineer or data scientist
category-other = Other
field-study_year = Year of medical studies (medical students only)
field-study_year-hint = A number from 1 to 7
field-institution = University, hospital or company
field-institution_country = Country of your institution
field-partner_university = Is your institution a partner university of Université Paris Cité?
field-partner_university-hint = Partner universities are listed on the faculty's international relations pages.
answer-yes = Yes
answer-no = No
field-english_level = Your level of English
field-english_level-hint = The school is taught entirely in English. B2 or above is recommended.
english-b1 = B1: intermediate
english-b2 = B2: upper intermediate
english-c1 = C1: advanced
english-c2 = C2: proficient
english-native = Native or bilingual
field-motivation = Why do you want to join this school?
field-motivation-hint = Between { $min } and { $max } characters.
field-cv = CV
field-motivation_letter = Motivation letter
field-proof_of_status = Transcript or proof of your status
field-proof_of_status-hint = A transcript, a student card, an employment certificate or a licence to practise.
field-fee_proof = Proof for a reduced fee
documents-hint = PDF, JPEG or PNG, 10 MB at most each. To replace a file, choose a new one.
document-uploaded = Uploaded: { $name } ({ $size })
field-consent = I have read the privacy notice and the application terms, and I agree to them
field-consent-hint = Privacy notice version { $privacy }, application terms version { $terms }. We keep your application and documents to run the school and issue your certificates, and never share them outside the faculty.
check-change = Change
check-missing = Not answered yet
check-submit = Send application
check-incomplete = Some answers are missing. Complete them before you send your application.

submitted-title = Application sent
submitted-reference = Your reference: { $reference }
submitted-body = We have sent a confirmation to { $email }.
submitted-next = What happens next: the organizers review every application after the deadline and email you their decision. You can follow your application on this site.

application-status-draft = Draft: not sent yet
application-status-submitted = Sent, waiting for review
application-status-under_review = Being reviewed
application-status-accepted = Accepted: pay to confirm your place
application-status-waitlisted = On the waiting list
application-status-rejected = Not accepted
application-status-enrolled = Enrolled
application-status-expired = Offer expired
application-status-withdrawn = Withdrawn
application-status-cancelled = Cancelled
application-status-completed = Completed
application-status-not_completed = Not completed

applications-continue = Continue your application
applications-view = View
application-title = Your application: { $program }
application-reference = Reference
application-status = Status
application-next = What to do next
application-next-draft = Finish and send your application before { $date } (Paris time).
application-next-submitted = Nothing for now: the organizers will review your application and email you their decision.
application-next-none = Nothing to do.
application-documents = Documents
application-timeline = History
application-withdraw = Withdraw this application
application-withdraw-hint = If you withdraw, your application will not be considered. You can not undo this.
timeline-application-started = Application started
timeline-application-document-added = Document uploaded
timeline-application-submitted = Application sent
timeline-application-withdrawn = Application withdrawn
timeline-email-sent = Email sent: { $subject }
timeline-email-queued = Email being sent: { $subject }
timeline-application-under-review = Review of your application began
timeline-application-cancelled = Enrollment cancelled
timeline-application-completed = School completed
timeline-visa-letter-requested = Visa letter issued
timeline-visa-letter-erased = Passport details erased after the school

error-name-empty = Enter a name
error-name-too-long = Must be { $count } characters or fewer
error-name-characters = Use letters, spaces, hyphens and apostrophes only
error-certificate-name-script = Our certificates cannot print some of these letters. Enter your name in its Latin form, as in the machine-readable lines of your passport
error-certificate-name-too-long = This name is too long to print on the certificate and the badge. Shorten it, for example with initials for middle names
error-passport-name-script = Our letters cannot print some of these letters. Enter the name as in the machine-readable lines of the passport
error-passport-name-too-long = This name is too long to print on the letter. Enter it as in the machine-readable lines of the passport
error-date-empty = Enter a date
error-date-incomplete = Enter the day, the month and the year
error-date-real = Enter a real date
error-date-year = Enter the year with 4 digits
error-birth-date-future = The date must be in the past
error-birth-date-young = You must be at least { $count } years old
error-phone-empty = Enter a phone number
error-phone-international = Enter the number in international format: + then the country code, for example +33 6 12 34 56 78
error-required = Enter this information
error-too-long = Must be { $count } characters or fewer
error-characters = Remove the invisible control characters
error-motivation-empty = Tell us why you want to join this school
error-motivation-short = Write at least { $count } characters
error-motivation-long = Write { $count } characters or fewer
error-choose-one = Choose one option
error-study-year-empty = Enter your year of medical studies
error-study-year-range = Enter a number from 1 to { $count }
error-country = Choose a country from the list
error-file-empty = The selected file is empty
error-file-too-large = The file must be smaller than 10 MB
error-file-type = The file must be a PDF, JPEG or PNG
error-file-required = Upload this document
error-consent = Tick the box to confirm that you agree
error-window = Applications for this school are closed

email-received-subject = Application received: { $program }
email-received-body = We have received your application to { $program } (reference { $reference }).
email-received-summary = You sent: identity and contact details, your studies and work, your motivation statement and { $documents ->
    [one] one document
    *[other] { $documents } documents
  }.
email-received-next = The organizers review every application after the deadline and will email you their decision. You can follow your application here:
field-requested_fee_tier = Which fee do you ask for?
field-requested_fee_tier-hint = A reduced fee needs a proof (a student card, a partner university's letter…), which you upload with your documents. The organizers confirm the fee when they make you an offer.
field-fee_proof-hint = The document that shows you can have the fee you asked for.
application-receipts = Receipts
field-discount_code = Discount code (optional)
field-discount_code-hint = If your university or a partner gave you a code, type it here. It is applied to your fee when you are offered a place, if it is still valid then.
error-code-malformed = A code is 3 to 32 letters, digits or hyphens. Check what you typed.
error-code-unknown = This code does not exist for this programme. Check what you typed, or leave the field empty.
error-code-other-program = This code is for another programme.
error-code-expired = This code has expired.
error-code-used-up = This code has already been used as many times as it allows.
application-certificates = Your certificates
application-certificate-badge = Open Badge (JSON)
application-certificate-share = Anyone can check it at:

# The demo (serve --demo)
demo-banner-label = Demo
demo-banner-text = This service is running as a demo: nothing here is a real application, payment or certificate.
demo-banner-link = Sign in as anyone of the demo
demo-title = Try the demo
demo-intro = The demo has two editions of the summer schools: one open for applications, and one whose school ended last week. Its people are at every stage and in every role. Choose someone to sign in as them with one click.
demo-labelled = Everything of the demo is labelled: its receipts, certificates and letters say DEMO on the page and on the verification page, and are numbered in series of their own (DEMO-R-…, DEMO-UPC-SS-…, DEMO-V-…), so trying the service never takes a real number. Its email addresses end in @demo.example and reach nobody.
demo-organizers-heading = Organizers
demo-organizers-password = One per role. They can also sign in on the organizers' sign-in page with their email address and the demo password { $password }.
demo-applicants-heading = Applicants and graduates
demo-applicants-intro = Applicants see their application and its history; graduates also see their certificates, which they can download and share.
demo-verify-heading = Check a certificate or a letter
demo-verify-intro = Anyone holding a certificate or a visa invitation letter checks it with the code printed on it (and in its QR code). Try the demo's codes:
demo-verify-none = The demo has no certificates yet.
demo-column-name = Name
demo-column-role = Role
demo-column-email = Email address
demo-column-stage = Where they stand
demo-column-sign-in = Sign in
demo-column-code = Code
demo-column-document = Document
demo-column-holder = Holder
demo-sign-in-as = Sign in as { $name }
demo-edition-open = Demo edition open for applications
demo-edition-past = Demo edition whose school has ended
demo-stage-draft = Started an application and has not sent it yet
demo-stage-submitted = Sent an application, waiting for review
demo-stage-under-review = Application under review, scored by two reviewers
demo-stage-waitlisted = On the waitlist
demo-stage-offered = Offered a place, payment not made yet
demo-stage-enrolled = Paid and enrolled, with a visa invitation letter
demo-stage-rejected = Application not accepted
demo-stage-withdrawn = Withdrew their application
demo-stage-graduated = Graduated: attestation of success and AFGSU 2
demo-stage-graduated-visa = Graduated: attestation of success and AFGSU 2, and a visa letter before the school
demo-stage-corrected = Graduated; a grade was corrected and the attestation replaced
demo-stage-revoked = Graduated; the attestation of success was then revoked
demo-stage-absent = Absent three days: no certificate
demo-document-visa = Visa invitation letter
demo-document-afgsu = AFGSU 2 attestation
demo-document-issued = valid
demo-document-revoked = revoked
demo-document-superseded = replaced by a correction
demo-locked-title = This demo account is locked for now
demo-locked-body = Someone typed a wrong password for it five times on the organizers' sign-in page, so it is locked for 15 minutes, as any account would be. Try another demo person, or come back later.
unavailable-title = Sorry, the service is unavailable
unavailable-body = It cannot reach its records for a moment. Please try again in a few minutes: nothing you entered before has been lost.

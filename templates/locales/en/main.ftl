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
seats-capacity = { $count } seats in total

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

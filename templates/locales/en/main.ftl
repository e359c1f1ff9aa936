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

# Decisions, offers and deadlines: the emails applicants receive.

notice-offer-subject = A place for you: { $program }
notice-offer-body = Good news: you are offered a place in { $program }.
notice-offer-fee = Your fee: { $explanation }.
notice-offer-pay = Please pay { $amount } by { $deadline } (Paris time), with the reference { $reference }. If the fee is not paid by then, the place goes to the next person on the waitlist.
notice-offer-decline = If you cannot come, please decline the offer on your application page, so that someone else can have the place.
notice-enrolled-subject = You are enrolled: { $program }
notice-enrolled-body = Your place in { $program } is confirmed.
notice-enrolled-waiver = Your fee has been waived ({ $reason }): there is nothing to pay.
notice-enrolled-calendar = Your summer school. Questions: { $contact }
notice-enrolled-paid = We have received your payment of { $amount } (reference { $reference }). Thank you.
notice-waitlisted-subject = On the waitlist: { $program }
notice-waitlisted-body = Every place in { $program } is taken for now. You are number { $position } on the waitlist.
notice-waitlisted-next = If a place frees up, we will offer it to you by email, with a deadline to pay. You can see your position on your application page at any time.
notice-rejected-subject = Your application to { $program }
notice-rejected-body = We are sorry: we cannot offer you a place in { $program }.
notice-rejected-thanks = Thank you for your interest in our summer schools. For any question, write to { $contact }.
notice-reminder-subject = { $days ->
    [one] One day left to pay: { $program }
   *[other] { $days } days left to pay: { $program }
}
notice-reminder-body = Your place in { $program } is held for you until { $deadline } (Paris time).
notice-expired-subject = Your offer has expired: { $program }
notice-expired-body = The deadline to pay for your place in { $program } passed on { $deadline } without payment, so the place has gone to the next person on the waitlist. If you think this is a mistake, please write to { $contact }.
notice-cancelled-subject = Your place is cancelled: { $program }
notice-cancelled-body = Your enrollment in { $program } has been cancelled. The reason given: { $reason }
notice-cancelled-money = If part of your fee is given back, another email will bring the credit note once the refund is made. For any question, write to { $contact }.
application-cancelled-reason = Your enrollment was cancelled. The reason given: { $reason }
notice-extended-subject = New deadline to pay: { $program }
notice-extended-body = The organizers have given you until { $deadline } (Paris time) to pay for your place in { $program }.

reject-reason-program_full = Every place has been given to applicants whose profiles matched the program most closely.
reject-reason-profile = Your studies and experience do not match what this program requires.
reject-reason-incomplete = Your application was missing documents or answers we needed to assess it.
reject-reason-language = The program is taught entirely in English, and your application does not show the level it requires.
reject-reason-other = The organizers could not accept your application this year.

# The applicant's page.
application-next-accepted = You have a place. Please pay { $amount } by { $deadline } (Paris time), with the reference { $reference }. If the fee is not paid by then, the place goes to the next person on the waitlist.
application-offer-fee = How your fee was set: { $explanation }.
application-next-enrolled = Your place is confirmed. We will email you everything you need before the school starts.
application-next-completed = You completed the school: your certificates are below, and all of them are on the page Your certificates.
application-next-expired = The deadline to pay ({ $deadline }, Paris time) passed without payment, and the place has gone to the next person on the waitlist.
application-next-waitlisted = { $position ->
    [one] You are first on the waitlist. If a place frees up, we will email you an offer with a deadline to pay.
   *[other] You are number { $position } on the waitlist. If a place frees up, we will email you an offer with a deadline to pay.
}
application-next-rejected = We are sorry: we could not offer you a place.
application-decline = Decline the offer
application-decline-hint = If you cannot come, decline the offer: your place goes at once to the next person on the waitlist. This cannot be undone.
timeline-application-accepted = A place was offered
timeline-application-waitlisted = Put on the waitlist
timeline-application-rejected = Application not accepted
timeline-application-expired = The offer expired unpaid
timeline-offer-deadline-extended = The deadline to pay was extended
# The kind of a document in the cohort grid, before its serial.
cohort-kind-success = Attestation of success
cohort-kind-afgsu = AFGSU 2

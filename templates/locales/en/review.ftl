# Organizers: a program's queue, one application, decisions.

queue-any = Any
queue-status = Status
queue-country = Country (nationality or residence)
queue-export = Download this list (CSV, with email addresses)
export-certificate-name = Name on certificates
export-email = Email address
export-residence = Country of residence
export-scored-by = Scored by
queue-min-score = Minimum score (1 to 5)
queue-min-score-invalid = Enter a score from 1 to 5, like 3.5
queue-documents = Documents
queue-documents-complete = Complete
queue-documents-missing = Missing some
queue-filter = Filter
queue-count = { $shown } of { $total ->
    [one] { $total } application
    *[other] { $total } applications
  }
queue-name = Name
queue-submitted = Sent
queue-score = Score
queue-reviewers = Reviewers
queue-select = Select
queue-seats = { $capacity } places: { $held } offered or taken, { $waitlisted } on the waitlist
queue-blind = Blind review: names, nationalities, institutions and contact details are hidden from reviewers.
queue-bulk = Decide for the selected applications
queue-bulk-hint = Offers use the catalog price and the program's usual deadline; when places run out, the rest are left as they are.
queue-bulk-apply = Apply to the selected applications
queue-bulk-none-selected = Tick at least one application
queue-bulk-no-decision = Choose the decision to apply
queue-bulk-done = { $count ->
    [0] No application decided.
    [one] One application decided.
   *[other] { $count } applications decided.
}
blind-hidden = Hidden (blind review)

review-title = { $name } ({ $reference })
review-title-blind = Application { $reference }
review-waitlist-position = Place on the waitlist
review-offer-label = Offer
review-offer = { $amount } by { $deadline } (Paris time), { $status }. { $explanation }
review-scores = Scores
review-criterion = Criterion
review-score-hint = Score each criterion from 1 (weak) to 5 (excellent).
review-score-invalid = Score “{ $criterion }” with a whole number from 1 to 5
review-save-scores = Save my scores
review-conflicted = You declared a conflict of interest: you cannot score this application.
review-conflict-declare = Declare a conflict of interest
review-conflict-lift = Withdraw my conflict of interest
review-conflict-tag = conflict of interest
review-comments = Comments
review-comment-label = Add a comment (organizers only)
review-comment-missing = Write your comment
review-comment-invalid = Write a comment of at most 5,000 characters
review-add-comment = Add the comment
review-assign-label = Reviewer
review-assign = Assign
review-unassign = Remove
review-done-scored = Your scores are saved.
review-done-commented = Your comment is added.
review-done-assigned = The reviewer is assigned.
review-done-unassigned = The reviewer is removed.
review-done-nobody = Choose a reviewer of this program.
review-done-conflict = Your conflict of interest is recorded; your scores were removed.
review-done-no-conflict = Your conflict of interest is withdrawn.
review-done-offered = A place is offered: the applicant has been emailed.
review-done-enrolled = The fee is waived: the applicant is enrolled and has been emailed.
review-done-waitlisted = The application is on the waitlist: the applicant has been emailed.
review-done-rejected = The application is rejected: the applicant has been emailed.
review-done-nothing = Nothing was changed.
review-done-extended = The deadline is extended: the applicant has been emailed.

decision-title = Decision
decision-accept = Offer a place
decision-waitlist = Put on the waitlist
decision-reject = Reject
decision-reject-reason = Reason given to the applicant
decision-tier = Fee
decision-adjustment = Adjustment
decision-adjustment-none = None: the fee as listed
decision-adjustment-waiver = Lower the fee by an amount
decision-adjustment-full = Waive the whole fee (enrolls at once)
decision-adjustment-set = Set the price
decision-amount = Amount in euros
decision-amount-hint = For a reduction or a set price, like 500 or 1250.50
decision-amount-invalid = Enter the amount in euros, like 500 or 1250.50
decision-reason = Reason for the adjustment (shown to the applicant)
decision-deadline = Last day to pay
decision-deadline-hint = The offer ends at midnight, Paris time, on this day.
decision-deadline-invalid = Enter a last day to pay that is today or later
decision-reason-missing = Choose the reason given to the applicant
decision-full = No place is left: put the application on the waitlist, or free a place first
decision-state = This decision does not apply to the application as it stands now
decision-price-invalid = Check the adjustment: it needs a reason, and cannot be more than the fee
decision-extend-title = Give more time to pay
decision-extend = Extend the deadline
decision-extend-invalid = Enter a day later than the current deadline

reject-label-program_full = Places given to closer profiles
reject-label-profile = Profile does not match the program
reject-label-incomplete = Application incomplete
reject-label-language = English level too low
reject-label-other = Other

//! Why an operation said no: every refusal the product can give, as one enum.
//!
//! The store returns them (inside `StoreError::Refused`); the web layer turns each into an HTTP
//! status and a sentence in the visitor's language in one place, and the API into its stable
//! [`Refusal::code`]. A handler that does not expect a refusal still answers with its sentence,
//! never with a 500.

use super::offer::PriceError;
use super::status::JobStatus;

/// A refusal: the request was understood, and the current state does not allow it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    // Applications.
    /// The application is no longer a draft (it was sent, withdrawn, …).
    #[error("the application is no longer a draft")]
    NotDraft,
    /// The program's application window is closed.
    #[error("applications for this program are closed")]
    WindowClosed,
    /// The application is not in a state that allows this move.
    #[error("the application's state does not allow this")]
    WrongState,
    /// No seat is left in the cohort.
    #[error("no seat is left")]
    Full,
    /// The program has no fee tier for this applicant.
    #[error("no fee applies to this applicant")]
    NoFeeTier,
    /// The price asked for is not one the fee allows.
    #[error("the price is not allowed: {0}")]
    Price(#[from] PriceError),
    /// There is no offer waiting for the applicant's answer.
    #[error("there is no pending offer")]
    NoPendingOffer,
    /// A new deadline must be later than the current one.
    #[error("the new deadline is not later than the current one")]
    DeadlineNotLater,
    /// The waitlist is not open for offers (the review is still going on).
    #[error("offers cannot be made yet")]
    OffersNotOpen,
    /// A reviewer declared a conflict of interest with this applicant.
    #[error("the reviewer has a conflict of interest")]
    ReviewerConflicted,

    // Payments.
    /// The order cannot be paid now (paid, cancelled, expired, waived).
    #[error("the order cannot be paid now")]
    NotPayable,
    /// The checkout was never created at the provider.
    #[error("the checkout was not created")]
    CheckoutNotCreated,
    /// There is no confirmed payment.
    #[error("nothing has been paid")]
    NotPaid,
    /// More than what was paid, less what is refunded already.
    #[error("more than what can be refunded")]
    RefundTooLarge,
    /// The statement line was matched already, or is not money in.
    #[error("the statement line is matched already")]
    AlreadyMatched,
    /// A reason is required for this change and none was given.
    #[error("a reason is required")]
    NoReason,

    // Cohorts and documents.
    /// The application is not enrolled.
    #[error("the application is not enrolled")]
    NotEnrolled,
    /// The document was issued already.
    #[error("already issued")]
    AlreadyIssued,
    /// Only one application can be issued at a time.
    #[error("one application at a time")]
    OneApplicationAtATime,
    /// Attendance for a day that has not come yet.
    #[error("that day has not come yet")]
    FutureDay,
    /// Attendance for a day the school does not meet.
    #[error("that day is not a school day")]
    NotASchoolDay,
    /// A visa letter for an application that is not admitted.
    #[error("the application is not admitted")]
    NotAdmitted,
    /// A visa letter after the school has ended.
    #[error("the school is over")]
    SchoolOver,

    // Organizers and their accounts.
    /// Too many wrong passwords: the account is locked for a while.
    #[error("the account is locked")]
    Locked,
    /// A two-factor code that was used already.
    #[error("that code was used already")]
    CodeReplayed,
    /// Two-factor sign-in is on already.
    #[error("two-factor sign-in is on already")]
    TwoFactorAlreadyOn,
    /// The invitation's account has set its password already.
    #[error("the account is active already")]
    AccountActive,
    /// A link (invitation, sign-in, reset) that was used already.
    #[error("the link was used already")]
    LinkUsed,
    /// A link past its time.
    #[error("the link has expired")]
    LinkExpired,
    /// The change would leave the organization without an active admin.
    #[error("the organization would have no admin left")]
    LastAdmin,
    /// A discount code that exists already.
    #[error("that code exists already")]
    DuplicateCode,
    /// A real account has this address: the demo does not touch it.
    #[error("not a demo account")]
    NotDemo,

    // Operations (the CLI).
    /// A reload that would drop a program stored in the database.
    #[error(
        "program `{program}` of edition `{edition}` is in the database but not in the file; a reload never deletes a program"
    )]
    ProgramMissingFromFile { program: String, edition: String },
    /// Nothing can be done before a catalog names the organization.
    #[error("there is no organization `{0}`: load a catalog first")]
    NoOrganization(String),
    /// Nothing is loaded yet: no catalog has named an organization.
    #[error("no organization yet: load a catalog")]
    NoCatalog,
    /// Only dead jobs are retried.
    #[error("job {job_id} is {status}, not dead: only dead jobs are retried")]
    JobNotDead { job_id: i64, status: JobStatus },
}

impl Refusal {
    /// A stable code, the same in every language (the API's `error`, the logs).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotDraft => "not_draft",
            Refusal::WindowClosed => "window_closed",
            Refusal::WrongState => "wrong_state",
            Refusal::Full => "full",
            Refusal::NoFeeTier => "no_fee_tier",
            Refusal::Price(_) => "price",
            Refusal::NoPendingOffer => "no_pending_offer",
            Refusal::DeadlineNotLater => "deadline_not_later",
            Refusal::OffersNotOpen => "offers_not_open",
            Refusal::ReviewerConflicted => "reviewer_conflicted",
            Refusal::NotPayable => "not_payable",
            Refusal::CheckoutNotCreated => "checkout_not_created",
            Refusal::NotPaid => "not_paid",
            Refusal::RefundTooLarge => "refund_too_large",
            Refusal::AlreadyMatched => "already_matched",
            Refusal::NoReason => "no_reason",
            Refusal::NotEnrolled => "not_enrolled",
            Refusal::AlreadyIssued => "already_issued",
            Refusal::OneApplicationAtATime => "one_application_at_a_time",
            Refusal::FutureDay => "future_day",
            Refusal::NotASchoolDay => "not_a_school_day",
            Refusal::NotAdmitted => "not_admitted",
            Refusal::SchoolOver => "school_over",
            Refusal::Locked => "locked",
            Refusal::CodeReplayed => "code_replayed",
            Refusal::TwoFactorAlreadyOn => "two_factor_already_on",
            Refusal::AccountActive => "account_active",
            Refusal::LinkUsed => "link_used",
            Refusal::LinkExpired => "link_expired",
            Refusal::LastAdmin => "last_admin",
            Refusal::DuplicateCode => "duplicate_code",
            Refusal::NotDemo => "not_demo",
            Refusal::ProgramMissingFromFile { .. } => "program_missing_from_file",
            Refusal::NoOrganization(_) => "no_organization",
            Refusal::NoCatalog => "no_catalog",
            Refusal::JobNotDead { .. } => "job_not_dead",
        }
    }

    /// The key of the sentence that tells a visitor what happened and what they can do: `refusal-`
    /// and the code with dashes.
    pub fn message_key(&self) -> String {
        format!("refusal-{}", self.code().replace('_', "-"))
    }

    /// Every refusal, one of each (with sample data), so a test can check each has its words.
    pub fn samples() -> Vec<Refusal> {
        // A new variant does not compile here until it is added below too.
        let _every_variant_is_sampled = |r: &Refusal| match r {
            Refusal::NotDraft
            | Refusal::WindowClosed
            | Refusal::WrongState
            | Refusal::Full
            | Refusal::NoFeeTier
            | Refusal::Price(..)
            | Refusal::NoPendingOffer
            | Refusal::DeadlineNotLater
            | Refusal::OffersNotOpen
            | Refusal::ReviewerConflicted
            | Refusal::NotPayable
            | Refusal::CheckoutNotCreated
            | Refusal::NotPaid
            | Refusal::RefundTooLarge
            | Refusal::AlreadyMatched
            | Refusal::NoReason
            | Refusal::NotEnrolled
            | Refusal::AlreadyIssued
            | Refusal::OneApplicationAtATime
            | Refusal::FutureDay
            | Refusal::NotASchoolDay
            | Refusal::NotAdmitted
            | Refusal::SchoolOver
            | Refusal::Locked
            | Refusal::CodeReplayed
            | Refusal::TwoFactorAlreadyOn
            | Refusal::AccountActive
            | Refusal::LinkUsed
            | Refusal::LinkExpired
            | Refusal::LastAdmin
            | Refusal::DuplicateCode
            | Refusal::NotDemo
            | Refusal::ProgramMissingFromFile { .. }
            | Refusal::NoOrganization(..)
            | Refusal::NoCatalog
            | Refusal::JobNotDead { .. } => (),
        };
        vec![
            Refusal::NotDraft,
            Refusal::WindowClosed,
            Refusal::WrongState,
            Refusal::Full,
            Refusal::NoFeeTier,
            Refusal::Price(PriceError::NoReason),
            Refusal::NoPendingOffer,
            Refusal::DeadlineNotLater,
            Refusal::OffersNotOpen,
            Refusal::ReviewerConflicted,
            Refusal::NotPayable,
            Refusal::CheckoutNotCreated,
            Refusal::NotPaid,
            Refusal::RefundTooLarge,
            Refusal::AlreadyMatched,
            Refusal::NoReason,
            Refusal::NotEnrolled,
            Refusal::AlreadyIssued,
            Refusal::OneApplicationAtATime,
            Refusal::FutureDay,
            Refusal::NotASchoolDay,
            Refusal::NotAdmitted,
            Refusal::SchoolOver,
            Refusal::Locked,
            Refusal::CodeReplayed,
            Refusal::TwoFactorAlreadyOn,
            Refusal::AccountActive,
            Refusal::LinkUsed,
            Refusal::LinkExpired,
            Refusal::LastAdmin,
            Refusal::DuplicateCode,
            Refusal::NotDemo,
            Refusal::ProgramMissingFromFile {
                program: "p".into(),
                edition: "e".into(),
            },
            Refusal::NoOrganization("o".into()),
            Refusal::NoCatalog,
            Refusal::JobNotDead {
                job_id: 1,
                status: JobStatus::Queued,
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_its_own_code() {
        let samples = Refusal::samples();
        let mut codes: Vec<_> = samples.iter().map(Refusal::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), samples.len(), "two refusals share a code");
        assert_eq!(
            Refusal::DeadlineNotLater.message_key(),
            "refusal-deadline-not-later"
        );
    }
}

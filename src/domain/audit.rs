//! Who did what, for the audit trail that every state change writes.

use std::fmt;

/// The author of a state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The service itself (the worker, a deadline).
    System,
    /// An operator at the command line.
    Cli,
    Organizer(String),
    Applicant(String),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::System => f.write_str("system"),
            Actor::Cli => f.write_str("cli"),
            Actor::Organizer(id) => write!(f, "organizer:{id}"),
            Actor::Applicant(id) => write!(f, "applicant:{id}"),
        }
    }
}

/// Every kind of event the audit trail records. The store writes only these; each says whether the
/// applicant sees it on their application's timeline, and in which words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ApplicantCreated,
    ApplicantSignedIn,
    ApplicationStarted,
    ApplicationDocumentAdded,
    ApplicationSubmitted,
    ApplicationUnderReview,
    ApplicationAccepted,
    ApplicationWaitlisted,
    ApplicationRejected,
    ApplicationExpired,
    ApplicationWithdrawn,
    ApplicationEnrolled,
    ApplicationCancelled,
    ApplicationCompleted,
    OfferDeadlineExtended,
    OfferReminded,
    PaymentStarted,
    PaymentCheckoutOpened,
    PaymentAwaiting,
    PaymentFailed,
    PaymentCancelled,
    OrderPaid,
    OrderFlagged,
    OrderFlagCleared,
    TransferReceived,
    PayerChosen,
    InvoiceIssued,
    BalanceWrittenOff,
    StatementImported,
    ReceiptIssued,
    RefundRequested,
    RefundSent,
    RefundCompleted,
    ReviewAssigned,
    ReviewUnassigned,
    ReviewConflict,
    ReviewScored,
    ReviewCommented,
    AttendanceRecorded,
    ResultRecorded,
    CertificateIssued,
    CertificateRevoked,
    VisaLetterRequested,
    VisaLetterErased,
    ProgramMessageSent,
    DiscountCodeCreated,
    DiscountCodeEnded,
    OrganizerCreated,
    OrganizerInvited,
    OrganizerReinvited,
    OrganizerInvitationAccepted,
    OrganizerPasswordAccepted,
    OrganizerSignedIn,
    OrganizerSignInFailed,
    OrganizerSignedOut,
    OrganizerLocked,
    OrganizerUnlocked,
    OrganizerTwoFactorEnabled,
    OrganizerTwoFactorDisabled,
    OrganizerTwoFactorReset,
    OrganizerAccessChanged,
    OrganizerDeactivated,
    OrganizerReactivated,
    CatalogLoaded,
    JobRetried,
    DemoSeeded,
}

impl Action {
    /// Every action, in the order of this file.
    pub const ALL: &'static [Action] = &[
        Action::ApplicantCreated,
        Action::ApplicantSignedIn,
        Action::ApplicationStarted,
        Action::ApplicationDocumentAdded,
        Action::ApplicationSubmitted,
        Action::ApplicationUnderReview,
        Action::ApplicationAccepted,
        Action::ApplicationWaitlisted,
        Action::ApplicationRejected,
        Action::ApplicationExpired,
        Action::ApplicationWithdrawn,
        Action::ApplicationEnrolled,
        Action::ApplicationCancelled,
        Action::ApplicationCompleted,
        Action::OfferDeadlineExtended,
        Action::OfferReminded,
        Action::PaymentStarted,
        Action::PaymentCheckoutOpened,
        Action::PaymentAwaiting,
        Action::PaymentFailed,
        Action::PaymentCancelled,
        Action::OrderPaid,
        Action::OrderFlagged,
        Action::OrderFlagCleared,
        Action::TransferReceived,
        Action::PayerChosen,
        Action::InvoiceIssued,
        Action::BalanceWrittenOff,
        Action::StatementImported,
        Action::ReceiptIssued,
        Action::RefundRequested,
        Action::RefundSent,
        Action::RefundCompleted,
        Action::ReviewAssigned,
        Action::ReviewUnassigned,
        Action::ReviewConflict,
        Action::ReviewScored,
        Action::ReviewCommented,
        Action::AttendanceRecorded,
        Action::ResultRecorded,
        Action::CertificateIssued,
        Action::CertificateRevoked,
        Action::VisaLetterRequested,
        Action::VisaLetterErased,
        Action::ProgramMessageSent,
        Action::DiscountCodeCreated,
        Action::DiscountCodeEnded,
        Action::OrganizerCreated,
        Action::OrganizerInvited,
        Action::OrganizerReinvited,
        Action::OrganizerInvitationAccepted,
        Action::OrganizerPasswordAccepted,
        Action::OrganizerSignedIn,
        Action::OrganizerSignInFailed,
        Action::OrganizerSignedOut,
        Action::OrganizerLocked,
        Action::OrganizerUnlocked,
        Action::OrganizerTwoFactorEnabled,
        Action::OrganizerTwoFactorDisabled,
        Action::OrganizerTwoFactorReset,
        Action::OrganizerAccessChanged,
        Action::OrganizerDeactivated,
        Action::OrganizerReactivated,
        Action::CatalogLoaded,
        Action::JobRetried,
        Action::DemoSeeded,
    ];

    /// The text stored in `audit_event.action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ApplicantCreated => "applicant.created",
            Action::ApplicantSignedIn => "applicant.signed_in",
            Action::ApplicationStarted => "application.started",
            Action::ApplicationDocumentAdded => "application.document_added",
            Action::ApplicationSubmitted => "application.submitted",
            Action::ApplicationUnderReview => "application.under_review",
            Action::ApplicationAccepted => "application.accepted",
            Action::ApplicationWaitlisted => "application.waitlisted",
            Action::ApplicationRejected => "application.rejected",
            Action::ApplicationExpired => "application.expired",
            Action::ApplicationWithdrawn => "application.withdrawn",
            Action::ApplicationEnrolled => "application.enrolled",
            Action::ApplicationCancelled => "application.cancelled",
            Action::ApplicationCompleted => "application.completed",
            Action::OfferDeadlineExtended => "offer.deadline_extended",
            Action::OfferReminded => "offer.reminded",
            Action::PaymentStarted => "payment.started",
            Action::PaymentCheckoutOpened => "payment.checkout_opened",
            Action::PaymentAwaiting => "payment.awaiting",
            Action::PaymentFailed => "payment.failed",
            Action::PaymentCancelled => "payment.cancelled",
            Action::OrderPaid => "order.paid",
            Action::OrderFlagged => "order.flagged",
            Action::OrderFlagCleared => "order.flag_cleared",
            Action::TransferReceived => "payment.transfer_received",
            Action::PayerChosen => "order.payer_chosen",
            Action::InvoiceIssued => "invoice.issued",
            Action::BalanceWrittenOff => "order.balance_written_off",
            Action::StatementImported => "bank.statement_imported",
            Action::ReceiptIssued => "receipt.issued",
            Action::RefundRequested => "refund.requested",
            Action::RefundSent => "refund.sent",
            Action::RefundCompleted => "refund.completed",
            Action::ReviewAssigned => "review.assigned",
            Action::ReviewUnassigned => "review.unassigned",
            Action::ReviewConflict => "review.conflict",
            Action::ReviewScored => "review.scored",
            Action::ReviewCommented => "review.commented",
            Action::AttendanceRecorded => "attendance.recorded",
            Action::ResultRecorded => "result.recorded",
            Action::CertificateIssued => "certificate.issued",
            Action::CertificateRevoked => "certificate.revoked",
            Action::VisaLetterRequested => "visa_letter.requested",
            Action::VisaLetterErased => "visa_letter.erased",
            Action::ProgramMessageSent => "program.message_sent",
            Action::DiscountCodeCreated => "discount_code.created",
            Action::DiscountCodeEnded => "discount_code.ended",
            Action::OrganizerCreated => "organizer.created",
            Action::OrganizerInvited => "organizer.invited",
            Action::OrganizerReinvited => "organizer.reinvited",
            Action::OrganizerInvitationAccepted => "organizer.invitation_accepted",
            Action::OrganizerPasswordAccepted => "organizer.password_accepted",
            Action::OrganizerSignedIn => "organizer.signed_in",
            Action::OrganizerSignInFailed => "organizer.sign_in_failed",
            Action::OrganizerSignedOut => "organizer.signed_out",
            Action::OrganizerLocked => "organizer.locked",
            Action::OrganizerUnlocked => "organizer.unlocked",
            Action::OrganizerTwoFactorEnabled => "organizer.two_factor_enabled",
            Action::OrganizerTwoFactorDisabled => "organizer.two_factor_disabled",
            Action::OrganizerTwoFactorReset => "organizer.two_factor_reset",
            Action::OrganizerAccessChanged => "organizer.access_changed",
            Action::OrganizerDeactivated => "organizer.deactivated",
            Action::OrganizerReactivated => "organizer.reactivated",
            Action::CatalogLoaded => "catalog.loaded",
            Action::JobRetried => "job.retried",
            Action::DemoSeeded => "demo.seeded",
        }
    }

    /// The action stored as `text`, if it is one this version knows.
    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.as_str() == text)
    }

    /// The message key of the line the applicant's timeline shows for this event, or `None` for
    /// what only organizers see (reviews, attendance, accounts, operations).
    pub fn timeline_key(self) -> Option<&'static str> {
        match self {
            Action::ApplicationStarted => Some("timeline-application-started"),
            Action::ApplicationDocumentAdded => Some("timeline-application-document-added"),
            Action::ApplicationSubmitted => Some("timeline-application-submitted"),
            Action::ApplicationUnderReview => Some("timeline-application-under-review"),
            Action::ApplicationAccepted => Some("timeline-application-accepted"),
            Action::ApplicationWaitlisted => Some("timeline-application-waitlisted"),
            Action::ApplicationRejected => Some("timeline-application-rejected"),
            Action::ApplicationExpired => Some("timeline-application-expired"),
            Action::ApplicationWithdrawn => Some("timeline-application-withdrawn"),
            Action::ApplicationEnrolled => Some("timeline-application-enrolled"),
            Action::ApplicationCancelled => Some("timeline-application-cancelled"),
            Action::ApplicationCompleted => Some("timeline-application-completed"),
            Action::OfferDeadlineExtended => Some("timeline-offer-deadline-extended"),
            Action::PaymentStarted => Some("timeline-payment-started"),
            Action::PaymentCheckoutOpened => Some("timeline-payment-checkout-opened"),
            Action::PaymentAwaiting => Some("timeline-payment-awaiting"),
            Action::PaymentFailed => Some("timeline-payment-failed"),
            Action::PaymentCancelled => Some("timeline-payment-cancelled"),
            Action::OrderPaid => Some("timeline-order-paid"),
            Action::OrderFlagged => Some("timeline-order-flagged"),
            Action::OrderFlagCleared => Some("timeline-order-flag-cleared"),
            Action::TransferReceived => Some("timeline-transfer-received"),
            Action::PayerChosen => Some("timeline-payer-chosen"),
            Action::InvoiceIssued => Some("timeline-invoice-issued"),
            Action::BalanceWrittenOff => Some("timeline-balance-written-off"),
            Action::ReceiptIssued => Some("timeline-receipt-issued"),
            Action::RefundRequested => Some("timeline-refund-requested"),
            Action::RefundSent => Some("timeline-refund-sent"),
            Action::RefundCompleted => Some("timeline-refund-completed"),
            Action::ResultRecorded => Some("timeline-result-recorded"),
            Action::CertificateIssued => Some("timeline-certificate-issued"),
            Action::CertificateRevoked => Some("timeline-certificate-revoked"),
            Action::VisaLetterRequested => Some("timeline-visa-letter-requested"),
            Action::VisaLetterErased => Some("timeline-visa-letter-erased"),
            Action::ApplicantCreated
            | Action::ApplicantSignedIn
            | Action::OfferReminded
            | Action::ReviewAssigned
            | Action::ReviewUnassigned
            | Action::ReviewConflict
            | Action::ReviewScored
            | Action::ReviewCommented
            | Action::AttendanceRecorded
            | Action::ProgramMessageSent
            | Action::DiscountCodeCreated
            | Action::DiscountCodeEnded
            | Action::OrganizerCreated
            | Action::OrganizerInvited
            | Action::OrganizerReinvited
            | Action::OrganizerInvitationAccepted
            | Action::OrganizerPasswordAccepted
            | Action::OrganizerSignedIn
            | Action::OrganizerSignInFailed
            | Action::OrganizerSignedOut
            | Action::OrganizerLocked
            | Action::OrganizerUnlocked
            | Action::OrganizerTwoFactorEnabled
            | Action::OrganizerTwoFactorDisabled
            | Action::OrganizerTwoFactorReset
            | Action::OrganizerAccessChanged
            | Action::OrganizerDeactivated
            | Action::OrganizerReactivated
            | Action::CatalogLoaded
            | Action::StatementImported
            | Action::JobRetried
            | Action::DemoSeeded => None,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_and_applicants_see_only_their_journey() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(*action));
        }
        assert_eq!(Action::parse("review.unknown"), None);
        assert!(Action::ApplicationSubmitted.timeline_key().is_some());
        for internal in [
            Action::ReviewScored,
            Action::ReviewCommented,
            Action::AttendanceRecorded,
            Action::OrganizerSignedIn,
        ] {
            assert_eq!(internal.timeline_key(), None, "{internal}");
        }
    }
}

//! The states of the journey (DESIGN.md §3). Each enum mirrors a text column with a `check` constraint
//! listing exactly `ALL`; a test compares the two so that neither can drift.

use std::fmt;
use std::str::FromStr;

/// A status value that was not one of the allowed ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} status `{value}`")]
pub struct UnknownStatus {
    pub kind: &'static str,
    pub value: String,
}

macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order of the database `check` constraint.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every value's text, in the order of the database `check` constraint.
            pub fn texts() -> Vec<&'static str> {
                Self::ALL.iter().map(|s| s.as_str()).collect()
            }

            /// The value stored in the database and shown in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownStatus;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownStatus { kind: $kind, value: s.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

status_enum!(
    /// One applicant's application to one program.
    ApplicationStatus, "application" {
        Draft => "draft",
        Submitted => "submitted",
        UnderReview => "under_review",
        Accepted => "accepted",
        Waitlisted => "waitlisted",
        Rejected => "rejected",
        Enrolled => "enrolled",
        Expired => "expired",
        Withdrawn => "withdrawn",
        Cancelled => "cancelled",
        Completed => "completed",
        NotCompleted => "not_completed",
    }
);

status_enum!(
    /// Whether the applicant owes money (pretix's order, kept apart from payment attempts).
    OrderStatus, "order" {
        Pending => "pending",
        Paid => "paid",
        Expired => "expired",
        Cancelled => "cancelled",
    }
);

status_enum!(
    /// One attempt to pay an order.
    PaymentStatus, "payment" {
        Created => "created",
        Pending => "pending",
        Confirmed => "confirmed",
        Failed => "failed",
        Cancelled => "cancelled",
        Refunded => "refunded",
    }
);

status_enum!(
    /// Money going back to the payer.
    RefundStatus, "refund" {
        Created => "created",
        Pending => "pending",
        Done => "done",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

status_enum!(
    /// What moved an order's money: a row of its ledger (`domain::ledger`).
    LedgerKind, "ledger entry" {
        Card => "card",
        Transfer => "transfer",
        Refund => "refund",
        ProviderRefund => "provider_refund",
        WriteOff => "write_off",
    }
);

status_enum!(
    /// An issued document never changes; a correction supersedes it.
    CertificateStatus, "certificate" {
        Issued => "issued",
        Revoked => "revoked",
        Superseded => "superseded",
    }
);

status_enum!(
    /// A row of the job outbox.
    JobStatus, "job" {
        Queued => "queued",
        Running => "running",
        Done => "done",
        Dead => "dead",
    }
);

status_enum!(
    /// What a program does with a submitted application.
    ReviewMode, "review mode" {
        Review => "review",
        FirstCome => "first_come",
    }
);

status_enum!(
    /// What an organizer may do (checked on every organizer route).
    OrganizerRole, "organizer role" {
        Admin => "admin",
        ProgramDirector => "program_director",
        Reviewer => "reviewer",
        Finance => "finance",
        Scolarite => "scolarite",
    }
);

status_enum!(
    /// Why an application was rejected: organizers choose one, and the email explains it in the
    /// applicant's language.
    RejectReason, "reject reason" {
        ProgramFull => "program_full",
        Profile => "profile",
        Incomplete => "incomplete",
        Language => "language",
        Other => "other",
    }
);

status_enum!(
    /// The documents a graduate can receive.
    CertificateKind, "certificate kind" {
        AttestationOfSuccess => "attestation_of_success",
        Afgsu2 => "afgsu2",
    }
);

status_enum!(
    /// The documents an application carries.
    DocumentKind, "document kind" {
        Cv => "cv",
        MotivationLetter => "motivation_letter",
        ProofOfStatus => "proof_of_status",
        FeeProof => "fee_proof",
    }
);

impl ApplicationStatus {
    /// The moves the journey allows; every other move is refused by the store.
    pub fn can_move_to(self, next: ApplicationStatus) -> bool {
        use ApplicationStatus::*;
        matches!(
            (self, next),
            (Draft, Submitted)
                // First come, first served: a submission takes its seat or waitlist place at once.
                | (Draft, Accepted | Waitlisted)
                // An offer with nothing to pay (a full waiver) enrolls at once.
                | (Draft | Submitted | UnderReview | Waitlisted, Enrolled)
                | (Submitted, UnderReview)
                | (Submitted | UnderReview, Accepted | Waitlisted | Rejected)
                | (Accepted, Enrolled | Expired)
                | (Waitlisted, Accepted | Rejected)
                | (
                    Draft | Submitted | UnderReview | Accepted | Waitlisted,
                    Withdrawn
                )
                | (Enrolled, Cancelled | Completed | NotCompleted)
        )
    }

    /// Whether the applicant may still withdraw.
    pub fn can_withdraw(self) -> bool {
        self.can_move_to(ApplicationStatus::Withdrawn)
    }

    /// The states that hold a seat: an offer or an enrollment.
    pub const SEAT_HOLDING: [ApplicationStatus; 2] =
        [ApplicationStatus::Accepted, ApplicationStatus::Enrolled];

    /// The states of a cohort's participants: enrolled, and those whose attestation of success has
    /// closed their journey.
    pub const IN_COHORT: [ApplicationStatus; 2] =
        [ApplicationStatus::Enrolled, ApplicationStatus::Completed];

    /// The states an applicant may still leave by withdrawing (offers included).
    pub const OPEN: [ApplicationStatus; 5] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Submitted,
        ApplicationStatus::UnderReview,
        ApplicationStatus::Accepted,
        ApplicationStatus::Waitlisted,
    ];

    /// Whether an application in this state holds a seat (an offer or an enrollment).
    pub fn holds_seat(self) -> bool {
        Self::SEAT_HOLDING.contains(&self)
    }
}

impl PaymentStatus {
    /// The states of an attempt whose money arrived (some of it may have gone back since).
    pub const RECEIVED: [PaymentStatus; 2] = [PaymentStatus::Confirmed, PaymentStatus::Refunded];

    /// Whether the money of this attempt arrived.
    pub fn received(self) -> bool {
        Self::RECEIVED.contains(&self)
    }

    /// Whether the attempt is still open: a checkout made or awaiting its result.
    pub fn open(self) -> bool {
        matches!(self, PaymentStatus::Created | PaymentStatus::Pending)
    }
}

impl RefundStatus {
    /// The states of a refund that counts against what can still be given back: asked for, on
    /// its way, or done.
    pub const COUNTED: [RefundStatus; 3] = [
        RefundStatus::Created,
        RefundStatus::Pending,
        RefundStatus::Done,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_text() {
        for s in ApplicationStatus::ALL {
            assert_eq!(s.as_str().parse::<ApplicationStatus>().unwrap(), *s);
        }
        for s in JobStatus::ALL {
            assert_eq!(s.as_str().parse::<JobStatus>().unwrap(), *s);
        }
        assert!("sent".parse::<JobStatus>().is_err());
    }

    #[test]
    fn the_journey_allows_only_its_own_moves() {
        use ApplicationStatus::*;
        assert!(Draft.can_move_to(Submitted));
        assert!(Waitlisted.can_move_to(Accepted));
        assert!(Accepted.can_move_to(Expired));
        assert!(!Draft.can_move_to(Completed));
        assert!(!Expired.can_move_to(Accepted));
        assert!(!Rejected.can_move_to(Accepted));
        assert!(!Enrolled.can_move_to(Withdrawn));
        assert!(!Completed.can_move_to(Cancelled));
    }

    #[test]
    fn the_open_states_are_those_that_can_withdraw() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::OPEN.contains(s), s.can_withdraw(), "{s}");
        }
    }
}

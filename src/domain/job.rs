//! Side effects as typed jobs: what to do, written in the same transaction as the change that causes it.

use serde::{Deserialize, Serialize};

use super::email::EmailAddress;
use super::locale::Locale;

/// An email whose content is fixed when it is queued, so that a retry sends the same message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    pub to: EmailAddress,
    /// The recipient's name for the `To:` header, when known.
    pub to_name: Option<String>,
    pub locale: Locale,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The body holds a secret (a sign-in link): once delivered, only the subject is kept.
    #[serde(default)]
    pub scrub_after_send: bool,
    /// Files sent with it (a calendar invitation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// A file attached to an email: text (a calendar invitation) or bytes kept as base64 (a receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    #[serde(flatten)]
    pub body: AttachmentBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttachmentBody {
    Text { text: String },
    Binary { base64: String },
}

impl Attachment {
    pub fn text(file_name: &str, content_type: &str, text: String) -> Attachment {
        Attachment {
            file_name: file_name.to_owned(),
            content_type: content_type.to_owned(),
            body: AttachmentBody::Text { text },
        }
    }

    pub fn binary(file_name: &str, content_type: &str, bytes: &[u8]) -> Attachment {
        use base64::Engine as _;
        Attachment {
            file_name: file_name.to_owned(),
            content_type: content_type.to_owned(),
            body: AttachmentBody::Binary {
                base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            },
        }
    }

    /// The file's bytes; `None` when stored base64 does not decode (a corrupted job).
    pub fn bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine as _;
        match &self.body {
            AttachmentBody::Text { text } => Some(text.clone().into_bytes()),
            AttachmentBody::Binary { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .ok(),
        }
    }
}

impl OutgoingEmail {
    /// The same email without its body, for the record.
    pub fn scrubbed(&self) -> OutgoingEmail {
        let gone = "[removed after delivery]".to_owned();
        OutgoingEmail {
            text: gone.clone(),
            html: gone,
            scrub_after_send: false,
            attachments: Vec::new(),
            ..self.clone()
        }
    }
}

/// Every kind of job the worker knows, with its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum JobPayload {
    SendEmail(OutgoingEmail),
    /// Tell an applicant about a change to their application. Queued in the transaction that makes the
    /// change (by the store, which cannot render emails); the worker renders it once, in the applicant's
    /// language, into a `SendEmail` job that replaces it in one transaction, so a retry resends the same
    /// message.
    Notify(Notice),
    /// Issue the receipt of a confirmed payment, then queue the confirmation of enrollment that
    /// carries it. Queued by the enrollment's transaction, so the receipt's numbering is not part of
    /// the short section every payment of a program waits for.
    IssueReceipt {
        payment_id: String,
    },
    /// Ask the payment provider to give money back. Queued with the refund (status `created`) in one
    /// transaction; the provider's idempotency key is the refund's, so a retry refunds once.
    StartRefund {
        refund_id: String,
    },
    /// Tell the finance office that an order needs them (flagged payment), by email to `to`.
    NotifyFinance(FinanceNotice),
    /// Email an institution its invoice (the PDF attached), to the contact it gave.
    EmailInvoice {
        number: String,
    },
    /// Tell the finance office that the provider's records and ours differ, by email to `to`.
    NotifyReconciliation(ReconciliationNotice),
}

/// What reconciliation found, for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconciliationNotice {
    pub to: EmailAddress,
    pub to_name: Option<String>,
    /// How many days back the comparison looked.
    pub days: u32,
    pub differences: Vec<crate::domain::payment::Difference>,
}

/// An order finance must look at, for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinanceNotice {
    pub application_id: String,
    /// Why (`refund_due`, `mismatch`, `disputed`, `refunded`).
    pub attention: String,
    pub to: EmailAddress,
    pub to_name: Option<String>,
}

/// A change an applicant is told about by email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub application_id: String,
    pub kind: NoticeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum NoticeKind {
    /// A seat is offered: pay by the deadline.
    Offer,
    /// On the waitlist.
    Waitlisted,
    /// Not accepted.
    Rejected,
    /// The deadline is this many days away.
    Reminder { days: i32 },
    /// The deadline passed unpaid: the seat went to someone else.
    Expired,
    /// An organizer moved the deadline.
    DeadlineExtended,
    /// The fee was waived in full: the applicant is enrolled.
    Enrolled,
    /// Money was given back: the credit note is attached.
    Refunded,
    /// Certificates were issued (or corrected): they are attached, and on the graduate's page.
    CertificatesReady,
    /// An organizer cancelled the enrollment (the reason is on the application).
    Cancelled,
}

impl JobPayload {
    /// The `kind` column, for listing and filtering without reading the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            JobPayload::SendEmail(_) => "send_email",
            JobPayload::Notify(_) => "notify",
            JobPayload::IssueReceipt { .. } => "issue_receipt",
            JobPayload::StartRefund { .. } => "start_refund",
            JobPayload::NotifyFinance(_) => "notify_finance",
            JobPayload::NotifyReconciliation(_) => "notify_reconciliation",
            JobPayload::EmailInvoice { .. } => "email_invoice",
        }
    }
}

/// How many times a job is tried unless `JOB_MAX_ATTEMPTS` says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;

/// Retry policy: exponential backoff from `base`, capped at `max`, dead after `max_attempts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base: std::time::Duration,
    pub max: std::time::Duration,
}

impl RetryPolicy {
    /// The wait before the next attempt after `attempts` failed ones, or `None` when the job is dead.
    pub fn next_delay(&self, attempts: u32) -> Option<std::time::Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let factor = 1u32
            .checked_shl(attempts.saturating_sub(1))
            .unwrap_or(u32::MAX);
        Some(self.base.saturating_mul(factor).min(self.max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_then_caps_then_gives_up() {
        let p = RetryPolicy {
            max_attempts: 5,
            base: Duration::from_secs(30),
            max: Duration::from_secs(100),
        };
        assert_eq!(p.next_delay(1), Some(Duration::from_secs(30)));
        assert_eq!(p.next_delay(2), Some(Duration::from_secs(60)));
        assert_eq!(p.next_delay(3), Some(Duration::from_secs(100)));
        assert_eq!(p.next_delay(4), Some(Duration::from_secs(100)));
        assert_eq!(p.next_delay(5), None);
        let long = RetryPolicy {
            max_attempts: 100,
            ..p
        };
        assert_eq!(long.next_delay(80), Some(Duration::from_secs(100)));
    }
}

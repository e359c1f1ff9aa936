//! The store as handlers reach it: one area at a time. A handler names the area it works in
//! (`state.store.review().save_scores(…)`), so a reader sees which part of the data a page touches
//! and a handler cannot reach another area by accident. The areas are the traits of the store's
//! files; one database object serves them all.

use std::sync::Arc;

use super::Store;
use super::applicants::ApplicantStore;
use super::applications::ApplicationStore;
use super::audit::AuditStore;
use super::catalog::CatalogStore;
use super::certificates::CertificateStore;
use super::cohort::CohortStore;
use super::completion::CompletionStore;
use super::demo::DemoStore;
use super::discounts::DiscountStore;
use super::documents::DocumentStore;
use super::finance::FinanceStore;
use super::invitations::InvitationStore;
use super::jobs::JobStore;
use super::notices::NoticeStore;
use super::organizer_sessions::OrganizerSessionStore;
use super::organizers::OrganizerStore;
use super::payments::PaymentStore;
use super::receipts::ReceiptStore;
use super::review::ReviewStore;
use super::submission::SubmissionStore;
use super::visa::VisaStore;

/// The one store, handed out by area.
#[derive(Clone)]
pub struct Stores(Arc<dyn Store>);

impl Stores {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Stores(store)
    }

    /// The whole store, for work that spans areas by design (the certificate batch, the health
    /// check, the worker and the catalog cache).
    pub fn all(&self) -> &dyn Store {
        self.0.as_ref()
    }

    /// The whole store, shared with a task that outlives the request.
    pub fn shared(&self) -> Arc<dyn Store> {
        self.0.clone()
    }

    /// Programs, their editions and fee tiers, as the catalog loaded them.
    pub fn catalog(&self) -> &dyn CatalogStore {
        self.0.as_ref()
    }

    /// Applicants, their sign-in links and sessions.
    pub fn applicants(&self) -> &dyn ApplicantStore {
        self.0.as_ref()
    }

    /// Applications and their answers, as applicants write them.
    pub fn applications(&self) -> &dyn ApplicationStore {
        self.0.as_ref()
    }

    /// The documents an application carries.
    pub fn documents(&self) -> &dyn DocumentStore {
        self.0.as_ref()
    }

    /// Sending an application (and, first come, taking its seat).
    pub fn submission(&self) -> &dyn SubmissionStore {
        self.0.as_ref()
    }

    /// The outbox of emails and other work, and the worker that runs it.
    pub fn jobs(&self) -> &dyn JobStore {
        self.0.as_ref()
    }

    /// The audit log.
    pub fn audit(&self) -> &dyn AuditStore {
        self.0.as_ref()
    }

    /// Organizer accounts and their access.
    pub fn organizers(&self) -> &dyn OrganizerStore {
        self.0.as_ref()
    }

    /// Organizer sign-in, its second factor and lockout.
    pub fn organizer_sessions(&self) -> &dyn OrganizerSessionStore {
        self.0.as_ref()
    }

    /// Invitations to join the team.
    pub fn invitations(&self) -> &dyn InvitationStore {
        self.0.as_ref()
    }

    /// Decisions, offers, the waitlist and deadlines.
    pub fn cohort(&self) -> &dyn CohortStore {
        self.0.as_ref()
    }

    /// Notices an application still owes its applicant.
    pub fn notices(&self) -> &dyn NoticeStore {
        self.0.as_ref()
    }

    /// Scores, comments, reviewers and conflicts.
    pub fn review(&self) -> &dyn ReviewStore {
        self.0.as_ref()
    }

    /// Checkouts and the provider's events.
    pub fn payments(&self) -> &dyn PaymentStore {
        self.0.as_ref()
    }

    /// Late money, refunds and cancellations.
    pub fn finance(&self) -> &dyn FinanceStore {
        self.0.as_ref()
    }

    /// Reconciliation runs: the latest shown to finance, new differences emailed.
    pub fn reconciliation(&self) -> &dyn super::reconciliation::ReconciliationStore {
        self.0.as_ref()
    }

    /// Who pays an order, and institutions' invoices.
    pub fn payer(&self) -> &dyn super::payer::PayerStore {
        self.0.as_ref()
    }

    /// Bank statements: imports, matching, the queue of lines waiting for finance.
    pub fn bank(&self) -> &dyn super::bank::BankStore {
        self.0.as_ref()
    }

    /// Receipts and their numbers.
    pub fn receipts(&self) -> &dyn ReceiptStore {
        self.0.as_ref()
    }

    /// Discount codes.
    pub fn discounts(&self) -> &dyn DiscountStore {
        self.0.as_ref()
    }

    /// Certificates: issuing, revoking, verifying.
    pub fn certificates(&self) -> &dyn CertificateStore {
        self.0.as_ref()
    }

    /// Attendance and results.
    pub fn completion(&self) -> &dyn CompletionStore {
        self.0.as_ref()
    }

    /// Visa invitation letters and the passport data behind them.
    pub fn visa(&self) -> &dyn VisaStore {
        self.0.as_ref()
    }

    /// The demo edition and its cast.
    pub fn demo(&self) -> &dyn DemoStore {
        self.0.as_ref()
    }
}

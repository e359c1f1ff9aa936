//! Storage: domain-level operations, one trait per area (catalog, applicants, applications, jobs,
//! audit, organizers, review, cohort, payments, discounts, certificates, visa letters, the demo)
//! gathered by [`Store`], and one implementation, [`SqlStore`], written once over SQLite or Postgres
//! (chosen by the URL scheme; [`db`] runs each statement on the one in use). This folder is the only
//! place with SQL: each area's file holds its operations, rows and statements.
//!
//! Errors: every operation returns [`StoreError`], which tells not-found, conflict (with the
//! constraint name, identical on both backends) and everything else apart.

pub mod applicants;
pub mod applications;
pub mod areas;
pub mod audit;
pub mod bank;
pub mod blobs;
pub mod catalog;
pub mod certificates;
pub mod cohort;
pub mod completion;
mod db;
pub mod demo;
pub mod discounts;
pub mod documents;
pub mod finance;
pub mod invitations;
pub mod issuing;
pub mod jobs;
mod ledger;
pub mod notices;
pub mod organizer_sessions;
pub mod organizers;
pub mod payer;
pub mod payments;
pub mod postgres;
pub mod program_parts;
pub mod receipts;
pub mod reconciliation;
pub mod review;
pub mod seats;
pub mod sqlite;
pub mod submission;
pub mod types;
pub mod visa;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::domain::email::EmailAddress;
use crate::domain::status::OrganizerRole;

pub use applicants::{
    ApplicantStore, NewSession, SessionInfo, SignInLimits, SignInOutcome, SignInRequest, SignedIn,
};
pub use applications::{
    ApplicationRecord, ApplicationStore, DocumentRecord, FormColumn, FormValue, NewDocument,
    TimelineEntry,
};
pub use audit::{AuditEvent, AuditStore};
pub use catalog::{
    CatalogStore, CriterionRecord, EditionRecord, FeeTierRecord, LoadOutcome, ProgramRecord,
    QuestionRecord,
};
pub use jobs::{ClaimedJob, JobFilter, JobStore, JobSummary};
pub use organizers::OrganizerStore;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A named constraint said no (a duplicate, a full cohort, a state that does not allow the move).
    #[error("conflict with constraint `{constraint}`")]
    Conflict { constraint: String },
    /// The operation is not allowed in the current state (no constraint involved).
    #[error("{0}")]
    Refused(crate::domain::refusal::Refusal),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) => match constraint_of(db.as_ref()) {
                Some(constraint) => StoreError::Conflict { constraint },
                None => StoreError::Database(e),
            },
            _ => StoreError::Database(e),
        }
    }
}

/// The name of the violated constraint. Postgres reports it; SQLite reports the name of a `check`
/// and, for a `unique`, the columns, from which we rebuild the name Postgres would give.
fn constraint_of(db: &dyn sqlx::error::DatabaseError) -> Option<String> {
    use sqlx::error::ErrorKind;
    // SQLite's triggers say no with their own message and no constraint kind.
    if db.message() == "application_transition" {
        return Some("application_transition".to_owned());
    }
    if !matches!(
        db.kind(),
        ErrorKind::UniqueViolation
            | ErrorKind::CheckViolation
            | ErrorKind::ForeignKeyViolation
            | ErrorKind::NotNullViolation
    ) {
        return None;
    }
    if let Some(name) = db.constraint() {
        return Some(name.to_owned());
    }
    let message = db.message();
    if let Some(columns) = message.strip_prefix("UNIQUE constraint failed: ") {
        let mut table = "";
        let cols: Vec<&str> = columns
            .split(", ")
            .map(|c| {
                let (t, col) = c.split_once('.').unwrap_or(("", c));
                table = t;
                col
            })
            .collect();
        return Some(format!("{table}_{}_key", cols.join("_")));
    }
    if let Some(name) = message.strip_prefix("CHECK constraint failed: ") {
        return Some(name.trim().to_owned());
    }
    if message.starts_with("FOREIGN KEY constraint failed") {
        return Some("foreign_key".to_owned());
    }
    Some(message.to_owned())
}

/// A new organizer account.
#[derive(Debug, Clone)]
pub struct NewOrganizer {
    pub organization_slug: String,
    pub email: EmailAddress,
    pub display_name: String,
    pub role: OrganizerRole,
    /// An argon2id PHC string; never the password itself.
    pub password_hash: String,
    /// Program ids given to a program director or reviewer (ignored for organization-wide roles).
    pub programs: Vec<String>,
}

pub use crate::domain::application::ApplicationForm;

/// Domain-level storage operations. Each state change writes its audit event (and any job it causes)
/// in the same transaction.
#[async_trait]
pub trait Store:
    CatalogStore
    + ApplicantStore
    + ApplicationStore
    + documents::DocumentStore
    + submission::SubmissionStore
    + JobStore
    + AuditStore
    + OrganizerStore
    + organizer_sessions::OrganizerSessionStore
    + invitations::InvitationStore
    + cohort::CohortStore
    + notices::NoticeStore
    + review::ReviewStore
    + payments::PaymentStore
    + finance::FinanceStore
    + bank::BankStore
    + payer::PayerStore
    + reconciliation::ReconciliationStore
    + receipts::ReceiptStore
    + discounts::DiscountStore
    + certificates::CertificateStore
    + completion::CompletionStore
    + visa::VisaStore
    + demo::DemoStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Answers when the database does.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Options for opening a store.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub connect_timeout: Duration,
    /// How many times a job queued by a state change is tried (`JOB_MAX_ATTEMPTS`).
    pub job_max_attempts: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 8,
            connect_timeout: Duration::from_secs(5),
            job_max_attempts: crate::domain::job::DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// What a stored value that cannot be read says.
fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.db.backend()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        db::query("select 1").execute(self.db.read()).await?;
        Ok(())
    }
}

/// The store: every operation written once, as plain code over either database. What differs
/// between SQLite and Postgres (pools, transactions, wire types) is chosen per statement in
/// [`db`]; the few statements whose text differs are constants in `sqlite.rs` and `postgres.rs`.
#[derive(Clone)]
pub struct SqlStore {
    db: db::Db,
    /// Programs' questions and fee tiers, per catalog revision.
    parts: program_parts::PartsCache,
    /// How many times a job queued by a state change is tried.
    job_max_attempts: u32,
}

impl SqlStore {
    fn new(db: db::Db, options: &ConnectOptions) -> Self {
        SqlStore {
            db,
            parts: program_parts::PartsCache::default(),
            job_max_attempts: options.job_max_attempts.max(1),
        }
    }

    /// The number of attempts a queued job gets, as the database column holds it.
    fn job_attempts(&self) -> i32 {
        i32::try_from(self.job_max_attempts).unwrap_or(i32::MAX)
    }

    /// The application query of this backend: all of an applicant's, or one.
    fn applications_sql(&self) -> &'static [&'static str; 2] {
        match self.db.backend() {
            Backend::Sqlite => &sqlite::APPLICATIONS_SQL,
            Backend::Postgres => &postgres::APPLICATIONS_SQL,
        }
    }
}

/// Why a store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "DATABASE_URL has an unknown scheme `{0}`: use sqlite://path or postgres://user@host/db"
    )]
    UnknownScheme(String),
    #[error("DATABASE_URL is malformed: {0}")]
    Malformed(String),
    #[error("the database at {target} does not answer: {reason}")]
    Unreachable { target: String, reason: String },
    #[error("database migrations failed: {0}")]
    Migration(String),
}

/// Opens the store named by `url` and brings its schema up to date.
pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Arc<dyn Store>, ConnectError> {
    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
    match scheme {
        "sqlite" => Ok(Arc::new(SqlStore::connect_sqlite(url, options).await?)),
        "postgres" | "postgresql" => Ok(Arc::new(SqlStore::connect_postgres(url, options).await?)),
        "" => Err(ConnectError::Malformed("expected scheme://…".to_owned())),
        other => Err(ConnectError::UnknownScheme(other.to_owned())),
    }
}

/// A URL with any password replaced, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// A fresh unguessable identifier for rows that appear in URLs.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn urls_lose_their_password() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/x"),
            "postgres://app@db:5432/x"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}

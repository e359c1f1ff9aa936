//! Storage: one [`Store`] trait with domain-level operations, and two implementations chosen by the
//! URL scheme. This folder is the only place with SQL.
//!
//! Errors: every operation returns [`StoreError`], which tells not-found, conflict (with the
//! constraint name, identical on both backends) and everything else apart.

pub mod blobs;
pub mod certificates;
pub mod cohort;
mod common;
mod db;
pub mod demo;
pub mod discounts;
pub mod organizers;
pub mod payments;
pub mod postgres;
pub mod review;
pub mod sqlite;
pub mod types;
pub mod visa;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use time::{Date, OffsetDateTime};

use crate::domain::audit::Actor;
use crate::domain::catalog::{ApplicationWindow, EditionSpec, LocalizedText};
use crate::domain::email::EmailAddress;
use crate::domain::job::{JobPayload, OutgoingEmail};
use crate::domain::locale::Locale;
use crate::domain::money::Money;
use crate::domain::status::{
    ApplicationStatus, CertificateKind, DocumentKind, JobStatus, OrganizerRole, ReviewMode,
};

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

/// What happened when a catalog file was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOutcome {
    pub edition_id: String,
    pub edition_created: bool,
    pub programs_created: usize,
    pub programs_updated: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionRecord {
    pub edition_id: String,
    pub organization_slug: String,
    pub slug: String,
    pub year: i32,
    pub title: LocalizedText,
    pub is_demo: bool,
    pub program_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeTierRecord {
    pub code: String,
    pub label: LocalizedText,
    pub amount: Money,
    pub is_standard: bool,
    pub applicant_category: Option<String>,
    pub partner_only: bool,
    pub available_until: Option<OffsetDateTime>,
}

/// A program as the public pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramRecord {
    pub program_id: String,
    pub edition_slug: String,
    pub edition_title: LocalizedText,
    pub edition_year: i32,
    pub edition_is_demo: bool,
    pub slug: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub audience: LocalizedText,
    pub teaching_language: Locale,
    pub starts_on: Date,
    pub ends_on: Date,
    pub ects: i32,
    pub hours: i32,
    pub capacity: i32,
    pub seats_held: i32,
    pub application_opens_at: OffsetDateTime,
    pub application_closes_at: OffsetDateTime,
    pub review_mode: ReviewMode,
    pub payment_deadline_days: i32,
    pub contact_email: String,
    pub places: Vec<String>,
    pub certifications: Vec<CertificateKind>,
    pub fee_tiers: Vec<FeeTierRecord>,
    pub questions: Vec<QuestionRecord>,
    /// What reviewers score (1–5 each).
    pub rubric: Vec<CriterionRecord>,
    /// Reviewers do not see who the applicant is.
    pub blind_review: bool,
}

/// One criterion of a program's scoring rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionRecord {
    pub key: String,
    pub label: LocalizedText,
}

/// A program's own question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRecord {
    pub key: String,
    pub label: LocalizedText,
    pub hint: Option<LocalizedText>,
    pub required: bool,
}

impl ProgramRecord {
    pub fn standard_fee(&self) -> Option<&FeeTierRecord> {
        self.fee_tiers.iter().find(|t| t.is_standard)
    }

    pub fn seats_left(&self) -> i32 {
        (self.capacity - self.seats_held).max(0)
    }

    pub fn window(&self, now: OffsetDateTime) -> ApplicationWindow {
        ApplicationWindow::at(self.application_opens_at, self.application_closes_at, now)
    }
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

/// A job as listed to operators (no payload: it may hold personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSummary {
    pub job_id: i64,
    pub kind: String,
    /// What the job carries (an email's content, a notice's application and kind).
    pub payload: serde_json::Value,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

/// A job the worker has claimed, with its lease.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    pub job_id: i64,
    pub kind: String,
    /// The raw payload; the worker parses it so that an unreadable one becomes a dead job, not a crash.
    pub payload: serde_json::Value,
    /// This attempt's number (1 for the first); also the fencing token for completing the job.
    pub attempt: i32,
    pub max_attempts: i32,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub audit_event_id: i64,
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub detail: String,
    pub created_at: OffsetDateTime,
}

/// How often sign-in links may be asked for.
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    pub per_email: i64,
    pub per_requester: i64,
    pub window: time::Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            per_email: 5,
            per_requester: 30,
            window: time::Duration::hours(1),
        }
    }
}

/// A request for a sign-in link.
#[derive(Debug, Clone, Copy)]
pub struct SignInRequest<'a> {
    pub email: &'a EmailAddress,
    pub locale: Locale,
    /// Where to go after signing in (a path on this site).
    pub next_path: &'a str,
    /// A keyed hash of the requester's address.
    pub requester: &'a str,
    /// SHA-256 of the emailed token.
    pub token_hash: &'a str,
    pub expires_at: OffsetDateTime,
    pub limits: SignInLimits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInOutcome {
    Sent,
    Throttled,
}

/// A session to open.
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    pub session_hash: &'a str,
    pub expires_at: OffsetDateTime,
    /// The visitor's previous session, ended at sign-in (session rotation).
    pub replaces: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub applicant_id: String,
    pub next_path: String,
    pub locale: Locale,
}

/// Who is behind a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub applicant_id: String,
    pub email: String,
    pub locale: Locale,
}

/// A column of the application form, as the steps fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormColumn {
    GivenNames,
    FamilyName,
    CertificateName,
    BirthDate,
    Nationality,
    ResidenceCountry,
    Phone,
    AddressLine1,
    AddressLine2,
    AddressCity,
    AddressPostcode,
    AddressCountry,
    Category,
    StudyYear,
    Institution,
    InstitutionCountry,
    PartnerUniversity,
    EnglishLevel,
    Motivation,
    PrivacyVersion,
    TermsVersion,
    ConsentedAt,
    RequestedFeeTier,
    DiscountCode,
}

impl FormColumn {
    pub fn column(self) -> &'static str {
        match self {
            FormColumn::GivenNames => "given_names",
            FormColumn::FamilyName => "family_name",
            FormColumn::CertificateName => "certificate_name",
            FormColumn::BirthDate => "birth_date",
            FormColumn::Nationality => "nationality",
            FormColumn::ResidenceCountry => "residence_country",
            FormColumn::Phone => "phone",
            FormColumn::AddressLine1 => "address_line1",
            FormColumn::AddressLine2 => "address_line2",
            FormColumn::AddressCity => "address_city",
            FormColumn::AddressPostcode => "address_postcode",
            FormColumn::AddressCountry => "address_country",
            FormColumn::Category => "category",
            FormColumn::StudyYear => "study_year",
            FormColumn::Institution => "institution",
            FormColumn::InstitutionCountry => "institution_country",
            FormColumn::PartnerUniversity => "partner_university",
            FormColumn::EnglishLevel => "english_level",
            FormColumn::Motivation => "motivation",
            FormColumn::PrivacyVersion => "privacy_version",
            FormColumn::TermsVersion => "terms_version",
            FormColumn::ConsentedAt => "consented_at",
            FormColumn::RequestedFeeTier => "requested_fee_tier",
            FormColumn::DiscountCode => "discount_code",
        }
    }
}

/// A value for one form column (`None` clears it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormValue {
    Text(Option<String>),
    Int(Option<i32>),
    Bool(Option<bool>),
    Date(Option<Date>),
    Time(Option<OffsetDateTime>),
}

pub use crate::domain::application::ApplicationForm;

/// An uploaded document (its bytes are in the blob store under `blob_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub document_id: String,
    pub application_id: String,
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub blob_key: String,
    pub created_at: OffsetDateTime,
}

/// One application as its applicant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub application_id: String,
    pub applicant_id: String,
    pub applicant_email: String,
    pub program_id: String,
    pub edition_slug: String,
    pub program_slug: String,
    pub program_title: LocalizedText,
    pub edition_is_demo: bool,
    pub application_closes_at: OffsetDateTime,
    /// Whether the program reviews applications or takes them first come, first served.
    pub review_mode: ReviewMode,
    /// Days an offer of this program leaves to pay.
    pub payment_deadline_days: u16,
    /// The applicant's language, the one their emails and prices are written in.
    pub applicant_locale: Locale,
    pub status: ApplicationStatus,
    pub submitted_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub form: ApplicationForm,
    pub documents: Vec<DocumentRecord>,
    /// Answers to the program's own questions, by question key.
    pub answers: Vec<(String, String)>,
    /// The program's own questions.
    pub questions: Vec<QuestionRecord>,
    /// The program's fee tiers (an applicant may ask for one when there are several).
    pub fee_tiers: Vec<FeeTierRecord>,
}

/// Something that happened to an application, for its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineEntry {
    /// An event the applicant sees (its action has a timeline line).
    Event {
        at: OffsetDateTime,
        action: crate::domain::audit::Action,
    },
    Email {
        at: OffsetDateTime,
        subject: String,
        sent: bool,
    },
}

impl TimelineEntry {
    pub fn at(&self) -> OffsetDateTime {
        match self {
            TimelineEntry::Event { at, .. } | TimelineEntry::Email { at, .. } => *at,
        }
    }
}

/// A document to attach.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub kind: DocumentKind,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub blob_key: &'a str,
}

/// Which jobs to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobFilter {
    All,
    Dead,
    Pending,
}

/// Domain-level storage operations. Each state change writes its audit event (and any job it causes)
/// in the same transaction.
#[async_trait]
pub trait Store:
    OrganizerStore
    + cohort::CohortStore
    + review::ReviewStore
    + payments::PaymentStore
    + discounts::DiscountStore
    + certificates::CertificateStore
    + visa::VisaStore
    + demo::DemoStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Answers when the database does.
    async fn ping(&self) -> Result<(), StoreError>;

    // ---- catalog
    async fn edition_count(&self) -> Result<i64, StoreError>;
    /// Creates or updates an edition and its programs from a parsed catalog, all or nothing.
    /// Programs are never deleted by a reload: one missing from the file is refused.
    async fn load_edition(
        &self,
        spec: &EditionSpec,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<LoadOutcome, StoreError>;
    async fn editions(&self) -> Result<Vec<EditionRecord>, StoreError>;
    /// Every program of every edition: demo first, then newest edition first, catalog order within.
    async fn programs(&self) -> Result<Vec<ProgramRecord>, StoreError>;

    // ---- organizers
    /// Creates an organizer and queues their welcome email.
    async fn create_organizer(
        &self,
        new: &NewOrganizer,
        welcome: &OutgoingEmail,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<String, StoreError>;

    // ---- jobs
    /// Queues a job on its own (callers that change state queue theirs inside their operation).
    async fn enqueue_job(
        &self,
        payload: &JobPayload,
        max_attempts: u32,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError>;
    /// Claims the next due job (or one whose lease expired) for `lease`.
    async fn claim_job(
        &self,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError>;
    /// Marks a claimed job done; a no-op if the lease was lost to another worker. `scrubbed` replaces
    /// the payload once it is no longer needed (an email that held a sign-in link).
    async fn complete_job(
        &self,
        job_id: i64,
        attempt: i32,
        scrubbed: Option<&JobPayload>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Records a failure: queued again at `retry_at`, or dead when `retry_at` is `None`.
    async fn fail_job(
        &self,
        job_id: i64,
        attempt: i32,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn jobs(&self, filter: JobFilter, limit: i64) -> Result<Vec<JobSummary>, StoreError>;
    /// Gives a dead job a fresh set of attempts.
    async fn retry_job(
        &self,
        job_id: i64,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    // ---- applicant accounts
    /// Stores a sign-in link's hash and queues its email, unless the address or the requester asked
    /// too often; the caller answers the same either way.
    async fn request_sign_in(
        &self,
        request: &SignInRequest<'_>,
        email: &OutgoingEmail,
        now: OffsetDateTime,
    ) -> Result<SignInOutcome, StoreError>;
    /// Uses a sign-in link once: creates the applicant on first sign-in and opens a session (replacing
    /// `replaces`). `NotFound` for an unknown link, `Refused(LinkUsed)` or `Refused(LinkExpired)`.
    async fn consume_sign_in(
        &self,
        token_hash: &str,
        session: &NewSession<'_>,
        now: OffsetDateTime,
    ) -> Result<SignedIn, StoreError>;
    /// The applicant behind a live session.
    async fn session(
        &self,
        session_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionInfo>, StoreError>;
    async fn end_session(&self, session_hash: &str) -> Result<(), StoreError>;

    // ---- applications (every operation checks that the application is the applicant's own)
    /// Opens the applicant's draft for a program, or returns the one they have (one per program).
    /// Refused (`window`) outside the program's application window.
    async fn start_application(
        &self,
        applicant_id: &str,
        program_id: &str,
        now: OffsetDateTime,
    ) -> Result<(String, bool), StoreError>;
    async fn application(
        &self,
        applicant_id: &str,
        application_id: &str,
    ) -> Result<ApplicationRecord, StoreError>;
    async fn applications_of(
        &self,
        applicant_id: &str,
    ) -> Result<Vec<ApplicationRecord>, StoreError>;
    /// Saves one step of a draft. Refused (`not_draft`) once submitted.
    async fn save_form(
        &self,
        applicant_id: &str,
        application_id: &str,
        values: &[(FormColumn, FormValue)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Saves answers to the program's own questions (draft only).
    async fn save_answers(
        &self,
        applicant_id: &str,
        application_id: &str,
        answers: &[(String, String)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Attaches a document to a draft, replacing one of the same kind (returns the replaced blob key).
    async fn put_document(
        &self,
        applicant_id: &str,
        application_id: &str,
        document: &NewDocument<'_>,
        now: OffsetDateTime,
    ) -> Result<(String, Option<String>), StoreError>;
    async fn document(
        &self,
        applicant_id: &str,
        document_id: &str,
    ) -> Result<DocumentRecord, StoreError>;
    /// draft → submitted, with its audit event and the "application received" email; on a first-come
    /// program, on to a seat (with its order, priced from `application`'s tiers) or a waitlist place.
    /// `application` is the draft as the caller has just read it; the owner, the state, the program's
    /// mode and the window are checked again as the change is written. Refused (`window`) when the
    /// window has closed, (`not_draft`) when already submitted.
    async fn submit_application(
        &self,
        applicant_id: &str,
        application: &ApplicationRecord,
        received: &OutgoingEmail,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Any open state → withdrawn, audited. Refused (`not_open`) otherwise. A held seat (an offer
    /// declined) goes to the first on the waitlist, in the same transaction.
    async fn withdraw_application(
        &self,
        applicant_id: &str,
        application_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// State changes and emails, oldest first.
    async fn timeline(
        &self,
        applicant_id: &str,
        application_id: &str,
    ) -> Result<Vec<TimelineEntry>, StoreError>;

    // ---- audit
    async fn audit_events(
        &self,
        subject_type: &str,
        subject_id: &str,
    ) -> Result<Vec<AuditEvent>, StoreError>;
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

/// The store: every operation written once, as plain code over either database. What differs
/// between SQLite and Postgres (pools, transactions, wire types) is chosen per statement in
/// [`db`]; the few statements whose text differs are constants in `sqlite.rs` and `postgres.rs`.
#[derive(Clone)]
pub struct SqlStore {
    db: db::Db,
    /// Programs' questions and fee tiers, per catalog revision.
    parts: common::PartsCache,
    /// How many times a job queued by a state change is tried.
    job_max_attempts: u32,
}

impl SqlStore {
    fn new(db: db::Db, options: &ConnectOptions) -> Self {
        SqlStore {
            db,
            parts: common::PartsCache::default(),
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

    /// Takes the next job that is due (or whose lease ran out).
    async fn claim_next_job(
        &self,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let sql = match self.db.backend() {
            Backend::Sqlite => sqlite::CLAIM_NEXT_JOB_SQL,
            Backend::Postgres => postgres::CLAIM_NEXT_JOB_SQL,
        };
        let row: Option<common::ClaimRow> = db::query(sql)
            .bind(types::Timestamp::new(now + lease))
            .bind(types::Timestamp::new(now))
            .fetch_optional(self.db.write())
            .await?;
        Ok(row.map(Into::into))
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

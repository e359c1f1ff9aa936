//! The SQL both backends share. Both speak `$1` parameters, `on conflict` and `returning`, so most
//! operations are written once here and expanded for each backend; what differs (transactions that
//! take the write lock, job claiming, migrations) lives in `sqlite.rs` and `postgres.rs`.

use async_trait::async_trait;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

use super::SqlStore;
use super::db::{Tx, query, scalar};
use super::types::Timestamp;
use super::{
    ApplicationForm, ApplicationRecord, AuditEvent, ClaimedJob, DocumentRecord, EditionRecord,
    FeeTierRecord, JobSummary, ProgramRecord, QuestionRecord, StoreError,
};
use crate::domain::audit::{Action, Actor};
use crate::domain::catalog::LocalizedText;
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::refusal::Refusal;
use crate::domain::status::CertificateKind;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

#[derive(sqlx::FromRow)]
pub(super) struct ProgramRow {
    program_id: String,
    edition_slug: String,
    edition_title_en: String,
    edition_title_fr: String,
    edition_year: i32,
    edition_is_demo: bool,
    slug: String,
    title_en: String,
    title_fr: String,
    summary_en: String,
    summary_fr: String,
    audience_en: String,
    audience_fr: String,
    teaching_language: String,
    starts_on: Date,
    ends_on: Date,
    ects: i32,
    hours: i32,
    capacity: i32,
    seats_held: i32,
    application_opens_at: Timestamp,
    application_closes_at: Timestamp,
    review_mode: String,
    payment_deadline_days: i32,
    contact_email: String,
    blind_review: bool,
}

#[derive(sqlx::FromRow)]
pub(super) struct FeeTierRow {
    program_id: String,
    code: String,
    label_en: String,
    label_fr: String,
    amount_cents: i64,
    currency: String,
    is_standard: bool,
    applicant_category: Option<String>,
    partner_only: bool,
    available_until: Option<Timestamp>,
}

pub(super) const PROGRAMS_SQL: &str = "
select p.program_id, e.slug as edition_slug, e.title_en as edition_title_en,
       e.title_fr as edition_title_fr, e.year as edition_year, e.is_demo as edition_is_demo,
       p.slug, p.title_en, p.title_fr, p.summary_en, p.summary_fr, p.audience_en, p.audience_fr,
       p.teaching_language, p.starts_on, p.ends_on, p.ects, p.hours, p.capacity, p.seats_held,
       p.application_opens_at, p.application_closes_at, p.review_mode, p.payment_deadline_days,
       p.contact_email, p.blind_review
from program p
join edition e on e.edition_id = p.edition_id
order by e.is_demo desc, e.year desc, e.slug, p.position";

pub(super) const PLACES_SQL: &str = "
select program_id, name
from program_place
order by program_id, position";

pub(super) const CERTIFICATIONS_SQL: &str = "
select program_id, kind
from program_certification
order by program_id, kind";

#[derive(sqlx::FromRow)]
pub(super) struct QuestionRow {
    program_id: String,
    question_key: String,
    label_en: String,
    label_fr: String,
    hint_en: Option<String>,
    hint_fr: Option<String>,
    required: bool,
}

/// Fee tiers by program id, in catalog order.
fn group_tiers(rows: Vec<FeeTierRow>) -> Result<HashMap<String, Vec<FeeTierRecord>>, StoreError> {
    let mut by: HashMap<String, Vec<FeeTierRecord>> = HashMap::new();
    for t in rows {
        let currency = Currency::parse(&t.currency).map_err(|e| corrupt("fee_tier.currency", e))?;
        let amount = Money::from_cents(t.amount_cents, currency)
            .map_err(|e| corrupt("fee_tier.amount_cents", e))?;
        by.entry(t.program_id).or_default().push(FeeTierRecord {
            code: t.code,
            label: LocalizedText {
                en: t.label_en,
                fr: t.label_fr,
            },
            amount,
            is_standard: t.is_standard,
            applicant_category: t.applicant_category,
            partner_only: t.partner_only,
            available_until: t.available_until.map(OffsetDateTime::from),
        });
    }
    Ok(by)
}

/// Questions by program id, in catalog order.
fn group_questions(rows: Vec<QuestionRow>) -> HashMap<String, Vec<QuestionRecord>> {
    let mut by: HashMap<String, Vec<QuestionRecord>> = HashMap::new();
    for q in rows {
        let hint = match (q.hint_en, q.hint_fr) {
            (Some(en), Some(fr)) => Some(LocalizedText { en, fr }),
            _ => None,
        };
        by.entry(q.program_id).or_default().push(QuestionRecord {
            key: q.question_key,
            label: LocalizedText {
                en: q.label_en,
                fr: q.label_fr,
            },
            hint,
            required: q.required,
        });
    }
    by
}

pub(super) const RUBRIC_SQL: &str = "
select program_id, criterion_key, label_en, label_fr
from program_criterion
order by program_id, position";

pub(super) const QUESTIONS_SQL: &str = "
select program_id, question_key, label_en, label_fr, hint_en, hint_fr, required
from program_question
order by program_id, position";

pub(super) const FEE_TIERS_SQL: &str = "
select program_id, code, label_en, label_fr, amount_cents, currency, is_standard,
       applicant_category, partner_only, available_until
from fee_tier
order by program_id, position";

/// Stitches the four reads of the program listing together.
pub(super) fn assemble_programs(
    rows: Vec<ProgramRow>,
    places: Vec<(String, String)>,
    certifications: Vec<(String, String)>,
    tiers: Vec<FeeTierRow>,
    questions: Vec<QuestionRow>,
    rubric: Vec<(String, String, String, String)>,
) -> Result<Vec<ProgramRecord>, StoreError> {
    let mut questions_by = group_questions(questions);
    let mut rubric_by: HashMap<String, Vec<super::CriterionRecord>> = HashMap::new();
    for (id, key, en, fr) in rubric {
        rubric_by
            .entry(id)
            .or_default()
            .push(super::CriterionRecord {
                key,
                label: LocalizedText { en, fr },
            });
    }
    let mut places_by: HashMap<String, Vec<String>> = HashMap::new();
    for (id, name) in places {
        places_by.entry(id).or_default().push(name);
    }
    let mut certs_by: HashMap<String, Vec<_>> = HashMap::new();
    for (id, kind) in certifications {
        let kind = kind
            .parse()
            .map_err(|e| corrupt("program_certification.kind", e))?;
        certs_by.entry(id).or_default().push(kind);
    }
    let mut tiers_by = group_tiers(tiers)?;
    for certs in certs_by.values_mut() {
        certs.sort_by_key(|k: &CertificateKind| CertificateKind::ALL.iter().position(|a| a == k));
    }
    rows.into_iter()
        .map(|r| {
            Ok(ProgramRecord {
                places: places_by.remove(&r.program_id).unwrap_or_default(),
                certifications: certs_by.remove(&r.program_id).unwrap_or_default(),
                fee_tiers: tiers_by.remove(&r.program_id).unwrap_or_default(),
                questions: questions_by.remove(&r.program_id).unwrap_or_default(),
                rubric: rubric_by.remove(&r.program_id).unwrap_or_default(),
                blind_review: r.blind_review,
                teaching_language: Locale::from_tag(&r.teaching_language)
                    .ok_or_else(|| corrupt("program.teaching_language", &r.teaching_language))?,
                review_mode: r
                    .review_mode
                    .parse()
                    .map_err(|e| corrupt("program.review_mode", e))?,
                program_id: r.program_id,
                edition_slug: r.edition_slug,
                edition_title: LocalizedText {
                    en: r.edition_title_en,
                    fr: r.edition_title_fr,
                },
                edition_year: r.edition_year,
                edition_is_demo: r.edition_is_demo,
                slug: r.slug,
                title: LocalizedText {
                    en: r.title_en,
                    fr: r.title_fr,
                },
                summary: LocalizedText {
                    en: r.summary_en,
                    fr: r.summary_fr,
                },
                audience: LocalizedText {
                    en: r.audience_en,
                    fr: r.audience_fr,
                },
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                ects: r.ects,
                hours: r.hours,
                capacity: r.capacity,
                seats_held: r.seats_held,
                application_opens_at: r.application_opens_at.into(),
                application_closes_at: r.application_closes_at.into(),
                payment_deadline_days: r.payment_deadline_days,
                contact_email: r.contact_email,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub(super) struct EditionRow {
    edition_id: String,
    organization_slug: String,
    slug: String,
    year: i32,
    title_en: String,
    title_fr: String,
    is_demo: bool,
    program_count: i64,
}

impl From<EditionRow> for EditionRecord {
    fn from(r: EditionRow) -> Self {
        EditionRecord {
            edition_id: r.edition_id,
            organization_slug: r.organization_slug,
            slug: r.slug,
            year: r.year,
            title: LocalizedText {
                en: r.title_en,
                fr: r.title_fr,
            },
            is_demo: r.is_demo,
            program_count: r.program_count,
        }
    }
}

pub(super) const EDITIONS_SQL: &str = "
select e.edition_id, o.slug as organization_slug, e.slug, e.year, e.title_en, e.title_fr, e.is_demo,
       (select count(*) from program p where p.edition_id = e.edition_id) as program_count
from edition e
join organization o on o.organization_id = e.organization_id
order by e.is_demo desc, e.year desc, e.slug";

#[derive(sqlx::FromRow)]
pub(super) struct JobRow {
    job_id: i64,
    kind: String,
    payload: sqlx::types::Json<serde_json::Value>,
    status: String,
    attempts: i32,
    max_attempts: i32,
    run_at: Timestamp,
    last_error: Option<String>,
    created_at: Timestamp,
    finished_at: Option<Timestamp>,
}

impl TryFrom<JobRow> for JobSummary {
    type Error = StoreError;
    fn try_from(r: JobRow) -> Result<Self, StoreError> {
        Ok(JobSummary {
            job_id: r.job_id,
            kind: r.kind,
            payload: r.payload.0,
            status: r.status.parse().map_err(|e| corrupt("job.status", e))?,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_at: r.run_at.into(),
            last_error: r.last_error,
            created_at: r.created_at.into(),
            finished_at: r.finished_at.map(Into::into),
        })
    }
}

/// What a claim returns, on both backends.
#[derive(sqlx::FromRow)]
pub(super) struct ClaimRow {
    job_id: i64,
    kind: String,
    payload: sqlx::types::Json<serde_json::Value>,
    attempts: i32,
    max_attempts: i32,
    created_at: Timestamp,
}

impl From<ClaimRow> for ClaimedJob {
    fn from(r: ClaimRow) -> Self {
        ClaimedJob {
            job_id: r.job_id,
            kind: r.kind,
            payload: r.payload.0,
            attempt: r.attempts,
            max_attempts: r.max_attempts,
            created_at: r.created_at.into(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    audit_event_id: i64,
    actor: String,
    action: String,
    subject_type: String,
    subject_id: String,
    detail: String,
    created_at: Timestamp,
}

impl From<AuditRow> for AuditEvent {
    fn from(r: AuditRow) -> Self {
        AuditEvent {
            audit_event_id: r.audit_event_id,
            actor: r.actor,
            action: r.action,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            detail: r.detail,
            created_at: r.created_at.into(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ApplicationRow {
    application_id: String,
    applicant_id: String,
    applicant_email: String,
    program_id: String,
    edition_slug: String,
    program_slug: String,
    title_en: String,
    title_fr: String,
    edition_is_demo: bool,
    application_closes_at: Timestamp,
    review_mode: String,
    payment_deadline_days: i32,
    applicant_locale: String,
    status: String,
    submitted_at: Option<Timestamp>,
    created_at: Timestamp,
    updated_at: Timestamp,
    catalog_revision: i64,
    /// The application's documents, a JSON array of objects (see [`DocumentJson`]).
    documents_json: String,
    /// Its answers to the program's questions, a JSON array of `[key, value]` pairs.
    answers_json: String,
    #[sqlx(flatten)]
    form: FormRow,
}

/// The form's columns, as the application query reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub(super) struct FormRow {
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub certificate_name: Option<String>,
    pub birth_date: Option<Date>,
    pub nationality: Option<String>,
    pub residence_country: Option<String>,
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub address_city: Option<String>,
    pub address_postcode: Option<String>,
    pub address_country: Option<String>,
    pub category: Option<String>,
    pub study_year: Option<i32>,
    pub institution: Option<String>,
    pub institution_country: Option<String>,
    pub partner_university: Option<bool>,
    pub english_level: Option<String>,
    pub motivation: Option<String>,
    pub privacy_version: Option<String>,
    pub terms_version: Option<String>,
    /// The fee tier asked for, by code (only when the program has several).
    pub requested_fee_tier: Option<String>,
    /// A discount code, normalized, checked when typed and again when the offer is made.
    pub discount_code: Option<String>,
}

impl From<FormRow> for ApplicationForm {
    fn from(r: FormRow) -> Self {
        ApplicationForm {
            given_names: r.given_names,
            family_name: r.family_name,
            certificate_name: r.certificate_name,
            birth_date: r.birth_date,
            nationality: r.nationality,
            residence_country: r.residence_country,
            phone: r.phone,
            address_line1: r.address_line1,
            address_line2: r.address_line2,
            address_city: r.address_city,
            address_postcode: r.address_postcode,
            address_country: r.address_country,
            category: r.category,
            study_year: r.study_year,
            institution: r.institution,
            institution_country: r.institution_country,
            partner_university: r.partner_university,
            english_level: r.english_level,
            motivation: r.motivation,
            privacy_version: r.privacy_version,
            terms_version: r.terms_version,
            requested_fee_tier: r.requested_fee_tier,
            discount_code: r.discount_code,
        }
    }
}

impl ApplicationRow {
    pub(super) fn program_revision(&self) -> (&str, i64) {
        (&self.program_id, self.catalog_revision)
    }
}

/// The application query, one text per scope: all of an applicant's applications, or one of them.
/// Two texts rather than one with `($2 is null or a.application_id = $2)`: Postgres switches to a
/// generic plan for that after a few runs and then reads every application of the applicant on each
/// hot-path request. Documents and answers come in the same row, aggregated as JSON by the backend's
/// own functions (`$documents` and `$answers`): one round trip for a whole application.
macro_rules! applications_sql {
    ($documents:literal, $answers:literal) => {
        [
            concat!(
                applications_sql!(@head),
                $documents,
                " as documents_json, ",
                $answers,
                " as answers_json ",
                applications_sql!(@from),
                " where a.applicant_id = $1 order by a.created_at desc"
            ),
            concat!(
                applications_sql!(@head),
                $documents,
                " as documents_json, ",
                $answers,
                " as answers_json ",
                applications_sql!(@from),
                " where a.applicant_id = $1 and a.application_id = $2"
            ),
        ]
    };
    (@head) => {
        "select a.application_id, a.applicant_id, ap.email as applicant_email, a.program_id,
       e.slug as edition_slug, p.slug as program_slug, p.title_en, p.title_fr, e.is_demo as edition_is_demo,
       p.application_closes_at, p.review_mode, p.payment_deadline_days, ap.locale as applicant_locale,
       p.catalog_revision, a.status, a.submitted_at, a.created_at,
       a.updated_at, f.given_names, f.family_name, f.certificate_name, f.birth_date, f.nationality,
       f.residence_country, f.phone, f.address_line1, f.address_line2, f.address_city, f.address_postcode,
       f.address_country, f.category, f.study_year, f.institution, f.institution_country,
       f.partner_university, f.english_level, f.motivation, f.privacy_version, f.terms_version,
       f.requested_fee_tier, f.discount_code, "
    };
    (@from) => {
        "from application a
join applicant ap on ap.applicant_id = a.applicant_id
join program p on p.program_id = a.program_id
join edition e on e.edition_id = p.edition_id
join application_form f on f.application_id = a.application_id"
    };
}

pub(super) use applications_sql;

/// One program's questions, in catalog order.
pub(super) const PROGRAM_QUESTIONS_SQL: &str = "
select program_id, question_key, label_en, label_fr, hint_en, hint_fr, required
from program_question
where program_id = $1
order by position";

/// One program's fee tiers, in catalog order.
pub(super) const PROGRAM_FEE_TIERS_SQL: &str = "
select program_id, code, label_en, label_fr, amount_cents, currency, is_standard,
       applicant_category, partner_only, available_until
from fee_tier
where program_id = $1
order by position";

/// What the catalog says about a program that an application shows: its questions and fee tiers.
pub(super) struct ProgramParts {
    pub questions: Vec<QuestionRecord>,
    pub fee_tiers: Vec<FeeTierRecord>,
}

/// Program id → (catalog revision, parts read at it).
type PartsByProgram = HashMap<String, (i64, std::sync::Arc<ProgramParts>)>;

/// Each program's [`ProgramParts`] as last read, with the catalog revision they were read at. Only a
/// catalog load changes them, and it bumps `program.catalog_revision` in the same transaction; the
/// application query returns the revision, so an instance reads the parts again only when it moved
/// (whichever instance loaded the catalog). Parts read after the revision was seen are at least as
/// new as it, never older. One request at a time reads them: after a catalog load, the requests that
/// arrive together wait for the first one's read instead of all reading the same rows.
#[derive(Clone, Default)]
pub(super) struct PartsCache {
    map: std::sync::Arc<std::sync::RwLock<PartsByProgram>>,
    reading: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl PartsCache {
    /// Held while reading parts from the database; look again once it is held.
    pub(super) async fn reading(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.reading.lock().await
    }

    pub(super) fn get(
        &self,
        program_id: &str,
        revision: i64,
    ) -> Option<std::sync::Arc<ProgramParts>> {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        map.get(program_id)
            .filter(|(r, _)| *r == revision)
            .map(|(_, parts)| parts.clone())
    }

    pub(super) fn put(&self, program_id: &str, revision: i64, parts: std::sync::Arc<ProgramParts>) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        map.insert(program_id.to_owned(), (revision, parts));
    }
}

/// Builds one program's parts from its question and tier rows.
pub(super) fn program_parts(
    program_id: &str,
    questions: Vec<QuestionRow>,
    tiers: Vec<FeeTierRow>,
) -> Result<ProgramParts, StoreError> {
    Ok(ProgramParts {
        questions: group_questions(questions)
            .remove(program_id)
            .unwrap_or_default(),
        fee_tiers: group_tiers(tiers)?.remove(program_id).unwrap_or_default(),
    })
}

/// A document as the application query aggregates it.
#[derive(serde::Deserialize)]
struct DocumentJson {
    document_id: String,
    application_id: String,
    kind: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    blob_key: String,
    /// SQLite's fixed-width text or Postgres' ISO 8601 with an offset.
    created_at: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct DocumentRow {
    document_id: String,
    application_id: String,
    kind: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    blob_key: String,
    created_at: Timestamp,
}

impl TryFrom<DocumentRow> for DocumentRecord {
    type Error = StoreError;
    fn try_from(r: DocumentRow) -> Result<Self, StoreError> {
        Ok(DocumentRecord {
            kind: r
                .kind
                .parse()
                .map_err(|e| corrupt("application_document.kind", e))?,
            document_id: r.document_id,
            application_id: r.application_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            blob_key: r.blob_key,
            created_at: r.created_at.into(),
        })
    }
}

/// The application rows with their aggregated documents and answers, and each program's parts (which
/// the caller looked up for every `(program_id, catalog_revision)` of the rows).
pub(super) fn assemble_applications(
    rows: Vec<ApplicationRow>,
    parts: &HashMap<String, std::sync::Arc<ProgramParts>>,
) -> Result<Vec<ApplicationRecord>, StoreError> {
    rows.into_iter()
        .map(|r| {
            let mut documents = serde_json::from_str::<Vec<DocumentJson>>(&r.documents_json)
                .map_err(|e| corrupt("application documents", e))?
                .into_iter()
                .map(|d| {
                    Ok(DocumentRecord {
                        kind: d
                            .kind
                            .parse()
                            .map_err(|e| corrupt("application_document.kind", e))?,
                        created_at: Timestamp::parse_text(&d.created_at)
                            .map_err(|e| corrupt("application_document.created_at", e))?
                            .into(),
                        document_id: d.document_id,
                        application_id: d.application_id,
                        file_name: d.file_name,
                        content_type: d.content_type,
                        size_bytes: d.size_bytes,
                        sha256: d.sha256,
                        blob_key: d.blob_key,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            // Oldest first; one upload's files (one instant) in the form's order.
            let rank = |k: &crate::domain::status::DocumentKind| {
                crate::domain::status::DocumentKind::ALL
                    .iter()
                    .position(|a| a == k)
            };
            documents.sort_by_key(|d| (d.created_at, rank(&d.kind)));
            let mut answers: Vec<(String, String)> = serde_json::from_str(&r.answers_json)
                .map_err(|e| corrupt("application answers", e))?;
            answers.sort();
            let program = parts.get(&r.program_id);
            Ok(ApplicationRecord {
                status: r
                    .status
                    .parse()
                    .map_err(|e| corrupt("application.status", e))?,
                review_mode: r
                    .review_mode
                    .parse()
                    .map_err(|e| corrupt("program.review_mode", e))?,
                payment_deadline_days: u16::try_from(r.payment_deadline_days)
                    .map_err(|e| corrupt("program.payment_deadline_days", e))?,
                applicant_locale: Locale::from_tag(&r.applicant_locale).unwrap_or_default(),
                documents,
                answers,
                questions: program.map(|p| p.questions.clone()).unwrap_or_default(),
                fee_tiers: program.map(|p| p.fee_tiers.clone()).unwrap_or_default(),
                application_id: r.application_id,
                applicant_id: r.applicant_id,
                applicant_email: r.applicant_email,
                program_id: r.program_id,
                edition_slug: r.edition_slug,
                program_slug: r.program_slug,
                program_title: LocalizedText {
                    en: r.title_en,
                    fr: r.title_fr,
                },
                edition_is_demo: r.edition_is_demo,
                application_closes_at: r.application_closes_at.into(),
                submitted_at: r.submitted_at.map(Into::into),
                created_at: r.created_at.into(),
                updated_at: r.updated_at.into(),
                form: r.form.into(),
            })
        })
        .collect()
}

/// The steps every area shares: the audit trail and the job queue, in the caller's transaction.
impl SqlStore {
    pub(super) async fn insert_audit(
        tx: &mut Tx,
        organization_id: Option<&str>,
        actor: &Actor,
        action: Action,
        subject: (&str, &str),
        detail: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        query(
            "insert into audit_event (organization_id, actor, action, subject_type, subject_id, detail, created_at)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(organization_id)
        .bind(actor.to_string())
        .bind(action.as_str())
        .bind(subject.0)
        .bind(subject.1)
        .bind(detail)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Queues a job in the transaction of the change that asks for it, retried up to the
    /// configured number of attempts (`JOB_MAX_ATTEMPTS`).
    pub(super) async fn insert_job(
        &self,
        tx: &mut Tx,
        payload: &crate::domain::job::JobPayload,
        now: Timestamp,
        application_id: Option<&str>,
    ) -> Result<i64, StoreError> {
        Self::insert_job_tried(tx, payload, self.job_max_attempts, now, application_id).await
    }

    /// Queues a job retried up to `max_attempts`.
    pub(super) async fn insert_job_tried(
        tx: &mut Tx,
        payload: &crate::domain::job::JobPayload,
        max_attempts: u32,
        now: Timestamp,
        application_id: Option<&str>,
    ) -> Result<i64, StoreError> {
        let max_attempts = i32::try_from(max_attempts.max(1)).unwrap_or(i32::MAX);
        let id: i64 = scalar(
            "insert into job (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at, application_id)
             values ($1, $2, 'queued', 0, $3, $4, $4, $4, $5)
             returning job_id",
        )
        .bind(payload.kind())
        .bind(sqlx::types::Json(payload))
        .bind(max_attempts)
        .bind(now)
        .bind(application_id)
        .fetch_one(&mut *tx)
        .await?;
        Ok(id)
    }

    /// The application's status if it is the applicant's and in one of `allowed`; otherwise
    /// NotFound (someone else's) or `Refused(refusal)`.
    pub(super) async fn require_status(
        tx: &mut Tx,
        applicant_id: &str,
        application_id: &str,
        allowed: &[&str],
        refusal: Refusal,
    ) -> Result<String, StoreError> {
        let status: Option<String> = scalar(
            "select status from application where application_id = $1 and applicant_id = $2",
        )
        .bind(application_id)
        .bind(applicant_id)
        .fetch_optional(&mut *tx)
        .await?;
        match status {
            None => Err(StoreError::NotFound),
            Some(s) if allowed.contains(&s.as_str()) => Ok(s),
            Some(_) => Err(StoreError::Refused(refusal)),
        }
    }

    /// An applicant's applications (or one of them): one query, plus two per program whose
    /// catalog revision this instance has not read yet.
    pub(super) async fn load_applications(
        &self,
        applicant_id: &str,
        only: Option<&str>,
    ) -> Result<Vec<crate::store::ApplicationRecord>, StoreError> {
        use crate::store::common as c;
        let sql = self.applications_sql()[usize::from(only.is_some())];
        let select = query(sql).bind(applicant_id);
        let select = match only {
            Some(id) => select.bind(id),
            None => select,
        };
        let rows: Vec<c::ApplicationRow> = select.fetch_all(self.db.read()).await?;
        let mut parts = std::collections::HashMap::new();
        for (program_id, revision) in rows.iter().map(c::ApplicationRow::program_revision) {
            if parts.contains_key(program_id) {
                continue;
            }
            let found = match self.parts.get(program_id, revision) {
                Some(found) => found,
                None => {
                    let _reading = self.parts.reading().await;
                    match self.parts.get(program_id, revision) {
                        // Read meanwhile by the request this one waited for.
                        Some(found) => found,
                        None => {
                            let questions: Vec<c::QuestionRow> = query(c::PROGRAM_QUESTIONS_SQL)
                                .bind(program_id)
                                .fetch_all(self.db.read())
                                .await?;
                            let tiers: Vec<c::FeeTierRow> = query(c::PROGRAM_FEE_TIERS_SQL)
                                .bind(program_id)
                                .fetch_all(self.db.read())
                                .await?;
                            let read = std::sync::Arc::new(c::program_parts(
                                program_id, questions, tiers,
                            )?);
                            self.parts.put(program_id, revision, read.clone());
                            read
                        }
                    }
                }
            };
            parts.insert(program_id.to_owned(), found);
        }
        c::assemble_applications(rows, &parts)
    }

    pub(super) async fn upsert_program(
        tx: &mut Tx,
        edition_id: &str,
        position: i32,
        p: &crate::domain::catalog::ProgramSpec,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let existing: Option<String> =
            scalar("select program_id from program where edition_id = $1 and slug = $2")
                .bind(edition_id)
                .bind(p.slug.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let created = existing.is_none();
        let program_id = existing.unwrap_or_else(crate::store::new_id);
        query(
            "insert into program (program_id, edition_id, slug, position, title_en, title_fr, summary_en,
                 summary_fr, audience_en, audience_fr, teaching_language, starts_on, ends_on, ects, hours,
                 capacity, application_opens_at, application_closes_at, review_mode, payment_deadline_days,
                 contact_email, blind_review, created_at, updated_at, code, learning_outcomes,
                 min_days_present, assessment_required, afgsu_hours)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                 $20, $21, $23, $22, $22, $24, $25, $26, $27, $28)
             on conflict (program_id) do update set
                 position = excluded.position, title_en = excluded.title_en, title_fr = excluded.title_fr,
                 summary_en = excluded.summary_en, summary_fr = excluded.summary_fr,
                 audience_en = excluded.audience_en, audience_fr = excluded.audience_fr,
                 teaching_language = excluded.teaching_language, starts_on = excluded.starts_on,
                 ends_on = excluded.ends_on, ects = excluded.ects, hours = excluded.hours,
                 capacity = excluded.capacity, application_opens_at = excluded.application_opens_at,
                 application_closes_at = excluded.application_closes_at, review_mode = excluded.review_mode,
                 payment_deadline_days = excluded.payment_deadline_days,
                 contact_email = excluded.contact_email, blind_review = excluded.blind_review,
                 code = excluded.code, learning_outcomes = excluded.learning_outcomes,
                 min_days_present = excluded.min_days_present,
                 assessment_required = excluded.assessment_required, afgsu_hours = excluded.afgsu_hours,
                 catalog_revision = program.catalog_revision + 1, updated_at = excluded.updated_at",
        )
        .bind(&program_id)
        .bind(edition_id)
        .bind(p.slug.as_str())
        .bind(position)
        .bind(&p.title.en)
        .bind(&p.title.fr)
        .bind(&p.summary.en)
        .bind(&p.summary.fr)
        .bind(&p.audience.en)
        .bind(&p.audience.fr)
        .bind(p.teaching_language.tag())
        .bind(p.starts_on)
        .bind(p.ends_on)
        .bind(i32::from(p.ects))
        .bind(i32::from(p.hours))
        .bind(i32::try_from(p.capacity).unwrap_or(i32::MAX))
        .bind(Timestamp::new(p.application_opens_at))
        .bind(Timestamp::new(p.application_closes_at))
        .bind(p.review_mode.as_str())
        .bind(i32::from(p.payment_deadline_days))
        .bind(p.contact_email.as_str())
        .bind(now)
        .bind(p.blind_review)
        .bind(&p.code)
        .bind(serde_json::to_string(&p.learning_outcomes).expect("plain data serializes"))
        .bind(p.completion.min_days_present.map(i32::from))
        .bind(p.completion.assessment)
        .bind(i32::from(p.afgsu_hours))
        .execute(&mut *tx)
        .await?;
        query("delete from program_criterion where program_id = $1")
            .bind(&program_id)
            .execute(&mut *tx)
            .await?;
        for (i, c) in p.rubric.iter().enumerate() {
            query(
                "insert into program_criterion (program_id, criterion_key, position, label_en, label_fr)
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(&program_id)
            .bind(c.key.as_str())
            .bind(i32::try_from(i).unwrap_or(i32::MAX))
            .bind(&c.label.en)
            .bind(&c.label.fr)
            .execute(&mut *tx)
            .await?;
        }

        query("delete from program_place where program_id = $1")
            .bind(&program_id)
            .execute(&mut *tx)
            .await?;
        for (i, place) in p.places.iter().enumerate() {
            query("insert into program_place (program_id, position, name) values ($1, $2, $3)")
                .bind(&program_id)
                .bind(i32::try_from(i).unwrap_or(i32::MAX))
                .bind(place)
                .execute(&mut *tx)
                .await?;
        }
        query("delete from program_certification where program_id = $1")
            .bind(&program_id)
            .execute(&mut *tx)
            .await?;
        for kind in &p.certifications {
            query("insert into program_certification (program_id, kind) values ($1, $2)")
                .bind(&program_id)
                .bind(kind.as_str())
                .execute(&mut *tx)
                .await?;
        }
        query("delete from program_question where program_id = $1")
            .bind(&program_id)
            .execute(&mut *tx)
            .await?;
        for (i, q) in p.questions.iter().enumerate() {
            query(
                "insert into program_question (program_id, question_key, position, kind, label_en, label_fr,
                     hint_en, hint_fr, required)
                 values ($1, $2, $3, 'yes_no', $4, $5, $6, $7, $8)",
            )
            .bind(&program_id)
            .bind(q.key.as_str())
            .bind(i32::try_from(i).unwrap_or(i32::MAX))
            .bind(&q.label.en)
            .bind(&q.label.fr)
            .bind(q.hint.as_ref().map(|h| h.en.clone()))
            .bind(q.hint.as_ref().map(|h| h.fr.clone()))
            .bind(q.required)
            .execute(&mut *tx)
            .await?;
        }
        let codes: Vec<&str> = p.fee_tiers.iter().map(|t| t.code.as_str()).collect();
        let stored: Vec<String> = scalar("select code from fee_tier where program_id = $1")
            .bind(&program_id)
            .fetch_all(&mut *tx)
            .await?;
        for gone in stored.iter().filter(|c| !codes.contains(&c.as_str())) {
            query("delete from fee_tier where program_id = $1 and code = $2")
                .bind(&program_id)
                .bind(gone)
                .execute(&mut *tx)
                .await?;
        }
        for (i, t) in p.fee_tiers.iter().enumerate() {
            query(
                "insert into fee_tier (fee_tier_id, program_id, code, position, label_en, label_fr,
                     amount_cents, currency, is_standard, applicant_category, partner_only, available_until,
                     created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
                 on conflict (program_id, code) do update set
                     position = excluded.position, label_en = excluded.label_en,
                     label_fr = excluded.label_fr, amount_cents = excluded.amount_cents,
                     currency = excluded.currency, is_standard = excluded.is_standard,
                     applicant_category = excluded.applicant_category,
                     partner_only = excluded.partner_only, available_until = excluded.available_until,
                     updated_at = excluded.updated_at",
            )
            .bind(crate::store::new_id())
            .bind(&program_id)
            .bind(t.code.as_str())
            .bind(i32::try_from(i).unwrap_or(i32::MAX))
            .bind(&t.label.en)
            .bind(&t.label.fr)
            .bind(t.amount.cents())
            .bind(t.amount.currency().code())
            .bind(t.standard)
            .bind(t.category.map(|c| c.as_str()))
            .bind(t.partner_only)
            .bind(t.available_until.map(Timestamp::new))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        Ok(created)
    }
}

#[async_trait]
impl crate::store::Store for SqlStore {
    fn backend(&self) -> crate::store::Backend {
        self.db.backend()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        query("select 1").execute(self.db.read()).await?;
        Ok(())
    }

    async fn edition_count(&self) -> Result<i64, StoreError> {
        Ok(scalar("select count(*) from edition")
            .fetch_one(self.db.read())
            .await?)
    }

    async fn load_edition(
        &self,
        spec: &crate::domain::catalog::EditionSpec,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<crate::store::LoadOutcome, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let o = &spec.organization;
        let organization_id: String = scalar(
            "insert into organization (organization_id, slug, name, contact_email, website, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6)
             on conflict (slug) do update set
                 name = excluded.name, contact_email = excluded.contact_email,
                 website = excluded.website, updated_at = excluded.updated_at
             returning organization_id",
        )
        .bind(crate::store::new_id())
        .bind(o.slug.as_str())
        .bind(&o.name)
        .bind(o.contact_email.as_str())
        .bind(o.website.as_deref())
        .bind(now)
        .fetch_one(&mut tx)
        .await?;

        let existing: Option<String> =
            scalar("select edition_id from edition where organization_id = $1 and slug = $2")
                .bind(&organization_id)
                .bind(spec.slug.as_str())
                .fetch_optional(&mut tx)
                .await?;
        let edition_created = existing.is_none();
        let edition_id = existing.unwrap_or_else(crate::store::new_id);
        query(
            "insert into edition (edition_id, organization_id, slug, year, title_en, title_fr, is_demo, created_at, updated_at,
                                  certificate_issuer)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
             on conflict (edition_id) do update set
                 year = excluded.year, title_en = excluded.title_en, title_fr = excluded.title_fr,
                 is_demo = excluded.is_demo, updated_at = excluded.updated_at,
                 certificate_issuer = excluded.certificate_issuer",
        )
        .bind(&edition_id)
        .bind(&organization_id)
        .bind(spec.slug.as_str())
        .bind(spec.year)
        .bind(&spec.title.en)
        .bind(&spec.title.fr)
        .bind(spec.is_demo)
        .bind(now)
        .bind(spec.certificates.as_ref().map(|c| serde_json::to_string(c).expect("plain data serializes")))
        .execute(&mut tx)
        .await?;

        let stored: Vec<String> = scalar("select slug from program where edition_id = $1")
            .bind(&edition_id)
            .fetch_all(&mut tx)
            .await?;
        if let Some(missing) = stored
            .iter()
            .find(|s| !spec.programs.iter().any(|p| p.slug.as_str() == s.as_str()))
        {
            return Err(StoreError::Refused(Refusal::ProgramMissingFromFile {
                program: missing.clone(),
                edition: spec.slug.to_string(),
            }));
        }

        let (mut created, mut updated) = (0, 0);
        for (i, p) in spec.programs.iter().enumerate() {
            let position = i32::try_from(i).unwrap_or(i32::MAX);
            if Self::upsert_program(&mut tx, &edition_id, position, p, now).await? {
                created += 1;
            } else {
                updated += 1;
            }
        }
        let detail = format!(
            "{} edition `{}`: {created} program(s) created, {updated} updated",
            if edition_created {
                "created"
            } else {
                "updated"
            },
            spec.slug
        );
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            actor,
            Action::CatalogLoaded,
            ("edition", &edition_id),
            &detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(crate::store::LoadOutcome {
            edition_id,
            edition_created,
            programs_created: created,
            programs_updated: updated,
        })
    }

    async fn editions(&self) -> Result<Vec<crate::store::EditionRecord>, StoreError> {
        let rows: Vec<EditionRow> = query(EDITIONS_SQL).fetch_all(self.db.read()).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn programs(&self) -> Result<Vec<crate::store::ProgramRecord>, StoreError> {
        use crate::store::common as c;
        // One read transaction, so that the four reads see the same catalog.
        let mut tx = self.db.begin_read().await?;
        let rows: Vec<c::ProgramRow> = query(c::PROGRAMS_SQL).fetch_all(&mut tx).await?;
        let places: Vec<(String, String)> = query(c::PLACES_SQL).fetch_all(&mut tx).await?;
        let certs: Vec<(String, String)> = query(c::CERTIFICATIONS_SQL).fetch_all(&mut tx).await?;
        let tiers: Vec<c::FeeTierRow> = query(c::FEE_TIERS_SQL).fetch_all(&mut tx).await?;
        let questions: Vec<c::QuestionRow> = query(c::QUESTIONS_SQL).fetch_all(&mut tx).await?;
        let rubric: Vec<(String, String, String, String)> =
            query(c::RUBRIC_SQL).fetch_all(&mut tx).await?;
        tx.commit().await?;
        c::assemble_programs(rows, places, certs, tiers, questions, rubric)
    }

    async fn create_organizer(
        &self,
        new: &crate::store::NewOrganizer,
        welcome: &crate::domain::job::OutgoingEmail,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<String, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organization_id: Option<String> =
            scalar("select organization_id from organization where slug = $1")
                .bind(&new.organization_slug)
                .fetch_optional(&mut tx)
                .await?;
        let Some(organization_id) = organization_id else {
            return Err(StoreError::Refused(Refusal::NoOrganization(
                new.organization_slug.to_string(),
            )));
        };
        let organizer_id = crate::store::new_id();
        query(
            "insert into organizer (organizer_id, organization_id, email, display_name, password_hash, role, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&organizer_id)
        .bind(&organization_id)
        .bind(new.email.as_str())
        .bind(&new.display_name)
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(now)
        .execute(&mut tx)
        .await?;
        let access = crate::domain::access::Access {
            role: new.role,
            programs: new.programs.clone(),
        };
        Self::put_organizer_programs(&mut tx, &organizer_id, &access).await?;
        self.insert_job(
            &mut tx,
            &crate::domain::job::JobPayload::SendEmail(welcome.clone()),
            now,
            None,
        )
        .await?;
        let detail = crate::store::organizers::access_detail(&access);
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            actor,
            Action::OrganizerCreated,
            ("organizer", &organizer_id),
            &detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(organizer_id)
    }

    async fn enqueue_job(
        &self,
        payload: &crate::domain::job::JobPayload,
        max_attempts: u32,
        now: time::OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.db.begin_write().await?;
        let id = Self::insert_job_tried(&mut tx, payload, max_attempts, now.into(), None).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn claim_job(
        &self,
        now: time::OffsetDateTime,
        lease: std::time::Duration,
    ) -> Result<Option<crate::store::ClaimedJob>, StoreError> {
        self.claim_next_job(now, lease).await
    }

    async fn complete_job(
        &self,
        job_id: i64,
        attempt: i32,
        scrubbed: Option<&crate::domain::job::JobPayload>,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = query(
            "update job
             set status = 'done', locked_until = null, finished_at = $3, updated_at = $3,
                 payload = coalesce($4, payload)
             where job_id = $1 and attempts = $2 and status = 'running'",
        )
        .bind(job_id)
        .bind(attempt)
        .bind(Timestamp::new(now))
        .bind(scrubbed.map(sqlx::types::Json))
        .execute(self.db.write())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn request_sign_in(
        &self,
        request: &crate::store::SignInRequest<'_>,
        email: &crate::domain::job::OutgoingEmail,
        now: time::OffsetDateTime,
    ) -> Result<crate::store::SignInOutcome, StoreError> {
        let since = Timestamp::new(now - request.limits.window);
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organization_id: Option<String> =
            scalar("select organization_id from organization order by created_at limit 1")
                .fetch_optional(&mut tx)
                .await?;
        let Some(organization_id) = organization_id else {
            return Err(StoreError::Refused(Refusal::NoCatalog));
        };
        let by_email: i64 =
            scalar("select count(*) from sign_in_token where email = $1 and created_at > $2")
                .bind(request.email.as_str())
                .bind(since)
                .fetch_one(&mut tx)
                .await?;
        let by_requester: i64 =
            scalar("select count(*) from sign_in_token where requester = $1 and created_at > $2")
                .bind(request.requester)
                .bind(since)
                .fetch_one(&mut tx)
                .await?;
        if by_email >= request.limits.per_email || by_requester >= request.limits.per_requester {
            return Ok(crate::store::SignInOutcome::Throttled);
        }
        query(
            "insert into sign_in_token (token_hash, organization_id, email, locale, next_path, requester, created_at, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(request.token_hash)
        .bind(&organization_id)
        .bind(request.email.as_str())
        .bind(request.locale.tag())
        .bind(request.next_path)
        .bind(request.requester)
        .bind(now)
        .bind(Timestamp::new(request.expires_at))
        .execute(&mut tx)
        .await?;
        self.insert_job(
            &mut tx,
            &crate::domain::job::JobPayload::SendEmail(email.clone()),
            now,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(crate::store::SignInOutcome::Sent)
    }

    async fn consume_sign_in(
        &self,
        token_hash: &str,
        session: &crate::store::NewSession<'_>,
        now: time::OffsetDateTime,
    ) -> Result<crate::store::SignedIn, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let token: Option<(String, String, String, String, Timestamp, Option<Timestamp>)> = query(
            "select organization_id, email, locale, next_path, expires_at, used_at
             from sign_in_token
             where token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut tx)
        .await?;
        let Some((organization_id, email, locale, next_path, expires_at, used_at)) = token else {
            return Err(StoreError::NotFound);
        };
        if used_at.is_some() {
            return Err(StoreError::Refused(Refusal::LinkUsed));
        }
        if expires_at <= now {
            return Err(StoreError::Refused(Refusal::LinkExpired));
        }
        let used = query(
            "update sign_in_token set used_at = $2 where token_hash = $1 and used_at is null",
        )
        .bind(token_hash)
        .bind(now)
        .execute(&mut tx)
        .await?;
        if used.rows_affected() != 1 {
            return Err(StoreError::Refused(Refusal::LinkUsed));
        }
        let applicant_id: String = scalar(
            "insert into applicant (applicant_id, organization_id, email, locale, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $5)
             on conflict (organization_id, email) do update set updated_at = excluded.updated_at
             returning applicant_id",
        )
        .bind(crate::store::new_id())
        .bind(&organization_id)
        .bind(&email)
        .bind(&locale)
        .bind(now)
        .fetch_one(&mut tx)
        .await?;
        if let Some(old) = session.replaces {
            query("delete from applicant_session where session_hash = $1")
                .bind(old)
                .execute(&mut tx)
                .await?;
        }
        query(
            "insert into applicant_session (session_hash, applicant_id, created_at, expires_at)
             values ($1, $2, $3, $4)",
        )
        .bind(session.session_hash)
        .bind(&applicant_id)
        .bind(now)
        .bind(Timestamp::new(session.expires_at))
        .execute(&mut tx)
        .await?;
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &Actor::Applicant(applicant_id.clone()),
            Action::ApplicantSignedIn,
            ("applicant", &applicant_id),
            "signed in with an emailed link",
            now,
        )
        .await?;
        tx.commit().await?;
        let locale = crate::domain::locale::Locale::from_tag(&locale).unwrap_or_default();
        Ok(crate::store::SignedIn {
            applicant_id,
            next_path,
            locale,
        })
    }

    async fn session(
        &self,
        session_hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<Option<crate::store::SessionInfo>, StoreError> {
        let row: Option<(String, String, String)> = query(
            "select a.applicant_id, a.email, a.locale
             from applicant_session s
             join applicant a on a.applicant_id = s.applicant_id
             where s.session_hash = $1 and s.expires_at > $2",
        )
        .bind(session_hash)
        .bind(Timestamp::new(now))
        .fetch_optional(self.db.read())
        .await?;
        Ok(
            row.map(|(applicant_id, email, locale)| crate::store::SessionInfo {
                applicant_id,
                email,
                locale: crate::domain::locale::Locale::from_tag(&locale).unwrap_or_default(),
            }),
        )
    }

    async fn end_session(&self, session_hash: &str) -> Result<(), StoreError> {
        query("delete from applicant_session where session_hash = $1")
            .bind(session_hash)
            .execute(self.db.write())
            .await?;
        Ok(())
    }

    async fn fail_job(
        &self,
        job_id: i64,
        attempt: i32,
        error: &str,
        retry_at: Option<time::OffsetDateTime>,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let now = Timestamp::new(now);
        let error: String = error.chars().take(1000).collect();
        let (status, run_at, finished_at) = match retry_at {
            Some(at) => ("queued", Timestamp::new(at), None),
            None => ("dead", now, Some(now)),
        };
        let done = query(
            "update job
             set status = $3, run_at = $4, last_error = $5, locked_until = null, finished_at = $6, updated_at = $7
             where job_id = $1 and attempts = $2 and status = 'running'",
        )
        .bind(job_id)
        .bind(attempt)
        .bind(status)
        .bind(run_at)
        .bind(error)
        .bind(finished_at)
        .bind(now)
        .execute(self.db.write())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn jobs(
        &self,
        filter: crate::store::JobFilter,
        limit: i64,
    ) -> Result<Vec<crate::store::JobSummary>, StoreError> {
        use crate::store::JobFilter;
        let sql = match filter {
            JobFilter::All => "select job_id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, finished_at
                 from job order by job_id desc limit $1",
            JobFilter::Dead => "select job_id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, finished_at
                 from job where status = 'dead' order by job_id desc limit $1",
            JobFilter::Pending => "select job_id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, finished_at
                 from job where status in ('queued', 'running') order by job_id desc limit $1",
        };
        let rows: Vec<JobRow> = query(sql).bind(limit).fetch_all(self.db.read()).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn retry_job(
        &self,
        job_id: i64,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let status: Option<String> = scalar("select status from job where job_id = $1")
            .bind(job_id)
            .fetch_optional(&mut tx)
            .await?;
        match status.as_deref() {
            None => return Err(StoreError::NotFound),
            Some("dead") => {}
            Some(other) => {
                return Err(StoreError::Refused(Refusal::JobNotDead {
                    job_id,
                    status: other.to_owned(),
                }));
            }
        }
        query(
            "update job
             set status = 'queued', attempts = 0, run_at = $2, locked_until = null, finished_at = null, updated_at = $2
             where job_id = $1 and status = 'dead'",
        )
        .bind(job_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::JobRetried,
            ("job", &job_id.to_string()),
            "dead job queued again",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn start_application(
        &self,
        applicant_id: &str,
        program_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<(String, bool), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let existing: Option<String> = scalar(
            "select application_id from application where applicant_id = $1 and program_id = $2",
        )
        .bind(applicant_id)
        .bind(program_id)
        .fetch_optional(&mut tx)
        .await?;
        if let Some(id) = existing {
            return Ok((id, false));
        }
        let window: Option<(Timestamp, Timestamp)> = query(
            "select application_opens_at, application_closes_at from program where program_id = $1",
        )
        .bind(program_id)
        .fetch_optional(&mut tx)
        .await?;
        let Some((opens, closes)) = window else {
            return Err(StoreError::NotFound);
        };
        if now < opens || now >= closes {
            return Err(StoreError::Refused(Refusal::WindowClosed));
        }
        let application_id = crate::store::new_id();
        query(
            "insert into application (application_id, program_id, applicant_id, status, created_at, updated_at)
             values ($1, $2, $3, 'draft', $4, $4)",
        )
        .bind(&application_id)
        .bind(program_id)
        .bind(applicant_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        query("insert into application_form (application_id, updated_at) values ($1, $2)")
            .bind(&application_id)
            .bind(now)
            .execute(&mut tx)
            .await?;
        let actor = Actor::Applicant(applicant_id.to_owned());
        Self::insert_audit(
            &mut tx,
            None,
            &actor,
            Action::ApplicationStarted,
            ("application", &application_id),
            "draft",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((application_id, true))
    }

    async fn application(
        &self,
        applicant_id: &str,
        application_id: &str,
    ) -> Result<crate::store::ApplicationRecord, StoreError> {
        let mut all = self
            .load_applications(applicant_id, Some(application_id))
            .await?;
        all.pop().ok_or(StoreError::NotFound)
    }

    async fn applications_of(
        &self,
        applicant_id: &str,
    ) -> Result<Vec<crate::store::ApplicationRecord>, StoreError> {
        self.load_applications(applicant_id, None).await
    }

    async fn save_form(
        &self,
        applicant_id: &str,
        application_id: &str,
        values: &[(crate::store::FormColumn, crate::store::FormValue)],
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        use crate::store::{FormValue, types::Timestamp};
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        Self::require_status(
            &mut tx,
            applicant_id,
            application_id,
            &["draft"],
            Refusal::NotDraft,
        )
        .await?;
        let mut sql = String::from("update application_form set updated_at = $1");
        for (i, (column, _)) in values.iter().enumerate() {
            sql.push_str(&format!(", {} = ${}", column.column(), i + 3));
        }
        sql.push_str(" where application_id = $2");
        // Column names come from `FormColumn`, a closed list: nothing typed reaches the SQL text.
        let mut update = query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(application_id);
        for (_, value) in values {
            update = match value {
                FormValue::Text(v) => update.bind(v.clone()),
                FormValue::Int(v) => update.bind(*v),
                FormValue::Bool(v) => update.bind(*v),
                FormValue::Date(v) => update.bind(*v),
                FormValue::Time(v) => update.bind(v.map(Timestamp::new)),
            };
        }
        update.execute(&mut tx).await?;
        query("update application set updated_at = $2 where application_id = $1")
            .bind(application_id)
            .bind(now)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn save_answers(
        &self,
        applicant_id: &str,
        application_id: &str,
        answers: &[(String, String)],
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        Self::require_status(
            &mut tx,
            applicant_id,
            application_id,
            &["draft"],
            Refusal::NotDraft,
        )
        .await?;
        for (key, value) in answers {
            query(
                "insert into application_answer (application_id, question_key, value) values ($1, $2, $3)
                 on conflict (application_id, question_key) do update set value = excluded.value",
            )
            .bind(application_id)
            .bind(key)
            .bind(value)
            .execute(&mut tx)
            .await?;
        }
        query("update application set updated_at = $2 where application_id = $1")
            .bind(application_id)
            .bind(now)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn put_document(
        &self,
        applicant_id: &str,
        application_id: &str,
        d: &crate::store::NewDocument<'_>,
        now: time::OffsetDateTime,
    ) -> Result<(String, Option<String>), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        Self::require_status(
            &mut tx,
            applicant_id,
            application_id,
            &["draft"],
            Refusal::NotDraft,
        )
        .await?;
        let replaced: Option<String> = scalar(
            "delete from application_document where application_id = $1 and kind = $2 returning blob_key",
        )
        .bind(application_id)
        .bind(d.kind.as_str())
        .fetch_optional(&mut tx)
        .await?;
        let document_id = crate::store::new_id();
        query(
            "insert into application_document (document_id, application_id, kind, file_name, content_type,
                 size_bytes, sha256, blob_key, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&document_id)
        .bind(application_id)
        .bind(d.kind.as_str())
        .bind(d.file_name)
        .bind(d.content_type)
        .bind(d.size_bytes)
        .bind(d.sha256)
        .bind(d.blob_key)
        .bind(now)
        .execute(&mut tx)
        .await?;
        let actor = Actor::Applicant(applicant_id.to_owned());
        let detail = format!("{} uploaded", d.kind);
        Self::insert_audit(
            &mut tx,
            None,
            &actor,
            Action::ApplicationDocumentAdded,
            ("application", application_id),
            &detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((document_id, replaced))
    }

    async fn document(
        &self,
        applicant_id: &str,
        document_id: &str,
    ) -> Result<crate::store::DocumentRecord, StoreError> {
        let row: Option<DocumentRow> = query(
            "select d.document_id, d.application_id, d.kind, d.file_name, d.content_type, d.size_bytes, d.sha256,
                    d.blob_key, d.created_at
             from application_document d
             join application a on a.application_id = d.application_id
             where d.document_id = $1 and a.applicant_id = $2",
        )
        .bind(document_id)
        .bind(applicant_id)
        .fetch_optional(self.db.read())
        .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn submit_application(
        &self,
        applicant_id: &str,
        application: &crate::store::ApplicationRecord,
        received: &crate::domain::job::OutgoingEmail,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        if self
            .submit_in_one_statement(applicant_id, application, received, now)
            .await?
        {
            return Ok(());
        }
        let (application_id, review_mode) =
            (application.application_id.as_str(), application.review_mode);
        let mut tx = self.db.begin_write().await?;
        // First come, first served takes a seat in this transaction: the program's lock comes
        // first, as in every transaction that moves seats. Reviewed programs never touch it.
        let first_come = review_mode == crate::domain::status::ReviewMode::FirstCome;
        let mut deadline_days = None;
        if first_come {
            let program_id: Option<String> = scalar(
                "select program_id from application where application_id = $1 and applicant_id = $2",
            )
            .bind(application_id)
            .bind(applicant_id)
            .fetch_optional(&mut tx)
            .await?;
            if let Some(program_id) = program_id {
                deadline_days = Some((
                    Self::lock_program(&mut tx, &program_id, now).await?,
                    program_id,
                ));
            }
        }
        // The owner, the state and the window checked by the update itself: one statement on
        // the hot path, and the reason looked up only when it refuses.
        let sent: Option<(String, String)> = query(
            "update application set status = 'submitted', submitted_at = $3, updated_at = $3
             where application_id = $1 and applicant_id = $2 and status = 'draft'
               and $3 < (select p.application_closes_at from program p where p.program_id = application.program_id)
             returning program_id, (select p.review_mode from program p where p.program_id = application.program_id)",
        )
        .bind(application_id)
        .bind(applicant_id)
        .bind(now)
        .fetch_optional(&mut tx)
        .await?;
        if sent.is_none() {
            let status: Option<String> = scalar(
                "select status from application where application_id = $1 and applicant_id = $2",
            )
            .bind(application_id)
            .bind(applicant_id)
            .fetch_optional(&mut tx)
            .await?;
            return Err(match status {
                None => StoreError::NotFound,
                Some(s) if s != "draft" => StoreError::Refused(Refusal::NotDraft),
                Some(_) => StoreError::Refused(Refusal::WindowClosed),
            });
        }
        let actor = Actor::Applicant(applicant_id.to_owned());
        Self::insert_audit(
            &mut tx,
            None,
            &actor,
            Action::ApplicationSubmitted,
            ("application", application_id),
            "draft → submitted",
            now,
        )
        .await?;
        self.insert_job(
            &mut tx,
            &crate::domain::job::JobPayload::SendEmail(received.clone()),
            now,
            Some(application_id),
        )
        .await?;
        if let Some((program_id, mode)) = sent
            && mode == "first_come"
        {
            // The catalog may have switched the program to first come since the caller read it.
            let days = match deadline_days {
                Some((days, _)) => days,
                None => Self::lock_program(&mut tx, &program_id, now).await?,
            };
            self.seat_or_waitlist_in_tx(&mut tx, application_id, &program_id, days, &actor, now)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn withdraw_application(
        &self,
        applicant_id: &str,
        application_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        self.withdraw_in_tx(&mut tx, applicant_id, application_id, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn timeline(
        &self,
        applicant_id: &str,
        application_id: &str,
    ) -> Result<Vec<crate::store::TimelineEntry>, StoreError> {
        use crate::store::{TimelineEntry, types::Timestamp};
        let owner: Option<String> =
            scalar("select applicant_id from application where application_id = $1")
                .bind(application_id)
                .fetch_optional(self.db.read())
                .await?;
        if owner.as_deref() != Some(applicant_id) {
            return Err(StoreError::NotFound);
        }
        let events: Vec<(Timestamp, String)> = query(
            "select created_at, action from audit_event
             where subject_type = 'application' and subject_id = $1
             order by audit_event_id",
        )
        .bind(application_id)
        .fetch_all(self.db.read())
        .await?;
        let emails: Vec<(
            Timestamp,
            sqlx::types::Json<crate::domain::job::JobPayload>,
            String,
        )> = query(
            "select created_at, payload, status from job where application_id = $1 order by job_id",
        )
        .bind(application_id)
        .fetch_all(self.db.read())
        .await?;
        // Only what the applicant sees: reviews, attendance and the like stay with organizers.
        let mut entries: Vec<TimelineEntry> = events
            .into_iter()
            .filter_map(|(at, action)| {
                let action = Action::parse(&action)?;
                action.timeline_key()?;
                Some(TimelineEntry::Event {
                    at: at.into(),
                    action,
                })
            })
            .collect();
        for (at, payload, status) in emails {
            // A notice shows once it has become its email.
            if let crate::domain::job::JobPayload::SendEmail(mail) = payload.0 {
                entries.push(TimelineEntry::Email {
                    at: at.into(),
                    subject: mail.subject,
                    sent: status == "done",
                });
            }
        }
        entries.sort_by_key(|e| e.at());
        Ok(entries)
    }

    async fn audit_events(
        &self,
        subject_type: &str,
        subject_id: &str,
    ) -> Result<Vec<crate::store::AuditEvent>, StoreError> {
        let rows: Vec<AuditRow> = query(
            "select audit_event_id, actor, action, subject_type, subject_id, detail, created_at
             from audit_event
             where subject_type = $1 and subject_id = $2
             order by audit_event_id",
        )
        .bind(subject_type)
        .bind(subject_id)
        .fetch_all(self.db.read())
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

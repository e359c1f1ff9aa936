//! Applications: drafts, their form, answers and documents, submission and withdrawal, and the
//! applicant's timeline. Every operation checks that the application is the applicant's own.

use std::collections::HashMap;

use async_trait::async_trait;
use time::{Date, OffsetDateTime};

use super::catalog::{FeeTierRow, QuestionRow};
use super::db::{Tx, query, scalar};
use super::program_parts::{
    PROGRAM_FEE_TIERS_SQL, PROGRAM_QUESTIONS_SQL, ProgramParts, program_parts,
};
use super::types::Timestamp;
use super::{ApplicationForm, FeeTierRecord, QuestionRecord, SqlStore, StoreError, corrupt};
use crate::domain::audit::{Action, Actor};
use crate::domain::catalog::LocalizedText;
use crate::domain::locale::Locale;
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, DocumentKind, JobStatus, ReviewMode};

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

/// An applicant's own applications, from the first draft to withdrawal.
#[async_trait]
pub trait ApplicationStore: Send + Sync {
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
    /// State changes and emails, oldest first.
    async fn timeline(
        &self,
        applicant_id: &str,
        application_id: &str,
    ) -> Result<Vec<TimelineEntry>, StoreError>;
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
    review_mode: ReviewMode,
    payment_deadline_days: i32,
    applicant_locale: String,
    status: ApplicationStatus,
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

impl ApplicationRow {
    pub(super) fn program_revision(&self) -> (&str, i64) {
        (&self.program_id, self.catalog_revision)
    }
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
                status: r.status,
                review_mode: r.review_mode,
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

impl SqlStore {
    /// The application's status if it is the applicant's and in one of `allowed`; otherwise
    /// NotFound (someone else's) or `Refused(refusal)`.
    pub(super) async fn require_status(
        tx: &mut Tx,
        applicant_id: &str,
        application_id: &str,
        allowed: &[ApplicationStatus],
        refusal: Refusal,
    ) -> Result<ApplicationStatus, StoreError> {
        let status: Option<ApplicationStatus> = scalar(
            "select status from application where application_id = $1 and applicant_id = $2",
        )
        .bind(application_id)
        .bind(applicant_id)
        .fetch_optional(&mut *tx)
        .await?;
        match status {
            None => Err(StoreError::NotFound),
            Some(s) if allowed.contains(&s) => Ok(s),
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
        let sql = self.applications_sql()[usize::from(only.is_some())];
        let select = query(sql).bind(applicant_id);
        let select = match only {
            Some(id) => select.bind(id),
            None => select,
        };
        let rows: Vec<ApplicationRow> = select.fetch_all(self.db.read()).await?;
        let mut parts = std::collections::HashMap::new();
        for (program_id, revision) in rows.iter().map(ApplicationRow::program_revision) {
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
                            let questions: Vec<QuestionRow> = query(PROGRAM_QUESTIONS_SQL)
                                .bind(program_id)
                                .fetch_all(self.db.read())
                                .await?;
                            let tiers: Vec<FeeTierRow> = query(PROGRAM_FEE_TIERS_SQL)
                                .bind(program_id)
                                .fetch_all(self.db.read())
                                .await?;
                            let read =
                                std::sync::Arc::new(program_parts(program_id, questions, tiers)?);
                            self.parts.put(program_id, revision, read.clone());
                            read
                        }
                    }
                }
            };
            parts.insert(program_id.to_owned(), found);
        }
        assemble_applications(rows, &parts)
    }
}

#[async_trait]
impl ApplicationStore for SqlStore {
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
             values ($1, $2, $3, $5, $4, $4)",
        )
        .bind(&application_id)
        .bind(program_id)
        .bind(applicant_id)
        .bind(now)
        .bind(ApplicationStatus::Draft)
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
            &[ApplicationStatus::Draft],
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
            &[ApplicationStatus::Draft],
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
            JobStatus,
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
                    sent: status == JobStatus::Done,
                });
            }
        }
        entries.sort_by_key(|e| e.at());
        Ok(entries)
    }
}

//! The catalog as stored: editions, programs with their places, certifications, fee tiers,
//! questions and rubric, loaded from the TOML files all or nothing.

use std::collections::HashMap;

use async_trait::async_trait;
use time::{Date, OffsetDateTime};

use super::db::{Tx, query, scalar};
use super::types::Timestamp;
use super::{SqlStore, StoreError, corrupt};
use crate::domain::audit::{Action, Actor};
use crate::domain::catalog::{ApplicationWindow, EditionSpec, LocalizedText};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::refusal::Refusal;
use crate::domain::status::{CertificateKind, ReviewMode};

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

/// The catalog's editions and programs, read by every public page and loaded by the CLI.
#[async_trait]
pub trait CatalogStore: Send + Sync {
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
pub(super) fn group_tiers(
    rows: Vec<FeeTierRow>,
) -> Result<HashMap<String, Vec<FeeTierRecord>>, StoreError> {
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
pub(super) fn group_questions(rows: Vec<QuestionRow>) -> HashMap<String, Vec<QuestionRecord>> {
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

impl SqlStore {
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
                 min_days_present, assessment_required, afgsu_hours, workload_hours, cancellation_policy)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                 $20, $21, $23, $22, $22, $24, $25, $26, $27, $28, $29, $30)
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
                 workload_hours = excluded.workload_hours,
                 cancellation_policy = excluded.cancellation_policy,
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
        .bind(p.workload_hours.map(i32::from))
        .bind(
            p.cancellation
                .as_ref()
                .map(|c| serde_json::to_string(c).expect("plain data serializes")),
        )
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
impl CatalogStore for SqlStore {
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
            "insert into organization (organization_id, slug, name, contact_email, website, created_at, updated_at,
                                       legal_name, legal_address, siret, vat_en, vat_fr,
                                       payment_terms_en, payment_terms_fr)
             values ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13)
             on conflict (slug) do update set
                 name = excluded.name, contact_email = excluded.contact_email,
                 website = excluded.website, updated_at = excluded.updated_at,
                 legal_name = excluded.legal_name, legal_address = excluded.legal_address,
                 siret = excluded.siret, vat_en = excluded.vat_en, vat_fr = excluded.vat_fr,
                 payment_terms_en = excluded.payment_terms_en,
                 payment_terms_fr = excluded.payment_terms_fr
             returning organization_id",
        )
        .bind(crate::store::new_id())
        .bind(o.slug.as_str())
        .bind(&o.name)
        .bind(o.contact_email.as_str())
        .bind(o.website.as_deref())
        .bind(now)
        .bind(o.legal.as_ref().map(|l| l.name.as_str()))
        .bind(o.legal.as_ref().map(|l| l.address.join("\n")))
        .bind(o.legal.as_ref().map(|l| l.siret.as_str()))
        .bind(o.legal.as_ref().map(|l| l.vat.en.as_str()))
        .bind(o.legal.as_ref().map(|l| l.vat.fr.as_str()))
        .bind(o.legal.as_ref().map(|l| l.payment_terms.en.as_str()))
        .bind(o.legal.as_ref().map(|l| l.payment_terms.fr.as_str()))
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
        // One read transaction, so that the four reads see the same catalog.
        let mut tx = self.db.begin_read().await?;
        let rows: Vec<ProgramRow> = query(PROGRAMS_SQL).fetch_all(&mut tx).await?;
        let places: Vec<(String, String)> = query(PLACES_SQL).fetch_all(&mut tx).await?;
        let certs: Vec<(String, String)> = query(CERTIFICATIONS_SQL).fetch_all(&mut tx).await?;
        let tiers: Vec<FeeTierRow> = query(FEE_TIERS_SQL).fetch_all(&mut tx).await?;
        let questions: Vec<QuestionRow> = query(QUESTIONS_SQL).fetch_all(&mut tx).await?;
        let rubric: Vec<(String, String, String, String)> =
            query(RUBRIC_SQL).fetch_all(&mut tx).await?;
        tx.commit().await?;
        assemble_programs(rows, places, certs, tiers, questions, rubric)
    }
}

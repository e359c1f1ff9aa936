//! Visa invitation letters: the passport data of an admitted applicant who asked for one, the
//! letter's number, and the erasure of that data once the school is over.

use async_trait::async_trait;
use time::{Date, OffsetDateTime};

use super::SqlStore;
use super::StoreError;
use super::db::{query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::refusal::Refusal;
use crate::domain::status::ApplicationStatus;
use crate::domain::visa::PassportData;

#[async_trait]
pub trait VisaStore: Send + Sync {
    /// Records (or replaces) the passport data of the applicant's application and gives it a letter
    /// number the first time (`V-2026-00001`, without gaps per year), audited. NotFound unless the
    /// application is the applicant's; `Refused(NotAdmitted)` unless it is accepted or enrolled,
    /// `Refused(SchoolOver)` once the school has ended.
    async fn request_visa_letter(
        &self,
        applicant_id: &str,
        application_id: &str,
        passport: &PassportData,
        now: OffsetDateTime,
    ) -> Result<VisaLetter, StoreError>;

    /// The letter of an application (the caller checks that the viewer may see it).
    async fn visa_letter(&self, application_id: &str) -> Result<Option<VisaLetter>, StoreError>;

    /// The letter whose verification code is `code`, as `/verify` shows it to anyone: no passport
    /// data, the holder's name as given on the application.
    async fn visa_letter_by_code(&self, code: &str) -> Result<Option<LetterCheck>, StoreError>;

    /// Erases the passport data of every school that ended before `today` (Paris), each with its
    /// audit event; how many letters were erased.
    async fn erase_visa_data(&self, today: Date, now: OffsetDateTime) -> Result<usize, StoreError>;
}

/// A letter as a consulate checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterCheck {
    pub number: String,
    pub issued_on: Date,
    /// The applicant's name as on their application (certificate name, else given and family).
    pub holder_name: String,
    pub program_id: String,
    pub application_status: ApplicationStatus,
    /// The school's first and last days as the letter printed them (`None` for a letter from
    /// before they were kept).
    pub printed_dates: Option<(Date, Date)>,
    /// A demo's letter, labelled DEMO on `/verify`.
    pub demo: bool,
}

/// A letter as stored; `passport` is `None` once erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisaLetter {
    pub application_id: String,
    pub number: String,
    /// Printed on the letter for `/verify`; `None` for a letter asked for before codes existed
    /// (asking again gives it one).
    pub verification_code: Option<String>,
    pub issued_on: Date,
    /// The school's first and last days when the letter was issued, which it prints (`None` for a
    /// letter from before they were kept: it prints the school's dates as they are).
    pub school_dates: Option<(Date, Date)>,
    pub passport: Option<PassportData>,
    pub erased_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
pub(super) struct VisaRow {
    pub application_id: String,
    pub number: String,
    pub passport_name: Option<String>,
    pub passport_number: Option<String>,
    pub nationality: Option<String>,
    pub birth_date: Option<Date>,
    pub passport_expires_on: Option<Date>,
    pub issued_on: Date,
    pub purged_at: Option<super::types::Timestamp>,
    pub verification_code: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

impl TryFrom<VisaRow> for VisaLetter {
    type Error = StoreError;
    fn try_from(r: VisaRow) -> Result<Self, StoreError> {
        let passport = match (
            r.passport_name,
            r.passport_number,
            r.nationality,
            r.birth_date,
            r.passport_expires_on,
        ) {
            (Some(name), Some(number), Some(nationality), Some(birth_date), Some(expires_on)) => {
                Some(PassportData {
                    name,
                    number,
                    nationality: crate::domain::countries::CountryCode::parse(&nationality)
                        .map_err(|e| {
                            StoreError::Corrupt(format!("visa_letter.nationality: {e}"))
                        })?,
                    birth_date,
                    expires_on,
                })
            }
            _ => None,
        };
        Ok(VisaLetter {
            application_id: r.application_id,
            number: r.number,
            verification_code: r.verification_code,
            issued_on: r.issued_on,
            school_dates: r.starts_on.zip(r.ends_on),
            passport,
            erased_at: r.purged_at.map(|t| t.0),
        })
    }
}

pub(super) const VISA_SQL: &str = "
select application_id, number, passport_name, passport_number, nationality, birth_date,
       passport_expires_on, issued_on, purged_at, verification_code, starts_on, ends_on
from visa_letter where application_id = $1";

#[async_trait]
impl VisaStore for SqlStore {
    async fn request_visa_letter(
        &self,
        applicant_id: &str,
        application_id: &str,
        passport: &crate::domain::visa::PassportData,
        now: time::OffsetDateTime,
    ) -> Result<VisaLetter, StoreError> {
        let ts = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let status = Self::require_status(
            &mut tx,
            applicant_id,
            application_id,
            &[ApplicationStatus::Accepted, ApplicationStatus::Enrolled],
            Refusal::NotAdmitted,
        )
        .await?;
        let (starts_on, ends_on, demo): (time::Date, time::Date, bool) = query(
            "select p.starts_on, p.ends_on, e.is_demo
             from program p
             join edition e on e.edition_id = p.edition_id
             join application a on a.program_id = p.program_id
             where a.application_id = $1",
        )
        .bind(application_id)
        .fetch_one(&mut tx)
        .await?;
        let today = crate::domain::calendar::to_paris(now).date();
        if crate::domain::visa::due_for_erasure(ends_on, today) {
            return Err(StoreError::Refused(Refusal::SchoolOver));
        }
        let existing: Option<String> =
            scalar("select number from visa_letter where application_id = $1")
                .bind(application_id)
                .fetch_optional(&mut tx)
                .await?;
        let mut random = [0u8; 10];
        getrandom::fill(&mut random)
            .map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
        let code = crate::domain::certificate::verification_code(random);
        let number = match existing {
            Some(number) => {
                query(
                    "update visa_letter set passport_name = $2, passport_number = $3, nationality = $4,
                         birth_date = $5, passport_expires_on = $6, updated_at = $7,
                         verification_code = coalesce(verification_code, $8),
                         starts_on = $9, ends_on = $10
                     where application_id = $1",
                )
                .bind(application_id)
                .bind(&passport.name)
                .bind(&passport.number)
                .bind(passport.nationality.as_str())
                .bind(passport.birth_date)
                .bind(passport.expires_on)
                .bind(ts)
                .bind(&code)
                .bind(starts_on)
                .bind(ends_on)
                .execute(&mut tx)
                .await?;
                number
            }
            None => {
                // A demo's letters count apart, so that trying the product takes no real number.
                let counter = if demo {
                    "insert into demo_visa_letter_counter (year, last_number) values ($1, 1)
                     on conflict (year) do update set last_number = demo_visa_letter_counter.last_number + 1
                     returning last_number"
                } else {
                    "insert into visa_letter_counter (year, last_number) values ($1, 1)
                     on conflict (year) do update set last_number = visa_letter_counter.last_number + 1
                     returning last_number"
                };
                let n: i64 = scalar(counter)
                    .bind(today.year())
                    .fetch_one(&mut tx)
                    .await?;
                let number = crate::domain::visa::letter_number(demo, today.year(), n);
                query(
                    "insert into visa_letter (application_id, number, passport_name, passport_number, nationality,
                         birth_date, passport_expires_on, issued_on, requested_at, updated_at, verification_code,
                         starts_on, ends_on)
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12)",
                )
                .bind(application_id)
                .bind(&number)
                .bind(&passport.name)
                .bind(&passport.number)
                .bind(passport.nationality.as_str())
                .bind(passport.birth_date)
                .bind(passport.expires_on)
                .bind(today)
                .bind(ts)
                .bind(&code)
                .bind(starts_on)
                .bind(ends_on)
                .execute(&mut tx)
                .await?;
                number
            }
        };
        // The audit names the letter, never the passport data.
        Self::insert_audit(
            &mut tx,
            None,
            &Actor::Applicant(applicant_id.to_owned()),
            Action::VisaLetterRequested,
            ("application", application_id),
            &format!("{number} ({status})"),
            ts,
        )
        .await?;
        tx.commit().await?;
        let row: VisaRow = query(VISA_SQL)
            .bind(application_id)
            .fetch_one(self.db.read())
            .await?;
        row.try_into()
    }

    async fn visa_letter_by_code(&self, code: &str) -> Result<Option<LetterCheck>, StoreError> {
        #[allow(clippy::type_complexity)]
        let row: Option<(String, time::Date, String, ApplicationStatus, Option<String>, Option<String>, Option<String>, bool, Option<Date>, Option<Date>)> =
            query(
                "select v.number, v.issued_on, a.program_id, a.status, f.certificate_name, f.given_names,
                        f.family_name, e.is_demo, v.starts_on, v.ends_on
                 from visa_letter v
                 join application a on a.application_id = v.application_id
                 join program p on p.program_id = a.program_id
                 join edition e on e.edition_id = p.edition_id
                 left join application_form f on f.application_id = a.application_id
                 where v.verification_code = $1",
            )
            .bind(code)
            .fetch_optional(self.db.read())
            .await?;
        let Some((
            number,
            issued_on,
            program_id,
            status,
            certificate_name,
            given,
            family,
            demo,
            starts_on,
            ends_on,
        )) = row
        else {
            return Ok(None);
        };
        // Never the email address: the page is public.
        let holder_name = certificate_name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| {
                [given, family]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            });
        Ok(Some(LetterCheck {
            number,
            issued_on,
            holder_name,
            program_id,
            application_status: status,
            printed_dates: starts_on.zip(ends_on),
            demo,
        }))
    }

    async fn visa_letter(&self, application_id: &str) -> Result<Option<VisaLetter>, StoreError> {
        let row: Option<VisaRow> = query(VISA_SQL)
            .bind(application_id)
            .fetch_optional(self.db.read())
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn erase_visa_data(
        &self,
        today: time::Date,
        now: time::OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let ts = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let due: Vec<(String, String)> = query(
            "update visa_letter set passport_name = null, passport_number = null, nationality = null,
                 birth_date = null, passport_expires_on = null, purged_at = $2, updated_at = $2
             where purged_at is null and application_id in (
                 select a.application_id from application a join program p on p.program_id = a.program_id
                 where p.ends_on < $1)
             returning application_id, number",
        )
        .bind(today)
        .bind(ts)
        .fetch_all(&mut tx)
        .await?;
        for (application_id, number) in &due {
            Self::insert_audit(
                &mut tx,
                None,
                &Actor::System,
                Action::VisaLetterErased,
                ("application", application_id),
                &format!("{number}: passport data erased after the school"),
                ts,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(due.len())
    }
}

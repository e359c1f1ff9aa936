//! Certificates as issued: numbered, signed and stored in one transaction; found by their public
//! verification code; revoked with a reason; never edited (a correction is a new certificate that
//! supersedes the old one).

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{Tx, query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::certificate::CertificateRecord;
use crate::domain::issuance::{Candidate, ProgramFacts};
use crate::domain::locale::Locale;
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, CertificateKind, CertificateStatus};

/// Signs a record (the service's key; the store never sees it).
pub type Sign<'a> = &'a (dyn Fn(&CertificateRecord) -> [u8; 64] + Send + Sync);

#[async_trait]
pub trait CertificateStore: Send + Sync {
    /// Issues `drafts`, all of one application, in one transaction: each takes the program's next
    /// serial for the year of issue and a new verification code, is signed and stored with its audit
    /// event; a draft whose `supersedes` names an issued certificate of the same application and kind
    /// makes that one superseded. One email telling the graduate their certificates are ready is
    /// queued in the same transaction. `Refused(AlreadyIssued)` when the application already has an
    /// issued certificate of a kind (and nothing is superseded): nothing is written then. NotFound
    /// for an unknown application or superseded code.
    async fn issue_certificates(
        &self,
        drafts: &[CertificateDraft],
        sign: Sign<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Vec<StoredCertificate>, StoreError>;

    /// [`issue_certificates`](Self::issue_certificates) for one draft.
    async fn issue_certificate(
        &self,
        draft: &CertificateDraft,
        sign: Sign<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<StoredCertificate, StoreError> {
        let mut issued = self
            .issue_certificates(std::slice::from_ref(draft), sign, actor, now)
            .await?;
        issued.pop().ok_or(StoreError::NotFound)
    }

    /// The program as its certificates describe it, with the edition's issuer from the catalog.
    async fn program_facts(&self, program_id: &str) -> Result<Option<ProgramFacts>, StoreError>;

    /// The program an application belongs to.
    async fn program_of(&self, application_id: &str) -> Result<Option<String>, StoreError>;

    /// Who the program's receipts are issued by: its edition's organization.
    async fn program_organization(
        &self,
        program_id: &str,
    ) -> Result<Option<crate::domain::receipt::Issuer>, StoreError>;

    /// The program's enrolled participants with the token their badge's QR code carries (made,
    /// at random, for those who have none yet), by name.
    async fn badges(&self, program_id: &str) -> Result<Vec<Badge>, StoreError>;

    /// The enrolled participant whose badge carries `token`.
    async fn badge_holder(&self, token: &str) -> Result<Option<Badge>, StoreError>;

    /// The certificate with this verification code, whatever its status.
    async fn certificate_by_code(
        &self,
        code: &str,
    ) -> Result<Option<StoredCertificate>, StoreError>;

    /// The certificates issued to an application and still standing (not revoked, not superseded),
    /// oldest first. The caller checks that the viewer may see the application.
    async fn certificates_of(
        &self,
        application_id: &str,
    ) -> Result<Vec<StoredCertificate>, StoreError>;

    /// Revokes an issued certificate, with the reason (shown on the verification page).
    async fn revoke_certificate(
        &self,
        code: &str,
        reason: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The places in `first..first + len` of the revocation status list whose certificate no longer
    /// stands (revoked or superseded), and when the last of those changed: what the published
    /// Bitstring Status List says, as of the last committed revocation or correction.
    async fn revoked_places(&self, first: i64, len: i64) -> Result<RevokedPlaces, StoreError>;
}

/// A stretch of the revocation status list (see [`CertificateStore::revoked_places`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RevokedPlaces {
    /// Places whose certificate is revoked or superseded, ascending.
    pub places: Vec<i64>,
    /// When the latest of them was revoked or superseded.
    pub changed_at: Option<OffsetDateTime>,
}

pub use crate::domain::completion::ResultEntry;

/// A participant (enrolled or completed), with their attendance and result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub application_id: String,
    /// Their sign-in address (how a results file names them).
    pub email: String,
    /// As it must appear on certificates.
    pub certificate_name: String,
    pub birth_date: Option<time::Date>,
    pub days_present: Vec<time::Date>,
    pub result: Option<ResultEntry>,
    /// Their language (certificates are written in it).
    pub locale: Locale,
    /// Their certificates that stand (issued, not revoked or superseded).
    pub certificates: Vec<IssuedSummary>,
}

/// A participant's badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    pub program_id: String,
    pub application_id: String,
    pub name: String,
    /// What the QR code carries (32 hexadecimal characters, naming nobody).
    pub token: String,
}

/// A standing certificate, as the organizers' list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedSummary {
    pub kind: CertificateKind,
    pub serial: String,
    pub verification_code: String,
}

impl Participant {
    /// What issuance needs to know of them.
    pub fn candidate(&self) -> Candidate {
        Candidate {
            application_id: self.application_id.clone(),
            name: self.certificate_name.clone(),
            birth_date: self.birth_date,
            locale: self.locale,
            participation: self.participation(),
            grade: self.result.as_ref().and_then(|r| r.grade.clone()),
            issued: self.certificates.iter().map(|c| c.kind).collect(),
        }
    }

    pub fn participation(&self) -> crate::domain::completion::Participation {
        crate::domain::completion::Participation {
            days_present: self.days_present.len() as u16,
            passed: self.result.as_ref().map(|r| r.passed),
            afgsu_validated: self.result.as_ref().and_then(|r| r.afgsu_validated),
        }
    }
}

/// What to issue: the record without its serial and code (the store fills them in), and how serials
/// and verification addresses are written.
#[derive(Debug, Clone)]
pub struct CertificateDraft {
    pub application_id: String,
    pub record: CertificateRecord,
    /// `UPC-SS`: the serial's prefix.
    pub serial_prefix: String,
    /// `HO`: the program's short code in the serial.
    pub program_code: String,
    /// `https://…/verify/`: the code is appended.
    pub verify_base: String,
    /// The verification code of the certificate this one corrects.
    pub supersedes: Option<String>,
}

/// A certificate as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    pub application_id: String,
    pub record: CertificateRecord,
    pub signature: Vec<u8>,
    pub status: CertificateStatus,
    pub revoked_reason: Option<String>,
    /// The serial of the certificate that replaced it.
    pub superseded_by: Option<String>,
    /// Its place in the revocation status list its Open Badge points to.
    pub status_index: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(super) struct CertificateRow {
    pub application_id: String,
    pub record: Option<String>,
    pub signature: String,
    pub status: CertificateStatus,
    pub revoked_reason: Option<String>,
    pub superseded_by: Option<String>,
    pub status_index: Option<i64>,
}

impl TryFrom<CertificateRow> for StoredCertificate {
    type Error = StoreError;
    fn try_from(r: CertificateRow) -> Result<Self, StoreError> {
        let record = r
            .record
            .ok_or_else(|| StoreError::Corrupt("certificate.record is empty".into()))?;
        Ok(StoredCertificate {
            record: serde_json::from_str(&record)
                .map_err(|e| StoreError::Corrupt(format!("certificate.record: {e}")))?,
            signature: crate::domain::certificate::from_hex(&r.signature)
                .ok_or_else(|| StoreError::Corrupt("certificate.signature".into()))?,
            status: r.status,
            application_id: r.application_id,
            revoked_reason: r.revoked_reason,
            superseded_by: r.superseded_by,
            status_index: r.status_index,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct FactsRow {
    pub program_id: String,
    pub title_en: String,
    pub title_fr: String,
    pub starts_on: time::Date,
    pub ends_on: time::Date,
    pub teaching_language: String,
    pub hours: i32,
    pub afgsu_hours: i32,
    pub workload_hours: Option<i32>,
    pub ects: i32,
    pub code: String,
    pub learning_outcomes: String,
    pub min_days_present: Option<i32>,
    pub assessment_required: bool,
    pub certificate_issuer: Option<String>,
    pub year: i32,
    pub is_demo: bool,
}

impl FactsRow {
    pub(super) fn into_facts(
        self,
        places: Vec<String>,
        certifications: Vec<CertificateKind>,
    ) -> Result<ProgramFacts, StoreError> {
        use crate::domain::catalog::{CompletionSpec, LocalizedText};
        let corrupt =
            |what: &str, e: &dyn std::fmt::Display| StoreError::Corrupt(format!("{what}: {e}"));
        let small = |what: &str, v: i32| u16::try_from(v).map_err(|e| corrupt(what, &e));
        let completion = CompletionSpec {
            min_days_present: self
                .min_days_present
                .map(|d| small("program.min_days_present", d))
                .transpose()?,
            assessment: self.assessment_required,
        };
        // Programs stored before codes existed: the year keeps serials apart.
        let code = if self.code.is_empty() {
            format!("P{}", self.year % 100)
        } else {
            self.code
        };
        Ok(ProgramFacts {
            title: LocalizedText {
                en: self.title_en,
                fr: self.title_fr,
            },
            teaching_language: Locale::from_tag(&self.teaching_language)
                .ok_or_else(|| corrupt("program.teaching_language", &self.teaching_language))?,
            hours: small("program.hours", self.hours)?,
            afgsu_hours: small("program.afgsu_hours", self.afgsu_hours)?,
            workload_hours: self
                .workload_hours
                .map(|h| small("program.workload_hours", h))
                .transpose()?,
            ects: small("program.ects", self.ects)?,
            code,
            learning_outcomes: serde_json::from_str(&self.learning_outcomes)
                .map_err(|e| corrupt("program.learning_outcomes", &e))?,
            rule: completion.rule(self.starts_on, self.ends_on),
            issuer: self
                .certificate_issuer
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| corrupt("edition.certificate_issuer", &e))?,
            program_id: self.program_id,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            places,
            certifications,
            demo: self.is_demo,
        })
    }
}

pub(super) const CERTIFICATE_SQL: &str = "
select c.application_id, c.record, c.signature, c.status, c.revoked_reason, c.status_index,
       (select n.serial from certificate n where n.certificate_id = c.superseded_by) as superseded_by
from certificate c
where c.verification_code = $1";

#[async_trait]
impl CertificateStore for SqlStore {
    async fn issue_certificates(
        &self,
        drafts: &[CertificateDraft],
        sign: Sign<'_>,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<Vec<StoredCertificate>, StoreError> {
        let Some(first) = drafts.first() else {
            return Ok(Vec::new());
        };
        if drafts
            .iter()
            .any(|d| d.application_id != first.application_id)
        {
            return Err(StoreError::Refused(Refusal::OneApplicationAtATime));
        }
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let exists: Option<String> =
            scalar("select program_id from application where application_id = $1")
                .bind(&first.application_id)
                .fetch_optional(&mut tx)
                .await?;
        exists.ok_or(StoreError::NotFound)?;
        let mut issued_now = Vec::with_capacity(drafts.len());
        for draft in drafts {
            issued_now.push(Self::issue_one(&mut tx, draft, sign, actor, now).await?);
        }
        let notice = crate::domain::job::JobPayload::Notify(crate::domain::job::Notice {
            application_id: first.application_id.clone(),
            kind: crate::domain::job::NoticeKind::CertificatesReady,
        });
        self.insert_job(&mut tx, &notice, now, Some(&first.application_id))
            .await?;
        // The attestation of success closes the participant's journey: enrolled → completed.
        if drafts
            .iter()
            .any(|d| d.record.kind == crate::domain::status::CertificateKind::AttestationOfSuccess)
        {
            let moved = query(
                "update application set status = $3, updated_at = $2
                 where application_id = $1 and status = $4",
            )
            .bind(&first.application_id)
            .bind(now)
            .bind(ApplicationStatus::Completed)
            .bind(ApplicationStatus::Enrolled)
            .execute(&mut tx)
            .await?
            .rows_affected();
            if moved == 1 {
                Self::insert_audit(
                    &mut tx,
                    None,
                    actor,
                    Action::ApplicationCompleted,
                    ("application", &first.application_id),
                    "enrolled → completed (attestation of success issued)",
                    now,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(issued_now)
    }

    async fn program_of(&self, application_id: &str) -> Result<Option<String>, StoreError> {
        Ok(
            scalar("select program_id from application where application_id = $1")
                .bind(application_id)
                .fetch_optional(self.db.read())
                .await?,
        )
    }

    async fn badges(&self, program_id: &str) -> Result<Vec<Badge>, StoreError> {
        let missing: Vec<String> = scalar(
            "select application_id from application
             where program_id = $1 and status in ($2, $3) and badge_token is null",
        )
        .bind(program_id)
        .bind_each(ApplicationStatus::IN_COHORT)
        .fetch_all(self.db.read())
        .await?;
        if !missing.is_empty() {
            let mut tx = self.db.begin_write().await?;
            for id in &missing {
                let mut random = [0u8; 16];
                getrandom::fill(&mut random)
                    .map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
                query("update application set badge_token = $2 where application_id = $1 and badge_token is null")
                    .bind(id)
                    .bind(crate::domain::certificate::hex(&random))
                    .execute(&mut tx)
                    .await?;
            }
            tx.commit().await?;
        }
        let rows: Vec<(String, String, Option<String>, Option<String>, Option<String>, String)> = query(
            "select a.application_id, a.program_id, f.certificate_name, f.given_names, f.family_name, a.badge_token
             from application a left join application_form f on f.application_id = a.application_id
             where a.program_id = $1 and a.status in ($2, $3) and a.badge_token is not null",
        )
        .bind(program_id)
        .bind_each(ApplicationStatus::IN_COHORT)
        .fetch_all(self.db.read())
        .await?;
        let mut badges: Vec<Badge> = rows
            .into_iter()
            .map(
                |(application_id, program_id, certificate_name, given, family, token)| Badge {
                    name: certificate_name.unwrap_or_else(|| {
                        [given, family]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" ")
                    }),
                    application_id,
                    program_id,
                    token,
                },
            )
            .collect();
        badges.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(badges)
    }

    async fn badge_holder(&self, token: &str) -> Result<Option<Badge>, StoreError> {
        let row: Option<(String, String, Option<String>, Option<String>, Option<String>, String)> = query(
            "select a.application_id, a.program_id, f.certificate_name, f.given_names, f.family_name, a.badge_token
             from application a left join application_form f on f.application_id = a.application_id
             where a.badge_token = $1 and a.status in ($2, $3)",
        )
        .bind(token)
        .bind_each(ApplicationStatus::IN_COHORT)
        .fetch_optional(self.db.read())
        .await?;
        Ok(row.map(
            |(application_id, program_id, certificate_name, given, family, token)| Badge {
                name: certificate_name.unwrap_or_else(|| {
                    [given, family]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
                application_id,
                program_id,
                token,
            },
        ))
    }

    async fn program_facts(
        &self,
        program_id: &str,
    ) -> Result<Option<crate::domain::issuance::ProgramFacts>, StoreError> {
        let row: Option<FactsRow> = query(
            "select p.program_id, p.title_en, p.title_fr, p.starts_on, p.ends_on, p.teaching_language,
                    p.hours, p.afgsu_hours, p.workload_hours, p.ects, p.code, p.learning_outcomes,
                    p.min_days_present,
                    p.assessment_required, e.certificate_issuer, e.year, e.is_demo
             from program p join edition e on e.edition_id = p.edition_id
             where p.program_id = $1",
        )
        .bind(program_id)
        .fetch_optional(self.db.read())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let places: Vec<String> =
            scalar("select name from program_place where program_id = $1 order by position")
                .bind(program_id)
                .fetch_all(self.db.read())
                .await?;
        let kinds: Vec<String> = scalar(
            "select kind from program_certification where program_id = $1 order by kind desc",
        )
        .bind(program_id)
        .fetch_all(self.db.read())
        .await?;
        let certifications = kinds
            .iter()
            .map(|k| {
                k.parse()
                    .map_err(|e| StoreError::Corrupt(format!("program_certification.kind: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        row.into_facts(places, certifications).map(Some)
    }

    async fn certificate_by_code(
        &self,
        code: &str,
    ) -> Result<Option<StoredCertificate>, StoreError> {
        let row: Option<CertificateRow> = query(CERTIFICATE_SQL)
            .bind(code)
            .fetch_optional(self.db.read())
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn certificates_of(
        &self,
        application_id: &str,
    ) -> Result<Vec<StoredCertificate>, StoreError> {
        let rows: Vec<CertificateRow> = query(
            "select c.application_id, c.record, c.signature, c.status, c.revoked_reason,
                    c.status_index, cast(null as text) as superseded_by
             from certificate c
             where c.application_id = $1 and c.status = $2
             order by c.issued_at, c.serial",
        )
        .bind(application_id)
        .bind(CertificateStatus::Issued)
        .fetch_all(self.db.read())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn revoke_certificate(
        &self,
        code: &str,
        reason: &str,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused(Refusal::NoReason));
        }
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let revoked: Option<(String, String)> = query(
            "update certificate set status = $4, revoked_reason = $2, revoked_at = $3, updated_at = $3
             where verification_code = $1 and status = $5
             returning application_id, serial",
        )
        .bind(code)
        .bind(reason)
        .bind(now)
        .bind(CertificateStatus::Revoked)
        .bind(CertificateStatus::Issued)
        .fetch_optional(&mut tx)
        .await?;
        let (application_id, serial) = revoked.ok_or(StoreError::NotFound)?;
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::CertificateRevoked,
            ("application", &application_id),
            &format!("{serial}: {reason}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn program_organization(
        &self,
        program_id: &str,
    ) -> Result<Option<crate::domain::receipt::Issuer>, StoreError> {
        let row: Option<(String, String, Option<String>)> = query(
            "select o.name, o.contact_email, o.website
             from program p
             join edition e on e.edition_id = p.edition_id
             join organization o on o.organization_id = e.organization_id
             where p.program_id = $1",
        )
        .bind(program_id)
        .fetch_optional(self.db.read())
        .await?;
        Ok(row.map(
            |(name, contact_email, website)| crate::domain::receipt::Issuer {
                name,
                contact_email,
                website,
                legal: None,
            },
        ))
    }

    async fn revoked_places(&self, first: i64, len: i64) -> Result<RevokedPlaces, StoreError> {
        let rows: Vec<(i64, Timestamp)> = query(
            "select status_index, updated_at from certificate
             where status <> $1 and status_index >= $2 and status_index < $3
             order by status_index",
        )
        .bind(CertificateStatus::Issued)
        .bind(first)
        .bind(first.saturating_add(len))
        .fetch_all(self.db.read())
        .await?;
        Ok(RevokedPlaces {
            changed_at: rows.iter().map(|(_, at)| at.0).max(),
            places: rows.into_iter().map(|(place, _)| place).collect(),
        })
    }
}
impl SqlStore {
    /// Issues one draft inside `tx` (see `issue_certificates`).
    pub(super) async fn issue_one(
        tx: &mut Tx,
        draft: &CertificateDraft,
        sign: Sign<'_>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<StoredCertificate, StoreError> {
        let kind = draft.record.kind.as_str();
        // The series' counter first (prefix, year, program code: several editions' programs may
        // share one): its row lock makes concurrent issuances in the series wait for each other,
        // so the checks below see what the other one committed, and a refusal rolls the number
        // back (serials stay gap-free). A series without a row starts after the highest number
        // its serials hold.
        let year = draft.record.issued_on.year();
        let series = crate::domain::certificate::format_series(
            &draft.serial_prefix,
            year,
            &draft.program_code,
        );
        let n: i64 = scalar(
            "insert into certificate_series (series, last_number)
             values ($1, 1 + coalesce((select max(cast(substr(serial, $2) as integer)) from certificate
                                       where substr(serial, 1, $3) = $4), 0))
             on conflict (series) do update set last_number = certificate_series.last_number + 1
             returning last_number",
        )
        .bind(&series)
        .bind(series.chars().count() as i32 + 2)
        .bind(series.chars().count() as i32 + 1)
        .bind(format!("{series}-"))
        .fetch_one(&mut *tx)
        .await?;
        // Its place in the status list, from the one counter row (locked until commit).
        let status_index: i64 = scalar(
            "update status_list_counter set last_index = last_index + 1
             where purpose = 'revocation' returning last_index",
        )
        .fetch_one(&mut *tx)
        .await?;
        let superseded: Option<String> = match &draft.supersedes {
            Some(code) => scalar(
                "select certificate_id from certificate
                 where verification_code = $1 and application_id = $2 and kind = $3 and status = $4",
            )
            .bind(code)
            .bind(&draft.application_id)
            .bind(kind)
            .bind(CertificateStatus::Issued)
            .fetch_optional(&mut *tx)
            .await?,
            None => None,
        };
        if draft.supersedes.is_some() && superseded.is_none() {
            return Err(StoreError::NotFound);
        }
        if let Some(old) = &superseded {
            query("update certificate set status = $3, updated_at = $2 where certificate_id = $1")
                .bind(old)
                .bind(now)
                .bind(CertificateStatus::Superseded)
                .execute(&mut *tx)
                .await?;
        } else {
            let issued: Option<i32> = scalar(
                "select 1 from certificate where application_id = $1 and kind = $2 and status = $3",
            )
            .bind(&draft.application_id)
            .bind(kind)
            .bind(CertificateStatus::Issued)
            .fetch_optional(&mut *tx)
            .await?;
            if issued.is_some() {
                return Err(StoreError::Refused(Refusal::AlreadyIssued));
            }
        }
        let mut random = [0u8; 10];
        getrandom::fill(&mut random)
            .map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
        let mut record = draft.record.clone();
        record.serial = crate::domain::certificate::format_serial(&series, n);
        record.verification_code = crate::domain::certificate::verification_code(random);
        record.verification_url = format!("{}{}", draft.verify_base, record.verification_code);
        if let Some(code) = &draft.supersedes {
            let old_serial: Option<String> =
                scalar("select serial from certificate where verification_code = $1")
                    .bind(code)
                    .fetch_optional(&mut *tx)
                    .await?;
            record.supersedes = old_serial;
        }
        let signature = sign(&record);
        let canonical = String::from_utf8(record.canonical())
            .map_err(|e| StoreError::Corrupt(format!("certificate record: {e}")))?;
        let certificate_id = crate::store::new_id();
        query(
            "insert into certificate (certificate_id, application_id, kind, status, serial, verification_code,
                                      holder_name, issued_at, expires_at, signature, record, created_at, updated_at,
                                      status_index)
             values ($1, $2, $3, $12, $4, $5, $6, $7, $8, $9, $10, $11, $11, $13)",
        )
        .bind(&certificate_id)
        .bind(&draft.application_id)
        .bind(kind)
        .bind(&record.serial)
        .bind(&record.verification_code)
        .bind(&record.holder.name)
        .bind(Timestamp::new(record.issued_on.with_time(time::Time::MIDNIGHT).assume_utc()))
        .bind(record.valid_until.map(|d| Timestamp::new(d.with_time(time::Time::MIDNIGHT).assume_utc())))
        .bind(crate::domain::certificate::hex(&signature))
        .bind(&canonical)
        .bind(now)
        .bind(CertificateStatus::Issued)
        .bind(status_index)
        .execute(&mut *tx)
        .await?;
        if let Some(old) = &superseded {
            query("update certificate set superseded_by = $2 where certificate_id = $1")
                .bind(old)
                .bind(&certificate_id)
                .execute(&mut *tx)
                .await?;
        }
        let detail = match &record.supersedes {
            Some(old) => format!("{kind} {} (supersedes {old})", record.serial),
            None => format!("{kind} {}", record.serial),
        };
        Self::insert_audit(
            tx,
            None,
            actor,
            Action::CertificateIssued,
            ("application", &draft.application_id),
            &detail,
            now,
        )
        .await?;
        Ok(StoredCertificate {
            application_id: draft.application_id.clone(),
            record,
            signature: signature.to_vec(),
            status: CertificateStatus::Issued,
            revoked_reason: None,
            superseded_by: None,
            status_index: Some(status_index),
        })
    }
}

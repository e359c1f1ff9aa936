//! Certificates as issued: numbered, signed and stored in one transaction; found by their public
//! verification code; revoked with a reason; never edited (a correction is a new certificate that
//! supersedes the old one).

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::domain::audit::Actor;
use crate::domain::certificate::CertificateRecord;

/// Signs a record (the service's key; the store never sees it).
pub type Sign<'a> = &'a (dyn Fn(&CertificateRecord) -> [u8; 64] + Send + Sync);

#[async_trait]
pub trait CertificateStore: Send + Sync {
    /// Issues `draft`: takes the program's next serial for the year of issue and a new verification
    /// code, puts them in the record, signs it and stores it, with its audit event. When
    /// `supersedes` names an issued certificate of the same application and kind, that one becomes
    /// superseded in the same transaction. Refused(`already_issued`) when the application has an
    /// issued certificate of that kind (and nothing is superseded), NotFound for an unknown
    /// application.
    async fn issue_certificate(
        &self,
        draft: &CertificateDraft,
        sign: Sign<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<StoredCertificate, StoreError>;

    /// The certificate with this verification code, whatever its status.
    async fn certificate_by_code(
        &self,
        code: &str,
    ) -> Result<Option<StoredCertificate>, StoreError>;

    /// Records who was present on `day` of the program (`true`) or absent, for its enrolled
    /// participants; a later mark for the same day replaces the earlier one. Refused
    /// (`not_a_school_day`) outside the school's weekdays, Refused(`not_enrolled`) when an id is not
    /// an enrolled participant of the program (nothing is written then). One audit event per call.
    async fn record_attendance(
        &self,
        program_id: &str,
        day: time::Date,
        marks: &[(String, bool)],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Records an enrolled participant's result (replacing an earlier one), audited.
    /// Refused(`not_enrolled`) for anyone else.
    async fn record_result(
        &self,
        application_id: &str,
        result: &ResultEntry,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The program's enrolled participants with what was recorded of them, by name.
    async fn participants(&self, program_id: &str) -> Result<Vec<Participant>, StoreError>;

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
}

/// A participant's result as an organizer enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultEntry {
    pub passed: bool,
    pub grade: Option<String>,
    /// The AFGSU 2 practical validation (Hands-on school only).
    pub afgsu_validated: Option<bool>,
}

/// An enrolled participant, with their attendance and result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub application_id: String,
    /// As it must appear on certificates.
    pub certificate_name: String,
    pub birth_date: Option<time::Date>,
    pub days_present: Vec<time::Date>,
    pub result: Option<ResultEntry>,
}

impl Participant {
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
    pub status: crate::domain::status::CertificateStatus,
    pub revoked_reason: Option<String>,
    /// The serial of the certificate that replaced it.
    pub superseded_by: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct CertificateRow {
    pub application_id: String,
    pub record: Option<String>,
    pub signature: String,
    pub status: String,
    pub revoked_reason: Option<String>,
    pub superseded_by: Option<String>,
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
            status: r
                .status
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("certificate.status: {e}")))?,
            application_id: r.application_id,
            revoked_reason: r.revoked_reason,
            superseded_by: r.superseded_by,
        })
    }
}

pub(super) const CERTIFICATE_SQL: &str = "
select c.application_id, c.record, c.signature, c.status, c.revoked_reason,
       (select n.serial from certificate n where n.certificate_id = c.superseded_by) as superseded_by
from certificate c
where c.verification_code = $1";

/// Implements [`CertificateStore`] for a store type with `pool`, `begin_write()` and the helpers of
/// `shared_store_impl!`.
macro_rules! certificate_store_impl {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::certificates::CertificateStore for $store {
            async fn issue_certificate(
                &self,
                draft: &$crate::store::certificates::CertificateDraft,
                sign: $crate::store::certificates::Sign<'_>,
                actor: &$crate::domain::audit::Actor,
                now: time::OffsetDateTime,
            ) -> Result<$crate::store::certificates::StoredCertificate, $crate::store::StoreError> {
                use $crate::store::StoreError;
                let now = $crate::store::types::Timestamp::new(now);
                let mut tx = self.begin_write().await?;
                let program_id: Option<String> = sqlx::query_scalar(
                    "select program_id from application where application_id = $1",
                )
                .bind(&draft.application_id)
                .fetch_optional(&mut *tx)
                .await?;
                let program_id = program_id.ok_or(StoreError::NotFound)?;
                let kind = draft.record.kind.as_str();
                let superseded: Option<String> = match &draft.supersedes {
                    Some(code) => sqlx::query_scalar(
                        "select certificate_id from certificate
                         where verification_code = $1 and application_id = $2 and kind = $3 and status = 'issued'",
                    )
                    .bind(code)
                    .bind(&draft.application_id)
                    .bind(kind)
                    .fetch_optional(&mut *tx)
                    .await?,
                    None => None,
                };
                if draft.supersedes.is_some() && superseded.is_none() {
                    return Err(StoreError::NotFound);
                }
                if let Some(old) = &superseded {
                    sqlx::query("update certificate set status = 'superseded', updated_at = $2 where certificate_id = $1")
                        .bind(old)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                } else {
                    let issued: Option<i32> = sqlx::query_scalar(
                        "select 1 from certificate where application_id = $1 and kind = $2 and status = 'issued'",
                    )
                    .bind(&draft.application_id)
                    .bind(kind)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if issued.is_some() {
                        return Err(StoreError::Refused("already_issued".into()));
                    }
                }
                let year = draft.record.issued_on.year();
                let n: i64 = sqlx::query_scalar(
                    "insert into certificate_counter (program_id, year, last_number) values ($1, $2, 1)
                     on conflict (program_id, year) do update set last_number = certificate_counter.last_number + 1
                     returning last_number",
                )
                .bind(&program_id)
                .bind(year)
                .fetch_one(&mut *tx)
                .await?;
                let mut random = [0u8; 10];
                getrandom::fill(&mut random).map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
                let mut record = draft.record.clone();
                record.serial = $crate::domain::certificate::format_serial(&draft.serial_prefix, year, &draft.program_code, n);
                record.verification_code = $crate::domain::certificate::verification_code(random);
                record.verification_url = format!("{}{}", draft.verify_base, record.verification_code);
                if let Some(code) = &draft.supersedes {
                    let old_serial: Option<String> = sqlx::query_scalar("select serial from certificate where verification_code = $1")
                        .bind(code)
                        .fetch_optional(&mut *tx)
                        .await?;
                    record.supersedes = old_serial;
                }
                let signature = sign(&record);
                let canonical = String::from_utf8(record.canonical())
                    .map_err(|e| StoreError::Corrupt(format!("certificate record: {e}")))?;
                let certificate_id = $crate::store::new_id();
                sqlx::query(
                    "insert into certificate (certificate_id, application_id, kind, status, serial, verification_code,
                                              holder_name, issued_at, expires_at, signature, record, created_at, updated_at)
                     values ($1, $2, $3, 'issued', $4, $5, $6, $7, $8, $9, $10, $11, $11)",
                )
                .bind(&certificate_id)
                .bind(&draft.application_id)
                .bind(kind)
                .bind(&record.serial)
                .bind(&record.verification_code)
                .bind(&record.holder.name)
                .bind($crate::store::types::Timestamp::new(record.issued_on.with_time(time::Time::MIDNIGHT).assume_utc()))
                .bind(record.valid_until.map(|d| $crate::store::types::Timestamp::new(d.with_time(time::Time::MIDNIGHT).assume_utc())))
                .bind($crate::domain::certificate::hex(&signature))
                .bind(&canonical)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if let Some(old) = &superseded {
                    sqlx::query("update certificate set superseded_by = $2 where certificate_id = $1")
                        .bind(old)
                        .bind(&certificate_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let detail = match &record.supersedes {
                    Some(old) => format!("{kind} {} (supersedes {old})", record.serial),
                    None => format!("{kind} {}", record.serial),
                };
                Self::insert_audit(&mut tx, None, actor, "certificate.issued", ("application", &draft.application_id), &detail, now).await?;
                tx.commit().await?;
                Ok($crate::store::certificates::StoredCertificate {
                    application_id: draft.application_id.clone(),
                    record,
                    signature: signature.to_vec(),
                    status: $crate::domain::status::CertificateStatus::Issued,
                    revoked_reason: None,
                    superseded_by: None,
                })
            }

            async fn certificate_by_code(
                &self,
                code: &str,
            ) -> Result<Option<$crate::store::certificates::StoredCertificate>, $crate::store::StoreError> {
                let row: Option<$crate::store::certificates::CertificateRow> =
                    sqlx::query_as($crate::store::certificates::CERTIFICATE_SQL)
                        .bind(code)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn record_attendance(
                &self,
                program_id: &str,
                day: time::Date,
                marks: &[(String, bool)],
                actor: &$crate::domain::audit::Actor,
                now: time::OffsetDateTime,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::StoreError;
                let now = $crate::store::types::Timestamp::new(now);
                let mut tx = self.begin_write().await?;
                let dates: Option<(time::Date, time::Date)> = sqlx::query_as(
                    "select starts_on, ends_on from program where program_id = $1",
                )
                .bind(program_id)
                .fetch_optional(&mut *tx)
                .await?;
                let (starts_on, ends_on) = dates.ok_or(StoreError::NotFound)?;
                if !$crate::domain::completion::school_days(starts_on, ends_on).contains(&day) {
                    return Err(StoreError::Refused("not_a_school_day".into()));
                }
                let enrolled: Vec<String> = sqlx::query_scalar(
                    "select application_id from application where program_id = $1 and status = 'enrolled'",
                )
                .bind(program_id)
                .fetch_all(&mut *tx)
                .await?;
                if marks.iter().any(|(id, _)| !enrolled.contains(id)) {
                    return Err(StoreError::Refused("not_enrolled".into()));
                }
                for (application_id, present) in marks {
                    sqlx::query(
                        "insert into attendance (application_id, day, present, recorded_by, recorded_at)
                         values ($1, $2, $3, $4, $5)
                         on conflict (application_id, day) do update
                         set present = excluded.present, recorded_by = excluded.recorded_by,
                             recorded_at = excluded.recorded_at",
                    )
                    .bind(application_id)
                    .bind(day)
                    .bind(*present)
                    .bind(actor.to_string())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                let present = marks.iter().filter(|(_, p)| *p).count();
                Self::insert_audit(&mut tx, None, actor, "attendance.recorded", ("program", program_id),
                    &format!("{day}: {present} present, {} absent", marks.len() - present), now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn record_result(
                &self,
                application_id: &str,
                result: &$crate::store::certificates::ResultEntry,
                actor: &$crate::domain::audit::Actor,
                now: time::OffsetDateTime,
            ) -> Result<(), $crate::store::StoreError> {
                let now = $crate::store::types::Timestamp::new(now);
                let mut tx = self.begin_write().await?;
                let status: Option<String> = sqlx::query_scalar("select status from application where application_id = $1")
                    .bind(application_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                match status.as_deref() {
                    None => return Err($crate::store::StoreError::NotFound),
                    Some("enrolled") => {}
                    Some(_) => return Err($crate::store::StoreError::Refused("not_enrolled".into())),
                }
                sqlx::query(
                    "insert into assessment_result (application_id, passed, grade, afgsu_validated, recorded_by, recorded_at)
                     values ($1, $2, $3, $4, $5, $6)
                     on conflict (application_id) do update
                     set passed = excluded.passed, grade = excluded.grade, afgsu_validated = excluded.afgsu_validated,
                         recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                )
                .bind(application_id)
                .bind(result.passed)
                .bind(result.grade.as_deref())
                .bind(result.afgsu_validated)
                .bind(actor.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let detail = format!(
                    "{}{}{}",
                    if result.passed { "passed" } else { "not passed" },
                    result.grade.as_deref().map(|g| format!(", grade {g}")).unwrap_or_default(),
                    match result.afgsu_validated {
                        Some(true) => ", AFGSU 2 validated",
                        Some(false) => ", AFGSU 2 not validated",
                        None => "",
                    },
                );
                Self::insert_audit(&mut tx, None, actor, "result.recorded", ("application", application_id), &detail, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn participants(
                &self,
                program_id: &str,
            ) -> Result<Vec<$crate::store::certificates::Participant>, $crate::store::StoreError> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(String, Option<String>, Option<String>, Option<String>, Option<time::Date>, Option<bool>, Option<String>, Option<bool>)> =
                    sqlx::query_as(
                        "select a.application_id, f.certificate_name, f.given_names, f.family_name, f.birth_date,
                                r.passed, r.grade, r.afgsu_validated
                         from application a
                         left join application_form f on f.application_id = a.application_id
                         left join assessment_result r on r.application_id = a.application_id
                         where a.program_id = $1 and a.status = 'enrolled'",
                    )
                    .bind(program_id)
                    .fetch_all(&self.pool)
                    .await?;
                let days: Vec<(String, time::Date)> = sqlx::query_as(
                    "select t.application_id, t.day from attendance t
                     join application a on a.application_id = t.application_id
                     where a.program_id = $1 and a.status = 'enrolled' and t.present
                     order by t.day",
                )
                .bind(program_id)
                .fetch_all(&self.pool)
                .await?;
                let mut participants: Vec<$crate::store::certificates::Participant> = rows
                    .into_iter()
                    .map(|(application_id, certificate_name, given, family, birth_date, passed, grade, afgsu)| {
                        let name = certificate_name.unwrap_or_else(|| {
                            [given, family].into_iter().flatten().collect::<Vec<_>>().join(" ")
                        });
                        $crate::store::certificates::Participant {
                            days_present: days.iter().filter(|(id, _)| *id == application_id).map(|(_, d)| *d).collect(),
                            application_id,
                            certificate_name: name,
                            birth_date,
                            result: passed.map(|passed| $crate::store::certificates::ResultEntry {
                                passed,
                                grade,
                                afgsu_validated: afgsu,
                            }),
                        }
                    })
                    .collect();
                participants.sort_by(|a, b| a.certificate_name.cmp(&b.certificate_name));
                Ok(participants)
            }

            async fn certificates_of(
                &self,
                application_id: &str,
            ) -> Result<Vec<$crate::store::certificates::StoredCertificate>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::certificates::CertificateRow> = sqlx::query_as(
                    "select c.application_id, c.record, c.signature, c.status, c.revoked_reason,
                            cast(null as text) as superseded_by
                     from certificate c
                     where c.application_id = $1 and c.status = 'issued'
                     order by c.issued_at, c.serial",
                )
                .bind(application_id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn revoke_certificate(
                &self,
                code: &str,
                reason: &str,
                actor: &$crate::domain::audit::Actor,
                now: time::OffsetDateTime,
            ) -> Result<(), $crate::store::StoreError> {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err($crate::store::StoreError::Refused("no_reason".into()));
                }
                let now = $crate::store::types::Timestamp::new(now);
                let mut tx = self.begin_write().await?;
                let revoked: Option<(String, String)> = sqlx::query_as(
                    "update certificate set status = 'revoked', revoked_reason = $2, revoked_at = $3, updated_at = $3
                     where verification_code = $1 and status = 'issued'
                     returning application_id, serial",
                )
                .bind(code)
                .bind(reason)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let (application_id, serial) = revoked.ok_or($crate::store::StoreError::NotFound)?;
                Self::insert_audit(&mut tx, None, actor, "certificate.revoked", ("application", &application_id),
                    &format!("{serial}: {reason}"), now).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use certificate_store_impl;

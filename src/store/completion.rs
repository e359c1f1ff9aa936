//! What participants did: attendance taken per day (or checked in with a badge), results and
//! grades recorded one by one or from a file, and the participant list the cohort page, the
//! results grid and issuance read. Each change writes its audit event in its transaction.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::certificates::{IssuedSummary, Participant};
use super::db::{query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::completion::ResultEntry;
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, CertificateStatus};

#[async_trait]
pub trait CompletionStore: Send + Sync {
    /// Records who was present on `day` of the program (`true`) or absent, for its enrolled
    /// participants; a later mark for the same day replaces the earlier one. Refused
    /// (`not_a_school_day`) outside the school's weekdays, `Refused(FutureDay)` for a day after
    /// today in Paris (nobody can have attended it yet), `Refused(NotEnrolled)` when an id is not
    /// an enrolled participant of the program (nothing is written then). One audit event per call.
    async fn record_attendance(
        &self,
        program_id: &str,
        day: time::Date,
        marks: &[(String, bool)],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Records enrolled participants' results (each replacing an earlier one, each audited) in one
    /// transaction: all or nothing. `Refused(NotEnrolled)` when one is not enrolled, NotFound when
    /// one is unknown; nothing is written then.
    async fn record_results(
        &self,
        results: &[(String, ResultEntry)],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// [`record_results`](Self::record_results) for one participant.
    async fn record_result(
        &self,
        application_id: &str,
        result: &ResultEntry,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.record_results(&[(application_id.to_owned(), result.clone())], actor, now)
            .await
    }

    /// The program's participants (enrolled, or completed once their attestation of success was
    /// issued) with what was recorded of them, by name.
    async fn participants(&self, program_id: &str) -> Result<Vec<Participant>, StoreError>;
}

#[async_trait]
impl CompletionStore for SqlStore {
    async fn record_attendance(
        &self,
        program_id: &str,
        day: time::Date,
        marks: &[(String, bool)],
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        if day > crate::domain::calendar::to_paris(now).date() {
            return Err(StoreError::Refused(Refusal::FutureDay));
        }
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let dates: Option<(time::Date, time::Date)> =
            query("select starts_on, ends_on from program where program_id = $1")
                .bind(program_id)
                .fetch_optional(&mut tx)
                .await?;
        let (starts_on, ends_on) = dates.ok_or(StoreError::NotFound)?;
        if !crate::domain::completion::school_days(starts_on, ends_on).contains(&day) {
            return Err(StoreError::Refused(Refusal::NotASchoolDay));
        }
        let enrolled: Vec<String> = scalar(
            "select application_id from application where program_id = $1 and status in ($2, $3)",
        )
        .bind(program_id)
        .bind_each(ApplicationStatus::IN_COHORT)
        .fetch_all(&mut tx)
        .await?;
        if marks.iter().any(|(id, _)| !enrolled.contains(id)) {
            return Err(StoreError::Refused(Refusal::NotEnrolled));
        }
        for (application_id, present) in marks {
            query(
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
            .execute(&mut tx)
            .await?;
        }
        let present = marks.iter().filter(|(_, p)| *p).count();
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::AttendanceRecorded,
            ("program", program_id),
            &format!("{day}: {present} present, {} absent", marks.len() - present),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_results(
        &self,
        results: &[(String, ResultEntry)],
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        for (application_id, result) in results {
            let status: Option<ApplicationStatus> =
                scalar("select status from application where application_id = $1")
                    .bind(application_id)
                    .fetch_optional(&mut tx)
                    .await?;
            match status {
                None => return Err(StoreError::NotFound),
                Some(s) if ApplicationStatus::IN_COHORT.contains(&s) => {}
                Some(_) => {
                    return Err(StoreError::Refused(Refusal::NotEnrolled));
                }
            }
            query(
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
        .execute(&mut tx)
        .await?;
            let detail = format!(
                "{}{}{}",
                if result.passed {
                    "passed"
                } else {
                    "not passed"
                },
                result
                    .grade
                    .as_deref()
                    .map(|g| format!(", grade {g}"))
                    .unwrap_or_default(),
                match result.afgsu_validated {
                    Some(true) => ", AFGSU 2 validated",
                    Some(false) => ", AFGSU 2 not validated",
                    None => "",
                },
            );
            Self::insert_audit(
                &mut tx,
                None,
                actor,
                Action::ResultRecorded,
                ("application", application_id),
                &detail,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn participants(&self, program_id: &str) -> Result<Vec<Participant>, StoreError> {
        #[allow(clippy::type_complexity)]
        let rows: Vec<(String, Option<String>, Option<String>, Option<String>, Option<time::Date>, Option<bool>, Option<String>, Option<bool>, String, String)> =
            query(
                "select a.application_id, f.certificate_name, f.given_names, f.family_name, f.birth_date,
                        r.passed, r.grade, r.afgsu_validated, p.locale, p.email
                 from application a
                 join applicant p on p.applicant_id = a.applicant_id
                 left join application_form f on f.application_id = a.application_id
                 left join assessment_result r on r.application_id = a.application_id
                 where a.program_id = $1 and a.status in ($2, $3)",
            )
            .bind(program_id)
            .bind_each(ApplicationStatus::IN_COHORT)
            .fetch_all(self.db.read())
            .await?;
        let days: Vec<(String, time::Date)> = query(
            "select t.application_id, t.day from attendance t
             join application a on a.application_id = t.application_id
             where a.program_id = $1 and a.status in ($2, $3) and t.present
             order by t.day",
        )
        .bind(program_id)
        .bind_each(ApplicationStatus::IN_COHORT)
        .fetch_all(self.db.read())
        .await?;
        let issued: Vec<(String, String, String, String)> = query(
            "select c.application_id, c.kind, c.serial, c.verification_code from certificate c
             join application a on a.application_id = c.application_id
             where a.program_id = $1 and c.status = $2
             order by c.serial",
        )
        .bind(program_id)
        .bind(CertificateStatus::Issued)
        .fetch_all(self.db.read())
        .await?;
        let mut days_of: std::collections::HashMap<String, Vec<time::Date>> =
            std::collections::HashMap::new();
        for (id, day) in days {
            days_of.entry(id).or_default().push(day);
        }
        let mut issued_of: std::collections::HashMap<String, Vec<IssuedSummary>> =
            std::collections::HashMap::new();
        for (id, kind, serial, verification_code) in issued {
            let kind = kind
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("certificate.kind: {e}")))?;
            issued_of.entry(id).or_default().push(IssuedSummary {
                kind,
                serial,
                verification_code,
            });
        }
        let mut participants = Vec::with_capacity(rows.len());
        for (
            application_id,
            certificate_name,
            given,
            family,
            birth_date,
            passed,
            grade,
            afgsu,
            locale,
            email,
        ) in rows
        {
            let name = certificate_name.unwrap_or_else(|| {
                [given, family]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            participants.push(Participant {
                days_present: days_of.remove(&application_id).unwrap_or_default(),
                certificates: issued_of.remove(&application_id).unwrap_or_default(),
                locale: crate::domain::locale::Locale::from_tag(&locale)
                    .ok_or_else(|| StoreError::Corrupt(format!("applicant.locale: {locale}")))?,
                application_id,
                email,
                certificate_name: name,
                birth_date,
                result: passed.map(|passed| ResultEntry {
                    passed,
                    grade,
                    afgsu_validated: afgsu,
                }),
            });
        }
        participants.sort_by(|a, b| a.certificate_name.cmp(&b.certificate_name));
        Ok(participants)
    }
}

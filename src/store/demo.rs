//! The demo's own rows: its people are flagged `is_demo` so that `/demo` can sign in as them (and as
//! nobody else), and seeding is recorded once, so that a second start changes nothing.
//! Everything else of the demo goes through the same operations as real work.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::db::{query, scalar};
use super::types::Timestamp;
use super::{NewOrganizer, NewSession, StoreError};
use crate::domain::audit::{Action, Actor};
use crate::domain::email::EmailAddress;
use crate::domain::locale::Locale;
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, CertificateKind, CertificateStatus, OrganizerRole};

#[async_trait]
pub trait DemoStore: Send + Sync {
    /// Whether the demo was seeded to the end.
    async fn demo_seeded(&self) -> Result<bool, StoreError>;
    /// Records that the demo is seeded (audited), so that later starts leave it alone.
    async fn mark_demo_seeded(&self, detail: &str, now: OffsetDateTime) -> Result<(), StoreError>;
    /// The demo applicant with this address, created (flagged, audited) the first time.
    /// `Refused(NotDemo)` when a real account has the address.
    async fn demo_applicant(
        &self,
        email: &EmailAddress,
        locale: Locale,
        now: OffsetDateTime,
    ) -> Result<String, StoreError>;
    /// The demo organizer with this address, created (flagged, with its programs, audited, without
    /// a welcome email) the first time. `Refused(NotDemo)` when a real account has the address.
    async fn demo_organizer(
        &self,
        new: &NewOrganizer,
        now: OffsetDateTime,
    ) -> Result<String, StoreError>;
    /// Every demo account, organizers first (by role), then applicants with their applications.
    async fn demo_accounts(&self) -> Result<DemoAccounts, StoreError>;
    /// Opens a session for a demo applicant (audited). NotFound for any other account.
    async fn open_demo_applicant_session(
        &self,
        applicant_id: &str,
        session: &NewSession<'_>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// The certificates and visa letters of demo editions, to try on `/verify`.
    async fn demo_documents(&self) -> Result<Vec<DemoDocument>, StoreError>;
    /// How many rows the tables the demo writes hold, by table (for the seeding report and tests).
    async fn census(&self) -> Result<Vec<(&'static str, i64)>, StoreError>;
}

/// The demo's people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoAccounts {
    pub organizers: Vec<DemoOrganizerAccount>,
    pub applicants: Vec<DemoApplicantAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOrganizerAccount {
    pub organizer_id: String,
    pub email: String,
    pub name: String,
    pub role: OrganizerRole,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoApplicantAccount {
    pub applicant_id: String,
    pub email: String,
    /// Their applications: edition slug, program slug and status.
    pub applications: Vec<(String, String, ApplicationStatus)>,
}

/// What a demo certificate or letter is, and its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDocument {
    pub code: String,
    /// The number printed on it (a serial, or a letter's number).
    pub number: String,
    pub holder: String,
    pub what: DemoDocumentKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoDocumentKind {
    Certificate(CertificateKind, CertificateStatus),
    VisaLetter,
}

/// The tables `census` counts.
pub const CENSUS_TABLES: [&str; 12] = [
    "edition",
    "program",
    "organizer",
    "applicant",
    "application",
    "fee_order",
    "payment",
    "receipt",
    "certificate",
    "visa_letter",
    "job",
    "audit_event",
];

/// The demo edition: seeding it, resetting it, and telling demo rows from real ones.
#[async_trait]
impl DemoStore for SqlStore {
    async fn demo_seeded(&self) -> Result<bool, StoreError> {
        let found: Option<i64> =
            scalar("select audit_event_id from audit_event where action = $1 limit 1")
                .bind(Action::DemoSeeded.as_str())
                .fetch_optional(self.db.read())
                .await?;
        Ok(found.is_some())
    }

    async fn mark_demo_seeded(
        &self,
        detail: &str,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organization_id: String =
            scalar("select organization_id from organization order by created_at limit 1")
                .fetch_one(&mut tx)
                .await?;
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &Actor::System,
            Action::DemoSeeded,
            ("organization", &organization_id),
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn demo_applicant(
        &self,
        email: &crate::domain::email::EmailAddress,
        locale: crate::domain::locale::Locale,
        now: time::OffsetDateTime,
    ) -> Result<String, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        // Applicants belong to the first organization, as those who sign in by email.
        let organization_id: String =
            scalar("select organization_id from organization order by created_at limit 1")
                .fetch_one(&mut tx)
                .await?;
        let existing: Option<(String, bool)> = query(
            "select applicant_id, is_demo from applicant where organization_id = $1 and email = $2",
        )
        .bind(&organization_id)
        .bind(email.as_str())
        .fetch_optional(&mut tx)
        .await?;
        match existing {
            Some((id, true)) => return Ok(id),
            Some((_, false)) => {
                return Err(StoreError::Refused(Refusal::NotDemo));
            }
            None => {}
        }
        let applicant_id = crate::store::new_id();
        query(
            "insert into applicant (applicant_id, organization_id, email, locale, is_demo, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&applicant_id)
        .bind(&organization_id)
        .bind(email.as_str())
        .bind(locale.tag())
        .bind(true)
        .bind(now)
        .execute(&mut tx)
        .await?;
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &Actor::System,
            Action::ApplicantCreated,
            ("applicant", &applicant_id),
            "demo applicant",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(applicant_id)
    }

    async fn demo_organizer(
        &self,
        new: &crate::store::NewOrganizer,
        now: time::OffsetDateTime,
    ) -> Result<String, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organization_id: String =
            scalar("select organization_id from organization where slug = $1")
                .bind(&new.organization_slug)
                .fetch_one(&mut tx)
                .await?;
        let existing: Option<(String, bool)> = query(
            "select organizer_id, is_demo from organizer where organization_id = $1 and email = $2",
        )
        .bind(&organization_id)
        .bind(new.email.as_str())
        .fetch_optional(&mut tx)
        .await?;
        match existing {
            Some((id, true)) => return Ok(id),
            Some((_, false)) => {
                return Err(StoreError::Refused(Refusal::NotDemo));
            }
            None => {}
        }
        let organizer_id = crate::store::new_id();
        query(
            "insert into organizer (organizer_id, organization_id, email, display_name, password_hash, role,
                                    is_demo, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&organizer_id)
        .bind(&organization_id)
        .bind(new.email.as_str())
        .bind(&new.display_name)
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(true)
        .bind(now)
        .execute(&mut tx)
        .await?;
        let access = crate::domain::access::Access {
            role: new.role,
            programs: new.programs.clone(),
        };
        Self::put_organizer_programs(&mut tx, &organizer_id, &access).await?;
        let detail = format!(
            "demo organizer; {}",
            crate::store::organizers::access_detail(&access)
        );
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &Actor::System,
            Action::OrganizerCreated,
            ("organizer", &organizer_id),
            &detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(organizer_id)
    }

    async fn demo_accounts(&self) -> Result<DemoAccounts, StoreError> {
        let organizers: Vec<(String, String, String, String)> = query(
            "select organizer_id, email, display_name, role
             from organizer
             where is_demo
             order by created_at, email",
        )
        .fetch_all(self.db.read())
        .await?;
        let mut organizers = organizers
            .into_iter()
            .map(|(organizer_id, email, name, role)| {
                let role = role
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("organizer.role `{role}`")))?;
                Ok(DemoOrganizerAccount {
                    organizer_id,
                    email,
                    name,
                    role,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        organizers.sort_by_key(|o| {
            crate::domain::status::OrganizerRole::ALL
                .iter()
                .position(|r| *r == o.role)
        });
        let rows: Vec<(
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        )> = query(
            "select ap.applicant_id, ap.email, e.slug, p.slug, a.status
             from applicant ap
             left join application a on a.applicant_id = ap.applicant_id
             left join program p on p.program_id = a.program_id
             left join edition e on e.edition_id = p.edition_id
             where ap.is_demo
             order by ap.created_at, ap.email, a.created_at",
        )
        .fetch_all(self.db.read())
        .await?;
        let mut applicants: Vec<DemoApplicantAccount> = Vec::new();
        for (applicant_id, email, edition, program, status) in rows {
            if applicants
                .last()
                .is_none_or(|a| a.applicant_id != applicant_id)
            {
                applicants.push(DemoApplicantAccount {
                    applicant_id: applicant_id.clone(),
                    email,
                    applications: Vec::new(),
                });
            }
            if let (Some(edition), Some(program), Some(status)) = (edition, program, status) {
                let status = status
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("application.status `{status}`")))?;
                if let Some(last) = applicants.last_mut() {
                    last.applications.push((edition, program, status));
                }
            }
        }
        Ok(DemoAccounts {
            organizers,
            applicants,
        })
    }

    async fn open_demo_applicant_session(
        &self,
        applicant_id: &str,
        session: &crate::store::NewSession<'_>,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organization_id: Option<String> =
            scalar("select organization_id from applicant where applicant_id = $1 and is_demo")
                .bind(applicant_id)
                .fetch_optional(&mut tx)
                .await?;
        let Some(organization_id) = organization_id else {
            return Err(StoreError::NotFound);
        };
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
        .bind(applicant_id)
        .bind(now)
        .bind(Timestamp::new(session.expires_at))
        .execute(&mut tx)
        .await?;
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &Actor::Applicant(applicant_id.to_owned()),
            Action::ApplicantSignedIn,
            ("applicant", applicant_id),
            "signed in from the demo page",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn demo_documents(&self) -> Result<Vec<DemoDocument>, StoreError> {
        use {DemoDocument, DemoDocumentKind};
        let certificates: Vec<(String, String, String, String, String)> = query(
            "select c.verification_code, c.serial, c.holder_name, c.kind, c.status
             from certificate c
             join application a on a.application_id = c.application_id
             join program p on p.program_id = a.program_id
             join edition e on e.edition_id = p.edition_id
             where e.is_demo
             order by c.holder_name, c.serial",
        )
        .fetch_all(self.db.read())
        .await?;
        let mut documents = Vec::new();
        for (code, number, holder, kind, status) in certificates {
            let kind = kind
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("certificate.kind `{kind}`")))?;
            let status = status
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("certificate.status `{status}`")))?;
            documents.push(DemoDocument {
                code,
                number,
                holder,
                what: DemoDocumentKind::Certificate(kind, status),
            });
        }
        let letters: Vec<(
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        )> = query(
            "select v.verification_code, v.number, f.certificate_name, f.given_names, f.family_name
             from visa_letter v
             join application a on a.application_id = v.application_id
             left join application_form f on f.application_id = a.application_id
             join program p on p.program_id = a.program_id
             join edition e on e.edition_id = p.edition_id
             where e.is_demo and v.verification_code is not null
             order by v.number",
        )
        .fetch_all(self.db.read())
        .await?;
        for (code, number, certificate_name, given, family) in letters {
            let holder = certificate_name.unwrap_or_else(|| {
                [given, family]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            documents.push(DemoDocument {
                code,
                number,
                holder,
                what: DemoDocumentKind::VisaLetter,
            });
        }
        Ok(documents)
    }

    async fn census(&self) -> Result<Vec<(&'static str, i64)>, StoreError> {
        let mut counts = Vec::new();
        for table in CENSUS_TABLES {
            let n: i64 = scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(self.db.read())
                .await?;
            counts.push((table, n));
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn census_names_only_tables() {
        for t in super::CENSUS_TABLES {
            assert!(t.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }
}

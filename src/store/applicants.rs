//! Applicants' accounts: sign-in links (rate-limited, used once) and sessions. Only hashes of
//! tokens and session ids are stored.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::db::{query, scalar};
use super::types::Timestamp;
use super::{SqlStore, StoreError};
use crate::domain::audit::{Action, Actor};
use crate::domain::email::EmailAddress;
use crate::domain::job::OutgoingEmail;
use crate::domain::locale::Locale;
use crate::domain::refusal::Refusal;

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

/// Applicants' sign-in links and sessions.
#[async_trait]
pub trait ApplicantStore: Send + Sync {
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
}

#[async_trait]
impl ApplicantStore for SqlStore {
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
}

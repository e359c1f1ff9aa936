//! Organizer accounts: sign-in with lockout, sessions with an optional second factor, invitations,
//! roles and programs.
//!
//! Only hashes of session ids and invitation tokens are stored, and only keyed hashes of visitors'
//! addresses and of typed email addresses; passwords arrive already hashed.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use super::SqlStore;
use super::db::{On, Tx, query, scalar};
use super::types::Timestamp;
use super::{NewOrganizer, StoreError};
use crate::domain::access::Access;
use crate::domain::audit::{Action, Actor};
use crate::domain::email::EmailAddress;
use crate::domain::job::OutgoingEmail;
use crate::domain::refusal::Refusal;
use crate::domain::status::OrganizerRole;

/// The password hash of an account whose owner has not chosen a password yet (an invitation not
/// accepted): no password matches it.
pub const UNUSABLE_PASSWORD_HASH: &str = "!invited";

/// How failed sign-ins are limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failures that lock an account.
    pub max_failures: i32,
    /// How long a lock lasts.
    pub lock_for: Duration,
    /// Failures one visitor may make, whatever the addresses, within `requester_window`.
    pub per_requester: i64,
    pub requester_window: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_for: Duration::minutes(15),
            per_requester: 20,
            requester_window: Duration::minutes(15),
        }
    }
}

/// One sign-in attempt, as the store sees it.
#[derive(Debug, Clone, Copy)]
pub struct SignInAttempt<'a> {
    pub email: &'a EmailAddress,
    /// A keyed hash of the typed address (an unknown address is limited like a known one).
    pub email_key: &'a str,
    /// A keyed hash of the visitor's address.
    pub requester: &'a str,
    pub policy: LockoutPolicy,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInAccount {
    pub organizer_id: String,
    /// An argon2id PHC string, or [`UNUSABLE_PASSWORD_HASH`].
    pub password_hash: String,
    /// A code is asked for after the password.
    pub totp_enabled: bool,
}

/// Whether a password may be checked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInGate {
    /// This visitor failed too often recently, whatever the address.
    Throttled,
    /// The account (or, for an address without one, the address) is locked until then.
    Locked { until: OffsetDateTime },
    /// Check the password against this account; `None`: the address has none (check the dummy hash).
    Check(Option<SignInAccount>),
}

/// A session to open for an organizer.
#[derive(Debug, Clone, Copy)]
pub struct NewOrganizerSession<'a> {
    /// SHA-256 of the cookie's value.
    pub session_hash: &'a str,
    pub expires_at: OffsetDateTime,
    /// The password was right and a code is still to come.
    pub second_factor_pending: bool,
    /// The visitor's previous organizer session, ended here (rotation at sign-in).
    pub replaces: Option<&'a str>,
}

/// Who is behind a live organizer session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizerSession {
    pub organizer_id: String,
    pub organization_id: String,
    pub email: String,
    pub display_name: String,
    /// The role and, for directors and reviewers, their programs.
    pub access: Access,
    pub totp_enabled: bool,
    /// Only the password was given so far: the session opens nothing but the code page.
    pub second_factor_pending: bool,
}

/// An organizer's second factor as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpState {
    /// Base32.
    pub secret: String,
    /// The last step whose code was accepted.
    pub last_step: Option<i64>,
}

/// An invitation to send.
#[derive(Debug, Clone, Copy)]
pub struct NewInvitation<'a> {
    pub organization_id: &'a str,
    pub email: &'a EmailAddress,
    pub display_name: &'a str,
    pub role: OrganizerRole,
    /// Program ids (kept only for program directors and reviewers).
    pub programs: &'a [String],
    /// SHA-256 of the emailed token.
    pub token_hash: &'a str,
    pub expires_at: OffsetDateTime,
}

/// Whom an invitation is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationInfo {
    pub organizer_id: String,
    pub email: String,
    pub display_name: String,
}

/// An organizer as the team page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizerRecord {
    pub organizer_id: String,
    pub email: String,
    pub display_name: String,
    pub role: OrganizerRole,
    /// Program ids given to them.
    pub programs: Vec<String>,
    pub totp_enabled: bool,
    /// Invited, password not chosen yet.
    pub invited: bool,
    /// Locked after failed sign-ins, until then (`None` when the lock is over or was never set).
    pub locked_until: Option<OffsetDateTime>,
    /// Turned off by an admin, then.
    pub deactivated_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// Organizer accounts, sign-in and roles. Every state change writes its audit event (and any email)
/// in the same transaction.
#[async_trait]
pub trait OrganizerStore: Send + Sync {
    /// Creates an organizer and queues their welcome email.
    async fn create_organizer(
        &self,
        new: &NewOrganizer,
        welcome: &OutgoingEmail,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<String, StoreError>;

    /// Before any password is checked: the visitor's recent failures, then the account's lock (or,
    /// for an address without an account, the address's recent failures, so that it answers alike).
    async fn sign_in_gate(
        &self,
        attempt: &SignInAttempt<'_>,
        now: OffsetDateTime,
    ) -> Result<SignInGate, StoreError>;

    /// Counts a failed password or code. The `max_failures`-th consecutive failure of an account
    /// locks it for `lock_for` (audited), and so does the same count of recent failures for an
    /// address without an account. Returns the end of the lock when this failure set one.
    async fn record_failed_sign_in(
        &self,
        attempt: &SignInAttempt<'_>,
        organizer_id: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StoreError>;

    /// Opens a session after the right password (rotating `replaces` away). Without a pending second
    /// factor, the failure counter goes back to zero. `Refused(Locked)` while the account is locked.
    async fn open_organizer_session(
        &self,
        organizer_id: &str,
        session: &NewOrganizerSession<'_>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The organizer behind a live session, with their access as it is now (role changes apply at
    /// once).
    async fn organizer_session(
        &self,
        session_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<OrganizerSession>, StoreError>;

    /// The organizer's TOTP secret and last accepted step, when two-factor sign-in is on.
    async fn organizer_totp(&self, organizer_id: &str) -> Result<Option<TotpState>, StoreError>;

    /// Completes a pending session with the step of an accepted code: the pending session is replaced
    /// by `session` and the failure counter reset. `Refused(CodeReplayed)` when that step (or a later
    /// one) was already used; `NotFound` when the pending session is gone.
    async fn complete_second_factor(
        &self,
        pending_hash: &str,
        step: i64,
        session: &NewOrganizerSession<'_>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Ends a session (audited when it existed).
    async fn end_organizer_session(
        &self,
        session_hash: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Turns two-factor sign-in on with a secret confirmed by the code of `confirmed_step` (which
    /// then cannot be used again). `Refused(TwoFactorAlreadyOn)` when it is on.
    async fn enable_two_factor(
        &self,
        organizer_id: &str,
        secret: &str,
        confirmed_step: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Turns two-factor sign-in off, confirmed by a fresh code. `Refused(CodeReplayed)` for a used step.
    async fn disable_two_factor(
        &self,
        organizer_id: &str,
        confirmed_step: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Creates an account without a usable password, gives its programs, stores the invitation's hash
    /// and queues its email. `Conflict(organizer_organization_id_email_key)` for a known address.
    async fn invite_organizer(
        &self,
        invitation: &NewInvitation<'_>,
        email: &OutgoingEmail,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<String, StoreError>;

    /// Sends a new invitation to an account whose owner has not chosen a password yet; the earlier
    /// links stop working. `NotFound` outside the organization; `Refused(AccountActive)` once the password
    /// is set.
    #[allow(clippy::too_many_arguments)]
    async fn reinvite_organizer(
        &self,
        organization_id: &str,
        organizer_id: &str,
        token_hash: &str,
        expires_at: OffsetDateTime,
        email: &OutgoingEmail,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Whom a live invitation is for. `NotFound`, `Refused(LinkUsed)` or `Refused(LinkExpired)`.
    async fn invitation(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<InvitationInfo, StoreError>;

    /// Uses an invitation once to set the password (and ends any other invitation of the account).
    /// Same refusals as [`OrganizerStore::invitation`].
    async fn accept_invitation(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<String, StoreError>;

    /// Every organizer of the organization, by name.
    async fn organizers(
        &self,
        organization_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<OrganizerRecord>, StoreError>;

    /// Sets an organizer's role and programs (programs kept only for directors and reviewers).
    /// `NotFound` outside the organization; `Refused(LastAdmin)` when it would leave no admin.
    async fn set_organizer_access(
        &self,
        organization_id: &str,
        organizer_id: &str,
        access: &Access,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Turns an account off (`active = false`): it can no longer sign in (it answers like an unknown
    /// address), its sessions end at once and an invitation it holds no longer works; or back on.
    /// `NotFound` outside the organization; `Refused(LastAdmin)` when it would leave no active
    /// admin. Audited; doing what is already done changes nothing and records nothing.
    async fn set_organizer_active(
        &self,
        organization_id: &str,
        organizer_id: &str,
        active: bool,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Turns off someone's two-factor sign-in (a lost phone) and ends their sessions: they sign in
    /// with their password and can enrol a new app. `NotFound` outside the organization. Audited.
    async fn reset_two_factor(
        &self,
        organization_id: &str,
        organizer_id: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Lifts a lock and resets the failure counter. `NotFound` outside the organization.
    async fn unlock_organizer(
        &self,
        organization_id: &str,
        organizer_id: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    pub organizer_id: String,
    pub organization_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub totp_enabled: bool,
    pub second_factor_pending: bool,
}

#[derive(sqlx::FromRow)]
pub(super) struct OrganizerRow {
    pub organizer_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub totp_enabled: bool,
    pub invited: bool,
    pub locked_until: Option<super::types::Timestamp>,
    pub deactivated_at: Option<super::types::Timestamp>,
    pub created_at: super::types::Timestamp,
}

pub(super) fn parse_role(role: &str) -> Result<OrganizerRole, StoreError> {
    role.parse()
        .map_err(|e| StoreError::Corrupt(format!("organizer.role: {e}")))
}

/// The audit detail of a role and its programs.
pub(super) fn access_detail(access: &Access) -> String {
    if crate::domain::access::organization_wide(access.role) {
        format!("role {}", access.role)
    } else {
        format!("role {}, {} program(s)", access.role, access.programs.len())
    }
}

/// The steps of organizer accounts that several operations share.
impl SqlStore {
    /// Queues this transaction behind the organization's row (Postgres; SQLite has one
    /// writer), so that two admins changing each other's role or account cannot both pass
    /// [`Self::require_another_admin`].
    pub(super) async fn lock_organization(
        tx: &mut Tx,
        organization_id: &str,
    ) -> Result<(), StoreError> {
        query("update organization set updated_at = updated_at where organization_id = $1")
            .bind(organization_id)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// `Refused(LastAdmin)` unless an active admin other than `organizer_id` remains.
    pub(super) async fn require_another_admin(
        tx: &mut Tx,
        organization_id: &str,
        organizer_id: &str,
    ) -> Result<(), StoreError> {
        let others: i64 = scalar(
            "select count(*) from organizer
             where organization_id = $1 and role = $3 and organizer_id <> $2 and deactivated_at is null",
        )
        .bind(organization_id)
        .bind(organizer_id)
        .bind(OrganizerRole::Admin)
        .fetch_one(&mut *tx)
        .await?;
        if others == 0 {
            return Err(StoreError::Refused(Refusal::LastAdmin));
        }
        Ok(())
    }

    /// Gives programs to a director or reviewer (nothing for organization-wide roles).
    pub(super) async fn put_organizer_programs(
        tx: &mut Tx,
        organizer_id: &str,
        access: &crate::domain::access::Access,
    ) -> Result<(), StoreError> {
        query("delete from organizer_program where organizer_id = $1")
            .bind(organizer_id)
            .execute(&mut *tx)
            .await?;
        if crate::domain::access::organization_wide(access.role) {
            return Ok(());
        }
        for program_id in &access.programs {
            query(
                "insert into organizer_program (organizer_id, program_id) values ($1, $2)
                 on conflict (organizer_id, program_id) do nothing",
            )
            .bind(organizer_id)
            .bind(program_id)
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }

    /// The organization of an organizer (for audit rows).
    pub(super) async fn organization_of(
        tx: &mut Tx,
        organizer_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(
            scalar("select organization_id from organizer where organizer_id = $1")
                .bind(organizer_id)
                .fetch_optional(&mut *tx)
                .await?,
        )
    }

    /// The state of an invitation: its organizer, or why it no longer works.
    pub(super) async fn live_invitation(
        conn: impl Into<On<'_>> + Send,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let mut conn = conn.into();
        let row: Option<(String, Timestamp, Option<Timestamp>)> = query(
            "select i.organizer_id, i.expires_at, i.used_at from organizer_invitation i
             join organizer g on g.organizer_id = i.organizer_id
             where i.token_hash = $1 and g.deactivated_at is null",
        )
        .bind(token_hash)
        .fetch_optional(&mut conn)
        .await?;
        match row {
            None => Err(StoreError::NotFound),
            Some((_, _, Some(_))) => Err(StoreError::Refused(Refusal::LinkUsed)),
            Some((_, expires, None)) if expires <= now => {
                Err(StoreError::Refused(Refusal::LinkExpired))
            }
            Some((organizer_id, _, None)) => Ok(organizer_id),
        }
    }
}

#[async_trait]
impl OrganizerStore for SqlStore {
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

    async fn sign_in_gate(
        &self,
        attempt: &SignInAttempt<'_>,
        now: time::OffsetDateTime,
    ) -> Result<SignInGate, StoreError> {
        use {SignInAccount, SignInGate};
        let policy = attempt.policy;
        let mut conn = self.db.acquire().await?;
        let by_requester: i64 = scalar(
            "select count(*) from organizer_sign_in_attempt where requester = $1 and created_at > $2",
        )
        .bind(attempt.requester)
        .bind(Timestamp::new(now - policy.requester_window))
        .fetch_one(&mut conn)
        .await?;
        if by_requester >= policy.per_requester {
            return Ok(SignInGate::Throttled);
        }
        let account: Option<(String, String, bool, Option<Timestamp>)> = query(
            "select organizer_id, password_hash, totp_secret is not null as totp_enabled, locked_until
             from organizer
             where email = $1 and deactivated_at is null
             order by created_at
             limit 1",
        )
        .bind(attempt.email.as_str())
        .fetch_optional(&mut conn)
        .await?;
        if let Some((organizer_id, password_hash, totp_enabled, locked_until)) = account {
            if let Some(until) = locked_until.filter(|u| u.0 > now) {
                return Ok(SignInGate::Locked { until: until.0 });
            }
            return Ok(SignInGate::Check(Some(SignInAccount {
                organizer_id,
                password_hash,
                totp_enabled,
            })));
        }
        // An address without an account locks like one: after as many recent failures, for as
        // long from the last of them (no failure is counted while it is locked).
        let recent: Vec<Timestamp> = scalar(
            "select created_at from organizer_sign_in_attempt
             where email_key = $1 and created_at > $2
             order by created_at desc
             limit $3",
        )
        .bind(attempt.email_key)
        .bind(Timestamp::new(now - policy.lock_for))
        .bind(i64::from(policy.max_failures))
        .fetch_all(&mut conn)
        .await?;
        match recent.first() {
            Some(last)
                if recent.len() >= usize::try_from(policy.max_failures).unwrap_or(usize::MAX) =>
            {
                Ok(SignInGate::Locked {
                    until: last.0 + policy.lock_for,
                })
            }
            _ => Ok(SignInGate::Check(None)),
        }
    }

    async fn record_failed_sign_in(
        &self,
        attempt: &SignInAttempt<'_>,
        organizer_id: Option<&str>,
        now: time::OffsetDateTime,
    ) -> Result<Option<time::OffsetDateTime>, StoreError> {
        let policy = attempt.policy;
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        query(
            "insert into organizer_sign_in_attempt (requester, email_key, created_at) values ($1, $2, $3)",
        )
        .bind(attempt.requester)
        .bind(attempt.email_key)
        .bind(now)
        .execute(&mut tx)
        .await?;
        // Rows older than both windows count for nothing any more.
        let keep = policy.lock_for.max(policy.requester_window);
        query("delete from organizer_sign_in_attempt where created_at < $1")
            .bind(Timestamp::new(now.0 - keep))
            .execute(&mut tx)
            .await?;
        let locked = match organizer_id {
            Some(organizer_id) => {
                let until = Timestamp::new(now.0 + policy.lock_for);
                // One statement counts and locks, so concurrent failures cannot skip the lock.
                let row: Option<(i32, Option<Timestamp>, String)> = query(
                    "update organizer set
                         failed_sign_ins = case when failed_sign_ins + 1 >= $2 then 0 else failed_sign_ins + 1 end,
                         locked_until = case when failed_sign_ins + 1 >= $2 then $3 else locked_until end,
                         updated_at = $4
                     where organizer_id = $1
                     returning failed_sign_ins, locked_until, organization_id",
                )
                .bind(organizer_id)
                .bind(policy.max_failures)
                .bind(until)
                .bind(now)
                .fetch_optional(&mut tx)
                .await?;
                let Some((failures, locked_until, organization_id)) = row else {
                    return Err(StoreError::NotFound);
                };
                let subject = ("organizer", organizer_id);
                let system = Actor::System;
                if locked_until == Some(until) {
                    let detail = format!(
                        "{} failed sign-ins in a row; locked until {}",
                        policy.max_failures,
                        until.fixed_text()
                    );
                    Self::insert_audit(
                        &mut tx,
                        Some(&organization_id),
                        &system,
                        Action::OrganizerLocked,
                        subject,
                        &detail,
                        now,
                    )
                    .await?;
                    Some(until.0)
                } else {
                    let detail = format!("failure {failures} of {}", policy.max_failures);
                    Self::insert_audit(
                        &mut tx,
                        Some(&organization_id),
                        &system,
                        Action::OrganizerSignInFailed,
                        subject,
                        &detail,
                        now,
                    )
                    .await?;
                    None
                }
            }
            None => {
                let recent: i64 = scalar(
                    "select count(*) from organizer_sign_in_attempt where email_key = $1 and created_at > $2",
                )
                .bind(attempt.email_key)
                .bind(Timestamp::new(now.0 - policy.lock_for))
                .fetch_one(&mut tx)
                .await?;
                (recent >= i64::from(policy.max_failures)).then_some(now.0 + policy.lock_for)
            }
        };
        tx.commit().await?;
        Ok(locked)
    }

    async fn open_organizer_session(
        &self,
        organizer_id: &str,
        session: &NewOrganizerSession<'_>,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let sql = if session.second_factor_pending {
            "update organizer set updated_at = updated_at
             where organizer_id = $1 and (locked_until is null or locked_until <= $2)
             returning organization_id"
        } else {
            "update organizer set failed_sign_ins = 0, locked_until = null, updated_at = $2
             where organizer_id = $1 and (locked_until is null or locked_until <= $2)
             returning organization_id"
        };
        let organization_id: Option<String> = scalar(sql)
            .bind(organizer_id)
            .bind(now)
            .fetch_optional(&mut tx)
            .await?;
        let Some(organization_id) = organization_id else {
            return Err(StoreError::Refused(Refusal::Locked));
        };
        if let Some(old) = session.replaces {
            query("delete from organizer_session where session_hash = $1")
                .bind(old)
                .execute(&mut tx)
                .await?;
        }
        query("delete from organizer_session where organizer_id = $1 and expires_at <= $2")
            .bind(organizer_id)
            .bind(now)
            .execute(&mut tx)
            .await?;
        query(
            "insert into organizer_session (session_hash, organizer_id, second_factor_pending, created_at, expires_at)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(session.session_hash)
        .bind(organizer_id)
        .bind(session.second_factor_pending)
        .bind(now)
        .bind(Timestamp::new(session.expires_at))
        .execute(&mut tx)
        .await?;
        let (action, detail) = if session.second_factor_pending {
            (
                Action::OrganizerPasswordAccepted,
                "password right; code pending",
            )
        } else {
            (Action::OrganizerSignedIn, "signed in with a password")
        };
        let actor = Actor::Organizer(organizer_id.to_owned());
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &actor,
            action,
            ("organizer", organizer_id),
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn organizer_session(
        &self,
        session_hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<Option<OrganizerSession>, StoreError> {
        use crate::store::organizers as o;
        let mut conn = self.db.acquire().await?;
        let row: Option<o::SessionRow> = query(
            "select g.organizer_id, g.organization_id, g.email, g.display_name, g.role,
                    g.totp_secret is not null as totp_enabled, s.second_factor_pending
             from organizer_session s
             join organizer g on g.organizer_id = s.organizer_id
             where s.session_hash = $1 and s.expires_at > $2 and g.deactivated_at is null",
        )
        .bind(session_hash)
        .bind(Timestamp::new(now))
        .fetch_optional(&mut conn)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let programs: Vec<String> = scalar(
            "select program_id from organizer_program where organizer_id = $1 order by program_id",
        )
        .bind(&row.organizer_id)
        .fetch_all(&mut conn)
        .await?;
        Ok(Some(o::OrganizerSession {
            access: crate::domain::access::Access {
                role: o::parse_role(&row.role)?,
                programs,
            },
            organizer_id: row.organizer_id,
            organization_id: row.organization_id,
            email: row.email,
            display_name: row.display_name,
            totp_enabled: row.totp_enabled,
            second_factor_pending: row.second_factor_pending,
        }))
    }

    async fn organizer_totp(&self, organizer_id: &str) -> Result<Option<TotpState>, StoreError> {
        let row: Option<(Option<String>, Option<i64>)> =
            query("select totp_secret, totp_last_step from organizer where organizer_id = $1")
                .bind(organizer_id)
                .fetch_optional(self.db.read())
                .await?;
        Ok(
            row.and_then(|(secret, last_step)| {
                secret.map(|secret| TotpState { secret, last_step })
            }),
        )
    }

    async fn complete_second_factor(
        &self,
        pending_hash: &str,
        step: i64,
        session: &NewOrganizerSession<'_>,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organizer_id: Option<String> = scalar(
            "delete from organizer_session
             where session_hash = $1 and second_factor_pending and expires_at > $2
             returning organizer_id",
        )
        .bind(pending_hash)
        .bind(now)
        .fetch_optional(&mut tx)
        .await?;
        let Some(organizer_id) = organizer_id else {
            return Err(StoreError::NotFound);
        };
        // The step moves forward only: a code (or an older one) cannot be used twice, even by
        // two requests at once.
        let organization_id: Option<String> = scalar(
            "update organizer set totp_last_step = $2, failed_sign_ins = 0, locked_until = null, updated_at = $3
             where organizer_id = $1 and totp_secret is not null
               and (totp_last_step is null or totp_last_step < $2)
               and (locked_until is null or locked_until <= $3)
             returning organization_id",
        )
        .bind(&organizer_id)
        .bind(step)
        .bind(now)
        .fetch_optional(&mut tx)
        .await?;
        let Some(organization_id) = organization_id else {
            return Err(StoreError::Refused(Refusal::CodeReplayed));
        };
        query(
            "insert into organizer_session (session_hash, organizer_id, second_factor_pending, created_at, expires_at)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(session.session_hash)
        .bind(&organizer_id)
        .bind(false)
        .bind(now)
        .bind(Timestamp::new(session.expires_at))
        .execute(&mut tx)
        .await?;
        let actor = Actor::Organizer(organizer_id.clone());
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &actor,
            Action::OrganizerSignedIn,
            ("organizer", &organizer_id),
            "signed in with a password and a code",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_organizer_session(
        &self,
        session_hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let ended: Option<String> =
            scalar("delete from organizer_session where session_hash = $1 returning organizer_id")
                .bind(session_hash)
                .fetch_optional(&mut tx)
                .await?;
        if let Some(organizer_id) = ended {
            let organization_id = Self::organization_of(&mut tx, &organizer_id).await?;
            let actor = Actor::Organizer(organizer_id.clone());
            Self::insert_audit(
                &mut tx,
                organization_id.as_deref(),
                &actor,
                Action::OrganizerSignedOut,
                ("organizer", &organizer_id),
                "signed out",
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn enable_two_factor(
        &self,
        organizer_id: &str,
        secret: &str,
        confirmed_step: i64,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organization_id: Option<String> = scalar(
            "update organizer set totp_secret = $2, totp_last_step = $3, updated_at = $4
             where organizer_id = $1 and totp_secret is null
             returning organization_id",
        )
        .bind(organizer_id)
        .bind(secret)
        .bind(confirmed_step)
        .bind(now)
        .fetch_optional(&mut tx)
        .await?;
        let Some(organization_id) = organization_id else {
            return match Self::organization_of(&mut tx, organizer_id).await? {
                None => Err(StoreError::NotFound),
                Some(_) => Err(StoreError::Refused(Refusal::TwoFactorAlreadyOn)),
            };
        };
        let actor = Actor::Organizer(organizer_id.to_owned());
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &actor,
            Action::OrganizerTwoFactorEnabled,
            ("organizer", organizer_id),
            "authenticator app confirmed with a code",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn disable_two_factor(
        &self,
        organizer_id: &str,
        confirmed_step: i64,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organization_id: Option<String> = scalar(
            "update organizer set totp_secret = null, totp_last_step = null, updated_at = $3
             where organizer_id = $1 and totp_secret is not null
               and (totp_last_step is null or totp_last_step < $2)
             returning organization_id",
        )
        .bind(organizer_id)
        .bind(confirmed_step)
        .bind(now)
        .fetch_optional(&mut tx)
        .await?;
        let Some(organization_id) = organization_id else {
            return Err(StoreError::Refused(Refusal::CodeReplayed));
        };
        let actor = Actor::Organizer(organizer_id.to_owned());
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &actor,
            Action::OrganizerTwoFactorDisabled,
            ("organizer", organizer_id),
            "confirmed with a code",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn invite_organizer(
        &self,
        invitation: &NewInvitation<'_>,
        email: &crate::domain::job::OutgoingEmail,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<String, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organizer_id = crate::store::new_id();
        query(
            "insert into organizer (organizer_id, organization_id, email, display_name, password_hash, role, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&organizer_id)
        .bind(invitation.organization_id)
        .bind(invitation.email.as_str())
        .bind(invitation.display_name)
        .bind(UNUSABLE_PASSWORD_HASH)
        .bind(invitation.role.as_str())
        .bind(now)
        .execute(&mut tx)
        .await?;
        let access = crate::domain::access::Access {
            role: invitation.role,
            programs: invitation.programs.to_vec(),
        };
        Self::put_organizer_programs(&mut tx, &organizer_id, &access).await?;
        query(
            "insert into organizer_invitation (token_hash, organizer_id, created_at, expires_at) values ($1, $2, $3, $4)",
        )
        .bind(invitation.token_hash)
        .bind(&organizer_id)
        .bind(now)
        .bind(Timestamp::new(invitation.expires_at))
        .execute(&mut tx)
        .await?;
        self.insert_job(
            &mut tx,
            &crate::domain::job::JobPayload::SendEmail(email.clone()),
            now,
            None,
        )
        .await?;
        let detail = format!("invited; {}", access_detail(&access));
        Self::insert_audit(
            &mut tx,
            Some(invitation.organization_id),
            actor,
            Action::OrganizerInvited,
            ("organizer", &organizer_id),
            &detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(organizer_id)
    }

    async fn reinvite_organizer(
        &self,
        organization_id: &str,
        organizer_id: &str,
        token_hash: &str,
        expires_at: time::OffsetDateTime,
        email: &crate::domain::job::OutgoingEmail,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let password_hash: Option<String> = scalar(
            "select password_hash from organizer
             where organizer_id = $1 and organization_id = $2 and deactivated_at is null",
        )
        .bind(organizer_id)
        .bind(organization_id)
        .fetch_optional(&mut tx)
        .await?;
        match password_hash.as_deref() {
            None => return Err(StoreError::NotFound),
            Some(h) if h != UNUSABLE_PASSWORD_HASH => {
                return Err(StoreError::Refused(Refusal::AccountActive));
            }
            Some(_) => {}
        }
        query("update organizer_invitation set used_at = $2 where organizer_id = $1 and used_at is null")
            .bind(organizer_id)
            .bind(now)
            .execute(&mut tx)
            .await?;
        query(
            "insert into organizer_invitation (token_hash, organizer_id, created_at, expires_at) values ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(organizer_id)
        .bind(now)
        .bind(Timestamp::new(expires_at))
        .execute(&mut tx)
        .await?;
        self.insert_job(
            &mut tx,
            &crate::domain::job::JobPayload::SendEmail(email.clone()),
            now,
            None,
        )
        .await?;
        Self::insert_audit(
            &mut tx,
            Some(organization_id),
            actor,
            Action::OrganizerReinvited,
            ("organizer", organizer_id),
            "a new invitation; earlier links no longer work",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn invitation(
        &self,
        token_hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<InvitationInfo, StoreError> {
        let mut conn = self.db.acquire().await?;
        let organizer_id = Self::live_invitation(&mut conn, token_hash, now.into()).await?;
        let (email, display_name): (String, String) =
            query("select email, display_name from organizer where organizer_id = $1")
                .bind(&organizer_id)
                .fetch_one(&mut conn)
                .await?;
        Ok(InvitationInfo {
            organizer_id,
            email,
            display_name,
        })
    }

    async fn accept_invitation(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<String, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let organizer_id = Self::live_invitation(&mut tx, token_hash, now).await?;
        // Every open invitation of the account ends here, this one included.
        let used = query(
            "update organizer_invitation set used_at = $2 where organizer_id = $1 and used_at is null",
        )
        .bind(&organizer_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        if used.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::LinkUsed));
        }
        let organization_id: String = scalar(
            "update organizer set password_hash = $2, failed_sign_ins = 0, locked_until = null, updated_at = $3
             where organizer_id = $1
             returning organization_id",
        )
        .bind(&organizer_id)
        .bind(password_hash)
        .bind(now)
        .fetch_one(&mut tx)
        .await?;
        let actor = Actor::Organizer(organizer_id.clone());
        Self::insert_audit(
            &mut tx,
            Some(&organization_id),
            &actor,
            Action::OrganizerInvitationAccepted,
            ("organizer", &organizer_id),
            "password chosen",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(organizer_id)
    }

    async fn organizers(
        &self,
        organization_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<Vec<OrganizerRecord>, StoreError> {
        use crate::store::organizers as o;
        let now = Timestamp::new(now);
        let mut conn = self.db.acquire().await?;
        let rows: Vec<o::OrganizerRow> = query(
            "select organizer_id, email, display_name, role, totp_secret is not null as totp_enabled,
                    password_hash = $2 as invited, locked_until, deactivated_at, created_at
             from organizer
             where organization_id = $1
             order by display_name, email",
        )
        .bind(organization_id)
        .bind(o::UNUSABLE_PASSWORD_HASH)
        .fetch_all(&mut conn)
        .await?;
        let given: Vec<(String, String)> = query(
            "select p.organizer_id, p.program_id
             from organizer_program p
             join organizer g on g.organizer_id = p.organizer_id
             where g.organization_id = $1
             order by p.program_id",
        )
        .bind(organization_id)
        .fetch_all(&mut conn)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(o::OrganizerRecord {
                    role: o::parse_role(&r.role)?,
                    programs: given
                        .iter()
                        .filter(|(id, _)| *id == r.organizer_id)
                        .map(|(_, p)| p.clone())
                        .collect(),
                    organizer_id: r.organizer_id,
                    email: r.email,
                    display_name: r.display_name,
                    totp_enabled: r.totp_enabled,
                    invited: r.invited,
                    locked_until: r.locked_until.filter(|u| *u > now).map(Into::into),
                    deactivated_at: r.deactivated_at.map(Into::into),
                    created_at: r.created_at.into(),
                })
            })
            .collect()
    }

    async fn set_organizer_access(
        &self,
        organization_id: &str,
        organizer_id: &str,
        access: &crate::domain::access::Access,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        Self::lock_organization(&mut tx, organization_id).await?;
        let before: Option<String> =
            scalar("select role from organizer where organizer_id = $1 and organization_id = $2")
                .bind(organizer_id)
                .bind(organization_id)
                .fetch_optional(&mut tx)
                .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound);
        };
        let admin = crate::domain::status::OrganizerRole::Admin;
        if before == admin.as_str() && access.role != admin {
            Self::require_another_admin(&mut tx, organization_id, organizer_id).await?;
        }
        query("update organizer set role = $2, updated_at = $3 where organizer_id = $1")
            .bind(organizer_id)
            .bind(access.role.as_str())
            .bind(now)
            .execute(&mut tx)
            .await?;
        Self::put_organizer_programs(&mut tx, organizer_id, access).await?;
        let detail = format!("was {before}; now {}", access_detail(access));
        Self::insert_audit(
            &mut tx,
            Some(organization_id),
            actor,
            Action::OrganizerAccessChanged,
            ("organizer", organizer_id),
            &detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_organizer_active(
        &self,
        organization_id: &str,
        organizer_id: &str,
        active: bool,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        Self::lock_organization(&mut tx, organization_id).await?;
        let row: Option<(String, Option<Timestamp>)> = query(
            "select role, deactivated_at from organizer where organizer_id = $1 and organization_id = $2",
        )
        .bind(organizer_id)
        .bind(organization_id)
        .fetch_optional(&mut tx)
        .await?;
        let Some((role, deactivated_at)) = row else {
            return Err(StoreError::NotFound);
        };
        if active == deactivated_at.is_none() {
            return Ok(());
        }
        if !active && role == crate::domain::status::OrganizerRole::Admin.as_str() {
            Self::require_another_admin(&mut tx, organization_id, organizer_id).await?;
        }
        query("update organizer set deactivated_at = $2, updated_at = $3 where organizer_id = $1")
            .bind(organizer_id)
            .bind((!active).then_some(now))
            .bind(now)
            .execute(&mut tx)
            .await?;
        let (action, detail) = if active {
            (Action::OrganizerReactivated, "can sign in again")
        } else {
            query("delete from organizer_session where organizer_id = $1")
                .bind(organizer_id)
                .execute(&mut tx)
                .await?;
            (
                Action::OrganizerDeactivated,
                "cannot sign in; sessions ended",
            )
        };
        Self::insert_audit(
            &mut tx,
            Some(organization_id),
            actor,
            action,
            ("organizer", organizer_id),
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reset_two_factor(
        &self,
        organization_id: &str,
        organizer_id: &str,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let reset = query(
            "update organizer set totp_secret = null, totp_last_step = null, updated_at = $3
             where organizer_id = $1 and organization_id = $2",
        )
        .bind(organizer_id)
        .bind(organization_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        if reset.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        query("delete from organizer_session where organizer_id = $1")
            .bind(organizer_id)
            .execute(&mut tx)
            .await?;
        Self::insert_audit(
            &mut tx,
            Some(organization_id),
            actor,
            Action::OrganizerTwoFactorReset,
            ("organizer", organizer_id),
            "two-factor sign-in turned off by an admin; sessions ended",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn unlock_organizer(
        &self,
        organization_id: &str,
        organizer_id: &str,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let unlocked = query(
            "update organizer set locked_until = null, failed_sign_ins = 0, updated_at = $3
             where organizer_id = $1 and organization_id = $2",
        )
        .bind(organizer_id)
        .bind(organization_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        if unlocked.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::insert_audit(
            &mut tx,
            Some(organization_id),
            actor,
            Action::OrganizerUnlocked,
            ("organizer", organizer_id),
            "lock lifted, failures reset",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

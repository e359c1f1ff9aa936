//! Organizer accounts: creating them, their roles and programs, deactivating, unlocking and
//! resetting a second factor; and the types that signing in (`organizer_sessions.rs`) and
//! invitations (`invitations.rs`) share.
//!
//! Only hashes of session ids and invitation tokens are stored, and only keyed hashes of visitors'
//! addresses and of typed email addresses; passwords arrive already hashed.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use super::SqlStore;
use super::db::{Tx, query, scalar};
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

/// Organizer accounts and their roles. Every state change writes its audit event (and any email)
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

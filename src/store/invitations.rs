//! Inviting organizers: the account is created with an unusable password and a single-use
//! link (only its hash is stored) is emailed in the same transaction; accepting sets the
//! password. Re-inviting replaces the link.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{On, query, scalar};
use super::organizers::{InvitationInfo, NewInvitation, UNUSABLE_PASSWORD_HASH, access_detail};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::job::OutgoingEmail;
use crate::domain::refusal::Refusal;

#[async_trait]
pub trait InvitationStore: Send + Sync {
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
}

/// The invitation steps other operations share.
impl SqlStore {
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
impl InvitationStore for SqlStore {
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
}

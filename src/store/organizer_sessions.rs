//! Organizers signing in: the gate that throttles and locks out before a password is checked,
//! failed attempts counted, sessions (with a second factor pending until its code is given),
//! and the second factor itself. Only hashes of session ids, and keyed hashes of visitors' and
//! typed addresses, are stored.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{query, scalar};
use super::organizers::{
    NewOrganizerSession, OrganizerSession, SignInAccount, SignInAttempt, SignInGate, TotpState,
};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::refusal::Refusal;

#[async_trait]
pub trait OrganizerSessionStore: Send + Sync {
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
}

#[async_trait]
impl OrganizerSessionStore for SqlStore {
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
}

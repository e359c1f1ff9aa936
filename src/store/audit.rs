//! The audit trail: one event per state change, written in the change's own transaction.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::db::{Tx, query};
use super::types::Timestamp;
use super::{SqlStore, StoreError};
use crate::domain::audit::{Action, Actor};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub audit_event_id: i64,
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub detail: String,
    pub created_at: OffsetDateTime,
}

/// What happened, by whom, for the organizers' audit pages and the CLI.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn audit_events(
        &self,
        subject_type: &str,
        subject_id: &str,
    ) -> Result<Vec<AuditEvent>, StoreError>;
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    audit_event_id: i64,
    actor: String,
    action: String,
    subject_type: String,
    subject_id: String,
    detail: String,
    created_at: Timestamp,
}

impl From<AuditRow> for AuditEvent {
    fn from(r: AuditRow) -> Self {
        AuditEvent {
            audit_event_id: r.audit_event_id,
            actor: r.actor,
            action: r.action,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            detail: r.detail,
            created_at: r.created_at.into(),
        }
    }
}

impl SqlStore {
    pub(super) async fn insert_audit(
        tx: &mut Tx,
        organization_id: Option<&str>,
        actor: &Actor,
        action: Action,
        subject: (&str, &str),
        detail: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        query(
            "insert into audit_event (organization_id, actor, action, subject_type, subject_id, detail, created_at)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(organization_id)
        .bind(actor.to_string())
        .bind(action.as_str())
        .bind(subject.0)
        .bind(subject.1)
        .bind(detail)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn audit_events(
        &self,
        subject_type: &str,
        subject_id: &str,
    ) -> Result<Vec<crate::store::AuditEvent>, StoreError> {
        let rows: Vec<AuditRow> = query(
            "select audit_event_id, actor, action, subject_type, subject_id, detail, created_at
             from audit_event
             where subject_type = $1 and subject_id = $2
             order by audit_event_id",
        )
        .bind(subject_type)
        .bind(subject_id)
        .fetch_all(self.db.read())
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

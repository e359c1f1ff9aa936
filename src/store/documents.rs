//! An application's documents: a new upload replaces the earlier one of its kind (the blob is
//! written first, by `blobs`, and only its key and checks are kept here), and a document is
//! read back only for its applicant or an organizer allowed to review it.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::applications::{DocumentRecord, DocumentRow, NewDocument};
use super::db::{query, scalar};
use super::types::Timestamp;
use super::{SqlStore, StoreError};
use crate::domain::audit::{Action, Actor};
use crate::domain::refusal::Refusal;
use crate::domain::status::ApplicationStatus;

#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// Attaches a document to a draft, replacing one of the same kind (returns the replaced blob key).
    async fn put_document(
        &self,
        applicant_id: &str,
        application_id: &str,
        document: &NewDocument<'_>,
        now: OffsetDateTime,
    ) -> Result<(String, Option<String>), StoreError>;
    async fn document(
        &self,
        applicant_id: &str,
        document_id: &str,
    ) -> Result<DocumentRecord, StoreError>;
}

#[async_trait]
impl DocumentStore for SqlStore {
    async fn put_document(
        &self,
        applicant_id: &str,
        application_id: &str,
        d: &crate::store::NewDocument<'_>,
        now: time::OffsetDateTime,
    ) -> Result<(String, Option<String>), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        Self::require_status(
            &mut tx,
            applicant_id,
            application_id,
            &[ApplicationStatus::Draft],
            Refusal::NotDraft,
        )
        .await?;
        let replaced: Option<String> = scalar(
            "delete from application_document where application_id = $1 and kind = $2 returning blob_key",
        )
        .bind(application_id)
        .bind(d.kind)
        .fetch_optional(&mut tx)
        .await?;
        let document_id = crate::store::new_id();
        query(
            "insert into application_document (document_id, application_id, kind, file_name, content_type,
                 size_bytes, sha256, blob_key, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&document_id)
        .bind(application_id)
        .bind(d.kind)
        .bind(d.file_name)
        .bind(d.content_type)
        .bind(d.size_bytes)
        .bind(d.sha256)
        .bind(d.blob_key)
        .bind(now)
        .execute(&mut tx)
        .await?;
        let actor = Actor::Applicant(applicant_id.to_owned());
        let detail = format!("{} uploaded", d.kind);
        Self::insert_audit(
            &mut tx,
            None,
            &actor,
            Action::ApplicationDocumentAdded,
            ("application", application_id),
            &detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((document_id, replaced))
    }

    async fn document(
        &self,
        applicant_id: &str,
        document_id: &str,
    ) -> Result<crate::store::DocumentRecord, StoreError> {
        let row: Option<DocumentRow> = query(
            "select d.document_id, d.application_id, d.kind, d.file_name, d.content_type, d.size_bytes, d.sha256,
                    d.blob_key, d.created_at
             from application_document d
             join application a on a.application_id = d.application_id
             where d.document_id = $1 and a.applicant_id = $2",
        )
        .bind(document_id)
        .bind(applicant_id)
        .fetch_optional(self.db.read())
        .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }
}

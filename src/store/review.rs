//! Review: the queue of a program's applications, reviewers assigned to them (with conflicts of
//! interest), scores against the program's rubric, and comments.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::db::{Tx, query, scalar};
use super::types::Timestamp;
use super::{ApplicationRecord, DocumentRecord, StoreError};
use crate::domain::application::REQUIRED_DOCUMENTS;
use crate::domain::audit::{Action, Actor};
use crate::domain::refusal::Refusal;
use crate::domain::status::ApplicationStatus;

pub use crate::domain::queue::QueueEntry;

/// A reviewer assigned to an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub organizer_id: String,
    pub display_name: String,
    pub conflict_of_interest: bool,
}

/// One score given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRecord {
    pub organizer_id: String,
    pub display_name: String,
    pub criterion_key: String,
    pub score: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    pub display_name: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// Everything an organizer sees about one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDetail {
    pub application: ApplicationRecord,
    pub assignments: Vec<Assignment>,
    pub scores: Vec<ScoreRecord>,
    pub comments: Vec<CommentRecord>,
}

#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// The program's applications past the draft stage, oldest submission first; only those
    /// assigned to `assigned_to` when given (a reviewer's queue).
    async fn review_queue(
        &self,
        program_id: &str,
        assigned_to: Option<&str>,
    ) -> Result<Vec<QueueEntry>, StoreError>;

    /// One application with its documents, assignments, scores and comments. NotFound for a draft.
    async fn review_detail(&self, application_id: &str) -> Result<ReviewDetail, StoreError>;

    /// A document of a submitted application, for organizers.
    async fn application_document(
        &self,
        application_id: &str,
        document_id: &str,
    ) -> Result<DocumentRecord, StoreError>;

    /// Assigns a reviewer (idempotent), audited.
    async fn assign_reviewer(
        &self,
        application_id: &str,
        organizer_id: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Removes an assignment and the reviewer's scores, audited.
    async fn unassign_reviewer(
        &self,
        application_id: &str,
        organizer_id: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Declares (or withdraws) a conflict of interest: a conflicted reviewer cannot score, and their
    /// scores are removed. Audited.
    async fn set_conflict(
        &self,
        application_id: &str,
        organizer_id: &str,
        conflict: bool,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Saves one reviewer's scores (criterion key, 1–5). The first score moves a submitted
    /// application to under review. `Refused(ReviewerConflicted)` for a conflicted reviewer.
    async fn save_scores(
        &self,
        application_id: &str,
        organizer_id: &str,
        scores: &[(String, i32)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    async fn add_comment(
        &self,
        application_id: &str,
        organizer_id: &str,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

#[derive(sqlx::FromRow)]
pub(super) struct QueueRow {
    pub(super) application_id: String,
    status: ApplicationStatus,
    submitted_at: Option<super::types::Timestamp>,
    given_names: Option<String>,
    family_name: Option<String>,
    certificate_name: Option<String>,
    email: String,
    nationality: Option<String>,
    residence_country: Option<String>,
    category: Option<String>,
    institution: Option<String>,
    institution_country: Option<String>,
    required_documents: i64,
    score_sum: Option<i64>,
    score_count: i64,
    scored_by: i64,
}

impl QueueRow {
    pub(super) fn into_entry(self, reviewers: Vec<String>) -> Result<QueueEntry, StoreError> {
        let mean_score = (self.score_count > 0).then(|| {
            let n = self.score_count;
            ((self.score_sum.unwrap_or(0) * 200 + n) / (2 * n)) as i32
        });
        Ok(QueueEntry {
            status: self.status,
            application_id: self.application_id,
            submitted_at: self.submitted_at.map(Into::into),
            given_names: self.given_names,
            family_name: self.family_name,
            certificate_name: self.certificate_name,
            email: self.email,
            nationality: self.nationality,
            residence_country: self.residence_country,
            category: self.category,
            institution: self.institution,
            institution_country: self.institution_country,
            documents_complete: self.required_documents >= 3,
            mean_score,
            scored_by: self.scored_by,
            reviewers,
        })
    }
}

/// The queue's columns; `$1` is the program, `$2` the reviewer (null: everyone).
pub(super) const QUEUE_SQL: &str = "select a.application_id, a.status, a.submitted_at,
        f.given_names, f.family_name, f.certificate_name, ap.email, f.nationality, f.residence_country,
        f.category, f.institution,
        f.institution_country,
        (select count(distinct d.kind) from application_document d
          where d.application_id = a.application_id and d.kind in ($3, $4, $5))
          as required_documents,
        (select sum(s.score) from review_score s where s.application_id = a.application_id) as score_sum,
        (select count(*) from review_score s where s.application_id = a.application_id) as score_count,
        (select count(distinct s.organizer_id) from review_score s where s.application_id = a.application_id)
          as scored_by
 from application a
 join application_form f on f.application_id = a.application_id
 join applicant ap on ap.applicant_id = a.applicant_id
 where a.program_id = $1 and a.status <> $2";

/// Binds [`QUEUE_SQL`]'s parameters after the program's.
fn queue_query(sql: String, program_id: &str) -> super::db::Query {
    let [a, b, c] = REQUIRED_DOCUMENTS;
    query(sqlx::AssertSqlSafe(sql))
        .bind(program_id)
        .bind(ApplicationStatus::Draft)
        .bind(a)
        .bind(b)
        .bind(c)
}

/// The steps of review that several operations share.
impl SqlStore {
    pub(super) async fn audit_review(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: Action,
        application_id: &str,
        detail: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        Self::insert_audit(
            tx,
            None,
            actor,
            action,
            ("application", application_id),
            detail,
            now,
        )
        .await
    }
}

#[async_trait]
impl ReviewStore for SqlStore {
    async fn review_queue(
        &self,
        program_id: &str,
        assigned_to: Option<&str>,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        let mut conn = self.db.acquire().await?;
        let rows: Vec<QueueRow> = match assigned_to {
            None => {
                queue_query(
                    format!("{QUEUE_SQL} order by a.submitted_at, a.application_id"),
                    program_id,
                )
                .fetch_all(&mut conn)
                .await?
            }
            Some(reviewer) => {
                queue_query(
                    format!(
                        "{QUEUE_SQL} and exists (select 1 from review_assignment r
                                where r.application_id = a.application_id and r.organizer_id = $6)
                 order by a.submitted_at, a.application_id"
                    ),
                    program_id,
                )
                .bind(reviewer)
                .fetch_all(&mut conn)
                .await?
            }
        };
        let assigned: Vec<(String, String)> = query(
            "select r.application_id, r.organizer_id from review_assignment r
             join application a on a.application_id = r.application_id
             where a.program_id = $1 order by r.assigned_at",
        )
        .bind(program_id)
        .fetch_all(&mut conn)
        .await?;
        let mut by: std::collections::HashMap<String, Vec<String>> = Default::default();
        for (app, org) in assigned {
            by.entry(app).or_default().push(org);
        }
        rows.into_iter()
            .map(|r| {
                let reviewers = by.remove(&r.application_id).unwrap_or_default();
                r.into_entry(reviewers)
            })
            .collect()
    }

    async fn review_detail(&self, application_id: &str) -> Result<ReviewDetail, StoreError> {
        use {Assignment, CommentRecord, ReviewDetail, ScoreRecord};
        let owner: Option<String> = scalar(
            "select applicant_id from application where application_id = $1 and status <> $2",
        )
        .bind(application_id)
        .bind(ApplicationStatus::Draft)
        .fetch_optional(self.db.read())
        .await?;
        let Some(owner) = owner else {
            return Err(StoreError::NotFound);
        };
        let application = self
            .load_applications(&owner, Some(application_id))
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        let mut conn = self.db.acquire().await?;
        let assignments: Vec<(String, String, bool)> = query(
            "select r.organizer_id, o.display_name, r.conflict_of_interest
             from review_assignment r join organizer o on o.organizer_id = r.organizer_id
             where r.application_id = $1 order by r.assigned_at",
        )
        .bind(application_id)
        .fetch_all(&mut conn)
        .await?;
        let scores: Vec<(String, String, String, i32)> = query(
            "select s.organizer_id, o.display_name, s.criterion_key, s.score
             from review_score s join organizer o on o.organizer_id = s.organizer_id
             where s.application_id = $1 order by o.display_name, s.criterion_key",
        )
        .bind(application_id)
        .fetch_all(&mut conn)
        .await?;
        let comments: Vec<(String, String, Timestamp)> = query(
            "select o.display_name, c.body, c.created_at
             from review_comment c join organizer o on o.organizer_id = c.organizer_id
             where c.application_id = $1 order by c.created_at, c.comment_id",
        )
        .bind(application_id)
        .fetch_all(&mut conn)
        .await?;
        Ok(ReviewDetail {
            application,
            assignments: assignments
                .into_iter()
                .map(
                    |(organizer_id, display_name, conflict_of_interest)| Assignment {
                        organizer_id,
                        display_name,
                        conflict_of_interest,
                    },
                )
                .collect(),
            scores: scores
                .into_iter()
                .map(
                    |(organizer_id, display_name, criterion_key, score)| ScoreRecord {
                        organizer_id,
                        display_name,
                        criterion_key,
                        score,
                    },
                )
                .collect(),
            comments: comments
                .into_iter()
                .map(|(display_name, body, at)| CommentRecord {
                    display_name,
                    body,
                    created_at: at.into(),
                })
                .collect(),
        })
    }

    async fn application_document(
        &self,
        application_id: &str,
        document_id: &str,
    ) -> Result<crate::store::DocumentRecord, StoreError> {
        let row: Option<crate::store::applications::DocumentRow> = query(
            "select d.document_id, d.application_id, d.kind, d.file_name, d.content_type, d.size_bytes, d.sha256,
                    d.blob_key, d.created_at
             from application_document d
             join application a on a.application_id = d.application_id
             where d.application_id = $1 and d.document_id = $2 and a.status <> $3",
        )
        .bind(application_id)
        .bind(document_id)
        .bind(ApplicationStatus::Draft)
        .fetch_optional(self.db.read())
        .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn assign_reviewer(
        &self,
        application_id: &str,
        organizer_id: &str,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let added = query(
            "insert into review_assignment (application_id, organizer_id, conflict_of_interest, assigned_at)
             values ($1, $2, false, $3)
             on conflict (application_id, organizer_id) do nothing",
        )
        .bind(application_id)
        .bind(organizer_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        if added.rows_affected() == 1 {
            let detail = format!("reviewer organizer:{organizer_id} assigned");
            self.audit_review(
                &mut tx,
                actor,
                Action::ReviewAssigned,
                application_id,
                &detail,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn unassign_reviewer(
        &self,
        application_id: &str,
        organizer_id: &str,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let removed =
            query("delete from review_assignment where application_id = $1 and organizer_id = $2")
                .bind(application_id)
                .bind(organizer_id)
                .execute(&mut tx)
                .await?;
        if removed.rows_affected() == 1 {
            query("delete from review_score where application_id = $1 and organizer_id = $2")
                .bind(application_id)
                .bind(organizer_id)
                .execute(&mut tx)
                .await?;
            let detail = format!("reviewer organizer:{organizer_id} unassigned");
            self.audit_review(
                &mut tx,
                actor,
                Action::ReviewUnassigned,
                application_id,
                &detail,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_conflict(
        &self,
        application_id: &str,
        organizer_id: &str,
        conflict: bool,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let changed = query(
            "update review_assignment set conflict_of_interest = $3
             where application_id = $1 and organizer_id = $2 and conflict_of_interest <> $3",
        )
        .bind(application_id)
        .bind(organizer_id)
        .bind(conflict)
        .execute(&mut tx)
        .await?;
        if changed.rows_affected() == 1 {
            if conflict {
                query("delete from review_score where application_id = $1 and organizer_id = $2")
                    .bind(application_id)
                    .bind(organizer_id)
                    .execute(&mut tx)
                    .await?;
            }
            let detail = format!(
                "organizer:{organizer_id} {}",
                if conflict {
                    "declared a conflict of interest"
                } else {
                    "conflict of interest lifted"
                }
            );
            self.audit_review(
                &mut tx,
                actor,
                Action::ReviewConflict,
                application_id,
                &detail,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn save_scores(
        &self,
        application_id: &str,
        organizer_id: &str,
        scores: &[(String, i32)],
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let conflicted: Option<bool> = scalar(
            "select conflict_of_interest from review_assignment where application_id = $1 and organizer_id = $2",
        )
        .bind(application_id)
        .bind(organizer_id)
        .fetch_optional(&mut tx)
        .await?;
        if conflicted == Some(true) {
            return Err(StoreError::Refused(Refusal::ReviewerConflicted));
        }
        for (key, score) in scores {
            query(
                "insert into review_score (application_id, organizer_id, criterion_key, score, updated_at)
                 values ($1, $2, $3, $4, $5)
                 on conflict (application_id, organizer_id, criterion_key)
                 do update set score = excluded.score, updated_at = excluded.updated_at",
            )
            .bind(application_id)
            .bind(organizer_id)
            .bind(key)
            .bind(score)
            .bind(now)
            .execute(&mut tx)
            .await?;
        }
        let actor = Actor::Organizer(organizer_id.to_owned());
        let started = query(
            "update application set status = $3, updated_at = $2
             where application_id = $1 and status = $4",
        )
        .bind(application_id)
        .bind(now)
        .bind(ApplicationStatus::UnderReview)
        .bind(ApplicationStatus::Submitted)
        .execute(&mut tx)
        .await?;
        if started.rows_affected() == 1 {
            self.audit_review(
                &mut tx,
                &actor,
                Action::ApplicationUnderReview,
                application_id,
                "submitted → under_review",
                now,
            )
            .await?;
        }
        let detail: Vec<String> = scores.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.audit_review(
            &mut tx,
            &actor,
            Action::ReviewScored,
            application_id,
            &detail.join(", "),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_comment(
        &self,
        application_id: &str,
        organizer_id: &str,
        body: &str,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        query(
            "insert into review_comment (comment_id, application_id, organizer_id, body, created_at)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(crate::store::new_id())
        .bind(application_id)
        .bind(organizer_id)
        .bind(body)
        .bind(now)
        .execute(&mut tx)
        .await?;
        let actor = Actor::Organizer(organizer_id.to_owned());
        self.audit_review(
            &mut tx,
            &actor,
            Action::ReviewCommented,
            application_id,
            "comment added",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

//! A program's questions and fee tiers as the application pages read them, cached per catalog
//! revision: a catalog load bumps the revision, so a cached copy is never stale.

use std::collections::HashMap;

use super::catalog::{FeeTierRow, QuestionRow, group_questions, group_tiers};
use super::{FeeTierRecord, QuestionRecord, StoreError};

/// One program's questions, in catalog order.
pub(super) const PROGRAM_QUESTIONS_SQL: &str = "
select program_id, question_key, label_en, label_fr, hint_en, hint_fr, required
from program_question
where program_id = $1
order by position";

/// One program's fee tiers, in catalog order.
pub(super) const PROGRAM_FEE_TIERS_SQL: &str = "
select program_id, code, label_en, label_fr, amount_cents, currency, is_standard,
       applicant_category, partner_only, available_until
from fee_tier
where program_id = $1
order by position";

/// What the catalog says about a program that an application shows: its questions and fee tiers.
pub(super) struct ProgramParts {
    pub questions: Vec<QuestionRecord>,
    pub fee_tiers: Vec<FeeTierRecord>,
}

/// Program id → (catalog revision, parts read at it).
type PartsByProgram = HashMap<String, (i64, std::sync::Arc<ProgramParts>)>;

/// Each program's [`ProgramParts`] as last read, with the catalog revision they were read at. Only a
/// catalog load changes them, and it bumps `program.catalog_revision` in the same transaction; the
/// application query returns the revision, so an instance reads the parts again only when it moved
/// (whichever instance loaded the catalog). Parts read after the revision was seen are at least as
/// new as it, never older. One request at a time reads them: after a catalog load, the requests that
/// arrive together wait for the first one's read instead of all reading the same rows.
#[derive(Clone, Default)]
pub(super) struct PartsCache {
    map: std::sync::Arc<std::sync::RwLock<PartsByProgram>>,
    reading: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl PartsCache {
    /// Held while reading parts from the database; look again once it is held.
    pub(super) async fn reading(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.reading.lock().await
    }

    pub(super) fn get(
        &self,
        program_id: &str,
        revision: i64,
    ) -> Option<std::sync::Arc<ProgramParts>> {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        map.get(program_id)
            .filter(|(r, _)| *r == revision)
            .map(|(_, parts)| parts.clone())
    }

    pub(super) fn put(&self, program_id: &str, revision: i64, parts: std::sync::Arc<ProgramParts>) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        map.insert(program_id.to_owned(), (revision, parts));
    }
}

/// Builds one program's parts from its question and tier rows.
pub(super) fn program_parts(
    program_id: &str,
    questions: Vec<QuestionRow>,
    tiers: Vec<FeeTierRow>,
) -> Result<ProgramParts, StoreError> {
    Ok(ProgramParts {
        questions: group_questions(questions)
            .remove(program_id)
            .unwrap_or_default(),
        fee_tiers: group_tiers(tiers)?.remove(program_id).unwrap_or_default(),
    })
}

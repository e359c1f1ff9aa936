//! Discount codes: created by organizers per edition (for one program or all), typed by applicants on
//! the form, and taken when an offer is priced (see `cohort::offer_in_tx`). A code's `uses` counts
//! the offers that hold it; the conditional update that takes a use is what enforces the limit under
//! concurrency, and an offer that expires or is cancelled gives its use back.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{On, query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::catalog::LocalizedText;
use crate::domain::fees::{DiscountKind, DiscountTerms};
use crate::domain::refusal::Refusal;

#[async_trait]
pub trait DiscountStore: Send + Sync {
    /// A new code. `Refused(DuplicateCode)` when the edition has it already, NotFound for an unknown
    /// program or edition.
    async fn create_discount_code(
        &self,
        code: &NewDiscountCode,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Every code, newest first.
    async fn discount_codes(&self) -> Result<Vec<DiscountCodeView>, StoreError>;

    /// Ends a code now: no new offer takes it; offers that hold it keep their price.
    async fn end_discount_code(
        &self,
        edition_slug: &str,
        code: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The code as `program_id`'s edition knows it, for checking what an applicant typed.
    async fn discount_code_for(
        &self,
        program_id: &str,
        code: &str,
    ) -> Result<Option<DiscountTerms>, StoreError>;
}

pub use crate::domain::discount::{DiscountScope, NewDiscountCode};

/// A code as the organizers' page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountCodeView {
    pub code: String,
    pub edition_slug: String,
    pub edition_title: LocalizedText,
    pub program_id: Option<String>,
    pub program_title: Option<LocalizedText>,
    pub kind: DiscountKind,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub expires_at: Option<OffsetDateTime>,
    pub note: String,
}

/// Stored `kind` and `amount` as the domain's kind.
pub(super) fn kind_of(kind: &str, amount: i64) -> Result<DiscountKind, StoreError> {
    match kind {
        "percent" => u8::try_from(amount)
            .ok()
            .filter(|p| (1..=100).contains(p))
            .map(DiscountKind::Percent)
            .ok_or_else(|| StoreError::Corrupt(format!("discount_code.amount: {amount}%"))),
        "amount" => Ok(DiscountKind::Amount(amount)),
        other => Err(StoreError::Corrupt(format!("discount_code.kind: {other}"))),
    }
}

pub(super) fn kind_columns(kind: DiscountKind) -> (&'static str, i64) {
    match kind {
        DiscountKind::Percent(p) => ("percent", i64::from(p)),
        DiscountKind::Amount(cents) => ("amount", cents),
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DiscountRow {
    pub code: String,
    pub edition_slug: String,
    pub edition_title_en: String,
    pub edition_title_fr: String,
    pub program_id: Option<String>,
    pub title_en: Option<String>,
    pub title_fr: Option<String>,
    pub kind: String,
    pub amount: i64,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub expires_at: Option<super::types::Timestamp>,
    pub note: String,
}

impl TryFrom<DiscountRow> for DiscountCodeView {
    type Error = StoreError;
    fn try_from(r: DiscountRow) -> Result<Self, StoreError> {
        Ok(DiscountCodeView {
            kind: kind_of(&r.kind, r.amount)?,
            code: r.code,
            edition_slug: r.edition_slug,
            edition_title: LocalizedText {
                en: r.edition_title_en,
                fr: r.edition_title_fr,
            },
            program_title: r
                .title_en
                .zip(r.title_fr)
                .map(|(en, fr)| LocalizedText { en, fr }),
            program_id: r.program_id,
            max_uses: r.max_uses.map(|m| m.max(0) as u32),
            uses: r.uses.max(0) as u32,
            expires_at: r.expires_at.map(Into::into),
            note: r.note,
        })
    }
}

pub(super) const DISCOUNT_LIST_SQL: &str = "
select d.code, e.slug as edition_slug, e.title_en as edition_title_en, e.title_fr as edition_title_fr,
       d.program_id, p.title_en, p.title_fr, d.kind, d.amount, d.max_uses, d.uses, d.expires_at, d.note
from discount_code d
join edition e on e.edition_id = d.edition_id
left join program p on p.program_id = d.program_id
order by d.created_at desc, d.code";

#[async_trait]
impl DiscountStore for SqlStore {
    async fn create_discount_code(
        &self,
        code: &NewDiscountCode,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        use DiscountScope;
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let (edition_id, program_id): (String, Option<String>) = match &code.scope {
            DiscountScope::Program(p) => {
                let e: Option<String> =
                    scalar("select edition_id from program where program_id = $1")
                        .bind(p)
                        .fetch_optional(&mut tx)
                        .await?;
                (e.ok_or(StoreError::NotFound)?, Some(p.clone()))
            }
            DiscountScope::Edition(slug) => {
                let e: Option<String> = scalar("select edition_id from edition where slug = $1")
                    .bind(slug)
                    .fetch_optional(&mut tx)
                    .await?;
                (e.ok_or(StoreError::NotFound)?, None)
            }
        };
        let taken: Option<i32> =
            scalar("select 1 from discount_code where edition_id = $1 and code = $2")
                .bind(&edition_id)
                .bind(&code.code)
                .fetch_optional(&mut tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Refused(Refusal::DuplicateCode));
        }
        let (kind, amount) = kind_columns(code.kind);
        query(
            "insert into discount_code (edition_id, code, program_id, kind, amount, max_uses, uses, expires_at,
                                        note, created_by, created_at)
             values ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10)",
        )
        .bind(&edition_id)
        .bind(&code.code)
        .bind(&program_id)
        .bind(kind)
        .bind(amount)
        .bind(code.max_uses.map(|m| i32::try_from(m).unwrap_or(i32::MAX)))
        .bind(code.expires_at.map(Timestamp::new))
        .bind(&code.note)
        .bind(actor.to_string())
        .bind(now)
        .execute(&mut tx)
        .await?;
        let detail = format!(
            "{kind} {amount}, {} use(s), program {}",
            code.max_uses
                .map_or("unlimited".to_owned(), |m| m.to_string()),
            program_id.as_deref().unwrap_or("all"),
        );
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::DiscountCodeCreated,
            ("discount_code", &code.code),
            &detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn discount_codes(&self) -> Result<Vec<DiscountCodeView>, StoreError> {
        let rows: Vec<DiscountRow> = query(DISCOUNT_LIST_SQL).fetch_all(self.db.read()).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn end_discount_code(
        &self,
        edition_slug: &str,
        code: &str,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let ended = query(
            "update discount_code set expires_at = $3
             where edition_id = (select edition_id from edition where slug = $1) and code = $2
               and (expires_at is null or expires_at > $3)",
        )
        .bind(edition_slug)
        .bind(code)
        .bind(now)
        .execute(&mut tx)
        .await?;
        if ended.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::insert_audit(
            &mut tx,
            None,
            actor,
            Action::DiscountCodeEnded,
            ("discount_code", code),
            edition_slug,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn discount_code_for(
        &self,
        program_id: &str,
        code: &str,
    ) -> Result<Option<crate::domain::fees::DiscountTerms>, StoreError> {
        let mut conn = self.db.acquire().await?;
        Self::discount_terms(&mut conn, program_id, code).await
    }
}

impl SqlStore {
    /// The code of `program_id`'s edition, as the fee rules check it.
    pub(super) async fn discount_terms(
        conn: impl Into<On<'_>> + Send,
        program_id: &str,
        code: &str,
    ) -> Result<Option<crate::domain::fees::DiscountTerms>, StoreError> {
        let mut conn = conn.into();
        #[allow(clippy::type_complexity)]
        let row: Option<(String, Option<String>, String, i64, Option<i32>, i32, Option<Timestamp>)> =
            query(
                "select d.code, d.program_id, d.kind, d.amount, d.max_uses, d.uses, d.expires_at
                 from discount_code d
                 where d.edition_id = (select edition_id from program where program_id = $1) and d.code = $2",
            )
            .bind(program_id)
            .bind(code)
            .fetch_optional(&mut conn)
            .await?;
        row.map(
            |(code, program_id, kind, amount, max_uses, uses, expires_at)| {
                Ok(crate::domain::fees::DiscountTerms {
                    kind: kind_of(&kind, amount)?,
                    code,
                    program_id,
                    max_uses: max_uses.map(|m| m.max(0) as u32),
                    uses: uses.max(0) as u32,
                    expires_at: expires_at.map(Into::into),
                })
            },
        )
        .transpose()
    }
}

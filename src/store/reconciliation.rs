//! Reconciliation runs: what each comparison of a provider's records with ours found, kept so
//! that the finance page shows the latest, and finance is emailed when a run finds differences
//! the run before did not (the same differences day after day are not mailed again).

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{query, scalar};
use super::types::Timestamp;
use crate::domain::payment::Difference;

/// One run, as the finance page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconciliationRun {
    pub ran_at: OffsetDateTime,
    pub days: u32,
    pub differences: Vec<Difference>,
}

#[async_trait]
pub trait ReconciliationStore: Send + Sync {
    /// Keeps a run; when it found differences that the provider's previous run did not, queues
    /// an email to the finance office (finance organizers, else admins) in the same transaction.
    /// Returns whether finance is emailed.
    async fn record_reconciliation(
        &self,
        provider: &str,
        days: u32,
        differences: &[Difference],
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// The provider's latest run, if any.
    async fn latest_reconciliation(
        &self,
        provider: &str,
    ) -> Result<Option<ReconciliationRun>, StoreError>;
}

fn parse(json: &str) -> Result<Vec<Difference>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("reconciliation run: {e}")))
}

#[async_trait]
impl ReconciliationStore for SqlStore {
    async fn record_reconciliation(
        &self,
        provider: &str,
        days: u32,
        differences: &[Difference],
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let now = Timestamp::new(now);
        let json = serde_json::to_string(differences)
            .map_err(|e| StoreError::Corrupt(format!("reconciliation run: {e}")))?;
        let mut tx = self.db.begin_write().await?;
        let before: Option<String> = scalar(
            "select differences from reconciliation_run where provider = $1
             order by ran_at desc, run_id desc limit 1",
        )
        .bind(provider)
        .fetch_optional(&mut tx)
        .await?;
        let known: Vec<Difference> = match before {
            Some(b) => parse(&b)?,
            None => Vec::new(),
        };
        query(
            "insert into reconciliation_run (run_id, provider, ran_at, days, difference_count, differences)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(crate::store::new_id())
        .bind(provider)
        .bind(now)
        .bind(i64::from(days))
        .bind(differences.len() as i64)
        .bind(&json)
        .execute(&mut tx)
        .await?;
        let news = differences.iter().any(|d| !known.contains(d));
        if news {
            for (to, to_name) in Self::finance_recipients_in_tx(&mut tx).await? {
                let payload = crate::domain::job::JobPayload::NotifyReconciliation(
                    crate::domain::job::ReconciliationNotice {
                        to,
                        to_name,
                        days,
                        differences: differences.to_vec(),
                    },
                );
                self.insert_job(&mut tx, &payload, now, None).await?;
            }
        }
        tx.commit().await?;
        Ok(news)
    }

    async fn latest_reconciliation(
        &self,
        provider: &str,
    ) -> Result<Option<ReconciliationRun>, StoreError> {
        let row: Option<(Timestamp, i64, String)> = query(
            "select ran_at, cast(days as bigint), differences from reconciliation_run where provider = $1
             order by ran_at desc, run_id desc limit 1",
        )
        .bind(provider)
        .fetch_optional(self.db.read())
        .await?;
        row.map(|(at, days, json)| {
            Ok(ReconciliationRun {
                ran_at: at.into(),
                days: days.clamp(0, i64::from(u32::MAX)) as u32,
                differences: parse(&json)?,
            })
        })
        .transpose()
    }
}

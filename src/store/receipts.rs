//! Receipts and credit notes: numbered gap-free per year and series in the transaction that
//! confirms the payment (or completes the refund), from what the order and the catalog say then.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{Tx, query, scalar};
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::locale::Locale;
use crate::domain::status::PaymentStatus;

use super::finance::display_name;

#[async_trait]
pub trait ReceiptStore: Send + Sync {
    /// Issues the receipt of a confirmed payment and queues the confirmation of enrollment, in one
    /// transaction; the number is the next of the year's series. `None` when the payment has its
    /// receipt already (a retried job), NotFound for an unknown payment.
    async fn issue_receipt(
        &self,
        payment_id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError>;

    /// The receipts and credit notes of an application, oldest first. The caller checks that the
    /// viewer may see the application.
    async fn receipts(
        &self,
        application_id: &str,
    ) -> Result<Vec<crate::domain::receipt::ReceiptRecord>, StoreError>;
}

/// What a receipt shows, read in the transaction that confirms the payment ($1: the payment).
#[derive(sqlx::FromRow)]
pub(super) struct ReceiptSourceRow {
    pub order_id: String,
    pub application_id: String,
    pub email: String,
    pub locale: String,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub certificate_name: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub address_postcode: Option<String>,
    pub address_city: Option<String>,
    pub address_country: Option<String>,
    pub title_en: String,
    pub title_fr: String,
    pub starts_on: time::Date,
    pub ends_on: time::Date,
    pub tier_en: Option<String>,
    pub tier_fr: Option<String>,
    pub list_cents: Option<i64>,
    pub total_cents: i64,
    pub currency: String,
    pub waiver_reason: Option<String>,
    pub discount_code: Option<String>,
    pub discount_cents: Option<i64>,
    pub price_explanation: String,
    pub payment_reference: String,
    pub organization: String,
    pub contact_email: String,
    pub website: Option<String>,
    pub legal_name: Option<String>,
    pub legal_address: Option<String>,
    pub siret: Option<String>,
    pub vat_en: Option<String>,
    pub vat_fr: Option<String>,
    pub payment_terms_en: Option<String>,
    pub payment_terms_fr: Option<String>,
    /// Who pays, when the applicant said an institution does: the receipt is in its name.
    pub payer_kind: Option<String>,
    pub payer_name: Option<String>,
    pub payer_address: Option<String>,
    pub payer_email: Option<String>,
    pub provider: String,
    pub provider_reference: Option<String>,
    pub paid_at: Option<super::types::Timestamp>,
    pub edition_is_demo: bool,
}

pub(super) const RECEIPT_SOURCE_SQL: &str = "
select o.order_id, o.application_id, ap.email, ap.locale, f.given_names, f.family_name, f.certificate_name,
       f.address_line1, f.address_line2, f.address_postcode, f.address_city, f.address_country,
       p.title_en, p.title_fr, p.starts_on, p.ends_on, t.label_en as tier_en, t.label_fr as tier_fr,
       o.list_cents, o.total_cents, o.currency, o.waiver_reason, o.discount_code, o.discount_cents,
       o.price_explanation, o.payment_reference,
       org.name as organization, org.contact_email, org.website,
       org.legal_name, org.legal_address, org.siret, org.vat_en, org.vat_fr,
       org.payment_terms_en, org.payment_terms_fr,
       y.provider, coalesce(y.provider_intent, y.provider_reference) as provider_reference, o.paid_at,
       e.is_demo as edition_is_demo,
       op.kind as payer_kind, op.name as payer_name, op.address as payer_address,
       op.contact_email as payer_email
from payment y
join fee_order o on o.order_id = y.order_id
left join order_payer op on op.order_id = o.order_id
join application a on a.application_id = o.application_id
join applicant ap on ap.applicant_id = a.applicant_id
join program p on p.program_id = a.program_id
join edition e on e.edition_id = p.edition_id
join organization org on org.organization_id = e.organization_id
left join application_form f on f.application_id = a.application_id
left join fee_tier t on t.program_id = p.program_id and t.code = o.fee_tier_code
where y.payment_id = $1";

impl ReceiptSourceRow {
    /// The frozen record of the receipt numbered `number`, issued at `issued_at` (the money came in
    /// when the order was paid).
    pub(super) fn into_record(
        self,
        number: String,
        issued_at: time::OffsetDateTime,
    ) -> Result<crate::domain::receipt::ReceiptRecord, StoreError> {
        let paid_at = self.paid_at.map_or(issued_at, Into::into);
        use crate::domain::receipt::{Issuer, Payer, ReceiptKind, ReceiptRecord, statement_lines};
        let locale = Locale::from_tag(&self.locale).unwrap_or_default();
        let pick = |en: String, fr: String| if locale == Locale::Fr { fr } else { en };
        // The name as the applicant asked it printed on their documents (checked to print on
        // this one too), else the names they gave.
        let name = match self.certificate_name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => display_name(
                self.given_names.as_deref(),
                self.family_name.as_deref(),
                &self.email,
            ),
        };
        let city = [
            self.address_postcode.as_deref(),
            self.address_city.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        let country = self
            .address_country
            .as_deref()
            .and_then(crate::domain::countries::by_code)
            .map(|c| c.name(locale).to_owned());
        let address = [self.address_line1, self.address_line2, Some(city), country]
            .into_iter()
            .flatten()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        let currency = crate::domain::money::Currency::parse(&self.currency)
            .map_err(|e| StoreError::Corrupt(format!("fee_order.currency: {e}")))?;
        let discount = self.discount_code.as_deref().zip(self.discount_cents);
        Ok(ReceiptRecord {
            kind: ReceiptKind::Receipt,
            issued_at,
            locale,
            issuer: Issuer {
                name: self.organization,
                contact_email: self.contact_email,
                website: self.website,
                legal: match (self.legal_name, self.legal_address, self.siret) {
                    (Some(name), Some(address), Some(siret)) => {
                        Some(crate::domain::receipt::SellerMentions {
                            name,
                            address: address.lines().map(str::to_owned).collect(),
                            siret: crate::domain::catalog::Siret::parse(&siret)
                                .map_or(siret, |s| s.grouped()),
                            vat: pick(
                                self.vat_en.unwrap_or_default(),
                                self.vat_fr.unwrap_or_default(),
                            ),
                            payment_terms: pick(
                                self.payment_terms_en.unwrap_or_default(),
                                self.payment_terms_fr.unwrap_or_default(),
                            ),
                        })
                    }
                    _ => None,
                },
            },
            payer: match (
                self.payer_kind.as_deref(),
                self.payer_name,
                self.payer_email,
            ) {
                (Some("institution"), Some(name), Some(email)) => Payer {
                    name,
                    email,
                    address: self
                        .payer_address
                        .unwrap_or_default()
                        .lines()
                        .map(str::to_owned)
                        .collect(),
                },
                _ => Payer {
                    name,
                    email: self.email,
                    address,
                },
            },
            program_title: pick(self.title_en, self.title_fr),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            tier_label: self.tier_en.zip(self.tier_fr).map(|(en, fr)| pick(en, fr)),
            lines: statement_lines(
                self.list_cents,
                self.total_cents,
                discount,
                self.waiver_reason.as_deref(),
            ),
            total_cents: self.total_cents,
            currency,
            explanation: self.price_explanation,
            provider: self.provider,
            provider_reference: self.provider_reference,
            order_reference: self.payment_reference,
            paid_at,
            corrects: None,
            reason: None,
            number,
            demo: self.edition_is_demo,
        })
    }
}

/// The receipt steps other operations share, each in the caller's transaction.
impl SqlStore {
    /// Takes the next number of `kind`'s series for the year of `now` (Paris): the counter
    /// moves in the caller's transaction, so numbers have no gaps and never repeat.
    pub(super) async fn next_receipt_number(
        tx: &mut Tx,
        kind: crate::domain::receipt::ReceiptKind,
        demo: bool,
        now: time::OffsetDateTime,
    ) -> Result<String, StoreError> {
        let year = crate::domain::calendar::to_paris(now).year();
        let n: i64 = scalar(
            "insert into receipt_counter (series, year, last_number) values ($1, $2, 1)
             on conflict (series, year) do update set last_number = receipt_counter.last_number + 1
             returning last_number",
        )
        .bind(crate::domain::receipt::counter_series(kind, demo))
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        Ok(crate::domain::receipt::number_in_series(
            kind, demo, year, n,
        ))
    }

    /// Issues the receipt of a confirmed payment, in the transaction that confirms it.
    pub(super) async fn issue_receipt_in_tx(
        tx: &mut Tx,
        payment_id: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let source: ReceiptSourceRow = query(RECEIPT_SOURCE_SQL)
            .bind(payment_id)
            .fetch_one(&mut *tx)
            .await?;
        let number = Self::next_receipt_number(
            tx,
            crate::domain::receipt::ReceiptKind::Receipt,
            source.edition_is_demo,
            now.0,
        )
        .await?;
        let (order_id, application_id) = (source.order_id.clone(), source.application_id.clone());
        let record = source.into_record(number.clone(), now.0)?;
        let json = serde_json::to_string(&record)
            .map_err(|e| StoreError::Corrupt(format!("receipt record: {e}")))?;
        query(
            "insert into receipt (number, kind, order_id, application_id, payment_id, total_cents, currency,
                                  issued_at, record)
             values ($1, 'receipt', $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&number)
        .bind(&order_id)
        .bind(&application_id)
        .bind(payment_id)
        .bind(record.total_cents)
        .bind(record.currency.code())
        .bind(now)
        .bind(json)
        .execute(&mut *tx)
        .await?;
        Self::insert_audit(
            tx,
            None,
            &Actor::System,
            Action::ReceiptIssued,
            ("application", &application_id),
            &number,
            now,
        )
        .await?;
        Ok(number)
    }
}

#[async_trait]
impl ReceiptStore for SqlStore {
    async fn issue_receipt(
        &self,
        payment_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let payment: Option<(PaymentStatus, String)> = query(
            "select y.status, o.application_id from payment y
             join fee_order o on o.order_id = y.order_id where y.payment_id = $1",
        )
        .bind(payment_id)
        .fetch_optional(&mut tx)
        .await?;
        let (status, application_id) = payment.ok_or(StoreError::NotFound)?;
        let issued: Option<String> =
            scalar("select number from receipt where payment_id = $1 and kind = 'receipt'")
                .bind(payment_id)
                .fetch_optional(&mut tx)
                .await?;
        if issued.is_some() || !status.received() {
            return Ok(None);
        }
        let number = Self::issue_receipt_in_tx(&mut tx, payment_id, now).await?;
        self.insert_notice(
            &mut tx,
            &application_id,
            crate::domain::job::NoticeKind::Enrolled,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(number))
    }

    async fn receipts(
        &self,
        application_id: &str,
    ) -> Result<Vec<crate::domain::receipt::ReceiptRecord>, StoreError> {
        let rows: Vec<String> = scalar(
            "select record from receipt where application_id = $1 order by issued_at, number",
        )
        .bind(application_id)
        .fetch_all(self.db.read())
        .await?;
        rows.iter()
            .map(|r| {
                serde_json::from_str(r)
                    .map_err(|e| StoreError::Corrupt(format!("receipt.record: {e}")))
            })
            .collect()
    }
}

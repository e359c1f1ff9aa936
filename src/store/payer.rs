//! Who pays an order, and the invoice an institution is sent before it pays: chosen by the
//! applicant while the order waits for its money; an institution's invoice is numbered (series F,
//! per year, without gaps: the counter moves in the transaction that issues it), frozen, audited
//! and queued for the institution's email in one transaction.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::SqlStore;
use super::StoreError;
use super::db::{query, scalar};
use super::receipts::ReceiptSourceRow;
use super::types::Timestamp;
use crate::domain::audit::{Action, Actor};
use crate::domain::bank::{BankAccount, CreditorReference};
use crate::domain::payer::{
    Institution, InvoiceRecord, PayerChoice, invoice_number, invoice_series,
};
use crate::domain::refusal::Refusal;
use crate::domain::status::OrderStatus;

#[async_trait]
pub trait PayerStore: Send + Sync {
    /// Who pays the application's order, when the applicant said (the caller checked the viewer).
    async fn payer_of(&self, application_id: &str) -> Result<Option<PayerChoice>, StoreError>;

    /// The applicant says who pays their pending order. For an institution, its invoice is issued
    /// (with `bank`'s details to pay by transfer) and queued for its contact's email; returns its
    /// number. NotFound unless the application is the applicant's; `Refused(NotPayable)` unless its
    /// order waits for money; `Refused(AlreadyIssued)` once an invoice was issued (finance changes
    /// it, with a credit note).
    async fn set_payer(
        &self,
        applicant_id: &str,
        application_id: &str,
        choice: &PayerChoice,
        bank: Option<&BankAccount>,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError>;

    /// The application's invoices, oldest first (the caller checked the viewer).
    async fn invoices(&self, application_id: &str) -> Result<Vec<InvoiceRecord>, StoreError>;

    /// One invoice by its number (for the worker that emails it).
    async fn invoice(&self, number: &str) -> Result<InvoiceRecord, StoreError>;
}

/// What an invoice shows, by order ($1): the receipt's source with no payment yet.
const INVOICE_SOURCE_SQL: &str = "
select o.order_id, o.application_id, ap.email, ap.locale, f.given_names, f.family_name, f.certificate_name,
       f.address_line1, f.address_line2, f.address_postcode, f.address_city, f.address_country,
       p.title_en, p.title_fr, p.starts_on, p.ends_on, t.label_en as tier_en, t.label_fr as tier_fr,
       o.list_cents, o.total_cents, o.currency, o.waiver_reason, o.discount_code, o.discount_cents,
       o.price_explanation, o.payment_reference,
       org.name as organization, org.contact_email, org.website,
       org.legal_name, org.legal_address, org.siret, org.vat_en, org.vat_fr,
       org.payment_terms_en, org.payment_terms_fr,
       'bank_transfer' as provider, cast(null as text) as provider_reference, o.paid_at,
       e.is_demo as edition_is_demo,
       cast(null as text) as payer_kind, cast(null as text) as payer_name,
       cast(null as text) as payer_address, cast(null as text) as payer_email
from fee_order o
join application a on a.application_id = o.application_id
join applicant ap on ap.applicant_id = a.applicant_id
join program p on p.program_id = a.program_id
join edition e on e.edition_id = p.edition_id
join organization org on org.organization_id = e.organization_id
left join application_form f on f.application_id = a.application_id
left join fee_tier t on t.program_id = p.program_id and t.code = o.fee_tier_code
where o.order_id = $1";

fn parse(json: &str) -> Result<InvoiceRecord, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("invoice record: {e}")))
}

#[async_trait]
impl PayerStore for SqlStore {
    async fn payer_of(&self, application_id: &str) -> Result<Option<PayerChoice>, StoreError> {
        #[allow(clippy::type_complexity)]
        let row: Option<(
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        )> = query(
            "select y.kind, y.name, y.address, y.vat_number, y.purchase_order, y.contact_email
             from order_payer y join fee_order o on o.order_id = y.order_id
             where o.application_id = $1",
        )
        .bind(application_id)
        .fetch_optional(self.db.read())
        .await?;
        Ok(row.map(|(kind, name, address, vat, po, email)| {
            match (
                kind.as_str(),
                email
                    .as_deref()
                    .map(crate::domain::email::EmailAddress::parse),
            ) {
                ("institution", Some(Ok(contact_email))) => PayerChoice::Institution(Institution {
                    name: name.unwrap_or_default(),
                    address: address
                        .unwrap_or_default()
                        .lines()
                        .map(str::to_owned)
                        .collect(),
                    vat_number: vat,
                    purchase_order: po,
                    contact_email,
                }),
                _ => PayerChoice::Person,
            }
        }))
    }

    async fn set_payer(
        &self,
        applicant_id: &str,
        application_id: &str,
        choice: &PayerChoice,
        bank: Option<&BankAccount>,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        let now = Timestamp::new(now);
        let mut tx = self.db.begin_write().await?;
        let order: Option<(String, OrderStatus, Timestamp)> = query(
            "select o.order_id, o.status, o.deadline_at from fee_order o
             join application a on a.application_id = o.application_id
             where a.application_id = $1 and a.applicant_id = $2",
        )
        .bind(application_id)
        .bind(applicant_id)
        .fetch_optional(&mut tx)
        .await?;
        let owned: Option<i32> =
            scalar("select 1 from application where application_id = $1 and applicant_id = $2")
                .bind(application_id)
                .bind(applicant_id)
                .fetch_optional(&mut tx)
                .await?;
        owned.ok_or(StoreError::NotFound)?;
        let (order_id, status, deadline) = order.ok_or(StoreError::Refused(Refusal::NotPayable))?;
        if status != OrderStatus::Pending {
            return Err(StoreError::Refused(Refusal::NotPayable));
        }
        let invoiced: Option<String> = scalar("select number from invoice where order_id = $1")
            .bind(&order_id)
            .fetch_optional(&mut tx)
            .await?;
        if invoiced.is_some() {
            return Err(StoreError::Refused(Refusal::AlreadyIssued));
        }
        let (kind, institution) = match choice {
            PayerChoice::Person => ("person", None),
            PayerChoice::Institution(i) => ("institution", Some(i)),
        };
        query(
            "insert into order_payer (order_id, kind, name, address, vat_number, purchase_order,
                                      contact_email, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8)
             on conflict (order_id) do update set
                 kind = excluded.kind, name = excluded.name, address = excluded.address,
                 vat_number = excluded.vat_number, purchase_order = excluded.purchase_order,
                 contact_email = excluded.contact_email, updated_at = excluded.updated_at",
        )
        .bind(&order_id)
        .bind(kind)
        .bind(institution.map(|i| i.name.as_str()))
        .bind(institution.map(|i| i.address.join("\n")))
        .bind(institution.and_then(|i| i.vat_number.as_deref()))
        .bind(institution.and_then(|i| i.purchase_order.as_deref()))
        .bind(institution.map(|i| i.contact_email.as_str()))
        .bind(now)
        .execute(&mut tx)
        .await?;
        Self::insert_audit(
            &mut tx,
            None,
            &Actor::Applicant(applicant_id.to_owned()),
            Action::PayerChosen,
            ("application", application_id),
            kind,
            now,
        )
        .await?;
        let Some(institution) = institution else {
            tx.commit().await?;
            return Ok(None);
        };
        let source: ReceiptSourceRow = query(INVOICE_SOURCE_SQL)
            .bind(&order_id)
            .fetch_one(&mut tx)
            .await?;
        let year = crate::domain::calendar::to_paris(now.0).year();
        let demo = source.edition_is_demo;
        let n: i64 = scalar(
            "insert into receipt_counter (series, year, last_number) values ($1, $2, 1)
             on conflict (series, year) do update set last_number = receipt_counter.last_number + 1
             returning last_number",
        )
        .bind(invoice_series(demo))
        .bind(year)
        .fetch_one(&mut tx)
        .await?;
        let number = invoice_number(demo, year, n);
        let payment_reference = source.payment_reference.clone();
        let mut facts = source.into_record(number.clone(), now.0)?;
        let participant = facts.payer.name.clone();
        facts.payer = crate::domain::receipt::Payer {
            name: institution.name.clone(),
            email: institution.contact_email.as_str().to_owned(),
            address: institution.address.clone(),
        };
        let record = InvoiceRecord {
            facts,
            buyer_vat: institution.vat_number.clone(),
            purchase_order: institution.purchase_order.clone(),
            participant,
            due_at: deadline.into(),
            creditor_reference: CreditorReference::for_payment_reference(&payment_reference)
                .grouped(),
            bank: bank.map(|b| {
                (
                    b.beneficiary.clone(),
                    b.iban.grouped(),
                    b.bic.as_str().to_owned(),
                )
            }),
        };
        let json = serde_json::to_string(&record)
            .map_err(|e| StoreError::Corrupt(format!("invoice record: {e}")))?;
        query(
            "insert into invoice (number, order_id, application_id, total_cents, currency, issued_at,
                                  due_at, record)
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&number)
        .bind(&order_id)
        .bind(application_id)
        .bind(record.facts.total_cents)
        .bind(record.facts.currency.code())
        .bind(now)
        .bind(deadline)
        .bind(json)
        .execute(&mut tx)
        .await?;
        Self::insert_audit(
            &mut tx,
            None,
            &Actor::System,
            Action::InvoiceIssued,
            ("application", application_id),
            &format!("{number}: {} cents", record.facts.total_cents),
            now,
        )
        .await?;
        self.insert_job(
            &mut tx,
            &crate::domain::job::JobPayload::EmailInvoice {
                number: number.clone(),
            },
            now,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(number))
    }

    async fn invoices(&self, application_id: &str) -> Result<Vec<InvoiceRecord>, StoreError> {
        let rows: Vec<String> = scalar(
            "select record from invoice where application_id = $1 order by issued_at, number",
        )
        .bind(application_id)
        .fetch_all(self.db.read())
        .await?;
        rows.iter().map(|r| parse(r)).collect()
    }

    async fn invoice(&self, number: &str) -> Result<InvoiceRecord, StoreError> {
        let row: Option<String> = scalar("select record from invoice where number = $1")
            .bind(number)
            .fetch_optional(self.db.read())
            .await?;
        parse(&row.ok_or(StoreError::NotFound)?)
    }
}

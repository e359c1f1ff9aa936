//! Issuing a program's certificates as one batch, and correcting one: plans what each participant
//! earns from what is recorded (`domain::issuance`), then issues through the certificate store one
//! certificate at a time, so a batch cut short resumes where it stopped. No SQL here: the store's
//! transactions number, sign and keep each certificate.

use time::OffsetDateTime;

use super::StoreError;
use super::certificates::{
    CertificateDraft, CertificateStore, Participant, Sign, StoredCertificate,
};
use super::completion::CompletionStore;
use crate::domain::audit::Actor;
use crate::domain::issuance::Candidate;
use crate::domain::refusal::Refusal;
use crate::domain::status::CertificateStatus;

/// How serials and verification addresses are written, for a batch.
#[derive(Debug, Clone)]
pub struct IssueSettings {
    /// `https://…/verify/`: each certificate's code is appended.
    pub verify_base: String,
}

impl IssueSettings {
    /// Verification addresses under the service's public address.
    pub fn for_public_url(public_url: &str) -> IssueSettings {
        IssueSettings {
            verify_base: format!("{}/verify/", public_url.trim_end_matches('/')),
        }
    }
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Graduates who received certificates in this run, and how many documents.
    pub graduates: usize,
    pub documents: usize,
    /// Graduates who already held every certificate they earned.
    pub up_to_date: usize,
    /// Participants who receive nothing, and why.
    pub skipped: Vec<(String, crate::domain::issuance::Skip)>,
}

/// Why a batch could not run.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("no such program")]
    NotFound,
    #[error(transparent)]
    Plan(#[from] crate::domain::issuance::PlanError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Issues the certificates of every participant of `program_id` who meets the completion rule and
/// lacks one they earned, on the Paris date of `now`. Each graduate's certificates are stored, with
/// the email that announces them, in one transaction of their own: a batch stopped half-way keeps
/// what it issued, and running it again issues only the rest. `progress` hears (done, total) after
/// each graduate.
pub async fn issue_program<S: CertificateStore + CompletionStore + ?Sized>(
    store: &S,
    program_id: &str,
    settings: &IssueSettings,
    sign: Sign<'_>,
    actor: &Actor,
    now: OffsetDateTime,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<BatchReport, BatchError> {
    let program = store
        .program_facts(program_id)
        .await?
        .ok_or(BatchError::NotFound)?;
    let candidates: Vec<Candidate> = store
        .participants(program_id)
        .await?
        .iter()
        .map(Participant::candidate)
        .collect();
    let today = crate::domain::calendar::to_paris(now).date();
    let plan = crate::domain::issuance::plan(&program, &candidates, today)?;
    let issuer = program
        .issuer
        .as_ref()
        .ok_or(crate::domain::issuance::PlanError::NoIssuer)?;
    let mut report = BatchReport {
        up_to_date: plan.up_to_date.len(),
        skipped: plan.skipped.clone(),
        ..BatchReport::default()
    };
    let total = plan.to_issue.len();
    for (done, (application_id, records)) in plan.to_issue.into_iter().enumerate() {
        let drafts: Vec<CertificateDraft> = records
            .into_iter()
            .map(|record| CertificateDraft {
                application_id: application_id.clone(),
                record,
                serial_prefix: issuer.serial_prefix.clone(),
                program_code: program.code.clone(),
                verify_base: settings.verify_base.clone(),
                supersedes: None,
            })
            .collect();
        match store.issue_certificates(&drafts, sign, actor, now).await {
            Ok(issued) => {
                report.graduates += 1;
                report.documents += issued.len();
            }
            // Another run issued them meanwhile.
            Err(StoreError::Refused(Refusal::AlreadyIssued)) => report.up_to_date += 1,
            Err(e) => return Err(e.into()),
        }
        progress(done + 1, total);
    }
    Ok(report)
}

/// Corrects a graduate's certificate: a new one, written from what is recorded now (a corrected
/// name, date of birth or result), supersedes `code`. The old one shows as replaced on `/verify`.
pub async fn correct_certificate<S: CertificateStore + CompletionStore + ?Sized>(
    store: &S,
    code: &str,
    settings: &IssueSettings,
    sign: Sign<'_>,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<StoredCertificate, BatchError> {
    let old = store
        .certificate_by_code(code)
        .await?
        .filter(|c| c.status == CertificateStatus::Issued)
        .ok_or(BatchError::NotFound)?;
    let program_id = store
        .program_of(&old.application_id)
        .await?
        .ok_or(BatchError::NotFound)?;
    let program = store
        .program_facts(&program_id)
        .await?
        .ok_or(BatchError::NotFound)?;
    let participant = store
        .participants(&program_id)
        .await?
        .into_iter()
        .find(|p| p.application_id == old.application_id)
        .ok_or(BatchError::NotFound)?;
    let issuer = program
        .issuer
        .as_ref()
        .ok_or(crate::domain::issuance::PlanError::NoIssuer)?;
    let today = crate::domain::calendar::to_paris(now).date();
    let record =
        crate::domain::issuance::record(&program, &participant.candidate(), old.record.kind, today)
            .ok_or(crate::domain::issuance::PlanError::NoIssuer)?;
    let draft = CertificateDraft {
        application_id: old.application_id.clone(),
        record,
        serial_prefix: issuer.serial_prefix.clone(),
        program_code: program.code.clone(),
        verify_base: settings.verify_base.clone(),
        supersedes: Some(old.record.verification_code.clone()),
    };
    Ok(store.issue_certificate(&draft, sign, actor, now).await?)
}

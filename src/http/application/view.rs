//! An application as its applicant sees it afterwards: its state, timeline and documents of
//! record, and withdrawal.

use super::*;

#[derive(serde::Deserialize)]
pub(super) struct ViewQuery {
    sent: Option<String>,
}

pub(super) async fn view(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<ViewQuery>,
) -> Result<Response, AppError> {
    render(
        &state,
        locale,
        &headers,
        &applicant,
        &id,
        q.sent.is_some(),
        None,
    )
    .await
}

/// The *who pays* form as it was refused: what was typed, and what to fix.
pub(super) struct PayerRefused {
    draft: crate::domain::payer::PayerDraft,
    problems: Vec<crate::domain::problem::Problem>,
}

/// The applicant's page of their application, with the *who pays* form as refused if it was.
async fn render(
    state: &AppState,
    locale: crate::domain::locale::Locale,
    headers: &HeaderMap,
    applicant: &crate::http::auth::Applicant,
    id: &str,
    sent: bool,
    refused: Option<PayerRefused>,
) -> Result<Response, AppError> {
    let (state, id) = (state.clone(), id.to_owned());
    let tr = Tr(locale);
    let record = state
        .store
        .applications()
        .application(&applicant.applicant_id, &id)
        .await?;
    let timeline = state
        .store
        .applications()
        .timeline(&applicant.applicant_id, &id)
        .await?;
    let standing = state.store.cohort().standing(&id).await?;
    let receipts = state.store.receipts().receipts(&id).await?;
    // Read after the applicant's own application above: the ledger is theirs.
    let ledger = state.store.finance().application_ledger(&id).await?;
    let certificates = state.store.certificates().certificates_of(&id).await?;
    let csrf = auth::issue_csrf(&state, headers);
    let program = record.program_title.get(locale);
    let status = record.status;
    let money = |cents: i64| {
        crate::domain::money::Money::eur(cents)
            .map(|m| m.display(locale))
            .unwrap_or_default()
    };
    let transfer = transfer_instructions(&state, &record, &standing, ledger.as_ref(), locale);
    let invoices = state.store.payer().invoices(&id).await?;
    // The cancellation terms, once a place is offered or held, and what cancelling today gives.
    let terms = match status {
        ApplicationStatus::Accepted | ApplicationStatus::Enrolled => {
            state.store.finance().cancellation_terms(&id).await?
        }
        _ => None,
    };
    let cancellation: Vec<String> = terms
        .as_ref()
        .map(|t| {
            let (policy, starts_on) = (&t.policy, &t.starts_on);
            let day = |days: u16| {
                crate::domain::calendar::format_date(
                    *starts_on - time::Duration::days(i64::from(days)),
                    locale,
                )
            };
            let mut lines: Vec<String> = policy
                .steps
                .iter()
                .map(|s| {
                    tr.t_args(
                        "cancellation-step",
                        &[
                            ("percent", i64::from(s.percent).into()),
                            ("date", day(s.until_days_before).into()),
                        ],
                    )
                })
                .collect();
            if let Some(last) = policy.steps.last() {
                lines.push(tr.t1(
                    "cancellation-then-nothing",
                    "date",
                    day(last.until_days_before),
                ));
            }
            if let Some(fee) = policy.visa_refusal_fee_cents {
                lines.push(tr.t1("cancellation-visa", "fee", money(fee)));
            }
            let held = ledger.as_ref().map_or(0, |l| l.held_cents());
            if status == ApplicationStatus::Enrolled && held > 0 {
                let today = crate::domain::calendar::to_paris(OffsetDateTime::now_utc()).date();
                let q = policy.quote(
                    held,
                    *starts_on,
                    today,
                    crate::domain::cancellation::CancelReason::Choice,
                );
                lines.push(tr.t1("cancellation-today", "amount", money(q.cents)));
            }
            if status != ApplicationStatus::Enrolled {
                lines.push(tr.t1("cancellation-how", "email", t.contact_email.clone()));
            }
            lines
        })
        .unwrap_or_default();
    let payer_open = status == ApplicationStatus::Accepted
        && invoices.is_empty()
        && standing
            .offer
            .as_ref()
            .is_some_and(|o| o.status == crate::domain::status::OrderStatus::Pending);
    let payer = if payer_open {
        let saved = state.store.payer().payer_of(&id).await?;
        Some(payer_form(tr, &id, saved.as_ref(), refused.as_ref()))
    } else {
        None
    };
    let page_status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut next_details = Vec::new();
    // Money that did not match the fee: finance is checking it, and the applicant is told so
    // rather than asked to pay again.
    let checking = standing
        .offer
        .as_ref()
        .is_some_and(|o| o.attention == Some(crate::domain::payment::Attention::Mismatch));
    if checking {
        next_details.push(tr.t("application-payment-checking"));
    }
    let next_action = match (status, &standing.offer) {
        (ApplicationStatus::Accepted, Some(offer)) => {
            next_details.push(tr.t1(
                "application-offer-fee",
                "explanation",
                offer.explanation.clone(),
            ));
            tr.t_args(
                "application-next-accepted",
                &[
                    ("amount", money(offer.total_cents).into()),
                    (
                        "deadline",
                        format_paris_datetime(offer.deadline_at, locale).into(),
                    ),
                    ("reference", offer.payment_reference.clone().into()),
                ],
            )
        }
        (ApplicationStatus::Enrolled, _) => tr.t("application-next-enrolled"),
        (ApplicationStatus::Completed, _) => tr.t("application-next-completed"),
        (ApplicationStatus::Cancelled, _) => tr.t1(
            "application-cancelled-reason",
            "reason",
            standing.cancel_reason.clone().unwrap_or_default(),
        ),
        (ApplicationStatus::Expired, Some(offer)) => tr.t1(
            "application-next-expired",
            "deadline",
            format_paris_datetime(offer.deadline_at, locale),
        ),
        (ApplicationStatus::Waitlisted, _) => tr.tn(
            "application-next-waitlisted",
            "position",
            standing.waitlist_position.unwrap_or(1),
        ),
        (ApplicationStatus::Rejected, _) => {
            let reason = standing
                .reject_reason
                .unwrap_or(crate::domain::status::RejectReason::Other);
            next_details.push(tr.t(&format!("reject-reason-{}", reason.as_str())));
            tr.t("application-next-rejected")
        }
        _ => match status {
            ApplicationStatus::Draft => tr.t1(
                "application-next-draft",
                "date",
                format_paris_datetime(record.application_closes_at, locale),
            ),
            ApplicationStatus::Submitted | ApplicationStatus::UnderReview => {
                tr.t("application-next-submitted")
            }
            _ => tr.t("application-next-none"),
        },
    };
    let banner = (sent && status == ApplicationStatus::Submitted).then(|| {
        (
            tr.t("submitted-title"),
            vec![
                tr.t1("submitted-reference", "reference", reference(&id)),
                tr.t1("submitted-body", "email", record.applicant_email.clone()),
                tr.t("submitted-next"),
            ],
        )
    });
    let timeline = timeline
        .into_iter()
        .filter_map(|e| {
            let when = format_paris_datetime(e.at(), locale);
            let what = match e {
                // The store lists only events with a line; one without is left out, not guessed.
                TimelineEntry::Event { action, .. } => tr.t(action.timeline_key()?),
                TimelineEntry::Email { subject, sent, .. } => tr.t1(
                    if sent {
                        "timeline-email-sent"
                    } else {
                        "timeline-email-queued"
                    },
                    "subject",
                    subject,
                ),
            };
            Some((when, what))
        })
        .collect();
    let template = ApplicationTemplate {
        layout: Layout::new(
            tr,
            &format!("/applications/{id}"),
            &tr.t1("application-title", "program", program),
            &state.config,
        ),
        banner,
        title: tr.t1("application-title", "program", program),
        reference: reference(&id),
        status: tr.t(&format!("application-status-{}", status.as_str())),
        next_action,
        next_details,
        declines_offer: status == ApplicationStatus::Accepted,
        pay: match (status, &standing.offer) {
            (ApplicationStatus::Accepted, Some(offer))
                if offer.status == crate::domain::status::OrderStatus::Pending
                    && offer.total_cents > 0
                    && !checking =>
            {
                Some((
                    format!("/applications/{id}/pay"),
                    tr.t1("application-pay", "amount", money(offer.total_cents)),
                ))
            }
            _ => None,
        },
        continue_href: (status == ApplicationStatus::Draft)
            .then(|| format!("/applications/{id}/check")),
        documents: record
            .documents
            .iter()
            .map(|d| {
                (
                    format!("/applications/{id}/documents/{}", d.document_id),
                    format!(
                        "{}: {}",
                        tr.t(&format!("field-{}", d.kind.as_str())),
                        d.file_name
                    ),
                    size_text(d.size_bytes, locale),
                )
            })
            .collect(),
        receipts: receipts
            .iter()
            .map(|r| {
                let kind = match r.kind {
                    crate::domain::receipt::ReceiptKind::Receipt => "receipt-title",
                    crate::domain::receipt::ReceiptKind::CreditNote => "credit-note-title",
                };
                (
                    format!("/applications/{id}/receipts/{}", r.file_name()),
                    format!(
                        "{} {} ({})",
                        tr.t(kind),
                        r.number,
                        crate::domain::money::Money::eur(r.total_cents)
                            .map(|m| m.display(locale))
                            .unwrap_or_default()
                    ),
                )
            })
            .collect(),
        payer,
        cancel_href: (status == ApplicationStatus::Enrolled && !cancellation.is_empty())
            .then(|| format!("/applications/{id}/cancel")),
        cancellation,
        invoices: invoices
            .iter()
            .map(|i| {
                (
                    format!("/applications/{id}/invoices/{}", i.file_name()),
                    tr.t_args(
                        "application-invoice-sent",
                        &[
                            ("number", i.facts.number.clone().into()),
                            ("name", i.facts.payer.name.clone().into()),
                            ("email", i.facts.payer.email.clone().into()),
                        ],
                    ),
                )
            })
            .collect(),
        transfer: transfer.map(|t| crate::http::views::TransferView {
            lead: tr.t_args(
                "application-transfer-lead",
                &[
                    ("amount", money(t.amount_cents).into()),
                    ("deadline", format_paris_datetime(t.deadline, locale).into()),
                ],
            ),
            beneficiary: t.account.beneficiary.clone(),
            iban: t.account.iban.grouped(),
            bic: t.account.bic.as_str().to_owned(),
            amount: money(t.amount_cents),
            reference: t.reference.grouped(),
            pdf_href: format!("/applications/{id}/transfer.pdf"),
        }),
        payments: ledger
            .iter()
            .flat_map(|l| l.entries.iter())
            .map(|e| {
                (
                    format_paris_datetime(e.recorded_at, locale),
                    tr.t(&format!("ledger-kind-{}", e.kind.as_str())),
                    crate::domain::money::Money::eur(e.amount_cents.abs())
                        .map(|m| {
                            let shown = m.display(locale);
                            if e.amount_cents < 0 {
                                format!("−{shown}")
                            } else {
                                shown
                            }
                        })
                        .unwrap_or_default(),
                )
            })
            .collect(),
        balance: ledger
            .as_ref()
            .filter(|l| !l.entries.is_empty())
            .map(|l| match l.balance() {
                crate::domain::ledger::Balance::Settled => tr.t("application-balance-settled"),
                crate::domain::ledger::Balance::Due(cents) => {
                    tr.t1("application-balance-due", "amount", money(cents))
                }
                crate::domain::ledger::Balance::Overpaid(cents) => {
                    tr.t1("application-balance-over", "amount", money(cents))
                }
            }),
        certificates: certificates
            .iter()
            .map(|c| {
                let r = &c.record;
                let title = tr.t(match r.kind {
                    crate::domain::status::CertificateKind::AttestationOfSuccess => {
                        "certificate-success-title"
                    }
                    crate::domain::status::CertificateKind::Afgsu2 => "certificate-afgsu-title",
                });
                let base = format!("/applications/{id}/certificates/{}", r.verification_code);
                (
                    format!("{title} {}", r.serial),
                    format!("{base}/pdf"),
                    format!("{base}/badge"),
                    r.verification_url.clone(),
                )
            })
            .collect(),
        visa_href: matches!(
            status,
            ApplicationStatus::Accepted | ApplicationStatus::Enrolled
        )
        .then(|| format!("/applications/{id}/visa-letter")),
        timeline,
        can_withdraw: status.can_withdraw(),
        withdraw_action: format!("/applications/{id}/withdraw"),
        csrf: csrf.token,
    };
    html(template, page_status, csrf.set_cookie)
}

/// The *who pays* form: as refused, else as saved, else empty.
fn payer_form(
    tr: Tr,
    id: &str,
    saved: Option<&crate::domain::payer::PayerChoice>,
    refused: Option<&PayerRefused>,
) -> crate::http::views::PayerForm {
    use crate::domain::payer::{PayerChoice, PayerDraft, PayerKind};
    let draft = match (refused, saved) {
        (Some(r), _) => r.draft.clone(),
        (None, Some(PayerChoice::Institution(i))) => PayerDraft {
            kind: Some(PayerKind::Institution),
            name: Some(i.name.clone()),
            address_line1: i.address.first().cloned(),
            address_line2: (i.address.len() > 3).then(|| i.address[1].clone()),
            city: i.address.get(i.address.len().saturating_sub(2)).cloned(),
            country: i.address.last().cloned(),
            vat_number: i.vat_number.clone(),
            purchase_order: i.purchase_order.clone(),
            contact_email: Some(i.contact_email.as_str().to_owned()),
        },
        (None, Some(PayerChoice::Person)) => PayerDraft {
            kind: Some(PayerKind::Person),
            ..PayerDraft::default()
        },
        (None, None) => PayerDraft::default(),
    };
    let errors: Vec<(String, String)> = refused
        .map(|r| {
            r.problems
                .iter()
                .map(|p| (format!("payer-{}", p.field), tr.problem(p)))
                .collect()
        })
        .unwrap_or_default();
    let field = |name: &'static str,
                 label_key: &'static str,
                 autocomplete: &'static str,
                 value: &Option<String>| {
        let id = format!("payer-{name}");
        crate::http::views::PayerField {
            error: errors
                .iter()
                .find(|(f, _)| *f == id)
                .map(|(_, m)| m.clone()),
            id,
            name,
            label_key,
            input_type: if name == "contact_email" {
                "email"
            } else {
                "text"
            },
            autocomplete,
            value: value.clone().unwrap_or_default(),
        }
    };
    let fields = vec![
        field("name", "payer-name", "organization", &draft.name),
        field(
            "address_line1",
            "payer-address-line1",
            "address-line1",
            &draft.address_line1,
        ),
        field(
            "address_line2",
            "payer-address-line2",
            "address-line2",
            &draft.address_line2,
        ),
        field("city", "payer-city", "address-level2", &draft.city),
        field("country", "payer-country", "country-name", &draft.country),
        field("vat_number", "payer-vat-number", "off", &draft.vat_number),
        field(
            "purchase_order",
            "payer-purchase-order",
            "off",
            &draft.purchase_order,
        ),
        field(
            "contact_email",
            "payer-contact-email",
            "email",
            &draft.contact_email,
        ),
    ];
    crate::http::views::PayerForm {
        action: format!("/applications/{id}/payer"),
        institution: draft.kind == Some(PayerKind::Institution),
        person: draft.kind == Some(PayerKind::Person),
        fields,
        errors,
    }
}

/// The applicant says who pays: saved, and an institution's invoice issued and emailed.
pub(super) async fn set_payer(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    CsrfForm(draft): CsrfForm<crate::domain::payer::PayerDraft>,
) -> Result<Response, AppError> {
    let choice = match crate::domain::payer::parse_payer(&draft) {
        Ok(choice) => choice,
        Err(problems) => {
            let refused = PayerRefused { draft, problems };
            return render(
                &state,
                locale,
                &headers,
                &applicant,
                &id,
                false,
                Some(refused),
            )
            .await;
        }
    };
    match state
        .store
        .payer()
        .set_payer(
            &applicant.applicant_id,
            &id,
            &choice,
            state.config.bank.as_ref(),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(_) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("/applications/{id}#payer")).into_response())
        }
        Err(StoreError::Refused(_)) => {
            // Paid meanwhile, or invoiced: the page says where things stand.
            Ok(Redirect::to(&format!("/applications/{id}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One of the application's invoices (NotFound for anyone else's).
pub(super) async fn download_invoice(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    state
        .store
        .applications()
        .application(&applicant.applicant_id, &id)
        .await?;
    let invoice = state
        .store
        .payer()
        .invoices(&id)
        .await?
        .into_iter()
        .find(|i| i.file_name() == file)
        .ok_or(AppError::NotFound)?;
    Ok(crate::http::pdf_response(
        &invoice.file_name(),
        crate::documents::receipt::render_invoice(&invoice),
    ))
}

/// A receipt or credit note of the applicant's own application, printed again from its record.
pub(super) async fn download_receipt(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    // NotFound unless the application is the applicant's.
    state
        .store
        .applications()
        .application(&applicant.applicant_id, &id)
        .await?;
    let receipt = state
        .store
        .receipts()
        .receipts(&id)
        .await?
        .into_iter()
        .find(|r| r.file_name() == file)
        .ok_or(AppError::NotFound)?;
    Ok(crate::http::pdf_response(
        &receipt.file_name(),
        crate::documents::receipt::render(&receipt),
    ))
}

/// One of the graduate's standing certificates (NotFound for anyone else's).
pub(super) async fn own_certificate(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    code: &str,
) -> Result<crate::store::certificates::StoredCertificate, AppError> {
    state
        .store
        .applications()
        .application(applicant_id, id)
        .await?;
    state
        .store
        .certificates()
        .certificates_of(id)
        .await?
        .into_iter()
        .find(|c| c.record.verification_code == code)
        .ok_or(AppError::NotFound)
}

/// The certificate's PDF in its own language, printed again from its signed record.
pub(super) async fn download_certificate(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let c = own_certificate(&state, &applicant.applicant_id, &id, &code).await?;
    let locale = c.record.locale;
    certificate_pdf(&state, &c, locale)
}

/// The certificate's PDF in `lang` (`en` or `fr`), printed from the same signed record: 404 in a
/// language the record does not hold (one issued before certificates were bilingual).
pub(super) async fn download_certificate_in(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, code, lang)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let locale = Locale::from_tag(&lang).ok_or(AppError::NotFound)?;
    let c = own_certificate(&state, &applicant.applicant_id, &id, &code).await?;
    certificate_pdf(&state, &c, locale)
}

fn certificate_pdf(
    state: &AppState,
    c: &crate::store::certificates::StoredCertificate,
    locale: Locale,
) -> Result<Response, AppError> {
    let signature: [u8; 64] =
        c.signature.as_slice().try_into().map_err(|_| {
            AppError::Internal(anyhow::anyhow!("a stored signature is not 64 bytes"))
        })?;
    let pdf = crate::documents::certificate::render_in(
        &c.record,
        &signature,
        state.signatures.for_record(&c.record).as_deref(),
        locale,
    )
    .ok_or(AppError::NotFound)?;
    Ok(crate::http::pdf_response(
        &c.record.file_name_in(locale),
        state.sealer.seal(pdf),
    ))
}

/// The certificate as an Open Badges 3.0 credential with its `eddsa-jcs-2022` proof.
pub(super) async fn download_badge(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let c = own_certificate(&state, &applicant.applicant_id, &id, &code).await?;
    let r = &c.record;
    let secured = crate::domain::badge::signed_badge(
        r,
        c.status_index,
        &crate::domain::badge::IssuerUrls::new(&state.config.public_url),
        &state.signing_key,
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = axum::Json(secured).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{}.json\"", r.serial))
            .map_err(|e| AppError::Internal(e.into()))?,
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

pub(super) async fn withdraw(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    match state
        .store
        .submission()
        .withdraw_application(&applicant.applicant_id, &id, OffsetDateTime::now_utc())
        .await
    {
        Ok(()) | Err(StoreError::Refused(_)) => {
            Ok(Redirect::to(&format!("/applications/{id}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// How to pay the application's order by transfer, when the service takes transfers and the
/// order still asks money (its fee less what its ledger holds).
fn transfer_instructions(
    state: &AppState,
    record: &crate::store::ApplicationRecord,
    standing: &crate::store::cohort::Standing,
    ledger: Option<&crate::domain::ledger::OrderLedger>,
    locale: crate::domain::locale::Locale,
) -> Option<crate::domain::bank::TransferInstructions> {
    let account = state.config.bank.clone()?;
    let offer = standing.offer.as_ref()?;
    let payable = record.status == ApplicationStatus::Accepted
        && offer.status == crate::domain::status::OrderStatus::Pending
        && offer.attention.is_none();
    let due = match ledger {
        Some(l) => match l.balance() {
            crate::domain::ledger::Balance::Due(cents) => cents,
            _ => 0,
        },
        None => offer.total_cents,
    };
    (payable && due > 0).then(|| crate::domain::bank::TransferInstructions {
        account,
        amount_cents: due,
        reference: crate::domain::bank::CreditorReference::for_payment_reference(
            &offer.payment_reference,
        ),
        payment_reference: offer.payment_reference.clone(),
        deadline: offer.deadline_at,
        program_title: record.program_title.get(locale).to_owned(),
        payer_name: record
            .form
            .certificate_name
            .clone()
            .or_else(|| record.form.given_names.clone())
            .unwrap_or_else(|| record.applicant_email.clone()),
    })
}

/// The transfer instructions PDF of the applicant's own pending order (NotFound otherwise).
pub(super) async fn transfer_pdf(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let record = state
        .store
        .applications()
        .application(&applicant.applicant_id, &id)
        .await?;
    let standing = state.store.cohort().standing(&id).await?;
    let ledger = state.store.finance().application_ledger(&id).await?;
    let instructions = transfer_instructions(&state, &record, &standing, ledger.as_ref(), locale)
        .ok_or(AppError::NotFound)?;
    Ok(crate::http::pdf_response(
        &format!("transfer-{}.pdf", instructions.payment_reference),
        crate::documents::transfer::render(&instructions, locale),
    ))
}

/// What cancelling the applicant's own enrollment today gives back by the program's policy, and
/// whether they may do it here: enrolled, with terms, and the money came by card (a transfer goes
/// back by transfer, which finance makes).
struct SelfCancel {
    quote: crate::domain::cancellation::RefundQuote,
    held_cents: i64,
    by_transfer: bool,
    contact_email: String,
    visa_fee_cents: Option<i64>,
}

async fn self_cancel(
    state: &AppState,
    applicant_id: &str,
    id: &str,
) -> Result<SelfCancel, AppError> {
    let record = state
        .store
        .applications()
        .application(applicant_id, id)
        .await?;
    if record.status != ApplicationStatus::Enrolled {
        return Err(AppError::NotFound);
    }
    let terms = state
        .store
        .finance()
        .cancellation_terms(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ledger = state.store.finance().application_ledger(id).await?;
    let held = ledger.as_ref().map_or(0, |l| l.held_cents());
    let by_transfer = ledger.as_ref().is_some_and(|l| {
        l.entries
            .iter()
            .any(|e| e.kind == crate::domain::status::LedgerKind::Transfer)
    });
    let today = crate::domain::calendar::to_paris(OffsetDateTime::now_utc()).date();
    Ok(SelfCancel {
        quote: terms.policy.quote(
            held,
            terms.starts_on,
            today,
            crate::domain::cancellation::CancelReason::Choice,
        ),
        held_cents: held,
        by_transfer,
        contact_email: terms.contact_email,
        visa_fee_cents: terms.policy.visa_refusal_fee_cents,
    })
}

/// The page before cancelling: what the policy gives back today, what happens to the place, and
/// the button that confirms.
pub(super) async fn cancel_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let c = self_cancel(&state, &applicant.applicant_id, &id).await?;
    let money = |cents: i64| {
        crate::domain::money::Money::eur(cents)
            .map(|m| m.display(locale))
            .unwrap_or_default()
    };
    let mut paragraphs = vec![if c.quote.cents > 0 {
        tr.t_args(
            "cancel-quote",
            &[
                ("amount", money(c.quote.cents).into()),
                ("percent", i64::from(c.quote.percent).into()),
                ("paid", money(c.held_cents).into()),
            ],
        )
    } else {
        tr.t("cancel-quote-nothing")
    }];
    if let Some(fee) = c.visa_fee_cents {
        paragraphs.push(tr.t_args(
            "cancel-visa",
            &[
                ("fee", money(fee).into()),
                ("email", c.contact_email.clone().into()),
            ],
        ));
    }
    let csrf = auth::issue_csrf(&state, &headers);
    let form = if c.by_transfer {
        paragraphs.push(tr.t1("cancel-by-transfer", "email", c.contact_email.clone()));
        None
    } else {
        paragraphs.push(tr.t("cancel-final"));
        Some(crate::http::views::PostButton {
            action: format!("/applications/{id}/cancel"),
            csrf: csrf.token,
            label: tr.t("cancel-confirm"),
        })
    };
    let heading = tr.t("cancel-title");
    let template = crate::http::views::MessageTemplate {
        layout: Layout::new(tr, &format!("/applications/{id}"), &heading, &state.config),
        heading,
        paragraphs,
        form,
        link: Some((format!("/applications/{id}"), tr.t("cancel-keep"))),
    };
    html(template, StatusCode::OK, csrf.set_cookie)
}

/// The participant confirms: the enrollment is cancelled with the refund the policy gives today
/// (computed again here, never taken from the form), the seat goes down the waitlist, and they are
/// told by email; all in the store's one transaction.
pub(super) async fn cancel(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let c = self_cancel(&state, &applicant.applicant_id, &id).await?;
    if c.by_transfer {
        return Ok(Redirect::to(&format!("/applications/{id}/cancel")).into_response());
    }
    let reason = format!(
        "cancelled by the participant; by the policy, {} % of what was paid comes back",
        c.quote.percent
    );
    match state
        .store
        .finance()
        .cancel_enrollment(
            &id,
            &reason,
            (c.quote.cents > 0).then_some(c.quote.cents),
            &crate::domain::audit::Actor::Applicant(applicant.applicant_id.clone()),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(_) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("/applications/{id}")).into_response())
        }
        Err(StoreError::Refused(_)) => {
            Ok(Redirect::to(&format!("/applications/{id}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

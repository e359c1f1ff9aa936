//! The check page (every answer, with what is still missing) and the submission.

use super::*;

pub(super) fn country_name(code: &Option<String>, locale: Locale) -> String {
    code.as_deref()
        .and_then(countries::by_code)
        .map(|c| c.name(locale).to_owned())
        .unwrap_or_default()
}

pub(in crate::http) fn sections(tr: Tr, r: &ApplicationRecord) -> Vec<CheckSection> {
    let f = &r.form;
    let l = tr.locale();
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let label = |k: &str| tr.t(&format!("field-{k}"));
    let id = &r.application_id;
    let address = [
        &f.address_line1,
        &f.address_line2,
        &f.address_city,
        &f.address_postcode,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .chain(
        f.address_country
            .is_some()
            .then(|| country_name(&f.address_country, l)),
    )
    .collect::<Vec<_>>()
    .join("\n");
    let address = if f.address_line1.is_some() {
        address
    } else {
        String::new()
    };
    vec![
        CheckSection {
            title: Step::Identity.title(tr),
            change: format!("{}?return=check", step_path(id, Step::Identity)),
            rows: vec![
                (label("given_names"), s(&f.given_names)),
                (label("family_name"), s(&f.family_name)),
                (label("certificate_name"), s(&f.certificate_name)),
                (
                    label("birth_date"),
                    f.birth_date
                        .map(|d| crate::domain::calendar::format_date(d, l))
                        .unwrap_or_default(),
                ),
                (label("nationality"), country_name(&f.nationality, l)),
                (
                    label("residence_country"),
                    country_name(&f.residence_country, l),
                ),
            ],
        },
        CheckSection {
            title: Step::Contact.title(tr),
            change: format!("{}?return=check", step_path(id, Step::Contact)),
            rows: vec![
                (tr.t("sign-in-email"), r.applicant_email.clone()),
                (label("phone"), s(&f.phone)),
                (label("address"), address),
            ],
        },
        CheckSection {
            title: Step::Background.title(tr),
            change: format!("{}?return=check", step_path(id, Step::Background)),
            rows: vec![
                (
                    label("category"),
                    f.category
                        .as_ref()
                        .map(|c| tr.t(&format!("category-{c}")))
                        .unwrap_or_default(),
                ),
                (
                    label("study_year"),
                    f.study_year.map(|y| y.to_string()).unwrap_or_else(|| {
                        if f.category.is_some() {
                            "—".into()
                        } else {
                            String::new()
                        }
                    }),
                ),
                (label("institution"), s(&f.institution)),
                (
                    label("institution_country"),
                    country_name(&f.institution_country, l),
                ),
                (
                    label("partner_university"),
                    f.partner_university
                        .map(|p| tr.t(if p { "answer-yes" } else { "answer-no" }))
                        .unwrap_or_default(),
                ),
                (
                    label("english_level"),
                    f.english_level
                        .as_ref()
                        .map(|e| tr.t(&format!("english-{e}")))
                        .unwrap_or_default(),
                ),
            ]
            .into_iter()
            .chain((r.fee_tiers.len() > 1).then(|| {
                let tier = f
                    .requested_fee_tier
                    .as_deref()
                    .and_then(|c| r.fee_tiers.iter().find(|t| t.code == c));
                let shown = tier
                    .map(|t| format!("{}: {}", t.label.get(l), t.amount.display(l)))
                    .unwrap_or_default();
                (label("requested_fee_tier"), shown)
            }))
            .chain(
                f.discount_code
                    .as_ref()
                    .map(|c| (label("discount_code"), c.clone())),
            )
            .collect(),
        },
        CheckSection {
            title: Step::Motivation.title(tr),
            change: format!("{}?return=check", step_path(id, Step::Motivation)),
            rows: std::iter::once((label("motivation"), s(&f.motivation)))
                .chain(r.questions.iter().map(|q| {
                    let answer = r
                        .answers
                        .iter()
                        .find(|(k, _)| *k == q.key)
                        .map(|(_, v)| v.as_str());
                    let shown = match answer {
                        Some("yes") => tr.t("answer-yes"),
                        Some("no") => tr.t("answer-no"),
                        // An optional question left unanswered is not missing.
                        _ if !q.required => "—".to_owned(),
                        _ => String::new(),
                    };
                    (q.label.get(l).to_owned(), shown)
                }))
                .collect(),
        },
        CheckSection {
            title: tr.t("step-documents"),
            change: format!("/applications/{id}/documents"),
            rows: needed_documents(r)
                .iter()
                .map(|k| {
                    let doc = r
                        .documents
                        .iter()
                        .find(|d| d.kind == *k)
                        .map(|d| d.file_name.clone())
                        .unwrap_or_default();
                    (label(k.as_str()), doc)
                })
                .collect(),
        },
        CheckSection {
            title: Step::Declaration.title(tr),
            change: format!("{}?return=check", step_path(id, Step::Declaration)),
            rows: vec![(
                label("consent"),
                if f.privacy_version.is_some() {
                    tr.t("answer-yes")
                } else {
                    String::new()
                },
            )],
        },
    ]
}

pub(super) async fn check(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let record = match draft(&state, &applicant.applicant_id, &id).await? {
        Ok(r) => r,
        Err(redirect) => return Ok(redirect),
    };
    let csrf = auth::issue_csrf(&state, &headers);
    let sections = sections(tr, &record);
    let template = CheckTemplate {
        layout: Layout::new(
            tr,
            &format!("/applications/{id}/check"),
            &tr.t("step-check"),
            &state.config,
        ),
        back: step_path(&id, Step::Declaration),
        caption: caption(tr, &record),
        complete: gaps(&record).is_empty(),
        sections,
        submit_action: format!("/applications/{id}/submit"),
        csrf: csrf.token,
    };
    html(template, StatusCode::OK, csrf.set_cookie)
}

pub(super) async fn submit(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let record = match draft(&state, &applicant.applicant_id, &id).await? {
        Ok(r) => r,
        Err(redirect) => return Ok(redirect),
    };
    match send(&state, tr, &applicant.applicant_id, &record).await? {
        Submitted::Sent => Ok(Redirect::to(&format!("/applications/{id}?sent=1")).into_response()),
        Submitted::Incomplete => {
            Ok(Redirect::to(&format!("/applications/{id}/check")).into_response())
        }
        Submitted::NotOpen => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
    }
}

/// What sending a draft did.
pub(in crate::http) enum Submitted {
    Sent,
    /// Answers or documents are missing.
    Incomplete,
    /// Already sent, or the window has closed.
    NotOpen,
}

/// Sends a complete draft: the status change, its audit event and the "application received" email are
/// written in one transaction.
pub(in crate::http) async fn send(
    state: &AppState,
    tr: Tr,
    applicant_id: &str,
    record: &ApplicationRecord,
) -> Result<Submitted, AppError> {
    if !gaps(record).is_empty() {
        return Ok(Submitted::Incomplete);
    }
    let id = &record.application_id;
    let to = EmailAddress::parse(&record.applicant_email)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored address: {e}")))?;
    let link = format!("{}/applications/{id}", state.config.public_url);
    let email = render::application_received(
        tr,
        &to,
        record.form.given_names.as_deref(),
        record.program_title.get(tr.locale()),
        &reference(id),
        record.documents.len(),
        &link,
    );
    match state
        .store
        .submission()
        .submit_application(applicant_id, record, &email, OffsetDateTime::now_utc())
        .await
    {
        Ok(()) => {}
        Err(StoreError::Refused(_)) => return Ok(Submitted::NotOpen),
        Err(e) => return Err(e.into()),
    }
    state.wake_worker.notify_one();
    Ok(Submitted::Sent)
}

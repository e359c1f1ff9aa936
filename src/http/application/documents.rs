//! The documents step: what an application needs, uploads checked before they are kept, downloads.

use super::*;

/// Whether the application asks for a tier other than the standard one (a proof is then needed).
pub(super) fn asks_reduced(record: &ApplicationRecord) -> bool {
    record
        .form
        .requested_fee_tier
        .as_deref()
        .and_then(|code| record.fee_tiers.iter().find(|t| t.code == code))
        .is_some_and(|t| !t.is_standard)
}

/// The documents this application needs: a proof too when it asks for a reduced tier.
pub(in crate::http) fn needed_documents(record: &ApplicationRecord) -> Vec<DocumentKind> {
    form::needed_documents(asks_reduced(record))
}

/// What the draft still lacks before it can be sent (the domain's rule, fed from the record).
pub(in crate::http) fn gaps(record: &ApplicationRecord) -> Vec<form::Gap> {
    let questions: Vec<(&str, bool)> = record
        .questions
        .iter()
        .map(|q| (q.key.as_str(), q.required))
        .collect();
    let uploaded: Vec<DocumentKind> = record.documents.iter().map(|d| d.kind).collect();
    record.form.gaps(form::DraftContext {
        several_tiers: record.fee_tiers.len() > 1,
        asks_reduced: asks_reduced(record),
        questions: &questions,
        answers: &record.answers,
        uploaded: &uploaded,
    })
}

pub(super) fn size_text(bytes: i64, locale: Locale) -> String {
    let kb = (bytes + 1023) / 1024;
    match (kb >= 1024, locale) {
        (true, Locale::En) => format!("{}.{} MB", kb / 1024, (kb % 1024) * 10 / 1024),
        (true, Locale::Fr) => format!("{},{} Mo", kb / 1024, (kb % 1024) * 10 / 1024),
        (false, Locale::En) => format!("{kb} KB"),
        (false, Locale::Fr) => format!("{kb} Ko"),
    }
}

pub(super) fn render_documents(
    state: &AppState,
    tr: Tr,
    record: &ApplicationRecord,
    problems: &[Problem],
    csrf: auth::Csrf,
) -> Result<Response, AppError> {
    let id = &record.application_id;
    let fields = needed_documents(record)
        .iter()
        .map(|kind| {
            let field: &'static str = kind.as_str();
            let mut f = FieldView::new(field, "file", tr.t(&format!("field-{field}")));
            f.hint = Some(match kind {
                DocumentKind::ProofOfStatus | DocumentKind::FeeProof => {
                    format!(
                        "{} {}",
                        tr.t(&format!("field-{field}-hint")),
                        tr.t("documents-hint")
                    )
                }
                _ => tr.t("documents-hint"),
            });
            f.error = problems
                .iter()
                .find(|p| p.field == field)
                .map(|p| tr.problem(p));
            f.uploaded = record.documents.iter().find(|d| d.kind == *kind).map(|d| {
                tr.t_args(
                    "document-uploaded",
                    &[
                        ("name", d.file_name.clone().into()),
                        ("size", size_text(d.size_bytes, tr.locale()).into()),
                    ],
                )
            });
            f
        })
        .collect();
    let page = FormPage {
        path: format!("/applications/{id}/documents"),
        heading: tr.t("step-documents"),
        back: step_path(id, Step::Motivation),
        multipart: true,
        fields,
    };
    render_form(state, tr, record, page, problems, csrf)
}

pub(super) async fn documents_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let record = match draft(&state, &applicant.applicant_id, &id).await? {
        Ok(r) => r,
        Err(redirect) => return Ok(redirect),
    };
    render_documents(
        &state,
        Tr(locale),
        &record,
        &[],
        auth::issue_csrf(&state, &headers),
    )
}

/// Uploads: every file is checked (content type by its bytes, size) before anything is stored; a
/// refused file leaves nothing behind.
pub(super) async fn upload(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let record = match draft(&state, &applicant.applicant_id, &id).await? {
        Ok(r) => r,
        Err(redirect) => return Ok(redirect),
    };
    let needed = needed_documents(&record);
    let mut problems = Vec::new();
    // The body was cut short or is over the limit: say so on the form (on the document it
    // stopped in, if it is one), store nothing.
    if let Some(cut) = &form.cut_short {
        let field = match cut {
            CutShort::In(name) => needed.iter().find(|k| k.as_str() == name),
            CutShort::Between => None,
        };
        problems.push(Problem {
            field: field.map_or(DocumentKind::Cv.as_str(), |k| k.as_str()),
            key: "error-file-too-large",
            count: None,
        });
    }
    let files: Vec<(DocumentKind, String, Bytes)> = form
        .parts
        .into_iter()
        .filter_map(|part| {
            let kind = needed.iter().find(|k| k.as_str() == part.name).copied()?;
            let file_name = part.file_name.unwrap_or_default();
            // No file chosen for this document.
            (!(part.bytes.is_empty() && file_name.is_empty()))
                .then_some((kind, file_name, part.bytes))
        })
        .collect();
    let mut accepted = Vec::new();
    for (kind, file_name, bytes) in files {
        match document::check_file(&bytes) {
            Ok(file_type) => accepted.push((
                kind,
                document::clean_file_name(&file_name, file_type),
                file_type,
                bytes,
            )),
            Err(p) => problems.push(Problem {
                field: kind.as_str(),
                key: match p {
                    FileProblem::Empty => "error-file-empty",
                    FileProblem::TooLarge => "error-file-too-large",
                    FileProblem::WrongType => "error-file-type",
                },
                count: None,
            }),
        }
    }
    if !problems.is_empty() {
        return render_documents(
            &state,
            tr,
            &record,
            &problems,
            auth::issue_csrf(&state, &headers),
        );
    }
    let now = OffsetDateTime::now_utc();
    for (kind, file_name, file_type, bytes) in accepted {
        store_document(
            &state,
            &applicant.applicant_id,
            &id,
            kind,
            &file_name,
            file_type,
            &bytes,
            now,
        )
        .await?;
    }
    let record = state
        .store
        .applications()
        .application(&applicant.applicant_id, &id)
        .await?;
    let missing: Vec<Problem> = needed_documents(&record)
        .iter()
        .filter(|k| !record.documents.iter().any(|d| d.kind == **k))
        .map(|k| Problem::new(k.as_str(), "error-file-required"))
        .collect();
    if missing.is_empty() {
        Ok(Redirect::to(&step_path(&id, Step::Declaration)).into_response())
    } else {
        render_documents(
            &state,
            tr,
            &record,
            &missing,
            auth::issue_csrf(&state, &headers),
        )
    }
}

pub(super) async fn download(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, document_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let d = state
        .store
        .documents()
        .document(&applicant.applicant_id, &document_id)
        .await?;
    if d.application_id != id {
        return Err(AppError::NotFound);
    }
    let bytes = state
        .blobs
        .get(&d.blob_key)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&d.content_type).map_err(|e| AppError::Internal(e.into()))?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        crate::http::content_disposition("attachment", &d.file_name),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// Keeps a checked file as the application's document of `kind` (replacing the previous one); the
/// file is written before the row, and removed again if the row is refused.
#[allow(clippy::too_many_arguments)]
pub(in crate::http) async fn store_document(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    kind: DocumentKind,
    file_name: &str,
    file_type: document::FileType,
    bytes: &[u8],
    now: OffsetDateTime,
) -> Result<String, AppError> {
    let blob_key = format!("documents/{}", auth::random_token());
    state
        .blobs
        .put(&blob_key, bytes)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let sha = auth::sha256_hex_bytes(bytes);
    let new = NewDocument {
        kind,
        file_name,
        content_type: file_type.content_type(),
        size_bytes: bytes.len() as i64,
        sha256: &sha,
        blob_key: &blob_key,
    };
    match state
        .store
        .documents()
        .put_document(applicant_id, id, &new, now)
        .await
    {
        Ok((document_id, replaced)) => {
            if let Some(old) = replaced {
                let _ = state.blobs.delete(&old).await;
            }
            Ok(document_id)
        }
        Err(e) => {
            let _ = state.blobs.delete(&blob_key).await;
            Err(e.into())
        }
    }
}

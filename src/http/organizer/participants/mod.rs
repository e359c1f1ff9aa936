//! The cohort once enrolled (`/organizer/programs/{id}/participants`): who was present each school
//! day (a grid), their results (entered in the table or imported from a spreadsheet's CSV file),
//! whether each meets the program's completion rule, and their certificates: issued in one batch
//! for those who complete, corrected (a new certificate supersedes) or revoked with a reason.
//!
//! Attendance and results need `Permission::RecordAttendance`; issuing, correcting and revoking
//! need `Permission::Certify`. Every change is audited by the store.

use std::collections::HashSet;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;

use super::auth::{Organizer, RequireOrganizer};
use super::dashboard::nav;
use super::export::{cell, csv_file};
use super::views::{CertificateCell, CohortPage, CohortRow, DayCell, DayHead, IssuancePanel, page};
use super::{Pairs, value, values};
use crate::domain::access::Permission;
use crate::domain::calendar::{format_date, format_date_range, to_paris};
use crate::domain::completion::{
    AttendanceRow, EntryProblem, ImportError, ImportProblem, ResultEntry, Shortfall,
    attendance_box, attendance_changes, parse_result_entry, parse_results_csv, school_days,
};
use crate::domain::issuance::{PlanError, ProgramFacts, Skip, plan};
use crate::domain::status::CertificateKind;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::{CsrfForm, CsrfMultipart};
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout};
use crate::i18n::Tr;
use crate::store::StoreError;
use crate::store::certificates::Participant;

/// Largest results file accepted (a cohort's results are a few kilobytes).
const IMPORT_MAX_BYTES: usize = 256 * 1024;

mod badges;
mod certificates;
mod specimens;

use badges::{badges, check_in, check_in_page};
use certificates::{correct, issue, revoke};
use specimens::{print_specimen, specimens_page};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organizer/programs/{program_id}/participants", get(cohort))
        .route(
            "/organizer/programs/{program_id}/attendance",
            post(save_attendance),
        )
        .route(
            "/organizer/programs/{program_id}/results",
            post(save_results),
        )
        .route(
            "/organizer/programs/{program_id}/results/import",
            post(import_results).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES + 16 * 1024)),
        )
        .route("/organizer/programs/{program_id}/certificates", post(issue))
        .route(
            "/organizer/programs/{program_id}/certificates/{code}/revoke",
            post(revoke),
        )
        .route(
            "/organizer/programs/{program_id}/certificates/{code}/correct",
            post(correct),
        )
        .route("/organizer/programs/{program_id}/badges.pdf", get(badges))
        .route(
            "/organizer/programs/{program_id}/specimens",
            get(specimens_page).post(print_specimen),
        )
        .route(
            "/organizer/programs/{program_id}/participants.csv",
            get(export),
        )
        .route(
            "/organizer/check-in/{token}",
            get(check_in_page).post(check_in),
        )
}

fn page_path(program_id: &str) -> String {
    format!("/organizer/programs/{program_id}/participants")
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
    graduates: Option<usize>,
    documents: Option<usize>,
}

/// What a refused form brings back to the page: what was typed and what is wrong.
#[derive(Default)]
struct Refused {
    /// Per participant: (result, grade, afgsu) as typed.
    results: Vec<(String, String, String, String)>,
    /// Per participant id: the message of the result or grade field.
    result_errors: Vec<(String, String)>,
    grade_errors: Vec<(String, String)>,
    afgsu_errors: Vec<(String, String)>,
    import_errors: Vec<String>,
    /// Per certificate code: the reason typed and its error.
    revoke: Option<(String, String, String)>,
    issue_error: Option<String>,
}

async fn facts(state: &AppState, program_id: &str) -> Result<ProgramFacts, AppError> {
    state
        .store
        .certificates()
        .program_facts(program_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The cohort as a CSV file: a line per participant with their days, result and completion. Its
/// `email`, `result`, `grade` and `afgsu` columns are the results import's, with its values, so a
/// file filled in by hand (every result given) can be imported back.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
async fn export(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
) -> Result<Response, AppError> {
    organizer.require(Permission::RecordAttendance, &program_id)?;
    let tr = Tr(locale);
    let program = facts(&state, &program_id).await?;
    let participants = state.store.completion().participants(&program_id).await?;
    let days = school_days(program.starts_on, program.ends_on);
    let gives_afgsu = program.certifications.contains(&CertificateKind::Afgsu2);
    let mut headings = vec!["name".to_owned(), "email".to_owned()];
    headings.extend(days.iter().map(ToString::to_string));
    headings.extend(["days_present", "result", "grade"].map(str::to_owned));
    if gives_afgsu {
        headings.push("afgsu".to_owned());
    }
    headings.extend(["completion", "certificates"].map(str::to_owned));
    let mut rows = vec![headings];
    for p in &participants {
        let mut row = vec![cell(&p.certificate_name), cell(&p.email)];
        row.extend(
            days.iter()
                .map(|d| if p.days_present.contains(d) { "1" } else { "0" }.to_owned()),
        );
        row.push(p.days_present.len().to_string());
        row.push(
            p.result
                .as_ref()
                .map(|r| if r.passed { "passed" } else { "failed" })
                .unwrap_or_default()
                .to_owned(),
        );
        row.push(cell(
            p.result
                .as_ref()
                .and_then(|r| r.grade.as_deref())
                .unwrap_or_default(),
        ));
        if gives_afgsu {
            row.push(
                p.result
                    .as_ref()
                    .and_then(|r| r.afgsu_validated)
                    .map(|v| if v { "yes" } else { "no" })
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        row.push(
            match crate::domain::issuance::earned(&program, &p.candidate()) {
                Ok(_) => tr.t("cohort-completes"),
                Err(skip) => shortfall_text(tr, &skip),
            },
        );
        row.push(
            p.certificates
                .iter()
                .map(|c| c.serial.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
        rows.push(row);
    }
    csv_file(
        &format!("participants-{}.csv", program.code.to_lowercase()),
        &rows,
    )
}

fn shortfall_text(tr: Tr, skip: &Skip) -> String {
    match skip {
        Skip::Shortfall(Shortfall::Attendance { present, required }) => tr.t_args(
            "cohort-short-attendance",
            &[
                ("present", i64::from(*present).into()),
                ("required", i64::from(*required).into()),
            ],
        ),
        Skip::Shortfall(Shortfall::NoResult) => tr.t("cohort-short-no-result"),
        Skip::Shortfall(Shortfall::Failed) => tr.t("cohort-short-failed"),
        Skip::NoBirthDate => tr.t("cohort-short-birth-date"),
    }
}

fn kind_label(tr: Tr, kind: CertificateKind) -> String {
    tr.t(match kind {
        CertificateKind::AttestationOfSuccess => "cohort-kind-success",
        CertificateKind::Afgsu2 => "cohort-kind-afgsu",
    })
}

fn import_message(tr: Tr, e: &ImportError) -> String {
    let line = ("line", i64::try_from(e.line).unwrap_or(i64::MAX).into());
    match &e.problem {
        ImportProblem::MissingColumn(column) => tr.t_args(
            "cohort-import-missing-column",
            &[("column", (*column).into())],
        ),
        ImportProblem::Unreadable => tr.t_args("cohort-import-unreadable", &[line]),
        ImportProblem::Empty => tr.t("cohort-import-empty"),
        ImportProblem::TooLong => tr.t("cohort-import-too-long"),
        ImportProblem::UnknownParticipant(email) => tr.t_args(
            "cohort-import-unknown",
            &[line, ("email", email.clone().into())],
        ),
        ImportProblem::Duplicate(email) => tr.t_args(
            "cohort-import-duplicate",
            &[line, ("email", email.clone().into())],
        ),
        ImportProblem::BadResult(text) => tr.t_args(
            "cohort-import-result",
            &[line, ("value", text.clone().into())],
        ),
        ImportProblem::BadGrade => tr.t_args("cohort-import-grade", &[line]),
        ImportProblem::BadAfgsu(text) => tr.t_args(
            "cohort-import-afgsu",
            &[line, ("value", text.clone().into())],
        ),
    }
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

async fn render(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    program_id: &str,
    refused: Refused,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let locale = tr.locale();
    let program = facts(state, program_id).await?;
    let participants = state.store.completion().participants(program_id).await?;
    let days = school_days(program.starts_on, program.ends_on);
    let gives_afgsu = program.certifications.contains(&CertificateKind::Afgsu2);
    let candidates: Vec<_> = participants.iter().map(Participant::candidate).collect();
    let today = to_paris(OffsetDateTime::now_utc()).date();
    let can_certify = organizer.access.allows(Permission::Certify, program_id);
    let base = page_path(program_id);
    let rows = participants
        .iter()
        .zip(&candidates)
        .map(|(p, c)| {
            let typed = refused
                .results
                .iter()
                .find(|(id, ..)| *id == p.application_id);
            let stored_result = p
                .result
                .as_ref()
                .map_or("", |r| if r.passed { "passed" } else { "failed" });
            let error_of = |list: &Vec<(String, String)>| {
                list.iter()
                    .find(|(id, _)| *id == p.application_id)
                    .map(|(_, m)| m.clone())
            };
            let status = match crate::domain::issuance::earned(&program, c) {
                Ok(kinds) => {
                    let mut text = tr.t("cohort-completes");
                    if gives_afgsu && !kinds.contains(&CertificateKind::Afgsu2) {
                        text = format!("{text} {}", tr.t("cohort-no-afgsu"));
                    }
                    (true, text)
                }
                Err(skip) => (false, shortfall_text(tr, &skip)),
            };
            CohortRow {
                application_id: p.application_id.clone(),
                href: format!("/organizer/applications/{}", p.application_id),
                name: p.certificate_name.clone(),
                email: p.email.clone(),
                days: days
                    .iter()
                    .map(|d| DayCell {
                        value: attendance_box(&p.application_id, *d),
                        checked: p.days_present.contains(d),
                        future: *d > today,
                        label: format!("{} — {}", p.certificate_name, format_date(*d, locale)),
                    })
                    .collect(),
                present: p.days_present.len(),
                result: typed.map_or(stored_result.to_owned(), |t| t.1.clone()),
                has_result: p.result.is_some(),
                grade: typed.map_or_else(
                    || {
                        p.result
                            .as_ref()
                            .and_then(|r| r.grade.clone())
                            .unwrap_or_default()
                    },
                    |t| t.2.clone(),
                ),
                afgsu: typed.map_or_else(
                    || yes_no(p.result.as_ref().and_then(|r| r.afgsu_validated)).to_owned(),
                    |t| t.3.clone(),
                ),
                result_error: error_of(&refused.result_errors),
                grade_error: error_of(&refused.grade_errors),
                afgsu_error: error_of(&refused.afgsu_errors),
                completes: status.0,
                status: status.1,
                certificates: p
                    .certificates
                    .iter()
                    .map(|cert| {
                        let mine = refused
                            .revoke
                            .as_ref()
                            .filter(|(code, ..)| *code == cert.verification_code);
                        CertificateCell {
                            code: cert.verification_code.clone(),
                            kind: kind_label(tr, cert.kind),
                            serial: cert.serial.clone(),
                            verify_href: format!("/verify/{}", cert.verification_code),
                            revoke_action: can_certify.then(|| {
                                format!(
                                    "/organizer/programs/{program_id}/certificates/{}/revoke",
                                    cert.verification_code
                                )
                            }),
                            correct_action: can_certify.then(|| {
                                format!(
                                    "/organizer/programs/{program_id}/certificates/{}/correct",
                                    cert.verification_code
                                )
                            }),
                            reason: mine.map(|m| m.1.clone()).unwrap_or_default(),
                            reason_error: mine.map(|m| m.2.clone()).filter(|m| !m.is_empty()),
                        }
                    })
                    .collect(),
            }
        })
        .collect::<Vec<_>>();

    let rule = tr.t_args(
        if program.rule.assessment_required {
            "cohort-rule-assessment"
        } else {
            "cohort-rule-attendance"
        },
        &[
            ("days", i64::from(program.rule.min_days_present).into()),
            ("total", i64::try_from(days.len()).unwrap_or(0).into()),
        ],
    );
    let planned = plan(&program, &candidates, today);
    let issuance = IssuancePanel {
        action: can_certify.then(|| format!("/organizer/programs/{program_id}/certificates")),
        signatory: program
            .issuer
            .as_ref()
            .map(|i| format!("{}, {}", i.signatory_name, i.signatory_title.get(locale))),
        afgsu_issuer: program
            .issuer
            .as_ref()
            .and_then(|i| i.afgsu_issuer.clone())
            .filter(|_| gives_afgsu),
        summary: match &planned {
            Ok(p) => tr.t_args(
                "cohort-issue-summary",
                &[
                    (
                        "graduates",
                        i64::try_from(p.to_issue.len()).unwrap_or(0).into(),
                    ),
                    (
                        "documents",
                        i64::try_from(p.documents()).unwrap_or(0).into(),
                    ),
                    (
                        "held",
                        i64::try_from(p.up_to_date.len()).unwrap_or(0).into(),
                    ),
                    ("short", i64::try_from(p.skipped.len()).unwrap_or(0).into()),
                ],
            ),
            Err(e) => plan_error(tr, e),
        },
        ready: planned.as_ref().is_ok_and(|p| !p.to_issue.is_empty()),
        error: refused.issue_error.clone(),
    };

    let mut errors = Vec::new();
    for (id, m) in refused.result_errors.iter() {
        errors.push(FieldError {
            field: format!("result-{id}"),
            message: m.clone(),
        });
    }
    for (id, m) in refused.grade_errors.iter() {
        errors.push(FieldError {
            field: format!("grade-{id}"),
            message: m.clone(),
        });
    }
    for (id, m) in refused.afgsu_errors.iter() {
        errors.push(FieldError {
            field: format!("afgsu-{id}"),
            message: m.clone(),
        });
    }
    for m in &refused.import_errors {
        errors.push(FieldError {
            field: "results-file".into(),
            message: m.clone(),
        });
    }
    if let Some((code, _, m)) = &refused.revoke
        && !m.is_empty()
    {
        errors.push(FieldError {
            field: format!("reason-{code}"),
            message: m.clone(),
        });
    }
    if let Some(m) = &refused.issue_error {
        errors.push(FieldError {
            field: "issue".into(),
            message: m.clone(),
        });
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let heading = tr.t("cohort-title");
    let title = if errors.is_empty() {
        format!("{heading} — {}", program.title.get(locale))
    } else {
        format!(
            "{} {heading} — {}",
            tr.t("error-title-prefix"),
            program.title.get(locale)
        )
    };
    let csrf = site_auth::issue_csrf(state, headers);
    let template = CohortPage {
        layout: Layout::new(tr, &base, &title, &state.config),
        nav: nav(state, headers, organizer),
        errors,
        notice,
        csrf: csrf.token,
        program_href: format!("/organizer/programs/{program_id}"),
        program_title: program.title.get(locale).to_owned(),
        dates: format_date_range(program.starts_on, program.ends_on, locale),
        rule,
        days: days
            .iter()
            .map(|d| DayHead {
                label: format_date(*d, locale),
                short: format!("{:02}/{:02}", d.day(), u8::from(d.month())),
            })
            .collect(),
        gives_afgsu,
        attendance_action: format!("/organizer/programs/{program_id}/attendance"),
        results_action: format!("/organizer/programs/{program_id}/results"),
        import_action: format!("/organizer/programs/{program_id}/results/import"),
        import_errors: refused.import_errors,
        badges_href: format!("/organizer/programs/{program_id}/badges.pdf"),
        specimens_href: format!("/organizer/programs/{program_id}/specimens"),
        export_href: format!("/organizer/programs/{program_id}/participants.csv"),
        rows,
        issuance,
    };
    page(template, status, csrf.set_cookie)
}

fn plan_error(tr: Tr, e: &PlanError) -> String {
    match e {
        PlanError::NotFinished(last) => tr.t_args(
            "cohort-issue-not-finished",
            &[("date", format_date(*last, tr.locale()).into())],
        ),
        PlanError::NoIssuer => tr.t("cohort-issue-no-issuer"),
        PlanError::NoAfgsuIssuer => tr.t("cohort-issue-no-cesu"),
    }
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
async fn cohort(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    organizer.require(Permission::RecordAttendance, &program_id)?;
    let tr = Tr(locale);
    let notice = match q.done.as_deref() {
        Some("attendance") => Some(tr.t("cohort-saved-attendance")),
        Some("results") => Some(tr.t("cohort-saved-results")),
        Some("imported") => Some(tr.t("cohort-saved-import")),
        Some("issued") => Some(tr.t_args(
            "cohort-issued",
            &[
                (
                    "graduates",
                    i64::try_from(q.graduates.unwrap_or(0)).unwrap_or(0).into(),
                ),
                (
                    "documents",
                    i64::try_from(q.documents.unwrap_or(0)).unwrap_or(0).into(),
                ),
            ],
        )),
        Some("revoked") => Some(tr.t("cohort-revoked")),
        Some("corrected") => Some(tr.t("cohort-corrected")),
        _ => None,
    };
    render(
        &state,
        tr,
        &headers,
        &organizer,
        &program_id,
        Refused::default(),
        notice,
    )
    .await
}

/// The grid: a box per participant and school day. Only the days where something changed are
/// recorded (one audited entry per day); a day nobody touched stays unrecorded.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
async fn save_attendance(
    State(state): State<AppState>,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    organizer.require(Permission::RecordAttendance, &program_id)?;
    let program = facts(&state, &program_id).await?;
    let participants = state.store.completion().participants(&program_id).await?;
    let checked: HashSet<String> = values(&pairs, "present").into_iter().collect();
    let now = OffsetDateTime::now_utc();
    let rows: Vec<AttendanceRow<'_>> = participants
        .iter()
        .map(|p| AttendanceRow {
            application_id: &p.application_id,
            days_present: &p.days_present,
        })
        .collect();
    let days = school_days(program.starts_on, program.ends_on);
    // Days still to come are shown but cannot be marked (the store refuses them too).
    for change in attendance_changes(&days, to_paris(now).date(), &rows, &checked) {
        state
            .store
            .completion()
            .record_attendance(
                &program_id,
                change.day,
                &change.marks,
                &organizer.actor(),
                now,
            )
            .await?;
    }
    Ok(Redirect::to(&format!("{}?done=attendance", page_path(&program_id))).into_response())
}

/// The results table: one result (and grade, and AFGSU 2 validation) per participant; only the rows
/// that changed are recorded. A mistake anywhere records nothing and shows what was typed.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
async fn save_results(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    organizer.require(Permission::RecordAttendance, &program_id)?;
    let tr = Tr(locale);
    let program = facts(&state, &program_id).await?;
    let gives_afgsu = program.certifications.contains(&CertificateKind::Afgsu2);
    let participants = state.store.completion().participants(&program_id).await?;
    let mut refused = Refused::default();
    let mut changes = Vec::new();
    for p in &participants {
        let id = &p.application_id;
        let result = value(&pairs, &format!("result-{id}")).to_owned();
        let grade = value(&pairs, &format!("grade-{id}")).to_owned();
        let afgsu = value(&pairs, &format!("afgsu-{id}")).to_owned();
        refused
            .results
            .push((id.clone(), result.clone(), grade.clone(), afgsu.clone()));
        let afgsu = if gives_afgsu { afgsu } else { String::new() };
        let entry = match parse_result_entry(&result, &grade, &afgsu) {
            Ok(Some(entry)) => entry,
            Ok(None) => continue,
            Err(problems) => {
                for problem in problems {
                    let (errors, key) = match problem {
                        EntryProblem::BadResult(_) => {
                            (&mut refused.result_errors, "cohort-error-result")
                        }
                        EntryProblem::BadGrade => (&mut refused.grade_errors, "cohort-error-grade"),
                        EntryProblem::BadAfgsu(_) => {
                            (&mut refused.afgsu_errors, "cohort-error-afgsu")
                        }
                    };
                    errors.push((id.clone(), tr.t(key)));
                }
                continue;
            }
        };
        if p.result.as_ref() != Some(&entry) {
            changes.push((id.clone(), entry));
        }
    }
    if !refused.result_errors.is_empty()
        || !refused.grade_errors.is_empty()
        || !refused.afgsu_errors.is_empty()
    {
        return render(&state, tr, &headers, &organizer, &program_id, refused, None).await;
    }
    let done = if record(&state, &organizer, &program_id, &changes).await? {
        "?done=results"
    } else {
        ""
    };
    Ok(Redirect::to(&format!("{}{done}", page_path(&program_id))).into_response())
}

/// Records the changed results in one transaction (all or nothing); whether they were. Someone who
/// stopped being enrolled meanwhile: nothing is recorded and the page, shown again without a
/// "saved" notice, says who stands.
async fn record(
    state: &AppState,
    organizer: &Organizer,
    program_id: &str,
    changes: &[(String, ResultEntry)],
) -> Result<bool, AppError> {
    if changes.is_empty() {
        return Ok(true);
    }
    match state
        .store
        .completion()
        .record_results(changes, &organizer.actor(), OffsetDateTime::now_utc())
        .await
    {
        Ok(()) => Ok(true),
        Err(StoreError::Refused(_) | StoreError::NotFound) => {
            tracing::info!(
                program_id,
                "results not recorded: a participant is no longer enrolled"
            );
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// A results file (CSV with `email`, `result`, and optionally `grade` and `afgsu`): every line is
/// checked first; a file with a mistake records nothing and each wrong line is named.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
async fn import_results(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let too_large = form.cut_short.is_some()
        || form
            .part("file")
            .is_some_and(|f| f.bytes.len() > IMPORT_MAX_BYTES);
    let file: Option<Vec<u8>> = form.part("file").map(|f| f.bytes.to_vec());
    organizer.require(Permission::RecordAttendance, &program_id)?;
    let participants = state.store.completion().participants(&program_id).await?;
    let known: Vec<(String, String)> = participants
        .iter()
        .map(|p| (p.email.clone(), p.application_id.clone()))
        .collect();
    let parsed = match file {
        _ if too_large => Err(vec![tr.t("cohort-import-too-large")]),
        None => Err(vec![tr.t("cohort-import-no-file")]),
        Some(bytes) if bytes.is_empty() => Err(vec![tr.t("cohort-import-no-file")]),
        Some(bytes) => parse_results_csv(&bytes, &known)
            .map_err(|errors| errors.iter().map(|e| import_message(tr, e)).collect()),
    };
    let results = match parsed {
        Ok(results) => results,
        Err(import_errors) => {
            let refused = Refused {
                import_errors,
                ..Refused::default()
            };
            return render(&state, tr, &headers, &organizer, &program_id, refused, None).await;
        }
    };
    let changes: Vec<(String, ResultEntry)> = results
        .into_iter()
        .filter(|(id, entry)| {
            !participants
                .iter()
                .any(|p| p.application_id == *id && p.result.as_ref() == Some(entry))
        })
        .collect();
    let done = if record(&state, &organizer, &program_id, &changes).await? {
        "?done=imported"
    } else {
        ""
    };
    Ok(Redirect::to(&format!("{}{done}", page_path(&program_id))).into_response())
}

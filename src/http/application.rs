//! The application: started from a program's page, filled in short steps (each saved as a draft),
//! documents uploaded, answers checked, then sent. Every route loads the application through the
//! signed-in applicant, so another applicant's id answers 404.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;

use super::AppState;
use super::auth::{self, RequireApplicant};
use super::error::AppError;
use super::lang::Lang;
use super::views::{
    ApplicationTemplate, CheckSection, CheckTemplate, FieldError, FieldView, FormTemplate, Layout,
    MessageTemplate, OptionView, PostButton,
};
use crate::documents::fonts;
use crate::domain::application::{self as form, EnglishLevel, Problem};
use crate::domain::calendar::format_paris_datetime;
use crate::domain::catalog::{ApplicantCategory, ApplicationWindow};
use crate::domain::countries::{self, CountryCode};
use crate::domain::document::{self, FileProblem};
use crate::domain::email::EmailAddress;
use crate::domain::locale::Locale;
use crate::domain::status::{ApplicationStatus, DocumentKind};
use crate::email::render;
use crate::http::forms::{Button, CsrfForm};
use crate::i18n::Tr;
use crate::store::{
    ApplicationRecord, FeeTierRecord, FormColumn, FormValue, NewDocument, QuestionRecord,
    StoreError, TimelineEntry,
};

/// The versions of the texts an applicant agrees to; stored with the application.
pub const PRIVACY_VERSION: &str = "2026-11";
pub const TERMS_VERSION: &str = "2026-11";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/programs/{edition}/{program}/apply",
            get(start_page).post(start),
        )
        .route("/applications/{id}", get(view))
        .route("/applications/{id}/check", get(check))
        .route("/applications/{id}/submit", post(submit))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route(
            "/applications/{id}/documents",
            get(documents_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(40 * 1024 * 1024)),
        )
        .route("/applications/{id}/documents/{document}", get(download))
        .route("/applications/{id}/receipts/{file}", get(download_receipt))
        .route(
            "/applications/{id}/certificates/{code}/pdf",
            get(download_certificate),
        )
        .route(
            "/applications/{id}/certificates/{code}/badge",
            get(download_badge),
        )
        .route(
            "/applications/{id}/step/{step}",
            get(step_page).post(save_step),
        )
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Step {
    Identity,
    Contact,
    Background,
    Motivation,
    Declaration,
}

impl Step {
    const ALL: [Step; 5] = [
        Step::Identity,
        Step::Contact,
        Step::Background,
        Step::Motivation,
        Step::Declaration,
    ];

    fn slug(self) -> &'static str {
        match self {
            Step::Identity => "identity",
            Step::Contact => "contact",
            Step::Background => "background",
            Step::Motivation => "motivation",
            Step::Declaration => "declaration",
        }
    }

    pub(super) fn parse(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    fn title(self, tr: Tr) -> String {
        tr.t(&format!("step-{}", self.slug()))
    }

    /// Where the applicant goes after this step (documents sit between motivation and declaration).
    fn next_path(self, id: &str) -> String {
        match self {
            Step::Identity => step_path(id, Step::Contact),
            Step::Contact => step_path(id, Step::Background),
            Step::Background => step_path(id, Step::Motivation),
            Step::Motivation => format!("/applications/{id}/documents"),
            Step::Declaration => format!("/applications/{id}/check"),
        }
    }

    fn back_path(self, id: &str) -> String {
        match self {
            Step::Identity => format!("/applications/{id}"),
            Step::Contact => step_path(id, Step::Identity),
            Step::Background => step_path(id, Step::Contact),
            Step::Motivation => step_path(id, Step::Background),
            Step::Declaration => format!("/applications/{id}/documents"),
        }
    }
}

fn step_path(id: &str, step: Step) -> String {
    format!("/applications/{id}/step/{}", step.slug())
}

/// The short reference applicants quote.
pub fn reference(application_id: &str) -> String {
    application_id
        .chars()
        .take(8)
        .collect::<String>()
        .to_uppercase()
}

pub(super) fn html(
    template: impl Template,
    status: StatusCode,
    set_cookie: Option<HeaderValue>,
) -> Result<Response, AppError> {
    let body = template
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = (status, Html(body)).into_response();
    if let Some(c) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

pub(super) fn message(tr: Tr, problem: &Problem) -> String {
    match problem.count {
        Some(n) => tr.tn(problem.key, "count", n),
        None => tr.t(problem.key),
    }
}

fn caption(tr: Tr, record: &ApplicationRecord) -> String {
    tr.t1(
        "step-caption",
        "program",
        record.program_title.get(tr.locale()),
    )
}

// ---- starting ----------------------------------------------------------------------------------

async fn start_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(_applicant): RequireApplicant,
    Path((edition, program)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let snapshot = state.catalog.get(&state.config).await?;
    let p = snapshot
        .program(&edition, &program)
        .ok_or(AppError::NotFound)?;
    let title = tr.t1("apply-start-title", "program", p.title.get(locale));
    let csrf = auth::issue_csrf(&state, &headers);
    let open = p.window(OffsetDateTime::now_utc()) == ApplicationWindow::Open;
    let template = MessageTemplate {
        layout: Layout::new(
            tr,
            &format!("/programs/{edition}/{program}/apply"),
            &title,
            &state.config,
        ),
        heading: title,
        paragraphs: if open {
            vec![tr.t("apply-start-body"), tr.t("apply-start-need")]
        } else {
            vec![tr.t("apply-closed")]
        },
        form: open.then(|| PostButton {
            action: format!("/programs/{edition}/{program}/apply"),
            csrf: csrf.token,
            label: tr.t("apply-start-submit"),
        }),
        link: None,
    };
    html(template, StatusCode::OK, csrf.set_cookie)
}

async fn start(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((edition, program)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let snapshot = state.catalog.get(&state.config).await?;
    let p = snapshot
        .program(&edition, &program)
        .ok_or(AppError::NotFound)?;
    match state
        .store
        .start_application(
            &applicant.applicant_id,
            &p.program_id,
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok((id, true)) => Ok(Redirect::to(&step_path(&id, Step::Identity)).into_response()),
        // One application per program: the existing one is where the applicant continues.
        Ok((id, false)) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(StoreError::Refused(_)) => {
            Ok(Redirect::to(&format!("/programs/{edition}/{program}/apply")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the steps ---------------------------------------------------------------------------------

/// The stored answers as the raw field values a form shows.
pub(super) fn values_of(record: &ApplicationRecord) -> HashMap<String, String> {
    let f = &record.form;
    let mut v: HashMap<String, String> = record
        .answers
        .iter()
        .map(|(k, a)| (format!("q_{k}"), a.clone()))
        .collect();
    let mut put = |k: &str, s: &Option<String>| {
        if let Some(s) = s {
            v.insert(k.to_owned(), s.clone());
        }
    };
    put("given_names", &f.given_names);
    put("family_name", &f.family_name);
    put("certificate_name", &f.certificate_name);
    put("nationality", &f.nationality);
    put("residence_country", &f.residence_country);
    put("phone", &f.phone);
    put("address_line1", &f.address_line1);
    put("address_line2", &f.address_line2);
    put("address_city", &f.address_city);
    put("address_postcode", &f.address_postcode);
    put("address_country", &f.address_country);
    put("category", &f.category);
    put("institution", &f.institution);
    put("institution_country", &f.institution_country);
    put("english_level", &f.english_level);
    put("motivation", &f.motivation);
    put("discount_code", &f.discount_code);
    if let Some(d) = f.birth_date {
        v.insert("birth_date-day".into(), d.day().to_string());
        v.insert("birth_date-month".into(), (d.month() as u8).to_string());
        v.insert("birth_date-year".into(), d.year().to_string());
    }
    if let Some(y) = f.study_year {
        v.insert("study_year".into(), y.to_string());
    }
    if let Some(p) = f.partner_university {
        v.insert(
            "partner_university".into(),
            if p { "yes" } else { "no" }.into(),
        );
    }
    if f.privacy_version.is_some() {
        v.insert("consent".into(), "yes".into());
    }
    v
}

fn country_options(tr: Tr, selected: &str) -> Vec<OptionView> {
    let mut options = vec![OptionView {
        value: String::new(),
        label: tr.t("choose-country"),
        selected: selected.is_empty(),
    }];
    options.extend(
        countries::sorted_for(tr.locale())
            .into_iter()
            .map(|c| OptionView {
                value: c.code.to_owned(),
                label: c.name(tr.locale()).to_owned(),
                selected: c.code == selected,
            }),
    );
    options
}

/// A `'static` name for a question's field, made once per question key (keys come from the catalog,
/// never from a request, so the set stays small).
fn field_id(key: &str) -> &'static str {
    static IDS: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<&'static str>>> =
        std::sync::OnceLock::new();
    let name = format!("q_{key}");
    let mut ids = IDS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(id) = ids.get(name.as_str()) {
        return id;
    }
    let id: &'static str = Box::leak(name.into_boxed_str());
    ids.insert(id);
    id
}

/// Parses the answers to the program's own questions.
pub(super) fn parse_answers(
    v: &HashMap<String, String>,
    questions: &[QuestionRecord],
) -> Result<Vec<(String, String)>, Vec<Problem>> {
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    for q in questions {
        let id = field_id(&q.key);
        match v.get(id).map(String::as_str).unwrap_or("") {
            "" if !q.required => {}
            raw => match form::parse_yes_no(id, raw) {
                Ok(yes) => answers.push((q.key.clone(), if yes { "yes" } else { "no" }.to_owned())),
                Err(p) => problems.push(p),
            },
        }
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(problems)
    }
}

/// A step's columns and, with the motivation, the answers to the program's own questions.
pub(super) type ParsedStep = (Vec<(FormColumn, FormValue)>, Vec<(String, String)>);

/// Parses a step and, with the motivation, the program's own questions.
pub(super) fn parse_all(
    step: Step,
    v: &HashMap<String, String>,
    today: time::Date,
    questions: &[QuestionRecord],
    tiers: &[FeeTierRecord],
) -> Result<ParsedStep, Vec<Problem>> {
    let mut columns = parse_step(step, v, today);
    // With several fee tiers, the applicant says which one they ask for (with the background).
    if step == Step::Background && tiers.len() > 1 {
        let raw = v
            .get("requested_fee_tier")
            .map(String::as_str)
            .unwrap_or("");
        let tier = tiers
            .iter()
            .find(|t| t.code == raw)
            .map(|t| {
                (
                    FormColumn::RequestedFeeTier,
                    FormValue::Text(Some(t.code.clone())),
                )
            })
            .ok_or(Problem {
                field: "requested_fee_tier",
                key: "error-choose-one",
                count: None,
            });
        columns = match (columns, tier) {
            (Ok(mut c), Ok(t)) => {
                c.push(t);
                Ok(c)
            }
            (Err(mut a), Err(b)) => {
                a.push(b);
                Err(a)
            }
            (Err(a), _) => Err(a),
            (_, Err(b)) => Err(vec![b]),
        };
    }
    let answers = if step == Step::Motivation {
        parse_answers(v, questions)
    } else {
        Ok(Vec::new())
    };
    match (columns, answers) {
        (Ok(columns), Ok(answers)) => Ok((columns, answers)),
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(a)
        }
        (Err(a), _) | (_, Err(a)) => Err(a),
    }
}

/// [`parse_all`], then the discount code (if the step carries one) checked against the program's
/// codes as they stand now, so the applicant learns at once that a code is unknown or used up.
pub(super) async fn parse_and_check(
    state: &AppState,
    step: Step,
    v: &HashMap<String, String>,
    now: OffsetDateTime,
    record: &ApplicationRecord,
) -> Result<Result<ParsedStep, Vec<Problem>>, AppError> {
    let parsed = parse_all(step, v, now.date(), &record.questions, &record.fee_tiers);
    let code = match &parsed {
        Ok((columns, _)) => columns.iter().find_map(|(c, v)| match (c, v) {
            (FormColumn::DiscountCode, FormValue::Text(Some(code))) => Some(code.clone()),
            _ => None,
        }),
        Err(_) => None,
    };
    let Some(code) = code else {
        return Ok(parsed);
    };
    let refusal = match state
        .store
        .discount_code_for(&record.program_id, &code)
        .await?
    {
        None => Some(crate::domain::fees::CodeRefusal::Unknown),
        Some(terms) => crate::domain::fees::check_code(&terms, &record.program_id, now).err(),
    };
    Ok(match refusal {
        None => parsed,
        Some(refusal) => Err(vec![Problem {
            field: "discount_code",
            key: refusal.key(),
            count: None,
        }]),
    })
}

fn fields_for(
    step: Step,
    tr: Tr,
    values: &HashMap<String, String>,
    problems: &[Problem],
    questions: &[QuestionRecord],
    tiers: &[FeeTierRecord],
) -> Vec<FieldView> {
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let error = |id: &str| {
        problems
            .iter()
            .find(|p| p.field == id)
            .map(|p| message(tr, p))
    };
    let label = |id: &str| tr.t(&format!("field-{id}"));
    let hint = |id: &str| Some(tr.t(&format!("field-{id}-hint")));
    let text =
        |id: &'static str, kind: &'static str, autocomplete: &'static str, with_hint: bool| {
            let mut f = FieldView::new(id, kind, label(id));
            f.value = value(id);
            f.error = error(id);
            f.autocomplete = autocomplete;
            if with_hint {
                f.hint = hint(id);
            }
            f
        };
    let country = |id: &'static str| {
        let mut f = FieldView::new(id, "select", label(id));
        f.options = country_options(tr, &value(id));
        f.error = error(id);
        f
    };
    let radios = |id: &'static str, options: Vec<(String, String)>, with_hint: bool| {
        let mut f = FieldView::new(id, "radios", label(id));
        let current = value(id);
        f.options = options
            .into_iter()
            .map(|(v, l)| OptionView {
                selected: v == current,
                value: v,
                label: l,
            })
            .collect();
        f.error = error(id);
        if with_hint {
            f.hint = hint(id);
        }
        f
    };
    match step {
        Step::Identity => {
            let mut birth = FieldView::new("birth_date", "date", label("birth_date"));
            birth.hint = hint("birth_date");
            birth.error = error("birth_date");
            birth.date = (
                value("birth_date-day"),
                value("birth_date-month"),
                value("birth_date-year"),
            );
            vec![
                text("given_names", "text", "given-name", true),
                text("family_name", "text", "family-name", false),
                text("certificate_name", "text", "name", true),
                birth,
                country("nationality"),
                country("residence_country"),
            ]
        }
        Step::Contact => vec![
            text("phone", "tel", "tel", true),
            text("address_line1", "text", "address-line1", false),
            text("address_line2", "text", "address-line2", false),
            text("address_city", "text", "address-level2", false),
            text("address_postcode", "text", "postal-code", false),
            country("address_country"),
        ],
        Step::Background => {
            let mut fields = vec![
                radios(
                    "category",
                    ApplicantCategory::ALL
                        .iter()
                        .map(|c| {
                            (
                                c.as_str().to_owned(),
                                tr.t(&format!("category-{}", c.as_str())),
                            )
                        })
                        .collect(),
                    false,
                ),
                text("study_year", "text", "", true),
                text("institution", "text", "organization", false),
                country("institution_country"),
                radios(
                    "partner_university",
                    vec![
                        ("yes".into(), tr.t("answer-yes")),
                        ("no".into(), tr.t("answer-no")),
                    ],
                    true,
                ),
                radios(
                    "english_level",
                    EnglishLevel::ALL
                        .iter()
                        .map(|l| {
                            (
                                l.as_str().to_owned(),
                                tr.t(&format!("english-{}", l.as_str())),
                            )
                        })
                        .collect(),
                    true,
                ),
            ];
            fields.push(text("discount_code", "text", "off", true));
            if tiers.len() > 1 {
                let options = tiers
                    .iter()
                    .map(|t| {
                        let label = format!(
                            "{}: {}",
                            t.label.get(tr.locale()),
                            t.amount.display(tr.locale())
                        );
                        (t.code.clone(), label)
                    })
                    .collect();
                fields.push(radios("requested_fee_tier", options, true));
            }
            fields
        }
        Step::Motivation => {
            let mut f = text("motivation", "textarea", "", false);
            f.hint = Some(tr.t_args(
                "field-motivation-hint",
                &[
                    ("min", (form::MOTIVATION_MIN as i64).into()),
                    ("max", (form::MOTIVATION_MAX as i64).into()),
                ],
            ));
            let mut fields = vec![f];
            for q in questions {
                let id = field_id(&q.key);
                let mut f = FieldView::new(id, "radios", q.label.get(tr.locale()).to_owned());
                f.hint = q.hint.as_ref().map(|h| h.get(tr.locale()).to_owned());
                f.error = error(id);
                let current = value(id);
                f.options = [("yes", "answer-yes"), ("no", "answer-no")]
                    .into_iter()
                    .map(|(v, l)| OptionView {
                        value: v.to_owned(),
                        label: tr.t(l),
                        selected: current == v,
                    })
                    .collect();
                fields.push(f);
            }
            fields
        }
        Step::Declaration => {
            let mut f = FieldView::new("consent", "checkbox", label("consent"));
            f.checked = value("consent") == "yes";
            f.error = error("consent");
            f.hint = Some(tr.t_args(
                "field-consent-hint",
                &[
                    ("privacy", PRIVACY_VERSION.into()),
                    ("terms", TERMS_VERSION.into()),
                ],
            ));
            vec![f]
        }
    }
}

/// Parses one step's fields into what the store saves, or every problem found.
pub(super) fn parse_step(
    step: Step,
    v: &HashMap<String, String>,
    today: time::Date,
) -> Result<Vec<(FormColumn, FormValue)>, Vec<Problem>> {
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut take = |column: FormColumn, r: Result<FormValue, Problem>| match r {
        Ok(value) => out.push((column, value)),
        Err(p) => problems.push(p),
    };
    let text = |s: String| FormValue::Text(Some(s));
    let country = |field: &'static str| {
        CountryCode::parse(get(field))
            .map(|c| FormValue::Text(Some(c.as_str().to_owned())))
            .map_err(|_| Problem {
                field,
                key: "error-country",
                count: None,
            })
    };
    match step {
        Step::Identity => {
            take(
                FormColumn::GivenNames,
                form::PersonName::parse("given_names", get("given_names"))
                    .map(|n| text(n.as_str().to_owned())),
            );
            take(
                FormColumn::FamilyName,
                form::PersonName::parse("family_name", get("family_name"))
                    .map(|n| text(n.as_str().to_owned())),
            );
            take(
                FormColumn::CertificateName,
                form::parse_certificate_name(get("certificate_name"), fonts::undrawable_chars)
                    .map(|n| text(n.as_str().to_owned())),
            );
            take(
                FormColumn::BirthDate,
                form::parse_birth_date(
                    get("birth_date-day"),
                    get("birth_date-month"),
                    get("birth_date-year"),
                    today,
                )
                .map(|d| FormValue::Date(Some(d))),
            );
            take(FormColumn::Nationality, country("nationality"));
            take(FormColumn::ResidenceCountry, country("residence_country"));
        }
        Step::Contact => {
            take(
                FormColumn::Phone,
                form::PhoneNumber::parse(get("phone")).map(|p| text(p.as_str().to_owned())),
            );
            take(
                FormColumn::AddressLine1,
                form::parse_text("address_line1", get("address_line1"), true, 200)
                    .map(FormValue::Text),
            );
            take(
                FormColumn::AddressLine2,
                form::parse_text("address_line2", get("address_line2"), false, 200)
                    .map(FormValue::Text),
            );
            take(
                FormColumn::AddressCity,
                form::parse_text("address_city", get("address_city"), true, 100)
                    .map(FormValue::Text),
            );
            take(
                FormColumn::AddressPostcode,
                form::parse_text("address_postcode", get("address_postcode"), false, 20)
                    .map(FormValue::Text),
            );
            take(FormColumn::AddressCountry, country("address_country"));
        }
        Step::Background => {
            let category = form::parse_category(get("category"));
            if let Ok(ApplicantCategory::MedicalStudent) = category {
                take(
                    FormColumn::StudyYear,
                    form::parse_study_year(get("study_year")).map(|y| FormValue::Int(Some(y))),
                );
            } else {
                take(FormColumn::StudyYear, Ok(FormValue::Int(None)));
            }
            take(
                FormColumn::Category,
                category.map(|c| text(c.as_str().to_owned())),
            );
            take(
                FormColumn::Institution,
                form::parse_text("institution", get("institution"), true, 200).map(FormValue::Text),
            );
            take(
                FormColumn::InstitutionCountry,
                country("institution_country"),
            );
            take(
                FormColumn::PartnerUniversity,
                form::parse_yes_no("partner_university", get("partner_university"))
                    .map(|b| FormValue::Bool(Some(b))),
            );
            take(
                FormColumn::EnglishLevel,
                EnglishLevel::parse(get("english_level")).map(|l| text(l.as_str().to_owned())),
            );
            // Optional; whether the program has such a code is checked with the store
            // (see `parse_and_check`).
            take(
                FormColumn::DiscountCode,
                match get("discount_code").trim() {
                    "" => Ok(FormValue::Text(None)),
                    typed => crate::domain::fees::normalize_code(typed)
                        .map(&text)
                        .map_err(|refusal| Problem {
                            field: "discount_code",
                            key: refusal.key(),
                            count: None,
                        }),
                },
            );
        }
        Step::Motivation => {
            take(
                FormColumn::Motivation,
                form::parse_motivation(get("motivation")).map(text),
            );
        }
        Step::Declaration => {
            if get("consent") == "yes" {
                take(
                    FormColumn::PrivacyVersion,
                    Ok(text(PRIVACY_VERSION.to_owned())),
                );
                take(FormColumn::TermsVersion, Ok(text(TERMS_VERSION.to_owned())));
                take(
                    FormColumn::ConsentedAt,
                    Ok(FormValue::Time(Some(OffsetDateTime::now_utc()))),
                );
            } else {
                take(
                    FormColumn::PrivacyVersion,
                    Err(Problem {
                        field: "consent",
                        key: "error-consent",
                        count: None,
                    }),
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Loads a draft of the applicant's; a sent application's steps lead to its page.
async fn draft(
    state: &AppState,
    applicant_id: &str,
    id: &str,
) -> Result<Result<ApplicationRecord, Response>, AppError> {
    let record = state.store.application(applicant_id, id).await?;
    if record.status != ApplicationStatus::Draft {
        return Ok(Err(
            Redirect::to(&format!("/applications/{id}")).into_response()
        ));
    }
    Ok(Ok(record))
}

/// What differs between the application's form pages.
struct FormPage {
    path: String,
    heading: String,
    back: String,
    multipart: bool,
    fields: Vec<FieldView>,
}

/// Renders one of the application's form pages, with the error summary and the "Error:" title when
/// there are problems (and status 422, so that scripts see the refusal too).
fn render_form(
    state: &AppState,
    tr: Tr,
    record: &ApplicationRecord,
    page: FormPage,
    problems: &[Problem],
    csrf: auth::Csrf,
) -> Result<Response, AppError> {
    let title = if problems.is_empty() {
        page.heading.clone()
    } else {
        format!("{} {}", tr.t("error-title-prefix"), page.heading)
    };
    let template = FormTemplate {
        layout: Layout::new(tr, &page.path, &title, &state.config),
        errors: problems
            .iter()
            .map(|p| FieldError {
                field: p.field.to_owned(),
                message: message(tr, p),
            })
            .collect(),
        back: Some(page.back),
        caption: caption(tr, record),
        heading: page.heading,
        action: page.path,
        multipart: page.multipart,
        csrf: csrf.token,
        fields: page.fields,
        submit_label: tr.t("button-continue"),
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html(template, status, csrf.set_cookie)
}

fn render_step(
    state: &AppState,
    tr: Tr,
    record: &ApplicationRecord,
    step: Step,
    values: &HashMap<String, String>,
    problems: &[Problem],
    csrf: auth::Csrf,
) -> Result<Response, AppError> {
    let id = &record.application_id;
    let page = FormPage {
        path: step_path(id, step),
        heading: step.title(tr),
        back: step.back_path(id),
        multipart: false,
        fields: fields_for(
            step,
            tr,
            values,
            problems,
            &record.questions,
            &record.fee_tiers,
        ),
    };
    render_form(state, tr, record, page, problems, csrf)
}

async fn step_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, step)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let step = Step::parse(&step).ok_or(AppError::NotFound)?;
    let record = match draft(&state, &applicant.applicant_id, &id).await? {
        Ok(r) => r,
        Err(redirect) => return Ok(redirect),
    };
    let csrf = auth::issue_csrf(&state, &headers);
    render_step(
        &state,
        Tr(locale),
        &record,
        step,
        &values_of(&record),
        &[],
        csrf,
    )
}

async fn save_step(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, step)): Path<(String, String)>,
    Form(raw): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    auth::check_csrf(
        &state,
        &headers,
        raw.get("csrf").map(String::as_str).unwrap_or(""),
    )?;
    let step = Step::parse(&step).ok_or(AppError::NotFound)?;
    let record = match draft(&state, &applicant.applicant_id, &id).await? {
        Ok(r) => r,
        Err(redirect) => return Ok(redirect),
    };
    let now = OffsetDateTime::now_utc();
    match parse_and_check(&state, step, &raw, now, &record).await? {
        Ok((values, answers)) => {
            state
                .store
                .save_form(&applicant.applicant_id, &id, &values, now)
                .await?;
            if !answers.is_empty() {
                state
                    .store
                    .save_answers(&applicant.applicant_id, &id, &answers, now)
                    .await?;
            }
            let next = if raw.get("return").map(String::as_str) == Some("check") {
                format!("/applications/{id}/check")
            } else {
                step.next_path(&id)
            };
            Ok(Redirect::to(&next).into_response())
        }
        Err(problems) => {
            let csrf = auth::issue_csrf(&state, &headers);
            render_step(&state, Tr(locale), &record, step, &raw, &problems, csrf)
        }
    }
}

// ---- documents ---------------------------------------------------------------------------------

/// Whether the application asks for a tier other than the standard one (a proof is then needed).
fn asks_reduced(record: &ApplicationRecord) -> bool {
    record
        .form
        .requested_fee_tier
        .as_deref()
        .and_then(|code| record.fee_tiers.iter().find(|t| t.code == code))
        .is_some_and(|t| !t.is_standard)
}

/// The documents this application needs: a proof too when it asks for a reduced tier.
pub(super) fn needed_documents(record: &ApplicationRecord) -> Vec<DocumentKind> {
    form::needed_documents(asks_reduced(record))
}

/// What the draft still lacks before it can be sent (the domain's rule, fed from the record).
pub(super) fn gaps(record: &ApplicationRecord) -> Vec<form::Gap> {
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

fn size_text(bytes: i64, locale: Locale) -> String {
    let kb = (bytes + 1023) / 1024;
    match (kb >= 1024, locale) {
        (true, Locale::En) => format!("{}.{} MB", kb / 1024, (kb % 1024) * 10 / 1024),
        (true, Locale::Fr) => format!("{},{} Mo", kb / 1024, (kb % 1024) * 10 / 1024),
        (false, Locale::En) => format!("{kb} KB"),
        (false, Locale::Fr) => format!("{kb} Ko"),
    }
}

fn render_documents(
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
                .map(|p| message(tr, p));
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

async fn documents_page(
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
async fn upload(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let record = match draft(&state, &applicant.applicant_id, &id).await? {
        Ok(r) => r,
        Err(redirect) => return Ok(redirect),
    };
    let mut csrf = String::new();
    let mut files: Vec<(DocumentKind, String, Bytes)> = Vec::new();
    let mut problems = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                // The body was cut short or is over the limit: say so on the form, store nothing.
                tracing::info!(error = %e, "upload refused while reading");
                problems.push(Problem {
                    field: "cv",
                    key: "error-file-too-large",
                    count: None,
                });
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "csrf" {
            csrf = field.text().await.unwrap_or_default();
            continue;
        }
        let Some(kind) = needed_documents(&record)
            .iter()
            .find(|k| k.as_str() == name)
            .copied()
        else {
            continue;
        };
        let file_name = field.file_name().unwrap_or("").to_owned();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(_) => {
                problems.push(Problem {
                    field: kind.as_str(),
                    key: "error-file-too-large",
                    count: None,
                });
                break;
            }
        };
        if bytes.is_empty() && file_name.is_empty() {
            continue; // no file chosen for this document
        }
        files.push((kind, file_name, bytes));
    }
    auth::check_csrf(&state, &headers, &csrf)?;
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
        .application(&applicant.applicant_id, &id)
        .await?;
    let missing: Vec<Problem> = needed_documents(&record)
        .iter()
        .filter(|k| !record.documents.iter().any(|d| d.kind == **k))
        .map(|k| Problem {
            field: k.as_str(),
            key: "error-file-required",
            count: None,
        })
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

async fn download(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, document_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let d = state
        .store
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
        super::content_disposition("attachment", &d.file_name),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

// ---- check, submit, view, withdraw --------------------------------------------------------------

fn country_name(code: &Option<String>, locale: Locale) -> String {
    code.as_deref()
        .and_then(countries::by_code)
        .map(|c| c.name(locale).to_owned())
        .unwrap_or_default()
}

pub(super) fn sections(tr: Tr, r: &ApplicationRecord) -> Vec<CheckSection> {
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

async fn check(
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

async fn submit(
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
pub(super) enum Submitted {
    Sent,
    /// Answers or documents are missing.
    Incomplete,
    /// Already sent, or the window has closed.
    NotOpen,
}

/// Sends a complete draft: the status change, its audit event and the "application received" email are
/// written in one transaction.
pub(super) async fn send(
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

/// Keeps a checked file as the application's document of `kind` (replacing the previous one); the
/// file is written before the row, and removed again if the row is refused.
#[allow(clippy::too_many_arguments)]
pub(super) async fn store_document(
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
    match state.store.put_document(applicant_id, id, &new, now).await {
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

#[derive(serde::Deserialize)]
struct ViewQuery {
    sent: Option<String>,
}

async fn view(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<ViewQuery>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let record = state
        .store
        .application(&applicant.applicant_id, &id)
        .await?;
    let timeline = state.store.timeline(&applicant.applicant_id, &id).await?;
    let standing = state.store.standing(&id).await?;
    let receipts = state.store.receipts(&id).await?;
    let certificates = state.store.certificates_of(&id).await?;
    let csrf = auth::issue_csrf(&state, &headers);
    let program = record.program_title.get(locale);
    let status = record.status;
    let money = |cents: i64| {
        crate::domain::money::Money::eur(cents)
            .map(|m| m.display(locale))
            .unwrap_or_default()
    };
    let mut next_details = Vec::new();
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
    let banner = (q.sent.is_some() && status == ApplicationStatus::Submitted).then(|| {
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
                    && offer.total_cents > 0 =>
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
    html(template, StatusCode::OK, csrf.set_cookie)
}

/// A receipt or credit note of the applicant's own application, printed again from its record.
async fn download_receipt(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    // NotFound unless the application is the applicant's.
    state
        .store
        .application(&applicant.applicant_id, &id)
        .await?;
    let receipt = state
        .store
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
async fn own_certificate(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    code: &str,
) -> Result<crate::store::certificates::StoredCertificate, AppError> {
    state.store.application(applicant_id, id).await?;
    state
        .store
        .certificates_of(id)
        .await?
        .into_iter()
        .find(|c| c.record.verification_code == code)
        .ok_or(AppError::NotFound)
}

/// The certificate's PDF, printed again from its signed record.
async fn download_certificate(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let c = own_certificate(&state, &applicant.applicant_id, &id, &code).await?;
    let signature: [u8; 64] =
        c.signature.as_slice().try_into().map_err(|_| {
            AppError::Internal(anyhow::anyhow!("a stored signature is not 64 bytes"))
        })?;
    Ok(crate::http::pdf_response(
        &format!("{}.pdf", c.record.serial),
        crate::documents::certificate::render_with(
            &c.record,
            &signature,
            state.signatures.for_record(&c.record).as_deref(),
        ),
    ))
}

/// The certificate as an Open Badges 3.0 credential with its `eddsa-jcs-2022` proof.
async fn download_badge(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let c = own_certificate(&state, &applicant.applicant_id, &id, &code).await?;
    let base = state.config.public_url.trim_end_matches('/');
    let key = &state.signing_key;
    let multikey = crate::domain::badge::multikey(&key.verifying_key());
    let r = &c.record;
    let badge = crate::domain::badge::open_badge(
        r,
        &format!("{base}/certificates/key.json"),
        &format!("{}#achievement", r.verification_url),
        &format!(
            "{} — {}, {} h, {} ECTS",
            r.course.title, r.course.place, r.course.hours, r.course.ects
        ),
    );
    let secured = crate::domain::badge::add_proof(
        &badge,
        &crate::domain::badge::ProofOptions {
            created: format!("{}T00:00:00Z", r.issued_on),
            verification_method: format!("{base}/certificates/key.json#{multikey}"),
        },
        key,
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

async fn withdraw(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    match state
        .store
        .withdraw_application(&applicant.applicant_id, &id, OffsetDateTime::now_utc())
        .await
    {
        Ok(()) | Err(StoreError::Refused(_)) => {
            Ok(Redirect::to(&format!("/applications/{id}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

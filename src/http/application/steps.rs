//! The form's steps: each shows its fields with what was typed, checks them and saves what parses.

use super::*;

/// The stored answers as the raw field values a form shows.
pub(in crate::http) fn values_of(record: &ApplicationRecord) -> HashMap<String, String> {
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

pub(super) fn country_options(tr: Tr, selected: &str) -> Vec<OptionView> {
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
pub(super) fn field_id(key: &str) -> &'static str {
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
pub(in crate::http) fn parse_answers(
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
pub(in crate::http) type ParsedStep = (Vec<(FormColumn, FormValue)>, Vec<(String, String)>);

/// Parses a step and, with the motivation, the program's own questions.
pub(in crate::http) fn parse_all(
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
            .ok_or(Problem::new("requested_fee_tier", "error-choose-one"));
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
pub(in crate::http) async fn parse_and_check(
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
        .discounts()
        .discount_code_for(&record.program_id, &code)
        .await?
    {
        None => Some(crate::domain::fees::CodeRefusal::Unknown),
        Some(terms) => crate::domain::fees::check_code(&terms, &record.program_id, now).err(),
    };
    Ok(match refusal {
        None => parsed,
        Some(refusal) => Err(vec![Problem::new("discount_code", refusal.key())]),
    })
}

pub(super) fn fields_for(
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
            .map(|p| tr.problem(p))
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
pub(in crate::http) fn parse_step(
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
                form::parse_certificate_name(get("certificate_name"), &layout::CERTIFICATE_NAME)
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
                        .map_err(|refusal| Problem::new("discount_code", refusal.key())),
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
                    Err(Problem::new("consent", "error-consent")),
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
pub(super) async fn draft(
    state: &AppState,
    applicant_id: &str,
    id: &str,
) -> Result<Result<ApplicationRecord, Response>, AppError> {
    let record = state
        .store
        .applications()
        .application(applicant_id, id)
        .await?;
    if record.status != ApplicationStatus::Draft {
        return Ok(Err(
            Redirect::to(&format!("/applications/{id}")).into_response()
        ));
    }
    Ok(Ok(record))
}

/// What differs between the application's form pages.
pub(super) struct FormPage {
    pub(super) path: String,
    pub(super) heading: String,
    pub(super) back: String,
    pub(super) multipart: bool,
    pub(super) fields: Vec<FieldView>,
}

/// Renders one of the application's form pages, with the error summary and the "Error:" title when
/// there are problems (and status 422, so that scripts see the refusal too).
pub(super) fn render_form(
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
        errors: problems.iter().map(|p| FieldError::of(tr, p)).collect(),
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

pub(super) fn render_step(
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

pub(super) async fn step_page(
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

pub(super) async fn save_step(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, step)): Path<(String, String)>,
    CsrfForm(raw): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
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
                .applications()
                .save_form(&applicant.applicant_id, &id, &values, now)
                .await?;
            if !answers.is_empty() {
                state
                    .store
                    .applications()
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

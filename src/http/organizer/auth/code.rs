//! The second step of a two-factor sign-in: the session that a password opened waits here for the
//! authenticator's code, which replaces it with a full session; failures count toward the same
//! lockout as wrong passwords.

use super::*;

fn render_code(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    next: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let csrf = site_auth::issue_csrf(state, headers);
    let heading = tr.t("organizer-code-title");
    let title = match error {
        Some(_) => format!("{} {heading}", tr.t("error-title-prefix")),
        None => heading,
    };
    let template = CodePage {
        layout: Layout::new(tr, "/organizer/sign-in/code", &title, &state.config),
        errors: error
            .iter()
            .map(|m| FieldError {
                field: "code".into(),
                message: m.clone(),
            })
            .collect(),
        csrf: csrf.token,
        next,
        code_error: error,
    };
    page(template, status, csrf.set_cookie)
}

pub(super) async fn code_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = next_path(q.next);
    match current_session(&state, &headers).await? {
        Some((_, s)) if s.second_factor_pending => {
            render_code(&state, Tr(locale), &headers, next, None, StatusCode::OK)
        }
        Some(_) => Ok(Redirect::to(&next).into_response()),
        None => Ok(Redirect::to("/organizer/sign-in").into_response()),
    }
}

#[derive(Deserialize, Validate)]
pub(super) struct CodeForm {
    #[serde(default)]
    next: String,
    /// The six digits of the authenticator app, trimmed.
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(required(code = "organizer-error-code-empty"))]
    code: Option<String>,
}

impl Checked for CodeForm {
    const FIELDS: &'static [&'static str] = &["code"];
}

/// Ends a pending session after its account locked, and answers with the sign-in page.
async fn locked_out(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    pending_hash: &str,
    email: String,
    until: OffsetDateTime,
) -> Result<Response, AppError> {
    state
        .store
        .organizer_sessions()
        .end_organizer_session(pending_hash, OffsetDateTime::now_utc())
        .await?;
    let message = tr.t1("organizer-error-locked", "time", paris_time(until));
    // The form that follows binds to no organizer session any more.
    let mut response = refused(
        state,
        tr,
        &without_cookie(headers, ORGANIZER_COOKIE),
        "/organizer".into(),
        email,
        message,
        StatusCode::TOO_MANY_REQUESTS,
    )?;
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(ORGANIZER_COOKIE, site_auth::is_secure(state)),
    );
    Ok(response)
}

/// The request's headers as if cookie `name` were gone.
fn without_cookie(headers: &HeaderMap, name: &str) -> HeaderMap {
    let prefix = format!("{name}=");
    let kept: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && !pair.starts_with(&prefix))
        .map(str::to_owned)
        .collect();
    let mut out = headers.clone();
    out.remove(header::COOKIE);
    if let Ok(v) = HeaderValue::from_str(&kept.join("; "))
        && !kept.is_empty()
    {
        out.insert(header::COOKIE, v);
    }
    out
}

#[tracing::instrument(skip_all)]
pub(super) async fn code(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let next = next_path(Some(f.next.clone()));
    let Some((pending_hash, session)) = current_session(&state, &headers)
        .await?
        .filter(|(_, s)| s.second_factor_pending)
    else {
        return Ok(Redirect::to("/organizer/sign-in").into_response());
    };
    let email = EmailAddress::parse(&session.email).map_err(|e| AppError::Internal(e.into()))?;
    let requester = requester(&state, &headers, peer);
    let email_key = email_key(&state, email.as_str());
    let attempt = SignInAttempt {
        email: &email,
        email_key: &email_key,
        requester: &requester,
        policy: LockoutPolicy::default(),
    };
    let now = OffsetDateTime::now_utc();
    match state
        .store
        .organizer_sessions()
        .sign_in_gate(&attempt, now)
        .await?
    {
        SignInGate::Throttled => {
            let message = tr.t("organizer-error-throttled");
            return render_code(
                &state,
                tr,
                &headers,
                next,
                Some(message),
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
        SignInGate::Locked { until } => {
            return locked_out(&state, tr, &headers, &pending_hash, session.email, until).await;
        }
        SignInGate::Check(_) => {}
    }
    let code = match (&f.code, f.problems().first()) {
        (Some(code), None) => code,
        (_, problem) => {
            let message = problem.map(|p| tr.problem(p));
            return render_code(
                &state,
                tr,
                &headers,
                next,
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let totp = state
        .store
        .organizer_sessions()
        .organizer_totp(&session.organizer_id)
        .await?;
    let step = totp.as_ref().and_then(|t| {
        TotpSecret::parse_base32(&t.secret)
            .ok()?
            .verify(code, now, t.last_step)
    });
    if let Some(step) = step {
        let token = site_auth::random_token();
        let session_hash = site_auth::sha256_hex(&token);
        let full = NewOrganizerSession {
            session_hash: &session_hash,
            expires_at: now + SESSION_TTL,
            second_factor_pending: false,
            replaces: Some(&pending_hash),
        };
        match state
            .store
            .organizer_sessions()
            .complete_second_factor(&pending_hash, step, &full, now)
            .await
        {
            Ok(()) => {
                tracing::info!(organizer_id = %session.organizer_id, "organizer passed the second factor");
                return Ok(with_session_cookie(
                    Redirect::to(&next).into_response(),
                    &state,
                    &token,
                    SESSION_TTL,
                ));
            }
            Err(StoreError::Refused(_)) => {}
            Err(StoreError::NotFound) => {
                return Ok(Redirect::to("/organizer/sign-in").into_response());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let lock = state
        .store
        .organizer_sessions()
        .record_failed_sign_in(&attempt, Some(&session.organizer_id), now)
        .await?;
    tracing::info!(locked = lock.is_some(), "organizer code refused");
    match lock {
        Some(until) => locked_out(&state, tr, &headers, &pending_hash, session.email, until).await,
        None => {
            let message = tr.t("organizer-error-code-wrong");
            render_code(
                &state,
                tr,
                &headers,
                next,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

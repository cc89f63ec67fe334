//! The authorization endpoint (RFC 6749 §4.1, OIDC Core §3.1.2): `GET`/`POST /authorize`, and
//! the consent decision, `POST /authorize/decision`. Sign-in goes through `/login`, which
//! carries the request and comes back here through [`continue_after_sign_in`].

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::errors::allow_form_redirect_to;
use super::form::{Form, query_or_form};
use super::verification::{browser, browser_cookie, checked_form, page, say, unavailable};
use crate::app::App;
use crate::app::authorize::{AuthorizeRefusal, CheckedRequest, NextStep};
use crate::domain::authorization::AuthorizationParams;
use crate::domain::user::User;
use crate::pages::authorize::{AppConsent, app_consent};
use crate::pages::device::{Login, ScopeLine, login, scope_words};
use crate::telemetry;

fn params_from(form: &Form) -> AuthorizationParams {
    let get = |name: &str| form.get(name).map(str::to_owned);
    AuthorizationParams {
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        response_type: get("response_type"),
        response_mode: get("response_mode"),
        scope: get("scope"),
        state: get("state"),
        nonce: get("nonce"),
        code_challenge: get("code_challenge"),
        code_challenge_method: get("code_challenge_method"),
        prompt: get("prompt"),
        max_age: get("max_age"),
        request: get("request"),
        request_uri: get("request_uri"),
        registration: get("registration"),
    }
}

/// The request as one form field, to carry through the sign-in and consent forms.
fn request_field(params: &AuthorizationParams) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    let fields = [
        ("client_id", &params.client_id),
        ("redirect_uri", &params.redirect_uri),
        ("response_type", &params.response_type),
        ("scope", &params.scope),
        ("state", &params.state),
        ("nonce", &params.nonce),
        ("code_challenge", &params.code_challenge),
        ("code_challenge_method", &params.code_challenge_method),
        ("prompt", &params.prompt),
        ("max_age", &params.max_age),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            out.append_pair(name, value);
        }
    }
    out.finish()
}

/// A carried request, read back. Anything unreadable is treated like a broken link.
pub(super) fn params_from_field(field: &str) -> Option<AuthorizationParams> {
    Form::parse_pairs(field).ok().map(|form| params_from(&form))
}

fn redirect(status: StatusCode, location: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .finish()
}

fn broken_link(why: &str) -> HttpResponse {
    say(
        StatusCode::BAD_REQUEST,
        "This sign-in cannot continue",
        why,
        false,
    )
}

fn refused(refusal: AuthorizeRefusal, status: StatusCode) -> HttpResponse {
    match refusal {
        AuthorizeRefusal::Page(why) => broken_link(&why),
        AuthorizeRefusal::Redirect(location) => redirect(status, &location),
        AuthorizeRefusal::Unavailable(detail) => {
            tracing::error!(error = %detail, "an authorization request failed on our side");
            unavailable()
        }
    }
}

fn signed_in_as(user: &User) -> &str {
    user.display_name
        .as_deref()
        .unwrap_or(user.username.as_str())
}

/// Renders the next step. `status` is the redirect status: 302 after a GET, 303 after a POST.
fn render_step(
    app: &App,
    cookie: &str,
    fresh: Option<Cookie<'static>>,
    checked: &CheckedRequest,
    user: Option<&User>,
    step: NextStep,
    status: StatusCode,
) -> HttpResponse {
    let token = app.form_token(cookie);
    let field = request_field(&checked.request.to_params());
    let mut response = match (step, user) {
        (NextStep::Redirect(location), _) => redirect(status, &location),
        (NextStep::Consent, Some(user)) => {
            let scopes: Vec<ScopeLine> = checked
                .request
                .scopes
                .iter()
                .map(|s| ScopeLine {
                    scope: s.to_string(),
                    words: scope_words(s.as_str()),
                })
                .collect();
            let returns_to = url::Url::parse(&checked.request.redirect_uri)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| checked.request.redirect_uri.clone());
            page(
                StatusCode::OK,
                app_consent(&AppConsent {
                    csrf_token: &token,
                    app_name: &checked.client.name,
                    request: &field,
                    scopes: &scopes,
                    signed_in_as: signed_in_as(user),
                    returns_to: &returns_to,
                }),
                None,
            )
        }
        (NextStep::SignIn | NextStep::Consent, _) => page(
            StatusCode::OK,
            login(&Login {
                csrf_token: &token,
                app: Some((&checked.client.name, &field)),
                ..Login::default()
            }),
            None,
        ),
    };
    allow_form_redirect_to(&mut response, &checked.request.redirect_uri);
    if let Some(cookie) = fresh {
        let _ = response.add_cookie(&cookie);
    }
    response
}

/// `GET`/`POST /authorize`. A POST is the same request sent as a form (OIDC Core §3.1.2.1); it
/// carries no form token, and changes nothing until the person acts.
pub async fn authorize(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    let is_post = request.method() == actix_web::http::Method::POST;
    let form = match query_or_form(&request, payload).await {
        Ok(form) => form,
        Err(why) => return broken_link(why),
    };
    let params = params_from(&form);
    let Some((cookie, fresh)) = browser(&request, &app) else {
        return unavailable();
    };
    let session_cookie = cookie.clone();
    let outcome = on_blocking_pool(&app, move |app| {
        let checked = app.check_authorization_request(&params)?;
        let signed_in = app.signed_in(&session_cookie)?;
        let step = app.authorization_step(&checked, signed_in.as_ref(), false)?;
        Ok::<_, AuthorizeRefusal>((checked, signed_in.map(|(_, user)| user), step))
    })
    .await;
    let status = if is_post {
        StatusCode::SEE_OTHER
    } else {
        StatusCode::FOUND
    };
    match outcome {
        Ok(Ok((checked, user, step))) => {
            render_step(&app, &cookie, fresh, &checked, user.as_ref(), step, status)
        }
        Ok(Err(refusal)) => refused(refusal, status),
        Err(_) => unavailable(),
    }
}

/// The name of the app a carried request is from and where it returns to, for the sign-in page.
pub(super) fn carried_app(app: &App, field: &str) -> Option<(String, String)> {
    let params = params_from_field(field)?;
    app.check_authorization_request(&params)
        .ok()
        .map(|checked| (checked.client.name, checked.request.redirect_uri))
}

/// What follows a sign-in made with an authorization request in hand.
pub(super) type AfterSignIn = Result<(CheckedRequest, User, NextStep), AuthorizeRefusal>;

/// Runs on the blocking pool, right after `/login` opened the session behind `new_cookie`.
pub(super) fn after_sign_in(app: &App, new_cookie: &str, field: &str) -> AfterSignIn {
    let params = params_from_field(field).ok_or_else(|| {
        AuthorizeRefusal::Page("The sign-in request was damaged on the way.".into())
    })?;
    let checked = app.check_authorization_request(&params)?;
    let signed_in = app
        .signed_in(new_cookie)?
        .ok_or_else(|| AuthorizeRefusal::Unavailable("a new session vanished".into()))?;
    let step = app.authorization_step(&checked, Some(&signed_in), true)?;
    Ok((checked, signed_in.1, step))
}

/// On to consent or back to the app, under the new session's cookie.
pub(super) fn render_after_sign_in(
    app: &App,
    new_cookie: &str,
    fresh: Cookie<'static>,
    after: AfterSignIn,
) -> HttpResponse {
    match after {
        Ok((checked, user, step)) => render_step(
            app,
            new_cookie,
            Some(fresh),
            &checked,
            Some(&user),
            step,
            StatusCode::SEE_OTHER,
        ),
        Err(refusal) => {
            let mut response = refused(refusal, StatusCode::SEE_OTHER);
            let _ = response.add_cookie(&fresh);
            response
        }
    }
}

/// `POST /authorize/decision`: Allow or Deny, as the signed-in person.
pub async fn decision(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    let (cookie, form) = match checked_form(&request, payload, &app).await {
        Ok(checked) => checked,
        Err(response) => return response,
    };
    let approve = match form.get("decision") {
        Some("approve") => true,
        Some("deny") => false,
        _ => {
            return say(
                StatusCode::BAD_REQUEST,
                "Choose Allow or Deny",
                "The form did not say which.",
                false,
            );
        }
    };
    let Some(params) = form.get("authorize").and_then(params_from_field) else {
        return broken_link("The sign-in request was damaged on the way.");
    };
    let session_cookie = cookie.clone();
    let outcome = on_blocking_pool(&app, move |app| {
        let checked = app.check_authorization_request(&params)?;
        match app.signed_in(&session_cookie)? {
            Some((session, user)) => Ok(Ok(
                app.decide_authorization(&checked, &session, &user, approve)?
            )),
            None => Ok(Err(checked)),
        }
    })
    .await;
    match outcome {
        Ok(Ok(Ok(location))) => {
            telemetry::decision("app", approve);
            redirect(StatusCode::SEE_OTHER, &location)
        }
        Ok(Ok(Err(checked))) => {
            // The session ended while the page was open: sign in again, then decide.
            let token = browser_cookie(&request, &app)
                .map(|c| app.form_token(&c))
                .unwrap_or_default();
            let field = request_field(&checked.request.to_params());
            let mut response = page(
                StatusCode::UNAUTHORIZED,
                login(&Login {
                    csrf_token: &token,
                    app: Some((&checked.client.name, &field)),
                    problem: Some("Your sign-in has expired. Sign in again to continue."),
                    ..Login::default()
                }),
                None,
            );
            allow_form_redirect_to(&mut response, &checked.request.redirect_uri);
            response
        }
        Ok(Err(refusal)) => refused(refusal, StatusCode::SEE_OTHER),
        Err(_) => unavailable(),
    }
}

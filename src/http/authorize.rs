//! The authorization endpoint (RFC 6749 §4.1, OIDC Core §3.1.2): `GET`/`POST /authorize`, and
//! the consent decision, `POST /authorize/decision`. Sign-in goes through `/login`, which
//! carries the request and renders what follows with [`app_step_page`].

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{
    Browser, PageError, PageForm, not_for_you_page, page, say, sign_in_page, with_cookie,
};
use super::errors::allow_form_redirect_to;
use super::form::{Form, RequestProblem, query_or_form};
use crate::app::App;
use crate::app::authorize::{AuthorizeRefusal, CheckedRequest, NextStep};
use crate::app::person::{AppDecision, AppStep, known_as};
use crate::domain::authorization::AuthorizationParams;
use crate::domain::refusal::AppRefusal;
use crate::domain::user::User;
use crate::pages::authorize::{AppConsent, app_consent};
use crate::pages::device::{Login, ScopeLine, scope_words};
use crate::pages::layout::Frame;
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

/// Where the request goes once the person has just signed in for it: the same request, asked
/// again by a GET (Post/Redirect/Get), with `prompt=login` and `max_age` met.
pub(super) fn again_signed_in(checked: &CheckedRequest) -> String {
    let params = checked.request.signed_in_afresh().to_params();
    format!("/authorize?{}", request_field(&params))
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

/// Why an app's request is refused, in the person's language.
pub(super) fn refusal_words(frame: &Frame, why: AppRefusal) -> String {
    match why {
        AppRefusal::AppUnnamed => frame.text("app-unnamed"),
        AppRefusal::AppUnknown => frame.text_with_site("app-unknown"),
        AppRefusal::ReturnUnregistered => frame.text("return-unregistered"),
        AppRefusal::ReturnUnnamed => frame.text("return-unnamed"),
        AppRefusal::ReturnInvalid => frame.text("return-invalid"),
        AppRefusal::ReturnInsecure => frame.text("return-insecure"),
        AppRefusal::Damaged => frame.text("request-damaged"),
        AppRefusal::SignOutUnverifiable => frame.text_with_site("sign-out-unverifiable"),
        AppRefusal::SignOutContradicts => frame.text("sign-out-contradicts"),
        AppRefusal::SignOutReturnUnregistered => frame.text("sign-out-return-unregistered"),
        AppRefusal::SignOutReturnInvalid => frame.text("sign-out-return-invalid"),
    }
}

/// Why an app's request could not be read, in the person's language.
pub(super) fn unreadable_words(frame: &Frame, problem: RequestProblem) -> String {
    match problem {
        RequestProblem::Malformed => frame.text("request-malformed"),
        RequestProblem::Unreadable => frame.text("request-unreadable"),
    }
}

fn broken_link(frame: &Frame, why: &str) -> HttpResponse {
    say(
        frame,
        StatusCode::BAD_REQUEST,
        &frame.text("app-request-broken-title"),
        why,
        false,
    )
}

fn refused(
    frame: &Frame,
    token: &str,
    refusal: AuthorizeRefusal,
    status: StatusCode,
) -> HttpResponse {
    match refusal {
        AuthorizeRefusal::Page(why) => broken_link(frame, &refusal_words(frame, why)),
        AuthorizeRefusal::Redirect(location) => redirect(status, &location),
        AuthorizeRefusal::NotForYou {
            refused,
            back_to_app,
        } => not_for_you_page(frame, &refused, token, Some(&back_to_app)),
        AuthorizeRefusal::Unavailable(detail) => {
            PageError::fault("an authorization request", detail).render(frame)
        }
    }
}

/// Renders the next step of an app's request. `status` is the redirect status: 302 after a
/// GET, 303 after a POST.
pub(super) fn app_step_page(
    frame: &Frame,
    token: &str,
    step: AppStep,
    status: StatusCode,
) -> HttpResponse {
    match step {
        AppStep::Next {
            checked,
            user,
            step,
        } => render_step(frame, token, &checked, user.as_ref(), step, status),
        AppStep::Refused(refusal) => refused(frame, token, refusal, status),
    }
}

/// Renders the next step. `status` is the redirect status: 302 after a GET, 303 after a POST.
fn render_step(
    frame: &Frame,
    token: &str,
    checked: &CheckedRequest,
    user: Option<&User>,
    step: NextStep,
    status: StatusCode,
) -> HttpResponse {
    let field = request_field(&checked.request.to_params());
    let mut response = match (step, user) {
        (NextStep::Redirect(location), _) => redirect(status, &location),
        (NextStep::Consent, Some(user)) => page(
            StatusCode::OK,
            app_consent(
                frame,
                &AppConsent {
                    csrf_token: token,
                    app_name: &checked.client.name,
                    request: &field,
                    scopes: &scope_lines(frame, checked),
                    signed_in_as: known_as(user),
                    returns_to: &returns_to(checked),
                },
            ),
            None,
        ),
        (NextStep::SignIn | NextStep::Consent, _) => sign_in_page(
            frame,
            StatusCode::OK,
            &Login {
                csrf_token: token,
                app: Some((&checked.client.name, &field)),
                ..Login::default()
            },
        ),
    };
    allow_form_redirect_to(&mut response, &checked.request.redirect_uri);
    response
}

fn scope_lines(frame: &Frame, checked: &CheckedRequest) -> Vec<ScopeLine> {
    checked
        .request
        .scopes
        .iter()
        .map(|s| ScopeLine {
            scope: s.to_string(),
            words: scope_words(frame, s.as_str()),
        })
        .collect()
}

/// The host the browser goes back to, for the consent page.
fn returns_to(checked: &CheckedRequest) -> String {
    url::Url::parse(&checked.request.redirect_uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| checked.request.redirect_uri.clone())
}

/// `GET`/`POST /authorize`. A POST is the same request sent as a form (OIDC Core §3.1.2.1); it
/// carries no form token, and changes nothing until the person acts.
pub async fn authorize(
    request: HttpRequest,
    payload: web::Payload,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let status = if request.method() == actix_web::http::Method::POST {
        StatusCode::SEE_OTHER
    } else {
        StatusCode::FOUND
    };
    let form = match query_or_form(&request, payload).await {
        Ok(form) => form,
        Err(why) => {
            let frame = &browser.frame;
            return Ok(broken_link(frame, &unreadable_words(frame, why)));
        }
    };
    let params = params_from(&form);
    let (cookie, fresh) = browser.cookie_or_fresh(&app)?;
    let session_cookie = cookie.clone();
    let step = on_blocking_pool(&app, move |app| {
        app.start_authorization(&session_cookie, &params)
    })
    .await??;
    let mut response = app_step_page(&browser.frame, &app.form_token(&cookie), step, status);
    if let Some(fresh) = fresh {
        with_cookie(&mut response, &fresh);
    }
    Ok(response)
}

/// `POST /authorize/decision`: Allow or Deny, as the signed-in person.
pub async fn decision(form: PageForm, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let frame = &form.frame;
    let approve = match form.get("decision") {
        Some("approve") => true,
        Some("deny") => false,
        _ => {
            return Ok(say(
                frame,
                StatusCode::BAD_REQUEST,
                &frame.text("choose-allow-title"),
                &frame.text("form-no-choice"),
                false,
            ));
        }
    };
    let Some(params) = form.get("authorize").and_then(params_from_field) else {
        return Ok(broken_link(
            frame,
            &refusal_words(frame, AppRefusal::Damaged),
        ));
    };
    let cookie = form.cookie().to_owned();
    let decided = on_blocking_pool(&app, move |app| {
        app.decide_app_request(&cookie, &params, approve)
    })
    .await??;
    Ok(match decided {
        AppDecision::Redirect(location) => {
            telemetry::decision("app", approve);
            redirect(StatusCode::SEE_OTHER, &location)
        }
        AppDecision::SignInAgain(checked) => sign_in_again(frame, &form.form_token(&app), &checked),
        AppDecision::Refused(refusal) => refused(
            frame,
            &form.form_token(&app),
            refusal,
            StatusCode::SEE_OTHER,
        ),
    })
}

/// The session ended while the consent page was open: sign in again, then decide.
fn sign_in_again(frame: &Frame, token: &str, checked: &CheckedRequest) -> HttpResponse {
    let field = request_field(&checked.request.to_params());
    let mut response = sign_in_page(
        frame,
        StatusCode::UNAUTHORIZED,
        &Login {
            csrf_token: token,
            app: Some((&checked.client.name, &field)),
            problem: Some(&frame.text("sign-in-expired")),
            ..Login::default()
        },
    );
    allow_form_redirect_to(&mut response, &checked.request.redirect_uri);
    response
}

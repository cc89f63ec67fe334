//! The person's half of the device flow over HTTP (RFC 8628 §3.3): `GET`/`POST /device`,
//! `GET`/`POST /login`, `POST /device/decision`.
//!
//! Every POST must carry the browser's form token and come from our own origin (SPEC WEB-1..3);
//! a GET never changes anything (DAG-3.3-e).

use std::net::IpAddr;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::Markup;

use super::authorize::{after_sign_in, carried_app, render_after_sign_in};
use super::blocking::on_blocking_pool;
use super::client_address::client_address;
use super::errors::allow_form_redirect_to;
use super::errors::html;
use super::form::{BodyProblem, Form, read_limited};
use crate::app::App;
use crate::app::device::{CodeProblem, DecisionError, PendingRequest};
use crate::app::guard::CodeEntrant;
use crate::app::sessions::SignInError;
use crate::domain::network::same_network;
use crate::domain::time::Timestamp;
use crate::domain::user::User;
use crate::domain::user_code::UserCode;
use crate::pages::device::{
    Consent, EnterCode, Login, Message, ScopeLine, ago, consent, enter_code, login, message,
    scope_words,
};
use crate::pages::devices::signed_in;
use crate::telemetry;

/// On https the `__Host-` prefix pins the cookie to this origin, path `/` and `Secure`.
fn cookie_name(app: &App) -> &'static str {
    if app.settings().issuer.starts_with("https://") {
        "__Host-authbox_session"
    } else {
        "authbox_session"
    }
}

pub(super) fn browser_cookie(request: &HttpRequest, app: &App) -> Option<String> {
    request
        .cookie(cookie_name(app))
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 64)
}

pub(super) fn session_cookie(app: &App, value: String) -> Cookie<'static> {
    Cookie::build(cookie_name(app), value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(app.settings().issuer.starts_with("https://"))
        .finish()
}

pub(super) fn page(
    status: StatusCode,
    markup: Markup,
    cookie: Option<Cookie<'static>>,
) -> HttpResponse {
    let mut response = html(status, markup);
    if let Some(cookie) = cookie {
        let _ = response.add_cookie(&cookie);
    }
    response
}

pub(super) fn say(status: StatusCode, title: &str, body: &str, again: bool) -> HttpResponse {
    page(status, message(&Message { title, body, again }), None)
}

pub(super) fn unavailable() -> HttpResponse {
    say(
        StatusCode::SERVICE_UNAVAILABLE,
        "Try again in a moment",
        "The server could not finish this just now.",
        true,
    )
}

/// The browser's cookie, or a fresh one to set with the response; `None` if the operating
/// system's random source failed.
pub(super) fn browser(
    request: &HttpRequest,
    app: &App,
) -> Option<(String, Option<Cookie<'static>>)> {
    if let Some(cookie) = browser_cookie(request, app) {
        return Some((cookie, None));
    }
    let fresh = app.new_browser_cookie().ok()?;
    Some((fresh.clone(), Some(session_cookie(app, fresh))))
}

/// OWASP CSRF: reject cross-site posts by Fetch Metadata and by `Origin`, when sent. Under our
/// `Referrer-Policy: no-referrer` browsers may send `Origin: null`, which says nothing either
/// way; the form token still has to match.
fn from_our_origin(request: &HttpRequest, app: &App) -> bool {
    let header = |name| request.headers().get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-site").is_some_and(|site| site == "cross-site") {
        return false;
    }
    match header("origin") {
        None | Some("null") => true,
        Some(origin) => url::Url::parse(&app.settings().issuer)
            .map(|issuer| issuer.origin().ascii_serialization() == origin)
            .unwrap_or(false),
    }
}

/// Reads a page's form and checks where it came from and its form token.
pub(super) async fn checked_form(
    request: &HttpRequest,
    payload: web::Payload,
    app: &App,
) -> Result<(String, Form), HttpResponse> {
    let stale = || {
        say(
            StatusCode::FORBIDDEN,
            "This form is out of date",
            "Go back, reload the page and try again.",
            true,
        )
    };
    let body = read_limited(request, payload)
        .await
        .map_err(|problem| match problem {
            BodyProblem::TooLarge => say(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Too much",
                "That was more than this form takes.",
                true,
            ),
            BodyProblem::TooSlow => say(
                StatusCode::REQUEST_TIMEOUT,
                "Too slow",
                "The form took too long to arrive. Try again.",
                true,
            ),
            BodyProblem::Unreadable => say(
                StatusCode::BAD_REQUEST,
                "Something went wrong",
                "The form did not arrive.",
                true,
            ),
        })?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let form = Form::parse(content_type, &body).map_err(|_| {
        say(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "The form could not be read.",
            true,
        )
    })?;
    let cookie = browser_cookie(request, app).ok_or_else(stale)?;
    let token_ok = form
        .get("csrf_token")
        .is_some_and(|token| app.form_token_matches(&cookie, token));
    if !token_ok || !from_our_origin(request, app) {
        return Err(stale());
    }
    Ok((cookie, form))
}

pub(super) fn problem_page(
    problem: &CodeProblem,
    csrf_token: &str,
    now: Timestamp,
) -> HttpResponse {
    match problem {
        CodeProblem::Paused(until) => {
            telemetry::throttled("user_code");
            paused(*until, now)
        }
        CodeProblem::Unknown => page(
            StatusCode::BAD_REQUEST,
            enter_code(&EnterCode {
                csrf_token,
                prefilled: None,
                problem: Some(
                    "That code is not right. Check the code on your device and try again.",
                ),
            }),
            None,
        ),
        CodeProblem::Expired => say(
            StatusCode::GONE,
            "This code has expired",
            "Start again on your device to get a new code.",
            true,
        ),
        CodeProblem::AlreadyUsed => say(
            StatusCode::CONFLICT,
            "This code has already been used",
            "A device was already connected with this code. If that was not you, start again on your device.",
            true,
        ),
        CodeProblem::Denied => say(
            StatusCode::CONFLICT,
            "This request was denied",
            "Start again on your device if you want to connect it.",
            true,
        ),
        CodeProblem::Unavailable(detail) => {
            tracing::error!(error = %detail, "a code lookup failed");
            unavailable()
        }
    }
}

/// Why sign-in stopped before a session was made.
enum SignInStop {
    Paused(Timestamp, Timestamp),
    Failed(SignInError),
}

/// Over budget: 429 with `Retry-After`, and a page that says how long to wait.
fn paused(until: Timestamp, now: Timestamp) -> HttpResponse {
    let wait = until.since(now).as_secs().max(1);
    let minutes = wait.div_ceil(60);
    let body = format!(
        "There were too many wrong tries. Wait {minutes} minute{} before trying again.",
        if minutes == 1 { "" } else { "s" }
    );
    let mut response = say(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many tries",
        &body,
        false,
    );
    if let Ok(value) = header::HeaderValue::from_str(&wait.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn consent_page(
    request: &HttpRequest,
    app: &App,
    pending: &PendingRequest,
    user: &User,
    csrf_token: &str,
    now: Timestamp,
) -> Markup {
    let scopes: Vec<ScopeLine> = pending
        .scopes
        .iter()
        .map(|s| ScopeLine {
            scope: s.to_string(),
            words: scope_words(s.as_str()),
        })
        .collect();
    let device_ip = pending
        .requested_from
        .as_deref()
        .and_then(|a| a.parse::<IpAddr>().ok());
    let browser_ip = client_address(request, app);
    let user_code = pending.user_code.display();
    let signed_in_as = user
        .display_name
        .as_deref()
        .unwrap_or(user.username.as_str());
    consent(&Consent {
        csrf_token,
        user_code: &user_code,
        client_name: &pending.client_name,
        scopes: &scopes,
        signed_in_as,
        requested_from: pending.requested_from.as_deref(),
        requested_ago: &ago(now.since(pending.requested_at)),
        same_network: device_ip.zip(browser_ip).map(|(d, b)| same_network(d, b)),
    })
}

/// `GET /device` and `GET /device?user_code=…`: the code form; nothing changes.
pub async fn show_code_form(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let Some((cookie, fresh)) = browser(&request, &app) else {
        return unavailable();
    };
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let prefilled = query
        .get("user_code")
        .map(|typed| match UserCode::normalize(typed) {
            Some(code) => code.display(),
            None => typed.chars().take(32).collect(),
        });
    let token = app.form_token(&cookie);
    page(
        StatusCode::OK,
        enter_code(&EnterCode {
            csrf_token: &token,
            prefilled: prefilled.as_deref(),
            problem: None,
        }),
        fresh,
    )
}

/// `GET /login`: signing in without a code in hand.
pub async fn show_login(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let Some((cookie, fresh)) = browser(&request, &app) else {
        return unavailable();
    };
    let token = app.form_token(&cookie);
    page(
        StatusCode::OK,
        login(&Login {
            csrf_token: &token,
            user_code: None,
            username: "",
            problem: None,
            ..Login::default()
        }),
        fresh,
    )
}

/// `POST /device`: the typed code, then sign-in or consent.
pub async fn submit_code(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    let (cookie, form) = match checked_form(&request, payload, &app).await {
        Ok(checked) => checked,
        Err(response) => return response,
    };
    let typed = form.get("user_code").unwrap_or_default().to_owned();
    let address = client_address(&request, &app);
    let session_cookie = cookie.clone();
    let looked_up = on_blocking_pool(&app, move |app| {
        let signed_in = app.signed_in(&session_cookie);
        let sub = match &signed_in {
            Ok(Some((session, _))) => Some(&session.sub),
            _ => None,
        };
        let who = CodeEntrant {
            cookie: Some(&session_cookie),
            address,
            sub,
        };
        let pending = app.look_up_code(&who, &typed);
        (pending, signed_in, app.now())
    })
    .await;
    let Ok((pending, signed_in, now)) = looked_up else {
        return unavailable();
    };
    let token = app.form_token(&cookie);
    let pending = match pending {
        Ok(pending) => pending,
        Err(problem) => return problem_page(&problem, &token, now),
    };
    match signed_in {
        Ok(Some((_, user))) => page(
            StatusCode::OK,
            consent_page(&request, &app, &pending, &user, &token, now),
            None,
        ),
        Ok(None) => {
            let code = pending.user_code.display();
            page(
                StatusCode::OK,
                login(&Login {
                    csrf_token: &token,
                    user_code: Some(&code),
                    username: "",
                    problem: None,
                    ..Login::default()
                }),
                None,
            )
        }
        Err(_) => unavailable(),
    }
}

/// `POST /login`: check the password, start a session under a new cookie, then continue.
pub async fn submit_login(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    let (cookie, form) = match checked_form(&request, payload, &app).await {
        Ok(checked) => checked,
        Err(response) => return response,
    };
    let username = form.get("username").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let user_code = form.get("user_code").map(str::to_owned);
    let authorize = form.get("authorize").map(str::to_owned);
    let carried_request = authorize.clone();
    let code_for_lookup = user_code.clone();
    let cookie_for_lookup = cookie.clone();
    let name = username.clone();
    let address = client_address(&request, &app);
    let outcome = on_blocking_pool(&app, move |app| {
        let signed_in = app
            .sign_in(&name, &password, address)
            .map_err(|e| match e {
                SignInError::Paused(until) => SignInStop::Paused(until, app.now()),
                e => SignInStop::Failed(e),
            })?;
        let pending = code_for_lookup.map(|code| {
            let who = CodeEntrant {
                cookie: Some(&cookie_for_lookup),
                address,
                sub: Some(&signed_in.1.sub),
            };
            app.look_up_code(&who, &code)
        });
        let after = carried_request.map(|field| after_sign_in(app, &signed_in.0, &field));
        Ok((signed_in, pending, after, app.now()))
    })
    .await;
    match outcome {
        Ok(Ok(((new_cookie, _), _, Some(after), _))) => {
            let fresh = session_cookie(&app, new_cookie.clone());
            render_after_sign_in(&app, &new_cookie, fresh, after)
        }
        Ok(Ok(((new_cookie, user), pending, None, now))) => {
            let token = app.form_token(&new_cookie);
            let fresh = Some(session_cookie(&app, new_cookie));
            let with_fresh_cookie = |mut response: HttpResponse| {
                if let Some(cookie) = &fresh {
                    let _ = response.add_cookie(cookie);
                }
                response
            };
            match pending {
                Some(Ok(pending)) => with_fresh_cookie(page(
                    StatusCode::OK,
                    consent_page(&request, &app, &pending, &user, &token, now),
                    None,
                )),
                Some(Err(problem)) => with_fresh_cookie(problem_page(&problem, &token, now)),
                None => page(StatusCode::OK, signed_in(), fresh),
            }
        }
        Ok(Err(SignInStop::Paused(until, now))) => {
            telemetry::throttled("sign_in");
            paused(until, now)
        }
        Ok(Err(SignInStop::Failed(SignInError::Rejected))) => {
            let token = app.form_token(&cookie);
            let carried = match authorize {
                Some(field) => {
                    let lookup = field.clone();
                    let app_of = on_blocking_pool(&app, move |app| carried_app(app, &lookup))
                        .await
                        .ok()
                        .flatten();
                    Some((app_of, field))
                }
                None => None,
            };
            let app_name = carried
                .as_ref()
                .map(|(app_of, _)| app_of.as_ref().map_or("the app", |(name, _)| name.as_str()));
            let mut response = page(
                StatusCode::UNAUTHORIZED,
                login(&Login {
                    csrf_token: &token,
                    user_code: user_code.as_deref(),
                    app: app_name.zip(carried.as_ref().map(|(_, field)| field.as_str())),
                    username: &username.chars().take(64).collect::<String>(),
                    problem: Some("The username or password is not right."),
                }),
                None,
            );
            if let Some((Some((_, redirect_uri)), _)) = &carried {
                allow_form_redirect_to(&mut response, redirect_uri);
            }
            response
        }
        Ok(Err(SignInStop::Failed(SignInError::Busy))) => {
            telemetry::throttled("password_hashing");
            let mut response = say(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again in a moment",
                "Many people are signing in right now.",
                true,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            response
        }
        Ok(Err(SignInStop::Failed(SignInError::Paused(until)))) => paused(until, app.now()),
        Ok(Err(SignInStop::Failed(SignInError::Unavailable(detail)))) => {
            tracing::error!(error = %detail, "signing in failed");
            unavailable()
        }
        Err(_) => unavailable(),
    }
}

/// `POST /device/decision`: approve or deny, as the signed-in person.
pub async fn submit_decision(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    let (cookie, form) = match checked_form(&request, payload, &app).await {
        Ok(checked) => checked,
        Err(response) => return response,
    };
    let typed = form.get("user_code").unwrap_or_default().to_owned();
    let approve = match form.get("decision") {
        Some("approve") => true,
        Some("deny") => false,
        _ => {
            return say(
                StatusCode::BAD_REQUEST,
                "Choose Approve or Deny",
                "The form did not say which.",
                true,
            );
        }
    };
    let code = typed.clone();
    let address = client_address(&request, &app);
    let outcome = on_blocking_pool(&app, move |app| match app.signed_in(&cookie) {
        Ok(Some((session, user))) => {
            let who = CodeEntrant {
                cookie: Some(&cookie),
                address,
                sub: Some(&session.sub),
            };
            let decided = if approve {
                app.approve_device_as(&who, &code, &user, session.auth_time)
            } else {
                app.deny_device_as(&who, &code)
            };
            Some((decided, app.form_token(&cookie), app.now()))
        }
        _ => None,
    })
    .await;
    let Ok(outcome) = outcome else {
        return unavailable();
    };
    let (decided, token, now) = match outcome {
        Some(decided) => decided,
        None => {
            let token = browser_cookie(&request, &app)
                .map(|c| app.form_token(&c))
                .unwrap_or_default();
            return page(
                StatusCode::UNAUTHORIZED,
                login(&Login {
                    csrf_token: &token,
                    user_code: Some(&typed),
                    username: "",
                    problem: Some("Your sign-in has expired. Sign in again to continue."),
                    ..Login::default()
                }),
                None,
            );
        }
    };
    if decided.is_ok() {
        telemetry::decision("device", approve);
    }
    match decided {
        Ok(()) if approve => say(
            StatusCode::OK,
            "Device connected",
            "You are signed in on the device. You can go back to it now and close this page.",
            false,
        ),
        Ok(()) => say(
            StatusCode::OK,
            "Request denied",
            "The device was not connected. You can close this page.",
            false,
        ),
        Err(DecisionError::Code(problem)) => problem_page(&problem, &token, now),
        Err(DecisionError::AccountUnusable) => say(
            StatusCode::FORBIDDEN,
            "Your account cannot connect devices",
            "Ask the administrator.",
            false,
        ),
    }
}

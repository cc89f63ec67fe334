//! The device pages of RFC 8628 §3.3: `GET`/`POST /device` (the code form) and
//! `POST /device/decision` (Approve or Deny). Signing in is `login.rs`; a GET never changes
//! anything (DAG-3.3-e).

use std::net::IpAddr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::Markup;

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, PageForm, not_for_you_page, page, say, sign_in_page};
use super::form::Form;
use crate::app::App;
use crate::app::device::CodeProblem;
use crate::app::person::{CodeStep, DeviceConsent, DeviceDecision, known_as};
use crate::domain::network::same_network;
use crate::domain::user_code::UserCode;
use crate::pages::device::{
    Consent, EnterCode, Login, ScopeLine, consent, enter_code, scope_words,
};
use crate::pages::layout::Frame;
use crate::telemetry;

/// The consent page for a device's request, as seen from the browser at `browser_ip`.
fn consent_page(
    frame: &Frame,
    asked: &DeviceConsent,
    csrf_token: &str,
    browser_ip: Option<IpAddr>,
) -> Markup {
    let pending = &asked.pending;
    let scopes: Vec<ScopeLine> = pending
        .scopes
        .iter()
        .map(|s| ScopeLine {
            scope: s.to_string(),
            words: scope_words(frame, s.as_str()),
        })
        .collect();
    let device_ip = pending
        .requested_from
        .as_deref()
        .and_then(|a| a.parse::<IpAddr>().ok());
    let user_code = pending.user_code.display();
    consent(
        frame,
        &Consent {
            csrf_token,
            user_code: &user_code,
            client_name: &pending.client_name,
            scopes: &scopes,
            signed_in_as: known_as(&asked.user),
            requested_from: pending.requested_from.as_deref(),
            requested_ago: &frame.language.ago(asked.now.since(pending.requested_at)),
            same_network: device_ip.zip(browser_ip).map(|(d, b)| same_network(d, b)),
        },
    )
}

/// Why a code leads nowhere, as a page; `Err` when the answer is "wait" or "try again".
pub(super) fn problem_page(
    app: &App,
    frame: &Frame,
    problem: CodeProblem,
    csrf_token: &str,
) -> Result<HttpResponse, PageError> {
    Ok(match problem {
        CodeProblem::Paused(until) => {
            telemetry::throttled("user_code");
            return Err(PageError::paused(until, app.now()));
        }
        CodeProblem::Unavailable(detail) => return Err(PageError::fault("a code lookup", detail)),
        CodeProblem::Unknown => page(
            StatusCode::BAD_REQUEST,
            enter_code(
                frame,
                &EnterCode {
                    csrf_token,
                    prefilled: None,
                    problem: Some(&frame.text("code-wrong")),
                },
            ),
            None,
        ),
        CodeProblem::Expired => say(
            frame,
            StatusCode::GONE,
            &frame.text("code-expired-title"),
            &frame.text("code-expired-body"),
            true,
        ),
        CodeProblem::AlreadyUsed => say(
            frame,
            StatusCode::CONFLICT,
            &frame.text("code-used-title"),
            &frame.text("code-used-body"),
            true,
        ),
        CodeProblem::Denied => say(
            frame,
            StatusCode::CONFLICT,
            &frame.text("code-denied-title"),
            &frame.text("code-denied-body"),
            true,
        ),
    })
}

/// What follows a typed code, rendered for the browser at `browser_ip`.
pub(super) fn code_step_page(
    app: &App,
    frame: &Frame,
    step: CodeStep,
    csrf_token: &str,
    browser_ip: Option<IpAddr>,
) -> Result<HttpResponse, PageError> {
    match step {
        CodeStep::Consent(asked) => Ok(page(
            StatusCode::OK,
            consent_page(frame, &asked, csrf_token, browser_ip),
            None,
        )),
        CodeStep::SignIn(code) => Ok(sign_in_page(
            frame,
            StatusCode::OK,
            &Login {
                csrf_token,
                user_code: Some(&code.display()),
                ..Login::default()
            },
        )),
        CodeStep::Problem(problem) => problem_page(app, frame, problem, csrf_token),
        CodeStep::NotForYou(refused) => Ok(not_for_you_page(frame, &refused, csrf_token, None)),
    }
}

/// `GET /device` and `GET /device?user_code=…`: the code form; nothing changes.
pub async fn show_code_form(
    request: HttpRequest,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let (cookie, fresh) = browser.cookie_or_fresh(&app)?;
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    // Echoes what was typed, tidied; says nothing about whether the code is live.
    let prefilled = query
        .get("user_code")
        .map(|typed| match UserCode::normalize(typed) {
            Some(code) => code.display(),
            None => typed.chars().take(32).collect(),
        });
    let view = EnterCode {
        csrf_token: &app.form_token(&cookie),
        prefilled: prefilled.as_deref(),
        problem: None,
    };
    Ok(page(
        StatusCode::OK,
        enter_code(&browser.frame, &view),
        fresh,
    ))
}

/// `POST /device`: the typed code, then sign-in or consent.
pub async fn submit_code(form: PageForm, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let typed = form.get("user_code").unwrap_or_default().to_owned();
    let visitor = form.visitor.clone();
    let step = on_blocking_pool(&app, move |app| app.enter_code(&visitor, &typed)).await??;
    code_step_page(
        &app,
        &form.frame,
        step,
        &form.form_token(&app),
        form.visitor.address,
    )
}

/// `POST /device/decision`: approve or deny, as the signed-in person.
pub async fn submit_decision(
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let typed = form.get("user_code").unwrap_or_default().to_owned();
    let approve = match form.get("decision") {
        Some("approve") => true,
        Some("deny") => false,
        _ => {
            return Ok(say(
                &form.frame,
                StatusCode::BAD_REQUEST,
                &form.frame.text("choose-approve-title"),
                &form.frame.text("form-no-choice"),
                true,
            ));
        }
    };
    let (visitor, code) = (form.visitor.clone(), typed.clone());
    let decided =
        on_blocking_pool(&app, move |app| app.decide_device(&visitor, &code, approve)).await??;
    let token = form.form_token(&app);
    decision_page(&app, &form.frame, decided, approve, &typed, &token)
}

/// What became of Approve or Deny, as a page.
fn decision_page(
    app: &App,
    frame: &Frame,
    decided: DeviceDecision,
    approve: bool,
    typed: &str,
    token: &str,
) -> Result<HttpResponse, PageError> {
    if matches!(decided, DeviceDecision::Approved | DeviceDecision::Denied) {
        telemetry::decision("device", approve);
    }
    Ok(match decided {
        DeviceDecision::Approved => say(
            frame,
            StatusCode::OK,
            &frame.text("device-connected-title"),
            &frame.text("device-connected-body"),
            false,
        ),
        DeviceDecision::Denied => say(
            frame,
            StatusCode::OK,
            &frame.text("device-denied-title"),
            &frame.text("device-denied-body"),
            false,
        ),
        DeviceDecision::SignInAgain => sign_in_page(
            frame,
            StatusCode::UNAUTHORIZED,
            &Login {
                csrf_token: token,
                user_code: Some(typed),
                problem: Some(&frame.text("sign-in-expired")),
                ..Login::default()
            },
        ),
        DeviceDecision::Problem(problem) => return problem_page(app, frame, problem, token),
        DeviceDecision::NotForYou(refused) => not_for_you_page(frame, &refused, token, None),
        DeviceDecision::AccountUnusable => say(
            frame,
            StatusCode::FORBIDDEN,
            &frame.text("account-unusable-title"),
            &frame.text("account-unusable-body"),
            false,
        ),
    })
}

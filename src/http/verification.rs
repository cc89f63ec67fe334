//! The device pages of RFC 8628 §3.3: `GET`/`POST /device` (the code form), `GET
//! /device/consent` (what the device asks), `POST /device/decision` (Approve or Deny) and `GET
//! /device/done` (the outcome). Signing in is `login.rs`; a GET never changes anything
//! (DAG-3.3-e). A form that succeeds answers with a redirect to a page (Post/Redirect/Get), so
//! a reload never posts a code, a password or a decision again.

use std::net::IpAddr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::Markup;

use super::blocking::on_blocking_pool;
use super::browser::{
    Browser, PageError, PageForm, not_for_you_page, page, say, see_other, sign_in_page,
};
use super::form::Form;
use crate::app::App;
use crate::app::device::CodeProblem;
use crate::app::page_tickets::{DeviceOutcome, TicketFor};
use crate::app::person::{
    CodeStep, DeviceChoice, DeviceConsent, DeviceDecision, Visitor, known_as,
};
use crate::domain::network::same_network;
use crate::domain::user_code::UserCode;
use crate::pages::device::{
    Consent, DeviceDone, EnterCode, Login, ScopeLine, consent, device_done, enter_code, scope_words,
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

/// Why a code leads nowhere, as a page; `Err` when the answer is "wait" or "try again". A wrong
/// code stays in the field (`typed`), to be corrected rather than typed again.
pub(super) fn problem_page(
    app: &App,
    frame: &Frame,
    problem: CodeProblem,
    csrf_token: &str,
    typed: &str,
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
                    typed: Some(&tidied(typed)),
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
        CodeProblem::EnteredByAnother => say(
            frame,
            StatusCode::CONFLICT,
            &frame.text("code-taken-title"),
            &frame.text("code-taken-body"),
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

/// What was typed, as the code form shows it back: in the code's own layout when it reads as
/// one, else its first 32 characters.
fn tidied(typed: &str) -> String {
    match UserCode::normalize(typed) {
        Some(code) => code.display(),
        None => typed.chars().take(32).collect(),
    }
}

/// What follows a typed code, rendered for the browser at `browser_ip`: the page
/// `GET /device/consent` shows.
fn code_step_page(
    app: &App,
    frame: &Frame,
    step: CodeStep,
    csrf_token: &str,
    browser_ip: Option<IpAddr>,
    typed: &str,
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
        CodeStep::Problem(problem) => problem_page(app, frame, problem, csrf_token, typed),
        CodeStep::NotForYou(refused) => Ok(not_for_you_page(frame, &refused, csrf_token, None)),
    }
}

/// What follows a code posted by the browser holding `cookie` (the code form, or sign-in with
/// a code): the consent or sign-in page by a redirect (Post/Redirect/Get, so reloading it
/// posts nothing again), a problem at once.
pub(super) fn after_code_posted(
    app: &App,
    frame: &Frame,
    step: CodeStep,
    cookie: &str,
    typed: &str,
) -> Result<HttpResponse, PageError> {
    let code = match step {
        CodeStep::Consent(asked) => asked.pending.user_code,
        CodeStep::SignIn(code) => code,
        CodeStep::Problem(problem) => {
            return problem_page(app, frame, problem, &app.form_token(cookie), typed);
        }
        CodeStep::NotForYou(refused) => {
            return Ok(not_for_you_page(
                frame,
                &refused,
                &app.form_token(cookie),
                None,
            ));
        }
    };
    let ticket = app.page_ticket(
        cookie,
        TicketFor::DeviceConsent {
            user_code: code.as_str(),
        },
    );
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("user_code", &code.display())
        .append_pair("ticket", &ticket)
        .finish();
    Ok(see_other(&format!("/device/consent?{query}")))
}

/// `GET /device/consent?user_code=…&ticket=…`: the page a posted code led to. A link without
/// this browser's ticket (one made for somebody else) gets the code form with the code filled
/// in, as `verification_uri_complete` does: nothing is looked up.
pub async fn show_consent(
    request: HttpRequest,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let typed = query.get("user_code").unwrap_or_default().to_owned();
    let ticket = query.get("ticket").unwrap_or_default().to_owned();
    let code_form = || {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("user_code", &tidied(&typed))
            .finish();
        see_other(&format!("/device?{query}"))
    };
    let Some(cookie) = browser.cookie.clone() else {
        return Ok(code_form());
    };
    let visitor = Visitor {
        cookie: cookie.clone(),
        address: browser.address,
    };
    let (asked, code) = (visitor.clone(), typed.clone());
    let Some(step) =
        on_blocking_pool(&app, move |app| app.review_code(&asked, &code, &ticket)).await??
    else {
        return Ok(code_form());
    };
    code_step_page(
        &app,
        &browser.frame,
        step,
        &app.form_token(&cookie),
        browser.address,
        &typed,
    )
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
    let prefilled = query.get("user_code").map(tidied);
    let view = EnterCode {
        csrf_token: &app.form_token(&cookie),
        prefilled: prefilled.as_deref(),
        typed: None,
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
    let (visitor, code) = (form.visitor.clone(), typed.clone());
    let step = on_blocking_pool(&app, move |app| app.enter_code(&visitor, &code)).await??;
    after_code_posted(&app, &form.frame, step, form.cookie(), &typed)
}

/// `POST /device/decision`: approve, deny or report ("I didn't start this"), as the signed-in
/// person.
pub async fn submit_decision(
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let typed = form.get("user_code").unwrap_or_default().to_owned();
    let choice = match form.get("decision") {
        Some("approve") => DeviceChoice::Approve,
        Some("deny") => DeviceChoice::Deny,
        Some("report") => DeviceChoice::Report,
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
        on_blocking_pool(&app, move |app| app.decide_device(&visitor, &code, choice)).await??;
    decision_page(&app, &form, decided, &typed)
}

/// What became of Approve, Deny or a report: the outcome by a redirect, anything else as a
/// page.
fn decision_page(
    app: &App,
    form: &PageForm,
    decided: DeviceDecision,
    typed: &str,
) -> Result<HttpResponse, PageError> {
    let frame = &form.frame;
    let token = form.form_token(app);
    let (client_id, outcome) = match decided {
        DeviceDecision::Decided(client_id, outcome) => (client_id, outcome),
        DeviceDecision::SignInAgain => {
            return Ok(sign_in_page(
                frame,
                StatusCode::UNAUTHORIZED,
                &Login {
                    csrf_token: &token,
                    user_code: Some(typed),
                    problem: Some(&frame.text("sign-in-expired")),
                    ..Login::default()
                },
            ));
        }
        DeviceDecision::Problem(problem) => {
            return problem_page(app, frame, problem, &token, typed);
        }
        DeviceDecision::NotForYou(refused) => {
            return Ok(not_for_you_page(frame, &refused, &token, None));
        }
        DeviceDecision::AccountUnusable => {
            return Ok(say(
                frame,
                StatusCode::FORBIDDEN,
                &frame.text("account-unusable-title"),
                &frame.text("account-unusable-body"),
                false,
            ));
        }
    };
    telemetry::decision("device", outcome == DeviceOutcome::Approved);
    let ticket = app.page_ticket(
        form.cookie(),
        TicketFor::DeviceDecided {
            client_id: client_id.as_str(),
            outcome,
        },
    );
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id.as_str())
        .append_pair("outcome", outcome.name())
        .append_pair("ticket", &ticket)
        .finish();
    Ok(see_other(&format!("/device/done?{query}")))
}

/// `GET /device/done?client_id=…&outcome=…&ticket=…`: the device connected, not, or reported,
/// by name, and where to go next. Without this browser's ticket, the code form.
pub async fn show_done(
    request: HttpRequest,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let client_id = query.get("client_id").unwrap_or_default().to_owned();
    let ticket = query.get("ticket").unwrap_or_default().to_owned();
    let Some(outcome) = query.get("outcome").and_then(DeviceOutcome::from_name) else {
        return Ok(see_other("/device"));
    };
    let Some(cookie) = browser.cookie.clone() else {
        return Ok(see_other("/device"));
    };
    let named = on_blocking_pool(&app, move |app| {
        app.decided_device(&cookie, &client_id, outcome, &ticket)
    })
    .await??;
    let Some(client_name) = named else {
        return Ok(see_other("/device"));
    };
    Ok(page(
        StatusCode::OK,
        device_done(
            &browser.frame,
            &DeviceDone {
                client_name: &client_name,
                approved: outcome == DeviceOutcome::Approved,
                reported: outcome == DeviceOutcome::Reported,
            },
        ),
        None,
    ))
}

//! "My account"'s second factor: `GET`/`POST /account/second-factor` (a key and QR code, and
//! the code that turns it on), `GET /account/second-factor/codes` (the recovery codes, shown
//! once to the browser that turned it on) and `POST /account/second-factor/off`. Each form
//! that works answers 303 to a page (Post/Redirect/Get).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, PageForm, page, see_other};
use crate::app::App;
use crate::app::enrolment::{EnrolmentStart, FactorChange};
use crate::pages::account::sign_in_for_account;
use crate::pages::layout::Frame;
use crate::pages::second_factor::{Enrolment, enrolment, recovery_codes};
use crate::telemetry;

fn sign_in_first(frame: &Frame, token: &str) -> HttpResponse {
    let problem = frame.text("account-sign-in");
    page(
        StatusCode::UNAUTHORIZED,
        sign_in_for_account(frame, token, &problem),
        None,
    )
}

async fn enrolment_page(
    app: &web::Data<App>,
    frame: &Frame,
    cookie: String,
    problem: Option<(StatusCode, String)>,
) -> Result<HttpResponse, PageError> {
    let token = app.form_token(&cookie);
    let started = on_blocking_pool(app, move |app| app.start_enrolment(&cookie)).await??;
    Ok(match started {
        EnrolmentStart::NotSignedIn => sign_in_first(frame, &token),
        EnrolmentStart::AlreadyOn => see_other("/account"),
        EnrolmentStart::Key { key, uri } => {
            let view = Enrolment {
                csrf_token: &token,
                key: &key,
                uri: &uri,
                problem: problem.as_ref().map(|(_, p)| p.as_str()),
            };
            let status = problem.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
            page(status, enrolment(frame, &view), None)
        }
    })
}

pub async fn show_enrolment(
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let (cookie, fresh) = browser.cookie_or_fresh(&app)?;
    if let Some(fresh) = &fresh {
        let mut response = sign_in_first(&browser.frame, &app.form_token(&cookie));
        super::browser::with_cookie(&mut response, fresh);
        return Ok(response);
    }
    enrolment_page(&app, &browser.frame, cookie, None).await
}

pub async fn confirm_enrolment(
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let typed = form.get("code").unwrap_or_default().to_owned();
    let visitor = form.visitor.clone();
    let outcome =
        on_blocking_pool(&app, move |app| app.confirm_enrolment(&visitor, &typed)).await??;
    let frame = &form.frame;
    let problem = match outcome {
        FactorChange::Done => return Ok(see_other("/account/second-factor/codes")),
        FactorChange::NotSignedIn => return Ok(sign_in_first(frame, &form.form_token(&app))),
        FactorChange::NothingToConfirm => (StatusCode::CONFLICT, frame.text("totp-enrol-again")),
        FactorChange::Malformed => (StatusCode::BAD_REQUEST, frame.text("totp-code-malformed")),
        FactorChange::Wrong => (StatusCode::UNAUTHORIZED, frame.text("totp-code-wrong")),
        FactorChange::Paused(until) => {
            telemetry::throttled("sign_in");
            return Err(PageError::paused(until, app.now()));
        }
        FactorChange::Busy => return Err(PageError::busy()),
    };
    enrolment_page(&app, frame, form.cookie().to_owned(), Some(problem)).await
}

/// The recovery codes, to the browser that just turned the second factor on, once.
pub async fn show_recovery_codes(
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let (cookie, _) = browser.cookie_or_fresh(&app)?;
    match app.take_codes_to_show(&cookie) {
        Some(codes) => Ok(page(
            StatusCode::OK,
            recovery_codes(&browser.frame, &codes),
            None,
        )),
        None => Ok(see_other("/account")),
    }
}

pub async fn turn_off(form: PageForm, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let current = form.get("current").unwrap_or_default().to_owned();
    let typed = form.get("code").unwrap_or_default().to_owned();
    let visitor = form.visitor.clone();
    let outcome = on_blocking_pool(&app, move |app| {
        app.turn_off_second_factor(&visitor, &current, &typed)
    })
    .await??;
    let frame = &form.frame;
    let (status, problem) = match outcome {
        FactorChange::Done | FactorChange::NothingToConfirm => {
            return Ok(see_other("/account"));
        }
        FactorChange::NotSignedIn => return Ok(sign_in_first(frame, &form.form_token(&app))),
        FactorChange::Malformed => (StatusCode::BAD_REQUEST, frame.text("totp-code-malformed")),
        FactorChange::Wrong => (StatusCode::UNAUTHORIZED, frame.text("totp-off-wrong")),
        FactorChange::Paused(until) => {
            telemetry::throttled("sign_in");
            return Err(PageError::paused(until, app.now()));
        }
        FactorChange::Busy => return Err(PageError::busy()),
    };
    Ok(super::browser::say(
        frame,
        status,
        &frame.text("totp-title"),
        &problem,
        false,
    ))
}

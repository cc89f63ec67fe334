//! `GET`/`POST /login/code`: the second step of signing in, for accounts with an
//! authenticator app. The pending sign-in is bound to this browser's cookie; another
//! browser, or this one after it expired, gets a clear page and is sent to sign in again.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, PageForm, page, say};
use super::login::signed_in_page;
use crate::app::App;
use crate::app::second_step::SecondStep;
use crate::pages::layout::Frame;
use crate::pages::second_factor::login_code;
use crate::telemetry;

fn no_pending(frame: &Frame) -> HttpResponse {
    say(
        frame,
        StatusCode::BAD_REQUEST,
        &frame.text("totp-title"),
        &frame.text("totp-pending-gone"),
        false,
    )
}

pub async fn show_second_step(
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let (cookie, fresh) = browser.cookie_or_fresh(&app)?;
    if fresh.is_some() || !app.has_pending_sign_in(&cookie) {
        let mut response = no_pending(&browser.frame);
        if let Some(fresh) = &fresh {
            super::browser::with_cookie(&mut response, fresh);
        }
        return Ok(response);
    }
    let token = app.form_token(&cookie);
    Ok(page(
        StatusCode::OK,
        login_code(&browser.frame, &token, None),
        None,
    ))
}

pub async fn submit_second_step(
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let typed = form.get("code").unwrap_or_default().to_owned();
    let visitor = form.visitor.clone();
    let outcome = on_blocking_pool(&app, move |app| app.finish_sign_in(&visitor, &typed)).await??;
    let frame = &form.frame;
    let again = |status: StatusCode, problem: &str| {
        page(
            status,
            login_code(frame, &form.form_token(&app), Some(problem)),
            None,
        )
    };
    match outcome {
        SecondStep::SignedIn {
            cookie,
            next,
            carried,
        } => Ok(signed_in_page(&app, frame, &carried, &cookie, next)),
        SecondStep::NoPending => Ok(no_pending(frame)),
        SecondStep::Malformed => Ok(again(
            StatusCode::BAD_REQUEST,
            &frame.text("totp-code-malformed"),
        )),
        SecondStep::Wrong => Ok(again(
            StatusCode::UNAUTHORIZED,
            &frame.text("totp-code-wrong"),
        )),
        SecondStep::Paused(until) => {
            telemetry::throttled("sign_in");
            Err(PageError::paused(until, app.now()))
        }
    }
}

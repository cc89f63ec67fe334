//! `GET`/`POST /login`: signing in, for both flows. The form may carry a typed user code (the
//! device flow) or an app's authorization request (`authorize`); after the password, the person
//! is sent on to that request's consent page, under a new session cookie.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::authorize::{again_signed_in, app_step_page, params_from_field};
use super::blocking::on_blocking_pool;
use super::browser::{
    Browser, PageError, PageForm, page, see_other, session_cookie, sign_in_page, with_cookie,
};
use super::errors::allow_form_redirect_to;
use super::language::local_path;
use super::verification::after_code_posted;
use crate::app::App;
use crate::app::authorize::NextStep;
use crate::app::person::{
    AfterSignIn, AppStep, Carried, CarriedApp, SignInOutcome, Then, known_as,
};

use crate::pages::device::Login;
use crate::pages::devices::{SignedIn, signed_in};
use crate::pages::layout::Frame;
use crate::telemetry;

/// `GET /login`: signing in without a code in hand; for a browser already signed in, who it
/// is signed in as, with the ways on and out.
pub async fn show_login(browser: Browser, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let (cookie, fresh) = browser.cookie_or_fresh(&app)?;
    let session_cookie = cookie.clone();
    let signed_in_as = on_blocking_pool(&app, move |app| app.signed_in(&session_cookie))
        .await??
        .map(|(_, user)| known_as(&user).to_owned());
    if let Some(account) = signed_in_as {
        let view = SignedIn {
            csrf_token: &app.form_token(&cookie),
            account: &account,
        };
        return Ok(page(
            StatusCode::OK,
            signed_in(&browser.frame, &view),
            fresh,
        ));
    }
    let view = Login {
        csrf_token: &app.form_token(&cookie),
        ..Login::default()
    };
    Ok(page(
        StatusCode::OK,
        crate::pages::device::login(&browser.frame, &view),
        fresh,
    ))
}

/// `POST /login`: check the password, start a session under a new cookie, then continue.
pub async fn submit_login(form: PageForm, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let username = form.get("username").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let then = match (form.get("authorize"), form.get("user_code")) {
        (Some(field), _) => Then::Authorization(params_from_field(field)),
        (None, Some(typed)) => Then::Device(typed.to_owned()),
        (None, None) => Then::Nowhere,
    };
    let (visitor, name) = (form.visitor.clone(), username.clone());
    let carried = carried_by(&form);
    let outcome = on_blocking_pool(&app, move |app| {
        app.sign_in_and_continue(&visitor, &name, &password, then, carried)
    })
    .await??;
    match outcome {
        SignInOutcome::SignedIn { cookie, next } => Ok(signed_in_page(
            &app,
            &form.frame,
            &carried_by(&form),
            &cookie,
            next,
        )),
        // The browser keeps its cookie: the pending sign-in is bound to it.
        SignInOutcome::SecondFactor => Ok(see_other("/login/code")),
        SignInOutcome::Rejected { app: carried } => {
            Ok(rejected_page(&app, &form, &username, carried))
        }
        SignInOutcome::Paused(until) => {
            telemetry::throttled("sign_in");
            Err(PageError::paused(until, app.now()))
        }
        SignInOutcome::Busy => {
            telemetry::throttled("password_hashing");
            Err(PageError::busy())
        }
    }
}

/// What the sign-in form carried on to, kept while a second factor is asked for.
fn carried_by(form: &PageForm) -> Carried {
    Carried {
        user_code: form.get("user_code").map(str::to_owned),
        authorize: form.get("authorize").map(str::to_owned),
        back: form.get("back").map(str::to_owned),
        to_account: form.get("then") == Some("account"),
    }
}

/// Where a sign-in goes on to, under the new session's cookie: by a redirect to a page
/// (Post/Redirect/Get), so that reloading it never posts the password again.
pub(super) fn signed_in_page(
    app: &App,
    frame: &Frame,
    carried: &Carried,
    cookie: &str,
    next: AfterSignIn,
) -> HttpResponse {
    let fresh = session_cookie(app, cookie.to_owned());
    let token = app.form_token(cookie);
    let typed = carried.user_code.as_deref().unwrap_or_default();
    let mut response = match next {
        AfterSignIn::SetUpSecondFactor => see_other("/account/second-factor"),
        AfterSignIn::Authorization(AppStep::Next {
            checked,
            step: NextStep::Consent,
            ..
        }) => see_other(&again_signed_in(&checked)),
        AfterSignIn::Authorization(step) => {
            app_step_page(frame, &token, step, StatusCode::SEE_OTHER)
        }
        AfterSignIn::Device(step) => {
            after_code_posted(app, frame, step, cookie, typed).unwrap_or_else(|e| e.render(frame))
        }
        // Signing in from "My account" goes back there.
        AfterSignIn::Nowhere if carried.to_account => see_other("/account"),
        AfterSignIn::Nowhere => see_other(carried.back.as_deref().map_or("/login", local_path)),
    };
    with_cookie(&mut response, &fresh);
    response
}

/// The sign-in page again, carrying what the form carried.
fn rejected_page(
    app: &App,
    form: &PageForm,
    username: &str,
    carried: Option<CarriedApp>,
) -> HttpResponse {
    let frame = &form.frame;
    if form.get("then") == Some("account") {
        let problem = frame.text("sign-in-rejected");
        let markup =
            crate::pages::account::sign_in_for_account(frame, &form.form_token(app), &problem);
        return page(StatusCode::UNAUTHORIZED, markup, None);
    }
    let field = form.get("authorize");
    let unnamed = frame.text("an-app");
    let app_name = field.map(|_| {
        carried
            .as_ref()
            .map_or(unnamed.as_str(), |c| c.name.as_str())
    });
    let mut response = sign_in_page(
        frame,
        StatusCode::UNAUTHORIZED,
        &Login {
            csrf_token: &form.form_token(app),
            user_code: form.get("user_code"),
            app: app_name.zip(field),
            username: &username.chars().take(64).collect::<String>(),
            problem: Some(&frame.text("sign-in-rejected")),
            back: form.get("back").map(local_path),
        },
    );
    if let Some(carried) = &carried {
        allow_form_redirect_to(&mut response, &carried.redirect_uri);
    }
    response
}

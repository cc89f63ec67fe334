//! `GET /account` ("My account") and `POST /account/password`. After a change, the form
//! redirects back to the page (Post/Redirect/Get), so reloading it posts nothing again.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, PageForm, page};
use crate::app::App;
use crate::app::my_account::MyAccount;
use crate::app::my_account::PasswordChange;
use crate::pages::account::{Account, account, sign_in_for_account};
use crate::pages::layout::Frame;
use crate::telemetry;

/// The query the redirect after a password change carries, so the page can say so.
const CHANGED: &str = "changed=password";

fn sign_in_first(frame: &Frame, token: &str) -> HttpResponse {
    let problem = frame.text("account-sign-in");
    page(
        StatusCode::UNAUTHORIZED,
        sign_in_for_account(frame, token, &problem),
        None,
    )
}

fn account_page(
    frame: &Frame,
    mine: &MyAccount,
    token: &str,
    notice: Option<&str>,
    problem: Option<(StatusCode, &str)>,
) -> HttpResponse {
    let user = &mine.user;
    let view = Account {
        csrf_token: token,
        groups: &mine.groups,
        username: user.username.as_str(),
        name: user.display_name.as_deref(),
        email: user.email.as_ref().map(|e| e.as_str()),
        second_factor: user.second_factor.is_on(),
        notice,
        problem: problem.map(|(_, p)| p),
    };
    let status = problem.map_or(StatusCode::OK, |(s, _)| s);
    page(status, account(frame, &view), None)
}

pub async fn my_account(
    request: HttpRequest,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let (cookie, fresh) = browser.cookie_or_fresh(&app)?;
    let token = app.form_token(&cookie);
    let frame = &browser.frame;
    let found = match fresh {
        Some(_) => None,
        None => on_blocking_pool(&app, move |app| app.my_account(&cookie)).await??,
    };
    let mut response = match found {
        None => sign_in_first(frame, &token),
        Some(user) => {
            let changed = request.query_string() == CHANGED;
            let notice = changed.then(|| frame.text("account-password-changed"));
            account_page(frame, &user, &token, notice.as_deref(), None)
        }
    };
    if let Some(fresh) = &fresh {
        super::browser::with_cookie(&mut response, fresh);
    }
    Ok(response)
}

pub async fn change_password(
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let current = form.get("current").unwrap_or_default().to_owned();
    let new = form.get("password").unwrap_or_default().to_owned();
    let repeat = form.get("repeat").unwrap_or_default().to_owned();
    let visitor = form.visitor.clone();
    let (outcome, user) = on_blocking_pool(&app, move |app| {
        let outcome = app.change_my_password(&visitor, &current, &new, &repeat)?;
        Ok::<_, crate::app::AppError>((outcome, app.my_account(&visitor.cookie)?))
    })
    .await??;
    let frame = &form.frame;
    let token = form.form_token(&app);
    let problem = match outcome {
        PasswordChange::Changed => {
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/account?{CHANGED}")))
                .finish());
        }
        PasswordChange::NotSignedIn => return Ok(sign_in_first(frame, &token)),
        PasswordChange::Paused(until) => {
            telemetry::throttled("sign_in");
            return Err(PageError::paused(until, app.now()));
        }
        PasswordChange::Busy => {
            telemetry::throttled("password_hashing");
            return Err(PageError::busy());
        }
        PasswordChange::WrongCurrent => (
            StatusCode::UNAUTHORIZED,
            frame.text("account-password-wrong"),
        ),
        PasswordChange::Mismatch => (StatusCode::BAD_REQUEST, frame.text("password-mismatch")),
        PasswordChange::Refused(_) => (StatusCode::BAD_REQUEST, frame.text("password-policy")),
    };
    let Some(user) = user else {
        return Ok(sign_in_first(frame, &token));
    };
    Ok(account_page(
        frame,
        &user,
        &token,
        None,
        Some((problem.0, &problem.1)),
    ))
}

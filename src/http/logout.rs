//! Signing out: `GET`/`POST /logout` from authbox's own pages, and `GET`/`POST /end_session`,
//! where an app asks for it (OpenID Connect RP-Initiated Logout 1.0).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::authorize::{refusal_words, unreadable_words};
use super::blocking::on_blocking_pool;
use super::browser::{
    Browser, PageError, PageForm, page, removal_cookie, say, see_other, with_cookie,
};
use super::errors::allow_form_redirect_to;
use super::form::{Form, query_or_form};
use crate::app::App;
use crate::app::logout::{LogoutParams, LogoutRequest};
use crate::app::person::{EndSession, known_as};
use crate::pages::authorize::{ConfirmSignOut, confirm_sign_out};
use crate::pages::layout::Frame;

fn params_from(form: &Form) -> LogoutParams {
    let get = |name: &str| form.get(name).map(str::to_owned);
    LogoutParams {
        id_token_hint: get("id_token_hint"),
        client_id: get("client_id"),
        post_logout_redirect_uri: get("post_logout_redirect_uri"),
        state: get("state"),
    }
}

fn cannot(frame: &Frame, why: &str) -> HttpResponse {
    say(
        frame,
        StatusCode::BAD_REQUEST,
        &frame.text("sign-out-broken-title"),
        why,
        false,
    )
}

/// After signing out: back to the app when it named a registered address, else to the page
/// that says so (Post/Redirect/Get). Either
/// way the browser forgets the cookie.
fn signed_out(app: &App, return_to: Option<&str>, status: StatusCode) -> HttpResponse {
    let mut response = match return_to {
        Some(location) => HttpResponse::build(status)
            .insert_header((header::LOCATION, location))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        None => see_other("/logout"),
    };
    with_cookie(&mut response, &removal_cookie(app));
    response
}

/// `GET /logout`: for a browser signed in, "Sign out?" with a way back; otherwise "Signed out",
/// where `POST /logout` leads.
pub async fn show_logout(browser: Browser, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let signed_in_as = match browser.cookie.clone() {
        Some(cookie) => on_blocking_pool(&app, move |app| app.signed_in(&cookie))
            .await??
            .map(|(_, user)| known_as(&user).to_owned()),
        None => None,
    };
    let Some(account) = signed_in_as else {
        return Ok(say(
            frame,
            StatusCode::OK,
            &frame.text("signed-out-title"),
            &frame.text("signed-out-body"),
            true,
        ));
    };
    let view = ConfirmSignOut {
        csrf_token: &browser.form_token(&app),
        signed_in_as: &account,
        app_name: None,
        carry: &[],
    };
    Ok(page(StatusCode::OK, confirm_sign_out(frame, &view), None))
}

/// `POST /logout`: end the session; carried fields from an app's request send the browser back.
pub async fn submit_logout(form: PageForm, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let params = LogoutParams {
        id_token_hint: None,
        ..params_from(&form.form)
    };
    let cookie = form.cookie().to_owned();
    let return_to = on_blocking_pool(&app, move |app| app.leave(&cookie, &params)).await??;
    Ok(signed_out(
        &app,
        return_to.as_deref(),
        StatusCode::SEE_OTHER,
    ))
}

/// `GET`/`POST /end_session`. With an ID token naming the signed-in person, or with nobody
/// signed in, it signs out at once; otherwise the person confirms, so that no other site can
/// sign people out at will.
pub async fn end_session(
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
    let frame = &browser.frame;
    let params = match query_or_form(&request, payload).await {
        Ok(form) => params_from(&form),
        Err(why) => return Ok(cannot(frame, &unreadable_words(frame, why))),
    };
    let (cookie, asked) = (browser.cookie.clone(), params.clone());
    let ended =
        on_blocking_pool(&app, move |app| app.end_session(cookie.as_deref(), &asked)).await??;
    Ok(match ended {
        EndSession::SignedOut { return_to } => signed_out(&app, return_to.as_deref(), status),
        EndSession::Confirm {
            request,
            signed_in_as,
        } => confirm_page(
            frame,
            &browser.form_token(&app),
            &request,
            &params,
            &signed_in_as,
        ),
        EndSession::Refused(why) => cannot(frame, &refusal_words(frame, why)),
    })
}

/// Asks the signed-in person to confirm, carrying the app's fields on to `POST /logout`.
fn confirm_page(
    frame: &Frame,
    token: &str,
    checked: &LogoutRequest,
    params: &LogoutParams,
    signed_in_as: &str,
) -> HttpResponse {
    let client_id = checked.client.as_ref().map(|c| c.id.to_string());
    let mut carry: Vec<(&str, &str)> = Vec::new();
    if checked.return_to.is_some() {
        if let Some(uri) = params.post_logout_redirect_uri.as_deref() {
            carry.push(("post_logout_redirect_uri", uri));
        }
        if let Some(state) = params.state.as_deref() {
            carry.push(("state", state));
        }
    }
    if let Some(id) = client_id.as_deref() {
        carry.push(("client_id", id));
    }
    let mut response = page(
        StatusCode::OK,
        confirm_sign_out(
            frame,
            &ConfirmSignOut {
                csrf_token: token,
                signed_in_as,
                app_name: checked.client.as_ref().map(|c| c.name.as_str()),
                carry: &carry,
            },
        ),
        None,
    );
    if let Some(target) = checked.return_to.as_deref() {
        allow_form_redirect_to(&mut response, target);
    }
    response
}

//! Signing out: `POST /logout` from authbox's own pages, and `GET`/`POST /end_session`, where an
//! app asks for it (OpenID Connect RP-Initiated Logout 1.0).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::errors::allow_form_redirect_to;
use super::form::{Form, query_or_form};
use super::verification::{browser_cookie, checked_form, say, session_cookie, unavailable};
use crate::app::App;
use crate::app::logout::{LogoutParams, LogoutRequest};
use crate::pages::authorize::{ConfirmSignOut, confirm_sign_out};

fn params_from(form: &Form) -> LogoutParams {
    let get = |name: &str| form.get(name).map(str::to_owned);
    LogoutParams {
        id_token_hint: get("id_token_hint"),
        client_id: get("client_id"),
        post_logout_redirect_uri: get("post_logout_redirect_uri"),
        state: get("state"),
    }
}

fn cannot(why: &str) -> HttpResponse {
    say(
        StatusCode::BAD_REQUEST,
        "This sign-out cannot continue",
        why,
        false,
    )
}

/// After signing out: back to the app when it named a registered address, else a page. Either
/// way the browser forgets the cookie.
fn signed_out(app: &App, return_to: Option<&str>, status: StatusCode) -> HttpResponse {
    let mut response = match return_to {
        Some(location) => HttpResponse::build(status)
            .insert_header((header::LOCATION, location))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        None => say(
            StatusCode::OK,
            "Signed out",
            "You are signed out on this browser.",
            true,
        ),
    };
    let mut gone = session_cookie(app, String::new());
    gone.make_removal();
    let _ = response.add_cookie(&gone);
    response
}

/// `POST /logout`: end the session; carried fields from an app's request send the browser back.
pub async fn submit_logout(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    let (cookie, form) = match checked_form(&request, payload, &app).await {
        Ok(checked) => checked,
        Err(response) => return response,
    };
    let params = LogoutParams {
        id_token_hint: None,
        ..params_from(&form)
    };
    let outcome = on_blocking_pool(&app, move |app| {
        let checked = app.check_logout_request(&params);
        app.sign_out(&cookie).map(|()| checked)
    })
    .await;
    match outcome {
        Ok(Ok(checked)) => {
            // The session is over either way; a bad return address only loses the redirect.
            let return_to = checked.ok().and_then(|c| c.return_to);
            signed_out(&app, return_to.as_deref(), StatusCode::SEE_OTHER)
        }
        _ => unavailable(),
    }
}

/// `GET`/`POST /end_session`. With an ID token naming the signed-in person, or with nobody
/// signed in, it signs out at once; otherwise the person confirms, so that no other site can
/// sign people out at will.
pub async fn end_session(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    let is_post = request.method() == actix_web::http::Method::POST;
    let form = match query_or_form(&request, payload).await {
        Ok(form) => form,
        Err(why) => return cannot(why),
    };
    let params = params_from(&form);
    let state = params.state.clone();
    let posted_uri = params.post_logout_redirect_uri.clone();
    let cookie = browser_cookie(&request, &app);
    let session_cookie = cookie.clone();
    let outcome = on_blocking_pool(&app, move |app| {
        let checked = app.check_logout_request(&params).map_err(Some)?;
        let failed = |e: crate::app::AppError| {
            tracing::error!(error = %e, "signing out failed");
            None
        };
        let signed_in = match &session_cookie {
            Some(cookie) => app.signed_in(cookie).map_err(failed)?,
            None => None,
        };
        let confirm = match &signed_in {
            Some((_, user)) if checked.hinted_sub.as_ref() != Some(&user.sub) => {
                let name = user
                    .display_name
                    .clone()
                    .unwrap_or_else(|| user.username.to_string());
                Some(name)
            }
            Some(_) => {
                if let Some(cookie) = &session_cookie {
                    app.sign_out(cookie).map_err(failed)?;
                }
                None
            }
            None => None,
        };
        // `Err(Some(why))` is the person's to read; `Err(None)` is our fault.
        Ok::<(LogoutRequest, Option<String>), Option<String>>((checked, confirm))
    })
    .await;
    let status = if is_post {
        StatusCode::SEE_OTHER
    } else {
        StatusCode::FOUND
    };
    match outcome {
        Ok(Ok((checked, None))) => signed_out(&app, checked.return_to.as_deref(), status),
        Ok(Ok((checked, Some(signed_in_as)))) => {
            let token = cookie.map(|c| app.form_token(&c)).unwrap_or_default();
            let client_id = checked.client.as_ref().map(|c| c.id.to_string());
            let mut carry: Vec<(&str, &str)> = Vec::new();
            if checked.return_to.is_some() {
                if let Some(uri) = posted_uri.as_deref() {
                    carry.push(("post_logout_redirect_uri", uri));
                }
                if let Some(state) = state.as_deref() {
                    carry.push(("state", state));
                }
            }
            if let Some(id) = client_id.as_deref() {
                carry.push(("client_id", id));
            }
            let mut response = super::verification::page(
                StatusCode::OK,
                confirm_sign_out(&ConfirmSignOut {
                    csrf_token: &token,
                    signed_in_as: &signed_in_as,
                    app_name: checked.client.as_ref().map(|c| c.name.as_str()),
                    carry: &carry,
                }),
                None,
            );
            if let Some(target) = checked.return_to.as_deref() {
                allow_form_redirect_to(&mut response, target);
            }
            response
        }
        Ok(Err(Some(why))) => cannot(&why),
        Ok(Err(None)) | Err(_) => unavailable(),
    }
}

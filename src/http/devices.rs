//! `GET /devices` ("My devices and apps"), `POST /devices/sign-out` and
//! `POST /devices/forget-app`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::verification::{browser_cookie, checked_form, page, unavailable};
use crate::app::devices::PairedDevice;
use crate::app::{App, AppError};
use crate::domain::user::Subject;
use crate::pages::device::{Login, ago, login, scope_words};
use crate::pages::devices::{AppLine, DeviceLine, Devices, devices};

fn lines(list: &[PairedDevice], now: crate::domain::time::Timestamp) -> Vec<DeviceLine> {
    list.iter()
        .map(|d| DeviceLine {
            id: d.id.clone(),
            client_name: d.client_name.clone(),
            approved: ago(now.since(d.approved_at)),
            last_used: ago(now.since(d.last_used_at)),
            from: d.from.clone(),
            scopes: d.scopes.iter().map(|s| scope_words(s.as_str())).collect(),
        })
        .collect()
}

fn sign_in_first(app: &App, cookie: Option<&str>) -> HttpResponse {
    let token = cookie.map(|c| app.form_token(c)).unwrap_or_default();
    page(
        StatusCode::UNAUTHORIZED,
        login(&Login {
            csrf_token: &token,
            user_code: None,
            username: "",
            problem: Some("Sign in to see the devices signed in as you."),
            ..Login::default()
        }),
        None,
    )
}

/// Renders the list for the signed-in person behind `cookie`, or asks them to sign in.
async fn render(app: &web::Data<App>, cookie: String, notice: Option<String>) -> HttpResponse {
    let session_cookie = cookie.clone();
    let found = on_blocking_pool(app, move |app| {
        let (_, user) = app.signed_in(&session_cookie).ok().flatten()?;
        let list = app.devices_of(&user.sub).ok()?;
        let apps = app.allowed_apps(&user.sub).ok()?;
        Some((user, list, apps, app.now()))
    })
    .await;
    let Ok(found) = found else {
        return unavailable();
    };
    let Some((user, list, apps, now)) = found else {
        return sign_in_first(app, Some(&cookie));
    };
    let token = app.form_token(&cookie);
    let name = user
        .display_name
        .as_deref()
        .unwrap_or(user.username.as_str());
    let lines = lines(&list, now);
    let apps: Vec<AppLine> = apps
        .into_iter()
        .map(|a| AppLine {
            client_id: a.client_id,
            client_name: a.client_name,
            allowed: ago(now.since(a.granted_at)),
            scopes: a.scopes.iter().map(|s| scope_words(s.as_str())).collect(),
        })
        .collect();
    page(
        StatusCode::OK,
        devices(&Devices {
            csrf_token: &token,
            signed_in_as: name,
            devices: &lines,
            apps: &apps,
            notice: notice.as_deref(),
        }),
        None,
    )
}

pub async fn my_devices(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    match browser_cookie(&request, &app) {
        Some(cookie) => render(&app, cookie, None).await,
        None => sign_in_first(&app, None),
    }
}

/// What one of the page's buttons says afterwards: on success (given the name of what it ended)
/// and when there was nothing to end.
struct Notices {
    done: fn(&str) -> String,
    not_found: &'static str,
}

/// The shape of every button on the page: as the signed-in person, end what the form field
/// `field` names, then show the page again with what happened.
async fn act_on_form(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
    field: &'static str,
    act: fn(&App, &Subject, &str) -> Result<String, AppError>,
    notices: Notices,
) -> HttpResponse {
    let (cookie, form) = match checked_form(&request, payload, &app).await {
        Ok(checked) => checked,
        Err(response) => return response,
    };
    let target = form.get(field).unwrap_or_default().to_owned();
    let session_cookie = cookie.clone();
    let outcome = on_blocking_pool(&app, move |app| {
        let (_, user) = app.signed_in(&session_cookie).ok().flatten()?;
        Some(act(app, &user.sub, &target))
    })
    .await;
    let notice = match outcome {
        Ok(Some(Ok(name))) => Some((notices.done)(&name)),
        Ok(Some(Err(_))) => Some(notices.not_found.to_owned()),
        Ok(None) => return sign_in_first(&app, Some(&cookie)),
        Err(_) => return unavailable(),
    };
    render(&app, cookie, notice).await
}

/// Signs one of the person's own devices out.
pub async fn sign_out_device(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    act_on_form(
        request,
        payload,
        app,
        "device",
        |app, sub, device| {
            app.sign_out_device(device, Some(sub))
                .map(|d| d.client_name)
        },
        Notices {
            done: |name| format!("{name} is signed out."),
            not_found: "That device was not found.",
        },
    )
    .await
}

/// Takes back a web app's permission to sign the person in without asking.
pub async fn forget_app(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    act_on_form(
        request,
        payload,
        app,
        "client_id",
        |app, sub, client_id| {
            let name = app.client(client_id).map(|c| c.name).unwrap_or_default();
            app.revoke_consent(sub, client_id).map(|()| name)
        },
        Notices {
            done: |name| format!("{name} will ask before signing you in again."),
            not_found: "That app was not found.",
        },
    )
    .await
}

//! `GET /devices` ("My devices and apps"), `POST /devices/sign-out` and
//! `POST /devices/forget-app`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, PageForm, page, sign_in_page};
use crate::app::App;
use crate::app::devices::{Ended, MyDevices};
use crate::app::person::known_as;
use crate::i18n::Arg;
use crate::pages::device::{Login, scope_words};
use crate::pages::devices::{AppLine, DeviceLine, Devices, devices};
use crate::pages::layout::Frame;

fn sign_in_first(frame: &Frame, token: &str) -> HttpResponse {
    sign_in_page(
        frame,
        StatusCode::UNAUTHORIZED,
        &Login {
            csrf_token: token,
            problem: Some(&frame.text("sign-in-for-devices")),
            ..Login::default()
        },
    )
}

/// The page for what [`App::my_devices`] found, with `notice` about a button just pressed.
fn devices_page(
    frame: &Frame,
    found: MyDevices,
    token: &str,
    notice: Option<&str>,
) -> HttpResponse {
    let MyDevices::Listed {
        user,
        devices: list,
        apps,
        now,
    } = found
    else {
        return sign_in_first(frame, token);
    };
    let words = |scopes: &crate::domain::scope::ScopeSet| {
        scopes
            .iter()
            .map(|s| scope_words(frame, s.as_str()))
            .collect()
    };
    let lines: Vec<DeviceLine> = list
        .iter()
        .map(|d| DeviceLine {
            id: d.id.clone(),
            client_name: d.client_name.clone(),
            approved: frame.language.date_time(d.approved_at.secs()),
            last_used: frame.language.ago(now.since(d.last_used_at)),
            from: d.from.clone(),
            scopes: words(&d.scopes),
        })
        .collect();
    let apps: Vec<AppLine> = apps
        .into_iter()
        .map(|a| AppLine {
            client_id: a.client_id,
            client_name: a.client_name,
            allowed: frame.language.date_time(a.granted_at.secs()),
            scopes: words(&a.scopes),
        })
        .collect();
    let view = Devices {
        csrf_token: token,
        signed_in_as: known_as(&user),
        devices: &lines,
        apps: &apps,
        notice,
    };
    page(StatusCode::OK, devices(frame, &view), None)
}

pub async fn my_devices(browser: Browser, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let token = browser.form_token(&app);
    let Some(cookie) = browser.cookie else {
        return Ok(sign_in_first(&browser.frame, &token));
    };
    let found = on_blocking_pool(&app, move |app| app.my_devices(&cookie)).await??;
    Ok(devices_page(&browser.frame, found, &token, None))
}

/// What one of the page's buttons says afterwards, in the person's language: on success (given
/// the name of what it ended) and when there was nothing to end.
struct Notices {
    done: fn(&Frame, &str) -> String,
    not_found: fn(&Frame) -> String,
}

/// The shape of every button on the page: as the signed-in person, end what the form field
/// `field` names, then show the page again with what happened.
async fn act_on_form(
    form: PageForm,
    app: web::Data<App>,
    field: &'static str,
    act: fn(&App, &str, &str) -> Result<Ended, crate::app::AppError>,
    notices: Notices,
) -> Result<HttpResponse, PageError> {
    let target = form.get(field).unwrap_or_default().to_owned();
    let cookie = form.cookie().to_owned();
    let (ended, found) = on_blocking_pool(&app, move |app| {
        let ended = act(app, &cookie, &target)?;
        Ok::<_, crate::app::AppError>((ended, app.my_devices(&cookie)?))
    })
    .await??;
    let frame = &form.frame;
    let notice = match ended {
        Ended::Done(name) => (notices.done)(frame, &name),
        Ended::NotFound => (notices.not_found)(frame),
        Ended::SignIn => return Ok(sign_in_first(frame, &form.form_token(&app))),
    };
    Ok(devices_page(
        frame,
        found,
        &form.form_token(&app),
        Some(&notice),
    ))
}

/// Signs one of the person's own devices out.
pub async fn sign_out_device(
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let notices = Notices {
        done: |frame, name| frame.text_with("device-signed-out", &[("client", Arg::Text(name))]),
        not_found: |frame| frame.text("device-not-found"),
    };
    act_on_form(form, app, "device", App::sign_out_my_device, notices).await
}

/// Takes back a web app's permission to sign the person in without asking.
pub async fn forget_app(form: PageForm, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let notices = Notices {
        done: |frame, name| frame.text_with("app-forgotten", &[("app", Arg::Text(name))]),
        not_found: |frame| frame.text("app-not-found"),
    };
    act_on_form(form, app, "client_id", App::forget_my_app, notices).await
}

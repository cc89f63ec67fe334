//! `GET /devices` ("My devices and apps"), `POST /devices/sign-out` and
//! `POST /devices/forget-app`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, PageForm, page, see_other, sign_in_page};
use super::form::Form;
use crate::app::App;
use crate::app::devices::{Ended, MyDevices};
use crate::app::page_tickets::TicketFor;
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

/// `GET /devices`, with a notice about a button just pressed when the browser brings that
/// notice's ticket.
pub async fn my_devices(
    request: HttpRequest,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let token = browser.form_token(&app);
    let Some(cookie) = browser.cookie else {
        return Ok(sign_in_first(&browser.frame, &token));
    };
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let notice = query
        .get("notice")
        .and_then(Notice::named)
        .filter(|notice| {
            let name = query.get("name").unwrap_or_default();
            let ticket = query.get("ticket").unwrap_or_default();
            app.page_ticket_matches(&cookie, notice.ticket_for(name), ticket)
        });
    let name = query.get("name").unwrap_or_default().to_owned();
    let found = on_blocking_pool(&app, move |app| app.my_devices(&cookie)).await??;
    let notice = notice.map(|notice| notice.words(&browser.frame, &name));
    Ok(devices_page(
        &browser.frame,
        found,
        &token,
        notice.as_deref(),
    ))
}

/// What one of the page's buttons says afterwards, in the person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    DeviceSignedOut,
    DeviceNotFound,
    AppForgotten,
    AppNotFound,
}

impl Notice {
    const ALL: [Notice; 4] = [
        Notice::DeviceSignedOut,
        Notice::DeviceNotFound,
        Notice::AppForgotten,
        Notice::AppNotFound,
    ];

    /// Its name in the page's address.
    fn key(self) -> &'static str {
        match self {
            Notice::DeviceSignedOut => "device-signed-out",
            Notice::DeviceNotFound => "device-not-found",
            Notice::AppForgotten => "app-forgotten",
            Notice::AppNotFound => "app-not-found",
        }
    }

    fn named(key: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|notice| notice.key() == key)
    }

    fn ticket_for(self, name: &str) -> TicketFor<'_> {
        TicketFor::DevicesNotice {
            notice: self.key(),
            name,
        }
    }

    /// The words, naming what was ended.
    fn words(self, frame: &Frame, name: &str) -> String {
        match self {
            Notice::DeviceSignedOut => {
                frame.text_with("device-signed-out", &[("client", Arg::Text(name))])
            }
            Notice::AppForgotten => frame.text_with("app-forgotten", &[("app", Arg::Text(name))]),
            Notice::DeviceNotFound => frame.text("device-not-found"),
            Notice::AppNotFound => frame.text("app-not-found"),
        }
    }
}

/// The shape of every button on the page: as the signed-in person, end what the form field
/// `field` names, then back to the page (Post/Redirect/Get) with what happened: `done` when
/// something was ended, `not_found` when there was nothing to end.
async fn act_on_form(
    form: PageForm,
    app: web::Data<App>,
    field: &'static str,
    act: fn(&App, &str, &str) -> Result<Ended, crate::app::AppError>,
    (done, not_found): (Notice, Notice),
) -> Result<HttpResponse, PageError> {
    let target = form.get(field).unwrap_or_default().to_owned();
    let cookie = form.cookie().to_owned();
    let ended = on_blocking_pool(&app, move |app| act(app, &cookie, &target)).await??;
    let (notice, name) = match ended {
        Ended::Done(name) => (done, name),
        Ended::NotFound => (not_found, String::new()),
        Ended::SignIn => return Ok(sign_in_first(&form.frame, &form.form_token(&app))),
    };
    let ticket = app.page_ticket(form.cookie(), notice.ticket_for(&name));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("notice", notice.key())
        .append_pair("name", &name)
        .append_pair("ticket", &ticket)
        .finish();
    Ok(see_other(&format!("/devices?{query}")))
}

/// Signs one of the person's own devices out.
pub async fn sign_out_device(
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let notices = (Notice::DeviceSignedOut, Notice::DeviceNotFound);
    act_on_form(form, app, "device", App::sign_out_my_device, notices).await
}

/// Takes back a web app's permission to sign the person in without asking.
pub async fn forget_app(form: PageForm, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let notices = (Notice::AppForgotten, Notice::AppNotFound);
    act_on_form(form, app, "client_id", App::forget_my_app, notices).await
}

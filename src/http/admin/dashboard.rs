//! `GET /admin`: what the server is, how much it holds, and the latest refusals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Admin, Done, refused_page, run};
use crate::app::App;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::http::blocking::on_blocking_pool;
use crate::http::browser::{Browser, PageError, page};
use crate::pages::admin::{Dashboard, dashboard as dashboard_page};

/// The audit events the dashboard calls refusals and throttles.
const REFUSALS: [&str; 4] = [
    "sign_in_failed",
    "code_rejected",
    "refresh_reused",
    "code_replayed",
];

/// How far back the dashboard looks for refusals, and how many it shows.
const REFUSALS_SINCE_SECS: u64 = 7 * 24 * 3600;
const REFUSALS_SHOWN: usize = 10;

pub async fn dashboard(
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let overview = on_blocking_pool(&app, |app| app.overview()).await??;
    let request = AdminRequest::Audit {
        since_secs: Some(REFUSALS_SINCE_SECS),
        username: None,
    };
    let events = match run(&app, &admin, request).await? {
        Done::Response(AdminResponse::Audit { events }) => events,
        Done::Response(_) => return Err(PageError::fault("the dashboard", "not an audit answer")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let refusals: Vec<(String, String, String)> = events
        .iter()
        .rev()
        .filter(|e| REFUSALS.contains(&e.event.as_str()))
        .take(REFUSALS_SHOWN)
        .map(|e| {
            let who = e
                .username
                .clone()
                .or_else(|| e.subject.clone())
                .or_else(|| e.client_id.clone())
                .or_else(|| e.address.clone())
                .unwrap_or_default();
            (
                frame.language.date_time(e.at_ms / 1000),
                e.event.clone(),
                who,
            )
        })
        .collect();
    let status = &overview.status;
    let settings = app.settings();
    let facts = vec![
        (frame.text("admin-issuer"), settings.issuer.clone()),
        (
            frame.text("admin-version"),
            env!("CARGO_PKG_VERSION").to_owned(),
        ),
        (
            frame.text("admin-up-since"),
            frame.language.date_time(app.started_at().secs()),
        ),
        (frame.text("admin-data-file"), status.data_file.clone()),
        (
            frame.text("admin-schema"),
            status.schema_version.to_string(),
        ),
        (frame.text("admin-people"), status.users.to_string()),
        (frame.text("admin-clients"), status.clients.to_string()),
        (frame.text("admin-keys"), status.signing_keys.to_string()),
        (
            frame.text("admin-live-codes"),
            overview.live_device_codes.to_string(),
        ),
    ];
    let view = Dashboard {
        facts: &facts,
        refusals: &refusals,
    };
    Ok(page(StatusCode::OK, dashboard_page(frame, &view), None))
}

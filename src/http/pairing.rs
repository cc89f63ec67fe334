//! `GET /device/pair?user_code=…` (a large-type page a TV backend can show or embed) and
//! `GET /device/qr.svg?user_code=…` (the QR code alone). Both serve live codes only, so the
//! server is no QR generator for anything else. Saying whether a code is live is what the
//! code form says, so both spend the same code-entry budget (RFC 8628 §5.1).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, page, say};
use super::errors::allow_framing_by;
use super::form::Form;
use super::verification::problem_page;
use crate::app::App;
use crate::app::device::{CodeProblem, PendingRequest};
use crate::app::guard::CodeEntrant;
use crate::pages::pairing::{Pairing, pairing, qr_svg};

/// The live request named by `?user_code=`, or the page that says why there is none.
async fn live_request(
    request: &HttpRequest,
    browser: &Browser,
    app: &web::Data<App>,
) -> Result<Result<PendingRequest, HttpResponse>, PageError> {
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let typed = query.get("user_code").unwrap_or_default().to_owned();
    let frame = &browser.frame;
    let (cookie, address) = (browser.cookie.clone(), browser.address);
    let looked_up = on_blocking_pool(app, move |app| {
        let who = CodeEntrant {
            cookie: cookie.as_deref(),
            address,
            sub: None,
        };
        app.look_up_code(&who, &typed)
    })
    .await?;
    match looked_up {
        Ok(pending) => Ok(Ok(pending)),
        Err(CodeProblem::Unknown) => Ok(Err(say(
            frame,
            StatusCode::NOT_FOUND,
            &frame.text("no-such-code-title"),
            &frame.text("no-such-code-body"),
            false,
        ))),
        Err(problem) => problem_page(app, frame, problem, "", "").map(Err),
    }
}

fn uris(app: &App, pending: &PendingRequest) -> (String, String) {
    let verification_uri = format!("{}/device", app.settings().issuer);
    let complete = format!(
        "{verification_uri}?user_code={}",
        pending.user_code.display()
    );
    (verification_uri, complete)
}

pub async fn pairing_page(
    request: HttpRequest,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let pending = match live_request(&request, &browser, &app).await? {
        Ok(pending) => pending,
        Err(response) => return Ok(response),
    };
    let (verification_uri, complete) = uris(&app, &pending);
    let user_code = pending.user_code.display();
    let view = Pairing {
        user_code: &user_code,
        verification_uri: &verification_uri,
        verification_uri_complete: &complete,
    };
    let mut response = page(StatusCode::OK, pairing(&browser.frame, &view), None);
    allow_framing_by(&mut response, &app.web_origins_of(&pending.client_id));
    Ok(response)
}

pub async fn qr_image(
    request: HttpRequest,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let pending = match live_request(&request, &browser, &app).await? {
        Ok(pending) => pending,
        Err(response) => return Ok(response),
    };
    let (_, complete) = uris(&app, &pending);
    match qr_svg(&complete, &browser.frame.text("pairing-qr-label")) {
        Some(svg) => Ok(HttpResponse::Ok()
            .content_type("image/svg+xml")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(svg.into_string())),
        None => Err(PageError::fault(
            "drawing a QR code",
            "the link is too long",
        )),
    }
}

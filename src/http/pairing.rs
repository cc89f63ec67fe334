//! `GET /device/pair?user_code=…` (a large-type page a TV backend can show or embed) and
//! `GET /device/qr.svg?user_code=…` (the QR code alone). Both serve live codes only, so the
//! server is no QR generator for anything else. Saying whether a code is live is what the
//! code form says, so both spend the same code-entry budget (RFC 8628 §5.1).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::client_address::client_address;
use super::form::Form;
use super::verification::{browser_cookie, page, problem_page, say, unavailable};
use crate::app::App;
use crate::app::device::{CodeProblem, PendingRequest};
use crate::app::guard::CodeEntrant;
use crate::pages::pairing::{Pairing, pairing, qr_svg};

/// The live request named by `?user_code=`, or the page that says why there is none.
async fn live_request(
    request: &HttpRequest,
    app: &web::Data<App>,
) -> Result<PendingRequest, HttpResponse> {
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let typed = query.get("user_code").unwrap_or_default().to_owned();
    let cookie = browser_cookie(request, app);
    let address = client_address(request, app);
    let looked_up = on_blocking_pool(app, move |app| {
        let who = CodeEntrant {
            cookie: cookie.as_deref(),
            address,
            sub: None,
        };
        (app.look_up_code(&who, &typed), app.now())
    })
    .await;
    match looked_up {
        Ok((Ok(pending), _)) => Ok(pending),
        Ok((Err(CodeProblem::Unknown), _)) => Err(say(
            StatusCode::NOT_FOUND,
            "No such code",
            "Start again on the device to get a code.",
            false,
        )),
        Ok((Err(problem), now)) => Err(problem_page(&problem, "", now)),
        Err(_) => Err(unavailable()),
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

pub async fn pairing_page(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let pending = match live_request(&request, &app).await {
        Ok(pending) => pending,
        Err(response) => return response,
    };
    let (verification_uri, complete) = uris(&app, &pending);
    let user_code = pending.user_code.display();
    let view = Pairing {
        user_code: &user_code,
        verification_uri: &verification_uri,
        verification_uri_complete: &complete,
    };
    page(StatusCode::OK, pairing(&view), None)
}

pub async fn qr_image(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let pending = match live_request(&request, &app).await {
        Ok(pending) => pending,
        Err(response) => return response,
    };
    let (_, complete) = uris(&app, &pending);
    match qr_svg(&complete) {
        Some(svg) => HttpResponse::Ok()
            .content_type("image/svg+xml")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(svg.into_string()),
        None => unavailable(),
    }
}

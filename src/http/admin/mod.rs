//! The admin pages under `/admin`: one guard in front of the whole scope, then a page per
//! thing an administrator looks after (the dashboard, people, clients, keys, the audit log).
//!
//! Invariant: [`require_admin`] wraps the scope, so every path under `/admin`, served or not,
//! passes [`App::admin_access`] before anything else: a browser signed out gets the sign-in
//! page (401), a person who is not an administrator a refusal (403). Handlers take the
//! [`Admin`] the guard found, which fails closed if a route were ever served outside it. Every
//! change is a POST with the form token (`PageForm`), confirmed on a page of its own when it
//! ends something, and goes through [`App::execute_as_admin`].

mod audit;
mod clients;
mod dashboard;
mod groups;
mod keys;
mod links;
mod new_client;
mod people;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{
    PageError, browser_cookie, page, session_cookie, sign_in_page, the_app, with_cookie,
};
use super::client_address::client_address;
use super::language::{frame, here_of};
use crate::app::App;
use crate::app::admin::{AdminFailure, AdminRequest, AdminResponse, FailureKind};
use crate::app::admin_access::{AdminAccess, Administrator};
use crate::pages::admin::not_an_admin;
use crate::pages::device::Login;
use crate::pages::layout::Frame;

/// The admin routes, registered under the `/admin` scope that [`require_admin`] wraps.
pub fn routes(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .route("", web::get().to(dashboard::dashboard))
        .route("/people", web::get().to(people::list))
        .route("/people/{username}", web::get().to(people::show))
        .route(
            "/people/{username}/disable",
            web::get().to(people::confirm_disable),
        )
        .route(
            "/people/{username}/disable",
            web::post().to(people::disable),
        )
        .route("/people/{username}/enable", web::post().to(people::enable))
        .route(
            "/people/{username}/reset",
            web::get().to(links::confirm_reset),
        )
        .route("/people/{username}/reset", web::post().to(links::reset))
        .route(
            "/people/{username}/remove",
            web::get().to(people::confirm_remove),
        )
        .route("/people/{username}/remove", web::post().to(people::remove))
        .route("/invite", web::get().to(links::invite_form))
        .route("/invite", web::post().to(links::invite))
        .route("/links", web::get().to(links::list))
        .route("/links/revoke", web::post().to(links::revoke))
        .route("/grants/revoke", web::post().to(people::revoke_grant))
        .route("/groups", web::get().to(groups::list))
        .route("/groups", web::post().to(groups::create))
        .route("/groups/{name}", web::get().to(groups::show))
        .route("/groups/{name}/members", web::post().to(groups::add_member))
        .route(
            "/groups/{name}/members/remove",
            web::post().to(groups::remove_member),
        )
        .route("/groups/{name}/rename", web::post().to(groups::rename))
        .route(
            "/groups/{name}/delete",
            web::get().to(groups::confirm_delete),
        )
        .route("/groups/{name}/delete", web::post().to(groups::delete))
        .route(
            "/clients/{client_id}/groups",
            web::post().to(clients::set_groups),
        )
        .route("/clients", web::get().to(clients::list))
        .route("/clients/new", web::get().to(new_client::form))
        .route("/clients/new", web::post().to(new_client::create))
        .route("/clients/{client_id}", web::get().to(clients::show))
        .route(
            "/clients/{client_id}/disable",
            web::get().to(clients::confirm_disable),
        )
        .route(
            "/clients/{client_id}/disable",
            web::post().to(clients::disable),
        )
        .route(
            "/clients/{client_id}/enable",
            web::post().to(clients::enable),
        )
        .route(
            "/clients/{client_id}/secret",
            web::get().to(clients::confirm_rotate_secret),
        )
        .route(
            "/clients/{client_id}/secret",
            web::post().to(clients::rotate_secret),
        )
        .route(
            "/clients/{client_id}/remove",
            web::get().to(clients::confirm_remove),
        )
        .route(
            "/clients/{client_id}/remove",
            web::post().to(clients::remove),
        )
        .route("/keys", web::get().to(keys::list))
        .route("/keys/rotate", web::get().to(keys::confirm_rotate))
        .route("/keys/rotate", web::post().to(keys::rotate))
        .route("/audit", web::get().to(audit::list))
}

/// In front of every request under `/admin`: only an administrator's goes on.
pub async fn require_admin<B: MessageBody + 'static>(
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let app = the_app(request.request())?;
    let cookie = browser_cookie(request.request(), &app);
    let address = client_address(request.request(), &app);
    let access = on_blocking_pool(&app, move |app| {
        app.admin_access(cookie.as_deref(), address)
    })
    .await
    .map_err(PageError::from)?
    .map_err(PageError::from)?;
    let refusal = match access {
        AdminAccess::Granted(admin) => {
            request.extensions_mut().insert(admin);
            return Ok(next.call(request).await?.map_into_left_body());
        }
        AdminAccess::NotAdmin { known_as } => {
            let frame = frame(request.request(), &app, here_of(request.request()));
            let token = browser_cookie(request.request(), &app)
                .map(|c| app.form_token(&c))
                .unwrap_or_default();
            page(
                StatusCode::FORBIDDEN,
                not_an_admin(&frame, &token, &known_as),
                None,
            )
        }
        AdminAccess::NeedsSecondFactor { known_as } => {
            let frame = frame(request.request(), &app, here_of(request.request()));
            let token = browser_cookie(request.request(), &app)
                .map(|c| app.form_token(&c))
                .unwrap_or_default();
            let markup =
                crate::pages::second_factor::admin_needs_second_factor(&frame, &token, &known_as);
            page(StatusCode::FORBIDDEN, markup, None)
        }
        AdminAccess::SignedOut => {
            let here = here_of(request.request());
            let frame = frame(request.request(), &app, here.clone());
            // A first visit has no cookie yet: the sign-in form needs one to be posted.
            let (cookie, fresh) = match browser_cookie(request.request(), &app) {
                Some(cookie) => (cookie, None),
                None => {
                    let fresh = app.new_browser_cookie().map_err(PageError::from)?;
                    (fresh.clone(), Some(session_cookie(&app, fresh)))
                }
            };
            let back = (request.method() == actix_web::http::Method::GET).then_some(here);
            let mut answer = sign_in_page(
                &frame,
                StatusCode::UNAUTHORIZED,
                &Login {
                    csrf_token: &app.form_token(&cookie),
                    problem: Some(&frame.text("admin-sign-in")),
                    back: back.as_deref(),
                    ..Login::default()
                },
            );
            if let Some(fresh) = fresh {
                with_cookie(&mut answer, &fresh);
            }
            answer
        }
    };
    Ok(request.into_response(refusal).map_into_right_body())
}

/// The administrator [`require_admin`] let through.
pub struct Admin(pub Administrator);

impl FromRequest for Admin {
    type Error = PageError;
    type Future = std::future::Ready<Result<Admin, PageError>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let found = request.extensions().get::<Administrator>().cloned();
        std::future::ready(found.map(Admin).ok_or_else(|| {
            PageError::fault("an admin page", "it was served without the admin guard")
        }))
    }
}

/// What became of a request: its response, or the CLI's refusal, shown as a page.
pub(super) enum Done {
    Response(AdminResponse),
    Refused(AdminFailure),
}

/// Runs `request` as `admin` on the blocking pool.
pub(super) async fn run(
    app: &web::Data<App>,
    admin: &Admin,
    request: AdminRequest,
) -> Result<Done, PageError> {
    let admin = admin.0.clone();
    let done = on_blocking_pool(app, move |app| app.execute_as_admin(&admin, request)).await?;
    Ok(match done {
        Ok(response) => Done::Response(response),
        Err(failure) if failure.kind == FailureKind::Unavailable => {
            return Err(PageError::fault("an admin request", failure.message));
        }
        Err(refused) => Done::Refused(refused),
    })
}

/// A refused request, as a page: what the CLI would have said.
pub(super) fn refused_page(frame: &Frame, failure: &AdminFailure) -> HttpResponse {
    super::browser::say(
        frame,
        failure_status(failure),
        &frame.text("admin-refused-title"),
        &failure.to_string(),
        false,
    )
}

fn failure_status(failure: &AdminFailure) -> StatusCode {
    match failure.kind {
        FailureKind::NotFound => StatusCode::NOT_FOUND,
        FailureKind::Conflict => StatusCode::CONFLICT,
        FailureKind::Invalid => StatusCode::BAD_REQUEST,
        FailureKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

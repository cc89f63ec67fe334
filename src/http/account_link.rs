//! `GET`/`POST /invite/{secret}` and `/reset/{secret}`: the pages of invitation and recovery
//! links. The GET only shows the form (link previewers open links too); the POST, with the
//! browser's form token, uses the link and redirects, signed in, to "My account". Both reach
//! the link only through the app's budgeted lookup.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, PageForm, page, say, session_cookie, with_cookie};
use crate::app::App;
use crate::app::link_use::{LinkProblem, LinkUse, LinkVisitor, OpenLink, PasswordProblem};
use crate::domain::account_link::{LinkKind, LinkSpent};
use crate::pages::account::{LinkForm, link_form, signed_in_as_other};
use crate::pages::layout::Frame;
use crate::telemetry;

/// The page for a link that cannot be used: what happened, in the person's language.
fn problem_page(
    app: &App,
    frame: &Frame,
    token: &str,
    problem: LinkProblem,
) -> Result<HttpResponse, PageError> {
    let (status, title, body) = match problem {
        LinkProblem::Paused(until) => {
            telemetry::throttled("account_link");
            return Err(PageError::paused(until, app.now()));
        }
        LinkProblem::SignedInAsOther { signed_in_as } => {
            let markup = signed_in_as_other(frame, token, &signed_in_as);
            return Ok(page(StatusCode::CONFLICT, markup, None));
        }
        LinkProblem::Unknown => (
            StatusCode::NOT_FOUND,
            frame.text("link-unknown"),
            frame.text("link-unknown-body"),
        ),
        LinkProblem::Spent(LinkSpent::Used) => (
            StatusCode::GONE,
            frame.text("link-used"),
            frame.text("link-used-body"),
        ),
        LinkProblem::Spent(LinkSpent::Expired) => (
            StatusCode::GONE,
            frame.text("link-expired"),
            frame.text("link-ask-again"),
        ),
        LinkProblem::Spent(LinkSpent::Revoked) => (
            StatusCode::GONE,
            frame.text("link-revoked"),
            frame.text("link-ask-again"),
        ),
        LinkProblem::AccountClosed => (
            StatusCode::GONE,
            frame.text("link-closed"),
            frame.text("link-ask-again"),
        ),
    };
    Ok(say(frame, status, &title, &body, false))
}

fn form_page(
    frame: &Frame,
    token: &str,
    action: &str,
    link: &OpenLink,
    problem: Option<(StatusCode, String)>,
) -> HttpResponse {
    let until = frame.language.date_time(link.expires_at.secs());
    let view = LinkForm {
        csrf_token: token,
        action,
        invitation: link.kind == LinkKind::Invitation,
        username: &link.username,
        known_as: &link.known_as,
        until: &until,
        problem: problem.as_ref().map(|(_, p)| p.as_str()),
    };
    let status = problem.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    page(status, link_form(frame, &view), None)
}

/// `GET`: the form to choose a password, or why the link cannot be used. Changes nothing.
pub async fn show_link(
    request: actix_web::HttpRequest,
    browser: Browser,
    app: web::Data<App>,
    secret: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (cookie, fresh) = browser.cookie_or_fresh(&app)?;
    let token = app.form_token(&cookie);
    let (address, secret) = (browser.address, secret.into_inner());
    let signed_in_cookie = fresh.is_none().then_some(cookie);
    let opened = on_blocking_pool(&app, move |app| {
        let who = LinkVisitor {
            cookie: signed_in_cookie.as_deref(),
            address,
        };
        app.open_link(&who, &secret)
    })
    .await??;
    let frame = &browser.frame;
    let mut response = match opened {
        Ok(link) => form_page(frame, &token, request.path(), &link, None),
        Err(problem) => problem_page(&app, frame, &token, problem)?,
    };
    if let Some(fresh) = &fresh {
        with_cookie(&mut response, fresh);
    }
    Ok(response)
}

/// `POST`: sets the password once, signs the person in and sends them to "My account".
pub async fn use_link(
    request: actix_web::HttpRequest,
    form: PageForm,
    app: web::Data<App>,
    secret: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let password = form.get("password").unwrap_or_default().to_owned();
    let repeat = form.get("repeat").unwrap_or_default().to_owned();
    let (cookie, address, secret) = (
        form.cookie().to_owned(),
        form.visitor.address,
        secret.into_inner(),
    );
    let used = on_blocking_pool(&app, move |app| {
        let who = LinkVisitor {
            cookie: Some(&cookie),
            address,
        };
        app.use_link(&who, &secret, &password, &repeat)
    })
    .await??;
    let frame = &form.frame;
    let token = form.form_token(&app);
    match used {
        LinkUse::SignedIn(session) => {
            let mut response = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/account"))
                .finish();
            with_cookie(&mut response, &session_cookie(&app, session.cookie));
            Ok(response)
        }
        LinkUse::Link(problem) => problem_page(&app, frame, &token, problem),
        LinkUse::Password(link, problem) => {
            let problem = match problem {
                PasswordProblem::Mismatch => frame.text("password-mismatch"),
                PasswordProblem::Refused(_) => frame.text("password-policy"),
            };
            Ok(form_page(
                frame,
                &token,
                request.path(),
                &link,
                Some((StatusCode::BAD_REQUEST, problem)),
            ))
        }
        LinkUse::Busy => {
            telemetry::throttled("password_hashing");
            Err(PageError::busy())
        }
    }
}

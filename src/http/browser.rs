//! The toolkit of every browser page: the browser's cookie, address and language
//! ([`Browser`]), forms checked for origin and form token ([`PageForm`]), the HTML error renderer
//! ([`PageError`]), and the small pages several routes show (sign-in, a message, "too many
//! tries").
//!
//! A page handler reads: extract → one `app` call on the blocking pool → `match` the outcome →
//! render in the extracted [`Frame`] (the person's language, the site's name). Faults leave
//! through `?` as [`PageError::Fault`], logged once with their causes and shown as "try again".
//!
//! Every POST must carry the browser's form token and come from our own origin (SPEC WEB-1..3).

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use maud::Markup;

use super::blocking::PoolUnavailable;
use super::client_address::client_address;
use super::errors::html;
use super::form::{BodyProblem, Form, read_limited};
use super::language::{fallback_frame, frame, frame_of, here_after_form, here_of};
use crate::app::person::Visitor;
use crate::app::{App, AppError};
use crate::domain::time::Timestamp;
use crate::i18n::Arg;
use crate::pages::device::{Login, Message, login, message};
use crate::pages::layout::Frame;

/// On https the `__Host-` prefix pins the cookie to this origin, path `/` and `Secure`.
fn cookie_name(app: &App) -> &'static str {
    if app.settings().issuer.starts_with("https://") {
        "__Host-authbox_session"
    } else {
        "authbox_session"
    }
}

pub(super) fn browser_cookie(request: &HttpRequest, app: &App) -> Option<String> {
    request
        .cookie(cookie_name(app))
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 64)
}

/// The cookie that carries `value` (a session id, or a browser's random id before sign-in).
pub fn session_cookie(app: &App, value: String) -> Cookie<'static> {
    Cookie::build(cookie_name(app), value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(app.settings().issuer.starts_with("https://"))
        .finish()
}

/// The cookie that makes the browser forget its session.
pub fn removal_cookie(app: &App) -> Cookie<'static> {
    let mut gone = session_cookie(app, String::new());
    gone.make_removal();
    gone
}

pub(super) fn the_app(request: &HttpRequest) -> Result<web::Data<App>, PageError> {
    request
        .app_data::<web::Data<App>>()
        .cloned()
        .ok_or_else(|| PageError::fault("serving a page", "the application state is missing"))
}

/// The browser behind a page request: its cookie when it has one, its address, and the frame
/// of the page it gets (its language).
pub struct Browser {
    pub cookie: Option<String>,
    pub address: Option<IpAddr>,
    pub frame: Frame,
}

impl Browser {
    /// Its cookie, or a fresh one to set with the response (a first visit).
    pub fn cookie_or_fresh(
        &self,
        app: &App,
    ) -> Result<(String, Option<Cookie<'static>>), PageError> {
        if let Some(cookie) = &self.cookie {
            return Ok((cookie.clone(), None));
        }
        let fresh = app.new_browser_cookie()?;
        Ok((fresh.clone(), Some(session_cookie(app, fresh))))
    }

    /// The form token for this browser's cookie; empty when it has none.
    pub fn form_token(&self, app: &App) -> String {
        self.cookie
            .as_deref()
            .map(|c| app.form_token(c))
            .unwrap_or_default()
    }
}

impl FromRequest for Browser {
    type Error = PageError;
    type Future = std::future::Ready<Result<Browser, PageError>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(the_app(request).map(|app| Browser {
            cookie: browser_cookie(request, &app),
            address: client_address(request, &app),
            frame: frame(request, &app, here_of(request)),
        }))
    }
}

/// OWASP CSRF: reject cross-site posts by Fetch Metadata and by `Origin`, when sent. Under our
/// `Referrer-Policy: no-referrer` browsers may send `Origin: null`, which says nothing either
/// way; the form token still has to match.
fn from_our_origin(request: &HttpRequest, app: &App) -> bool {
    let header = |name| request.headers().get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-site").is_some_and(|site| site == "cross-site") {
        return false;
    }
    match header("origin") {
        None | Some("null") => true,
        Some(origin) => url::Url::parse(&app.settings().issuer)
            .map(|issuer| issuer.origin().ascii_serialization() == origin)
            .unwrap_or(false),
    }
}

/// A form posted by one of our pages: read within the body limits, from our own origin, with
/// this browser's form token; and the frame of the page that answers it.
pub struct PageForm {
    pub visitor: Visitor,
    pub form: Form,
    pub frame: Frame,
}

impl PageForm {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.form.get(name)
    }

    pub fn cookie(&self) -> &str {
        &self.visitor.cookie
    }

    /// This browser's form token, for the page that answers.
    pub fn form_token(&self, app: &App) -> String {
        app.form_token(&self.visitor.cookie)
    }

    async fn read(request: HttpRequest, payload: web::Payload) -> Result<PageForm, PageError> {
        let app = the_app(&request)?;
        let body = read_limited(&request, payload)
            .await
            .map_err(|problem| match problem {
                BodyProblem::TooLarge => PageError::Form(FormProblem::TooLarge),
                BodyProblem::TooSlow => PageError::Form(FormProblem::TooSlow),
                BodyProblem::Unreadable => PageError::Form(FormProblem::Unreadable),
            })?;
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let form = Form::parse(content_type, &body)
            .map_err(|_| PageError::Form(FormProblem::Unparsable))?;
        let stale = || PageError::Form(FormProblem::Stale);
        let cookie = browser_cookie(&request, &app).ok_or_else(stale)?;
        let token_ok = form
            .get("csrf_token")
            .is_some_and(|token| app.form_token_matches(&cookie, token));
        if !token_ok || !from_our_origin(&request, &app) {
            return Err(stale());
        }
        let address = client_address(&request, &app);
        let frame = frame(&request, &app, here_after_form(request.path(), &form));
        Ok(PageForm {
            visitor: Visitor { cookie, address },
            form,
            frame,
        })
    }
}

impl FromRequest for PageForm {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<PageForm, PageError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        let payload = web::Payload::from_request(&request, payload);
        Box::pin(async move {
            let payload = payload
                .await
                .map_err(|e| PageError::fault("reading a form", e.to_string()))?;
            PageForm::read(request, payload).await
        })
    }
}

/// Renders a page error again in the language of the request it answers: actix asks an error
/// for its response without the request, so [`PageError`]'s own is in English.
pub async fn localize_page_errors<B: MessageBody + 'static>(
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let response = next.call(request).await?;
    let failed = response.response().error();
    let Some(error) = failed.and_then(|e| e.as_error::<PageError>()) else {
        return Ok(response.map_into_left_body());
    };
    let rendered = error.render(&frame_of(response.request()));
    Ok(response.into_response(rendered).map_into_right_body())
}

/// A page with `markup`, setting `cookie` when given.
pub fn page(status: StatusCode, markup: Markup, cookie: Option<Cookie<'static>>) -> HttpResponse {
    let mut response = html(status, markup);
    if let Some(cookie) = cookie {
        with_cookie(&mut response, &cookie);
    }
    response
}

pub fn with_cookie(response: &mut HttpResponse, cookie: &Cookie<'static>) {
    // Only fails for a cookie that cannot be a header value; ours are base64url.
    let _ = response.add_cookie(cookie);
}

/// `303 See Other` to one of our own pages: how a form that worked answers
/// (Post/Redirect/Get). The address may carry a page ticket, so it is neither cached nor sent on
/// as a referrer.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .finish()
}

/// A short message page; `again` offers a way back to the code form.
pub fn say(
    frame: &Frame,
    status: StatusCode,
    title: &str,
    body: &str,
    again: bool,
) -> HttpResponse {
    page(
        status,
        message(frame, &Message { title, body, again }),
        None,
    )
}

/// A client's access policy keeps the signed-in person out (`App::may_use`): the page for the
/// device flow and for an app's request alike; `back_to_app` only for an app's.
pub fn not_for_you_page(
    frame: &Frame,
    refused: &crate::domain::group::NotForYou,
    csrf_token: &str,
    back_to_app: Option<&str>,
) -> HttpResponse {
    use crate::pages::not_for_you::{NotForYou, not_for_you};
    let view = NotForYou {
        app_name: &refused.app_name,
        signed_in_as: &refused.signed_in_as,
        csrf_token,
        back_to_app,
    };
    page(StatusCode::FORBIDDEN, not_for_you(frame, &view), None)
}

/// The sign-in page, as one of several routes shows it.
pub fn sign_in_page(frame: &Frame, status: StatusCode, view: &Login<'_>) -> HttpResponse {
    page(status, login(frame, view), None)
}

/// Why a posted form was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormProblem {
    TooLarge,
    TooSlow,
    /// The body did not arrive.
    Unreadable,
    /// The body is not a form we read.
    Unparsable,
    /// Without this browser's form token, or from another site.
    Stale,
}

/// What the HTML renderer says when a page cannot be shown.
#[derive(Debug)]
pub enum PageError {
    /// A posted form was not taken.
    Form(FormProblem),
    /// Over budget: 429 with `Retry-After`, and a page that says how long to wait.
    Paused { wait_secs: u64 },
    /// Every password-hashing slot is busy: 503, try again in a second.
    Busy,
    /// Something on our side failed; already logged with its causes. Shown as "try again".
    Fault,
}

/// `error` and its causes, outermost first.
fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut chain = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        next = cause.source();
    }
    chain
}

impl PageError {
    /// A fault while `doing` something: logged here, once.
    pub fn fault(doing: &str, cause: impl std::fmt::Display) -> PageError {
        tracing::error!(error = %cause, "{doing} failed");
        PageError::Fault
    }

    /// Over budget until `until`.
    pub fn paused(until: Timestamp, now: Timestamp) -> PageError {
        PageError::Paused {
            wait_secs: until.since(now).as_secs().max(1),
        }
    }

    /// Every password-hashing slot is busy.
    pub fn busy() -> PageError {
        PageError::Busy
    }

    /// The page that says so, in the frame's language.
    pub fn render(&self, frame: &Frame) -> HttpResponse {
        let (title, body, again, retry_after) = match self {
            PageError::Form(problem) => {
                let (title, body) = match problem {
                    FormProblem::TooLarge => (
                        frame.text("form-too-large-title"),
                        frame.text("form-too-large-body"),
                    ),
                    FormProblem::TooSlow => (
                        frame.text("form-too-slow-title"),
                        frame.text("form-too-slow-body"),
                    ),
                    FormProblem::Unreadable => (
                        frame.text("form-broken-title"),
                        frame.text("form-unreadable-body"),
                    ),
                    FormProblem::Unparsable => (
                        frame.text("form-broken-title"),
                        frame.text("form-unparsable-body"),
                    ),
                    FormProblem::Stale => (
                        frame.text("form-stale-title"),
                        frame.text("form-stale-body"),
                    ),
                };
                (title, body, true, None)
            }
            PageError::Paused { wait_secs } => {
                let minutes = wait_secs.div_ceil(60);
                let body = frame.text_with("paused-body", &[("minutes", Arg::Count(minutes))]);
                (frame.text("paused-title"), body, false, Some(*wait_secs))
            }
            PageError::Busy => (
                frame.text("busy-title"),
                frame.text("busy-body"),
                true,
                Some(1),
            ),
            PageError::Fault => (
                frame.text("busy-title"),
                frame.text("fault-body"),
                true,
                None,
            ),
        };
        let mut response = say(frame, self.status_code(), &title, &body, again);
        let value = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok());
        if let Some(value) = value {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::Form(problem) => write!(f, "a form not taken: {problem:?}"),
            PageError::Paused { wait_secs } => write!(f, "too many tries: wait {wait_secs} s"),
            PageError::Busy => f.write_str("busy hashing passwords"),
            PageError::Fault => f.write_str("a fault on our side"),
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        tracing::error!(error = %cause_chain(&e), "a page could not be served");
        PageError::Fault
    }
}

impl From<PoolUnavailable> for PageError {
    fn from(_: PoolUnavailable) -> Self {
        PageError::fault(
            "reaching the blocking pool",
            "it is shut down or the work panicked",
        )
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::Form(FormProblem::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::Form(FormProblem::TooSlow) => StatusCode::REQUEST_TIMEOUT,
            PageError::Form(FormProblem::Unreadable | FormProblem::Unparsable) => {
                StatusCode::BAD_REQUEST
            }
            PageError::Form(FormProblem::Stale) => StatusCode::FORBIDDEN,
            PageError::Paused { .. } => StatusCode::TOO_MANY_REQUESTS,
            PageError::Busy | PageError::Fault => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// In English, under the default name: actix asks without the request. The pages' listener
    /// renders it again in the person's language (`language::localize_page_errors`).
    fn error_response(&self) -> HttpResponse {
        self.render(&fallback_frame())
    }
}

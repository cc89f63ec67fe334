//! The person's language on every page: negotiated for each request into the page's
//! [`Frame`] (also for error pages, `browser::localize_page_errors`), and chosen with the
//! language links (`GET /language`).
//!
//! Invariant: the language links only ever send the browser to a path on this server, and a
//! request from another site (by Fetch Metadata) changes no one's language.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::form::Form;
use crate::app::App;
use crate::domain::network::PlainHttp;
use crate::i18n::{LANGUAGE_COOKIE, Translator, negotiate};
use crate::pages::layout::Frame;

/// The longest way back a language link carries; a longer one (an app's very long request)
/// comes back to the landing page instead.
const MAX_HERE: usize = 2048;

/// The frame of a page answering `request`, coming back to `here` after a change of language.
pub fn frame(request: &HttpRequest, app: &App, here: String) -> Frame {
    let chosen = request.cookie(LANGUAGE_COOKIE);
    let accept = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Frame {
        language: negotiate(chosen.as_ref().map(|c| c.value()), accept),
        site_name: app.settings().site_name(),
        here: if here.len() <= MAX_HERE {
            here
        } else {
            "/".into()
        },
        plain_http: app.settings().plain_http == PlainHttp::PrivateNetwork
            && app.settings().issuer.starts_with("http:"),
    }
}

/// The frame of a page answering `request` outside a handler (an error page), coming back to
/// the request's own page: as [`frame`] has it, or in English under the product's name where
/// there is no application state to name the site.
pub fn frame_of(request: &HttpRequest) -> Frame {
    match request.app_data::<web::Data<App>>() {
        Some(app) => frame(request, app, here_of(request)),
        None => fallback_frame(),
    }
}

/// English, under the product's name, coming back to the landing page.
pub fn fallback_frame() -> Frame {
    Frame {
        language: Translator::english(),
        site_name: "authbox".into(),
        here: "/".into(),
        plain_http: false,
    }
}

/// Where the language links on the answer to `request` come back to: a GET to itself; a form's
/// answer, whose fields are gone by then, to the page that begins its step.
pub fn here_of(request: &HttpRequest) -> String {
    if request.method() == Method::GET {
        return match request.query_string() {
            "" => request.path().to_owned(),
            query => format!("{}?{query}", request.path()),
        };
    }
    step_page(request.path(), None)
}

/// [`here_of`] for the answer to a form posted to `path`: the step the form carried (a user
/// code, an app's request) begins again there.
pub fn here_after_form(path: &str, form: &Form) -> String {
    step_page(path, Some(form))
}

fn step_page(path: &str, form: Option<&Form>) -> String {
    let field = |name| form.and_then(|f| f.get(name));
    if let Some(request) = field("authorize") {
        return format!("/authorize?{request}");
    }
    if let Some(code) = field("user_code") {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("user_code", code)
            .finish();
        return format!("/device?{query}");
    }
    let page = match path {
        "/device" | "/device/decision" => "/device",
        "/login" => "/login",
        "/devices/sign-out" | "/devices/forget-app" => "/devices",
        _ => "/",
    };
    page.to_owned()
}

/// `back` when it is a path on this server, else `/`: never `//host` or `/\host`, which
/// browsers read as another site, nor anything a header cannot carry.
pub(super) fn local_path(back: &str) -> &str {
    let local = back.starts_with('/')
        && !back.starts_with("//")
        && back.len() <= MAX_HERE
        && back.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if local { back } else { "/" }
}

/// Only a request from our own pages, or typed or bookmarked (no `Sec-Fetch-Site`, or `none`),
/// may change the language: another site cannot switch a person's pages into one they do not
/// read.
fn from_here_or_typed(request: &HttpRequest) -> bool {
    match request
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
    {
        None => true,
        Some(site) => site == "same-origin" || site == "none",
    }
}

/// `GET /language?lang=de&back=/device`: remember the language (a year, in a cookie) and go
/// back. An unknown language changes nothing; the way back is always a local path.
pub async fn choose(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let back = local_path(query.get("back").unwrap_or("/"));
    let mut response = HttpResponse::build(StatusCode::SEE_OTHER)
        .insert_header((header::LOCATION, back))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish();
    let chosen = query.get("lang").and_then(Translator::for_tag);
    if let Some(language) = chosen
        && from_here_or_typed(&request)
    {
        let cookie = Cookie::build(LANGUAGE_COOKIE, language.tag())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(app.settings().issuer.starts_with("https://"))
            .max_age(time::Duration::days(365))
            .finish();
        // Fails only for a cookie that cannot be a header value; a language tag can.
        let _ = response.add_cookie(&cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn the_way_back_stays_on_this_server() {
        assert_eq!(
            local_path("/device?user_code=BCDF-GHJK"),
            "/device?user_code=BCDF-GHJK"
        );
        assert_eq!(local_path("/"), "/");
        for elsewhere in [
            "//evil.example/",
            "/\\evil.example/",
            "https://evil.example/",
            "evil.example",
            "/device\r\nSet-Cookie: x=1",
            "/dévice",
            "",
        ] {
            assert_eq!(local_path(elsewhere), "/", "{elsewhere:?}");
        }
    }
}

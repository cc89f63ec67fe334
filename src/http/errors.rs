//! The two error renderers: OAuth JSON (RFC 6749 §5.2) for protocol endpoints, and the HTML
//! page for browsers. Both carry `Cache-Control: no-store`.

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse};
use maud::Markup;
use serde::Serialize;

use super::language::frame_of;
use crate::pages::error::{ErrorView, error_page};

/// Content-Security-Policy for every page (SPEC WEB-5, RFC 9700 §4.16): nothing is allowed but
/// what the pages use. They have no script at all; their one stylesheet is ours; the QR code is
/// inline SVG, so no image is loaded, but `img-src 'self'` lets a browser's own favicon request
/// pass without a violation. Forms post to us alone (widened per page by
/// [`allow_form_redirect_to`]); no `<base>`, no framing.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Lets the forms of a page lead, through our redirect, to `target`'s origin. Browsers apply
/// `form-action` to every redirect after a form post, so without this a consent or sign-out
/// form could never send the browser back to the app (CSP Level 3 §6.3.1).
pub fn allow_form_redirect_to(response: &mut HttpResponse, target: &str) {
    let Ok(url) = url::Url::parse(target) else {
        return;
    };
    let source = match url.origin() {
        url::Origin::Tuple(..) => url.origin().ascii_serialization(),
        // A private-use scheme (RFC 8252 §7.1) has no host: allow the scheme.
        url::Origin::Opaque(_) => format!("{}:", url.scheme()),
    };
    let widened = PAGE_CSP.replace(
        "form-action 'self'",
        &format!("form-action 'self' {source}"),
    );
    if let Ok(value) = header::HeaderValue::from_str(&widened) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Lets pages at `origins` frame this one: a TV backend showing its pairing page inside its
/// own. Every other page, and this one for anyone else, cannot be framed (clickjacking).
pub fn allow_framing_by(response: &mut HttpResponse, origins: &[String]) {
    if origins.is_empty() {
        return;
    }
    let widened = PAGE_CSP.replace(
        "frame-ancestors 'none'",
        &format!("frame-ancestors {}", origins.join(" ")),
    );
    if let Ok(value) = header::HeaderValue::from_str(&widened) {
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
        // X-Frame-Options cannot name an origin, and CSP's frame-ancestors overrides it where
        // both are understood.
        headers.remove(header::X_FRAME_OPTIONS);
    }
}

/// An HTML response with the headers every page carries.
pub fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(markup.into_string())
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_description: Option<&'a str>,
    /// RFC 8628 §3.5 `slow_down`: the interval now expected, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<u64>,
}

/// Long enough for any description of ours plus what it quotes from the request.
const MAX_DESCRIPTION_CHARS: usize = 200;

/// RFC 6749 §5.2 allows only `%x20-21 / %x23-5B / %x5D-7E` in `error_description`. Some
/// descriptions quote the request (a repeated parameter's name, an invalid scope), which can
/// hold anything: a double quote becomes a single one, other characters outside the set `?`,
/// and a long quote is cut short.
fn plain_description(text: &str) -> String {
    let mut plain: String = text
        .chars()
        .take(MAX_DESCRIPTION_CHARS)
        .map(|c| match c {
            '"' => '\'',
            ' ' | '!' | '#'..='[' | ']'..='~' => c,
            _ => '?',
        })
        .collect();
    if text.chars().nth(MAX_DESCRIPTION_CHARS).is_some() {
        plain.push_str("...");
    }
    plain
}

/// A JSON error in the RFC 6749 §5.2 shape, never cached.
pub fn json_error(status: StatusCode, error: &str, description: Option<&str>) -> HttpResponse {
    json_error_with_interval(status, error, description, None)
}

/// [`json_error`], with a polling interval for `slow_down`.
pub fn json_error_with_interval(
    status: StatusCode,
    error: &str,
    description: Option<&str>,
    interval: Option<u64>,
) -> HttpResponse {
    let description = description.map(plain_description);
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, HeaderValue::from_static("no-cache")));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        // What fails here (a full disk, a busy writer) passes; tell clients when to retry.
        response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("1")));
    }
    response.json(ErrorBody {
        error,
        error_description: description.as_deref(),
        interval,
    })
}

/// True when the client prefers a page to JSON, as browsers announce.
fn wants_html(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The router's answer to a method a route does not take is a bare 405: this gives it a body in
/// the format [`not_found`] uses, and keeps the router's `Allow`. Endpoints that answer 405
/// themselves (the OAuth endpoints) are left as they are.
pub fn method_not_allowed<B>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if response.headers().contains_key(header::CONTENT_TYPE) {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let (request, bare) = response.into_parts();
    let allow = bare.headers().get(header::ALLOW).cloned();
    let mut answer = if wants_html(&request) {
        let frame = frame_of(&request);
        let title = frame.text("not-allowed-title");
        let message = frame.text("not-allowed-body");
        let view = ErrorView {
            title: &title,
            message: &message,
        };
        html(StatusCode::METHOD_NOT_ALLOWED, error_page(&frame, &view))
    } else {
        json_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            Some(&format!("{} is not allowed here", request.method())),
        )
    };
    if let Some(allow) = allow {
        answer.headers_mut().insert(header::ALLOW, allow);
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, answer).map_into_right_body(),
    ))
}

pub async fn not_found(request: HttpRequest) -> HttpResponse {
    if wants_html(&request) {
        let frame = frame_of(&request);
        let title = frame.text("not-found-title");
        let message = frame.text("not-found-body");
        let view = ErrorView {
            title: &title,
            message: &message,
        };
        html(StatusCode::NOT_FOUND, error_page(&frame, &view))
    } else {
        json_error(
            StatusCode::NOT_FOUND,
            "not_found",
            Some("there is no endpoint at this path"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::plain_description;

    #[test]
    fn descriptions_keep_to_rfc_6749_characters() {
        assert_eq!(
            plain_description("the parameter \"a\\b\" is repeated"),
            "the parameter 'a?b' is repeated"
        );
        assert_eq!(plain_description("scope été\t"), "scope ?t??");
        let long = plain_description(&"x".repeat(1_000));
        assert_eq!(long.len(), 203);
        assert!(long.ends_with("..."));
    }
}

//! What every answer must look like, by the format of the endpoint that gave it (see
//! `src/http/errors.rs`): OAuth JSON errors with `Cache-Control: no-store` for the protocol
//! endpoints, RFC 6750 challenges for UserInfo, HTML pages with their security headers for the
//! browser, and, where no endpoint applies (no route, wrong method), JSON or a page as the
//! request's `Accept` asks.

use serde_json::Value;

use super::malformed::Format;
use super::raw::Answer;

/// The RFC 6749 §5.2 and RFC 8628 §3.5 codes, and the extensions authbox uses.
const OAUTH_ERRORS: [&str; 11] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "authorization_pending",
    "slow_down",
    "access_denied",
    "expired_token",
    "temporarily_unavailable",
];

/// RFC 6749 §5.2: `error_description` is `%x20-21 / %x23-5B / %x5D-7E`.
pub fn description_is_plain(text: &str) -> bool {
    text.bytes()
        .all(|b| b == 0x20 || b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

/// Where the request sits, as far as the format of its answer goes.
pub struct Asked {
    pub format: Format,
    pub endpoint: &'static str,
    /// The request was a HEAD: headers only.
    pub head: bool,
    pub accepts_html: bool,
}

fn json_object(answer: &Answer, asked: &Asked) -> Result<serde_json::Map<String, Value>, String> {
    let content_type = answer.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(format!("content-type {content_type:?}, not JSON"));
    }
    if asked.head {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(&answer.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(format!("not a JSON object: {:?}", answer.text())),
    }
}

fn no_store(answer: &Answer) -> Result<(), String> {
    match answer.header("cache-control") {
        Some("no-store") => Ok(()),
        other => Err(format!("cache-control {other:?}, not no-store")),
    }
}

/// A JSON error body: `error` and, if present, `error_description` in the plain character set.
fn json_error(answer: &Answer, asked: &Asked, codes: Option<&[&str]>) -> Result<(), String> {
    let body = json_object(answer, asked)?;
    no_store(answer)?;
    if asked.head {
        return Ok(());
    }
    let Some(error) = body.get("error").and_then(Value::as_str) else {
        return Err(format!("no error member: {}", answer.text()));
    };
    if let Some(codes) = codes
        && !codes.contains(&error)
    {
        return Err(format!("error {error:?} is no OAuth error code"));
    }
    if !description_is_plain(error) {
        return Err(format!("error {error:?} leaves RFC 6749 §5.2's characters"));
    }
    match body.get("error_description") {
        None => {}
        Some(Value::String(d)) if description_is_plain(d) => {}
        Some(d) => {
            return Err(format!(
                "error_description {d} leaves RFC 6749 §5.2's characters"
            ));
        }
    }
    for member in body.keys() {
        if !["error", "error_description", "error_uri"].contains(&member.as_str()) {
            return Err(format!("unexpected member {member:?} in an error"));
        }
    }
    Ok(())
}

/// An HTML page with the headers every page carries (SPEC WEB-4, WEB-10, WEB-11), and no
/// markup from the request let through unescaped.
fn page(answer: &Answer, asked: &Asked) -> Result<(), String> {
    let content_type = answer.header("content-type").unwrap_or_default();
    if content_type != "text/html; charset=utf-8" {
        return Err(format!("content-type {content_type:?}, not an HTML page"));
    }
    no_store(answer)?;
    if !answer
        .header("content-security-policy")
        .is_some_and(|csp| csp.contains("frame-ancestors 'none'"))
    {
        return Err("no CSP with frame-ancestors 'none'".into());
    }
    if answer.header("x-frame-options") != Some("DENY") {
        return Err("no X-Frame-Options: DENY".into());
    }
    if answer.header("x-content-type-options") != Some("nosniff") {
        return Err("no X-Content-Type-Options: nosniff".into());
    }
    if asked.head {
        return Ok(());
    }
    let html = answer.text();
    if !html.starts_with("<!DOCTYPE html>") || !html.trim_end().ends_with("</html>") {
        return Err(format!(
            "not a whole page: {:?}",
            &html[..html.len().min(200)]
        ));
    }
    if html.contains("<b>probe") {
        return Err("markup from the request is on the page unescaped".into());
    }
    if answer.status == 429 && answer.header("retry-after").is_none() {
        return Err("429 without Retry-After".into());
    }
    Ok(())
}

fn redirect(answer: &Answer) -> Result<(), String> {
    if answer.header("location").is_none_or(str::is_empty) {
        return Err(format!("{} without a Location", answer.status));
    }
    no_store(answer)
}

/// Where no endpoint's own format applies (no such path, a method the route does not take):
/// a page for browsers, JSON for the rest.
fn negotiated(answer: &Answer, asked: &Asked) -> Result<(), String> {
    if asked.accepts_html {
        page(answer, asked)
    } else {
        json_error(answer, asked, None)
    }
}

fn oauth(answer: &Answer, asked: &Asked) -> Result<(), String> {
    no_store(answer)?;
    if answer.status == 200 {
        if asked.endpoint == "/revoke" {
            return Ok(());
        }
        json_object(answer, asked)?;
        return Ok(());
    }
    json_error(answer, asked, Some(&OAUTH_ERRORS))?;
    if answer.header("pragma") != Some("no-cache") {
        return Err("an OAuth error without Pragma: no-cache".into());
    }
    if answer.status == 401
        && !answer
            .header("www-authenticate")
            .is_some_and(|c| c.starts_with("Basic realm="))
    {
        return Err("401 without a Basic challenge (RFC 6749 §5.2)".into());
    }
    if answer.status == 405 && answer.header("allow") != Some("POST") {
        return Err("405 without Allow: POST".into());
    }
    Ok(())
}

fn bearer(answer: &Answer, asked: &Asked) -> Result<(), String> {
    match answer.status {
        200 => {
            no_store(answer)?;
            let claims = json_object(answer, asked)?;
            if !asked.head && !claims.contains_key("sub") {
                return Err("UserInfo without sub".into());
            }
            Ok(())
        }
        204 => match answer.header("access-control-allow-methods") {
            Some(_) => Ok(()),
            None => Err("a preflight answer without Access-Control-Allow-Methods".into()),
        },
        400 | 401 | 403 => {
            no_store(answer)?;
            let Some(challenge) = answer.header("www-authenticate") else {
                return Err(format!("{} without WWW-Authenticate", answer.status));
            };
            let Some(rest) = challenge.strip_prefix("Bearer realm=\"authbox\"") else {
                return Err(format!("challenge {challenge:?} is not Bearer"));
            };
            let expected = match answer.status {
                400 => "invalid_request",
                401 => "invalid_token",
                _ => "insufficient_scope",
            };
            if !rest.is_empty() && !rest.starts_with(&format!(", error=\"{expected}\"")) {
                return Err(format!("{} with challenge {challenge:?}", answer.status));
            }
            if answer.status != 401 && rest.is_empty() {
                return Err(format!("{} without an error attribute", answer.status));
            }
            Ok(())
        }
        _ => Err(format!("UserInfo answered {}", answer.status)),
    }
}

/// Checks one answer against the contract of the endpoint asked. `Ok` says which rule applied.
pub fn check(answer: &Answer, asked: &Asked) -> Result<(), String> {
    if answer.status >= 500 {
        return Err(format!("{} from the server", answer.status));
    }
    if answer.count("content-length") > 1 {
        return Err("two Content-Length headers".into());
    }
    match answer.status {
        // No endpoint for this path, or none for this method on it (a route registered for one
        // method is not found for the others); otherwise the endpoint's own 404.
        404 if negotiated(answer, asked).is_ok() => return Ok(()),
        // An OPTIONS request to a client endpoint is a CORS preflight, answered with no body
        // (`cors::preflight`); no endpoint answers 204 otherwise.
        204 if matches!(asked.format, Format::OAuth) && answer.body.is_empty() => {
            return no_store(answer);
        }
        405 => {
            if answer.header("allow").is_none() {
                return Err("405 without Allow".into());
            }
            return match asked.format {
                Format::OAuth => oauth(answer, asked),
                _ => negotiated(answer, asked),
            };
        }
        _ => {}
    }
    match asked.format {
        Format::OAuth => oauth(answer, asked),
        Format::Bearer => bearer(answer, asked),
        Format::Page => match answer.status {
            302 | 303 => redirect(answer),
            _ => page(answer, asked),
        },
        Format::Document => {
            if answer.status != 200 {
                return Err(format!("a document answered {}", answer.status));
            }
            json_object(answer, asked).map(|_| ())
        }
        Format::Stylesheet => match answer.header("content-type") {
            Some("text/css; charset=utf-8") if answer.status == 200 => Ok(()),
            other => Err(format!(
                "the stylesheet answered {} {other:?}",
                answer.status
            )),
        },
        Format::Metrics => match answer.header("content-type") {
            Some(t) if t.starts_with("text/plain") && answer.status == 200 => Ok(()),
            other => Err(format!("/metrics answered {} {other:?}", answer.status)),
        },
        Format::Qr => match answer.header("content-type") {
            Some("image/svg+xml") if answer.status == 200 => Ok(()),
            _ => page(answer, asked),
        },
        Format::Nowhere => Err(format!("no route, yet {}", answer.status)),
    }
}

/// An answer from the HTTP layer itself, before any endpoint: for requests that are not HTTP.
pub fn is_bare_http_refusal(answer: &Answer) -> bool {
    matches!(answer.status, 400 | 408 | 413 | 414 | 431 | 505)
        && (answer.body.is_empty() || answer.header("content-type").is_none())
}

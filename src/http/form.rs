//! Strict `application/x-www-form-urlencoded` parsing for the OAuth endpoints (SPEC §11):
//! a repeated parameter is an error, an empty value counts as absent, unknown names are
//! ignored, and invalid UTF-8 is refused rather than patched up.

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, web};
use percent_encoding::percent_decode_str;

use super::connections::Timeouts;
use crate::domain::oauth::{ErrorCode, OAuthFailure};

/// Form posts here are a few hundred bytes; anything near this is not a real client.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyProblem {
    TooLarge,
    Unreadable,
    /// Not all there within [`Timeouts::body`]: a client this slow is holding the connection
    /// open (a slow-body attack) rather than sending a form.
    TooSlow,
}

/// actix-http takes the body of a CONNECT or `Upgrade: websocket` request to run until the
/// connection closes, whatever its `Content-Length` says, so it never ends while the client waits
/// for an answer. authbox switches to no other protocol: such a body is not read at all.
fn body_runs_until_close(request: &HttpRequest) -> bool {
    request.method() == Method::CONNECT
        || request
            .headers()
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("websocket"))
}

/// Reads a request body of at most [`MAX_BODY_BYTES`], arriving within [`Timeouts::body`].
pub async fn read_limited(
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<web::Bytes, BodyProblem> {
    if body_runs_until_close(request) {
        return Err(BodyProblem::Unreadable);
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    // Refused on what it says of itself, before a byte of it is read.
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(BodyProblem::TooLarge);
    }
    let deadline = request
        .app_data::<Timeouts>()
        .copied()
        .unwrap_or_default()
        .body;
    let reading = payload.to_bytes_limited(MAX_BODY_BYTES);
    match actix_web::rt::time::timeout(deadline, reading).await {
        Ok(Ok(Ok(body))) => Ok(body),
        Ok(Ok(Err(_))) => Err(BodyProblem::Unreadable),
        Ok(Err(_)) => Err(BodyProblem::TooLarge),
        Err(_) => Err(BodyProblem::TooSlow),
    }
}

/// The parameters of one request, each at most once, none empty.
#[derive(Debug, Default)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

fn invalid(description: &str) -> OAuthFailure {
    OAuthFailure::new(ErrorCode::InvalidRequest, description)
}

/// One name or value: `+` is a space, then `%XX` escapes, then the bytes must be UTF-8.
fn decode(part: &str) -> Result<String, OAuthFailure> {
    let spaced = part.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| invalid("the request body is not valid UTF-8"))
}

/// Form-url-decodes one half of a Basic credential (RFC 6749 §2.3.1).
pub fn decode_component(part: &str) -> Result<String, OAuthFailure> {
    decode(part)
}

impl Form {
    /// Parses a request body, checking its content type first (RFC 6749 §3.2, RFC 8628 §3.1).
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Result<Form, OAuthFailure> {
        let media_type_ok = content_type.is_some_and(|value| {
            let mut parts = value.split(';').map(str::trim);
            let media_type = parts.next().unwrap_or_default();
            let charset_ok = parts.all(|p| {
                p.split_once('=').is_none_or(|(k, v)| {
                    !k.trim().eq_ignore_ascii_case("charset")
                        || v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
                })
            });
            media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") && charset_ok
        });
        if !media_type_ok {
            return Err(invalid(
                "send the parameters as application/x-www-form-urlencoded in UTF-8",
            ));
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| invalid("the request body is not valid UTF-8"))?;
        Self::parse_pairs(text)
    }

    /// Parses a query string with the same rules (used to spot credentials in URLs).
    pub fn parse_pairs(text: &str) -> Result<Form, OAuthFailure> {
        let mut seen: Vec<String> = Vec::new();
        let mut pairs = Vec::new();
        for piece in text.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let name = decode(name)?;
            let value = decode(value)?;
            if seen.contains(&name) {
                return Err(invalid(&format!("the parameter {name} is repeated")));
            }
            seen.push(name.clone());
            if !value.is_empty() {
                pairs.push((name, value));
            }
        }
        Ok(Form { pairs })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// Why an app's request, sent through the browser, could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestProblem {
    /// A repeated or unreadable parameter.
    Malformed,
    /// Too large, or it did not arrive.
    Unreadable,
}

/// A browser-facing request's parameters: the query of a GET, or the form body of a POST (both
/// allowed at `/authorize` and `/end_session`). `Err` says what was wrong, for the person.
pub async fn query_or_form(
    request: &actix_web::HttpRequest,
    payload: actix_web::web::Payload,
) -> Result<Form, RequestProblem> {
    let malformed = |_| RequestProblem::Malformed;
    if request.method() != actix_web::http::Method::POST {
        return Form::parse_pairs(request.query_string()).map_err(malformed);
    }
    let body = read_limited(request, payload)
        .await
        .map_err(|_| RequestProblem::Unreadable)?;
    let content_type = request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    Form::parse(content_type, &body).map_err(malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

    #[test]
    fn decodes_plus_and_percent_escapes() {
        let form = Form::parse(FORM, b"scope=openid+profile&client_id=tv%3Aconf%202").unwrap();
        assert_eq!(form.get("scope"), Some("openid profile"));
        assert_eq!(form.get("client_id"), Some("tv:conf 2"));
    }

    #[test]
    fn repeated_parameters_are_refused_even_when_empty() {
        assert!(Form::parse(FORM, b"scope=a&scope=b").is_err());
        assert!(Form::parse(FORM, b"scope=&scope=b").is_err());
    }

    #[test]
    fn empty_values_count_as_absent_and_unknown_names_are_kept_out_of_the_way() {
        let form = Form::parse(FORM, b"client_id=tv&scope=&foo=bar").unwrap();
        assert!(!form.has("scope"));
        assert_eq!(form.get("client_id"), Some("tv"));
    }

    #[test]
    fn content_type_and_charset_are_checked() {
        assert!(Form::parse(Some("application/json"), b"{}").is_err());
        assert!(Form::parse(None, b"a=b").is_err());
        assert!(
            Form::parse(
                Some("application/x-www-form-urlencoded; charset=UTF-8"),
                b"a=b"
            )
            .is_ok()
        );
        assert!(
            Form::parse(
                Some("application/x-www-form-urlencoded; charset=latin1"),
                b"a=b"
            )
            .is_err()
        );
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(Form::parse(FORM, b"a=%FF").is_err());
        assert!(Form::parse(FORM, &[b'a', b'=', 0xff]).is_err());
    }
}

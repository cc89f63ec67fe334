//! Taking client credentials out of a request: HTTP Basic (`client_secret_basic`) or the body
//! (`client_secret_post`, or `client_id` alone for public clients), never both (RFC 6749 §2.3).

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::form::{Form, decode_component};
use crate::app::client_auth::ClientCredentials;
use crate::domain::oauth::{ErrorCode, OAuthFailure};

/// Basic credentials are `formurlencode(id) ":" formurlencode(secret)`, base64-encoded
/// (RFC 6749 §2.3.1, App. B): split at the first colon, then decode each half. An empty
/// password presents no secret: device-flow clients such as oidc-agent always use Basic, and
/// send a public client's id that way, which identifies it exactly as `client_id` in the body
/// does and proves as little. A confidential client's empty password is then a missing secret,
/// refused as one.
fn parse_basic(value: &str) -> Result<ClientCredentials, OAuthFailure> {
    let bad = || {
        OAuthFailure::new(
            ErrorCode::InvalidClient,
            "the Basic credentials are malformed",
        )
    };
    let (scheme, encoded) = value.trim().split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(OAuthFailure::new(
            ErrorCode::InvalidClient,
            "use HTTP Basic to authenticate the client",
        ));
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let client_id = decode_component(id).map_err(|_| bad())?;
    let secret = decode_component(secret).map_err(|_| bad())?;
    if client_id.is_empty() {
        return Err(bad());
    }
    Ok(ClientCredentials {
        client_id,
        secret: (!secret.is_empty()).then_some(secret),
    })
}

/// RFC 9110 §5.3: `Authorization` is no list, so a request carries it once. Two are two ways
/// of authenticating (RFC 6749 §2.3), and a proxy in front may have judged the other one, so
/// such a request is refused rather than read by its first header.
pub fn authorization_repeated(request: &HttpRequest) -> bool {
    request
        .headers()
        .get_all(header::AUTHORIZATION)
        .nth(1)
        .is_some()
}

/// The credentials a request presents. Every `invalid_client` this yields is answered 401 with
/// a Basic challenge, which RFC 6749 §5.2 requires when the header was used and allows otherwise.
pub fn presented_credentials(
    request: &HttpRequest,
    form: &Form,
) -> Result<ClientCredentials, OAuthFailure> {
    if authorization_repeated(request) {
        return Err(OAuthFailure::new(
            ErrorCode::InvalidRequest,
            "send one Authorization header, not several",
        ));
    }
    if let Some(value) = request.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| {
            OAuthFailure::new(
                ErrorCode::InvalidClient,
                "the Basic credentials are malformed",
            )
        })?;
        let credentials = parse_basic(value)?;
        if form.has("client_secret") {
            return Err(OAuthFailure::new(
                ErrorCode::InvalidRequest,
                "authenticate the client one way only: Basic or the body",
            ));
        }
        if form
            .get("client_id")
            .is_some_and(|id| id != credentials.client_id)
        {
            return Err(OAuthFailure::new(
                ErrorCode::InvalidRequest,
                "client_id in the body differs from the Basic credentials",
            ));
        }
        note_client(request, &credentials.client_id);
        return Ok(credentials);
    }
    let client_id = form.get("client_id").ok_or_else(|| {
        OAuthFailure::new(
            ErrorCode::InvalidClient,
            "no client authentication was included",
        )
    })?;
    note_client(request, client_id);
    Ok(ClientCredentials {
        client_id: client_id.to_owned(),
        secret: form.get("client_secret").map(str::to_owned),
    })
}

/// Notes the client a request names, for the CORS check of its answer.
fn note_client(request: &HttpRequest, client_id: &str) {
    request
        .extensions_mut()
        .insert(super::cors::NamedClient(client_id.to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_splits_at_the_first_colon_and_form_decodes_both_halves() {
        // SPEC OA-2.3.1-a: client `tv:conf 2`, secret `p+a%s:s/w=rd&`.
        let header = format!(
            "Basic {}",
            STANDARD.encode("tv%3Aconf+2:p%2Ba%25s%3As%2Fw%3Drd%26")
        );
        let credentials = parse_basic(&header).unwrap();
        assert_eq!(credentials.client_id, "tv:conf 2");
        assert_eq!(credentials.secret.as_deref(), Some("p+a%s:s/w=rd&"));
    }

    #[test]
    fn a_colon_inside_the_secret_survives() {
        let header = format!("Basic {}", STANDARD.encode("tv:a:b"));
        assert_eq!(parse_basic(&header).unwrap().secret.as_deref(), Some("a:b"));
    }

    #[test]
    fn malformed_basic_is_invalid_client() {
        for header in [
            "Basic",
            "Basic !!!",
            "Bearer abc",
            &format!("Basic {}", STANDARD.encode("no-colon")),
        ] {
            assert_eq!(
                parse_basic(header).unwrap_err().code,
                ErrorCode::InvalidClient,
                "{header}"
            );
        }
    }
}

//! The credentials of a request's `Authorization` header: HTTP Basic client authentication at
//! the token, introspection and revocation endpoints (RFC 6749 §2.3.1) and Bearer access tokens
//! at UserInfo (RFC 6750 §2).
//!
//! Input: the `Authorization` value on the first line (an empty line: no header), then a form
//! body. Checks:
//! - Basic is believed only as `Basic <base64>`, yields a non-empty client id and a secret, and
//!   never together with a `client_secret` in the body or a different body `client_id`;
//!   without the header the body's `client_id` and `client_secret` are taken as they are;
//! - any client id and secret, form-encoded and base64'd as RFC 6749 App. B says, read back
//!   exactly, whatever the case of `Basic`;
//! - a Bearer token is taken from `Authorization: Bearer` or the body's `access_token`, never
//!   both, never empty; a token sent either way reads back exactly.
#![no_main]

use actix_web::http::header::{self, HeaderValue};
use actix_web::test::TestRequest;
use authbox::app::client_auth::ClientCredentials;
use authbox::domain::oauth::ErrorCode;
use authbox::fuzzing::{Form, bearer, presented_credentials};
use authbox_fuzz::first_line;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;

const FORM_TYPE: &str = "application/x-www-form-urlencoded";

fuzz_target!(|data: &[u8]| {
    let (authorization, body) = first_line(data);
    let authorization = match authorization {
        [] => None,
        value => match HeaderValue::from_bytes(value) {
            Ok(value) => Some(value),
            // No request can carry it.
            Err(_) => return,
        },
    };
    let Ok(form) = Form::parse(Some(FORM_TYPE), body) else {
        return;
    };
    check_basic(authorization.as_ref(), &form);
    check_bearer(authorization.as_ref(), body, &form);
    if let Some(client_id) = form.get("client_id") {
        check_basic_round_trip(client_id, form.get("client_secret").unwrap_or_default());
    }
    if let Some(token) = form.get("access_token") {
        check_bearer_round_trip(token);
    }
});

fn request(authorization: Option<&HeaderValue>) -> TestRequest {
    let request = TestRequest::default().insert_header((header::CONTENT_TYPE, FORM_TYPE));
    match authorization {
        Some(value) => request.insert_header((header::AUTHORIZATION, value.clone())),
        None => request,
    }
}

fn check_basic(authorization: Option<&HeaderValue>, form: &Form) {
    let outcome = presented_credentials(&request(authorization).to_http_request(), form);
    let Some(value) = authorization else {
        match form.get("client_id") {
            Some(client_id) => assert_eq!(
                outcome.expect("body credentials were refused"),
                ClientCredentials {
                    client_id: client_id.to_owned(),
                    secret: form.get("client_secret").map(str::to_owned),
                }
            ),
            None => assert_eq!(outcome.unwrap_err().code, ErrorCode::InvalidClient),
        }
        return;
    };
    match outcome {
        Ok(credentials) => {
            let text = value.to_str().expect("a header that is not text was read");
            let scheme = text.trim().split(' ').next().unwrap_or_default();
            assert!(scheme.eq_ignore_ascii_case("basic"), "scheme {scheme:?}");
            assert!(!credentials.client_id.is_empty());
            // An empty password presents no secret (it names a public client); any other
            // password is the secret.
            let decoded = text
                .trim()
                .split_once(' ')
                .and_then(|(_, encoded)| STANDARD.decode(encoded.trim()).ok())
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .unwrap_or_default();
            let empty_password = decoded
                .split_once(':')
                .is_some_and(|(_, password)| password.is_empty());
            assert_eq!(credentials.secret.is_none(), empty_password, "{decoded:?}");
            assert!(!form.has("client_secret"), "authenticated two ways at once");
            assert!(
                form.get("client_id")
                    .is_none_or(|id| id == credentials.client_id),
                "the body's client_id contradicts the header's"
            );
        }
        Err(failure) if failure.code == ErrorCode::InvalidRequest => assert!(
            form.has("client_secret") || form.has("client_id"),
            "invalid_request without a conflicting body"
        ),
        Err(failure) => assert_eq!(failure.code, ErrorCode::InvalidClient),
    }
}

fn check_basic_round_trip(client_id: &str, secret: &str) {
    let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let credentials = STANDARD.encode(format!("{}:{}", encode(client_id), encode(secret)));
    // The scheme name is case-insensitive (RFC 9110 §11.1); vary it with the input.
    let scheme = ["Basic", "basic", "BASIC"][client_id.len() % 3];
    let value = HeaderValue::from_str(&format!("{scheme} {credentials}"))
        .expect("base64 is a valid header value");
    let read = presented_credentials(&request(Some(&value)).to_http_request(), &Form::default())
        .unwrap_or_else(|e| panic!("Basic {client_id:?}:{secret:?} was refused: {e}"));
    assert_eq!(read.client_id, client_id);
    // An empty password presents no secret: it names a public client, as `client_id` in the
    // body does (what oidc-agent sends).
    let expected = (!secret.is_empty()).then_some(secret);
    assert_eq!(read.secret.as_deref(), expected);
}

fn check_bearer(authorization: Option<&HeaderValue>, body: &[u8], form: &Form) {
    let outcome = bearer(&request(authorization).to_http_request(), body);
    let from_body = form.get("access_token");
    let Some(value) = authorization else {
        assert_eq!(outcome.ok(), Some(from_body.map(str::to_owned)));
        return;
    };
    let Ok(token) = outcome else {
        return;
    };
    assert!(from_body.is_none(), "a token in the header and in the body");
    let token = token.expect("a header was present, but no token was read");
    let text = value.to_str().expect("a header that is not text was read");
    let (scheme, rest) = text.split_once(' ').expect("a header without a scheme");
    assert!(scheme.eq_ignore_ascii_case("bearer"), "scheme {scheme:?}");
    assert_eq!(token, rest.trim());
    assert!(!token.is_empty());
}

fn check_bearer_round_trip(token: &str) {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("access_token", token)
        .finish();
    let read = bearer(&request(None).to_http_request(), body.as_bytes());
    assert_eq!(read.ok(), Some(Some(token.to_owned())), "in the body");
    // A header carries only visible ASCII, and the token is what follows the scheme, trimmed.
    let Ok(value) = HeaderValue::from_str(&format!("Bearer {token}")) else {
        return;
    };
    if token.trim() != token || value.to_str().is_err() {
        return;
    }
    let read = bearer(&request(Some(&value)).to_http_request(), &[]);
    assert_eq!(read.ok(), Some(Some(token.to_owned())), "in the header");
    let both = bearer(&request(Some(&value)).to_http_request(), body.as_bytes());
    assert!(both.is_err(), "a token in the header and in the body");
}

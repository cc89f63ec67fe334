//! `GET`/`POST /userinfo` (OIDC Core §5.3), with RFC 6750 bearer tokens and errors, and CORS
//! for browser apps.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::client_auth::authorization_repeated;
use super::form::{Form, read_limited};
use crate::app::App;
use crate::app::bearer::BearerError;

const REALM: &str = "Bearer realm=\"authbox\"";

/// A 401/403/400 with the RFC 6750 §3 challenge; no `error` when no token was sent at all.
fn challenge(status: StatusCode, error: Option<&str>) -> HttpResponse {
    let value = match error {
        None => REALM.to_owned(),
        Some("insufficient_scope") => {
            format!("{REALM}, error=\"insufficient_scope\", scope=\"openid\"")
        }
        Some(code) => format!("{REALM}, error=\"{code}\""),
    };
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("Access-Control-Allow-Origin", "*"));
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.insert_header((header::WWW_AUTHENTICATE, value));
    }
    response.finish()
}

/// The request carries a token in a malformed way, or in two places (`invalid_request`).
pub struct Malformed;

/// The token from `Authorization: Bearer`, or (RFC 6750 §2.2) a form body's `access_token`;
/// never from the query string (§2.3). Two places at once is malformed, and so are two
/// `Authorization` headers.
pub fn bearer(request: &HttpRequest, body: &[u8]) -> Result<Option<String>, Malformed> {
    if authorization_repeated(request) {
        return Err(Malformed);
    }
    let header_token = match request.headers().get(header::AUTHORIZATION) {
        Some(value) => {
            let value = value.to_str().unwrap_or_default();
            match value.split_once(' ') {
                Some((scheme, token))
                    if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
                {
                    Some(token.trim().to_owned())
                }
                _ => return Err(Malformed),
            }
        }
        None => None,
    };
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let body_token = if body.is_empty() {
        None
    } else {
        Form::parse(content_type, body)
            .map_err(|_| Malformed)?
            .get("access_token")
            .map(str::to_owned)
    };
    match (header_token, body_token) {
        (Some(_), Some(_)) => Err(Malformed),
        (one, other) => Ok(one.or(other)),
    }
}

pub async fn userinfo(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> HttpResponse {
    let Ok(body) = read_limited(&request, payload).await else {
        return challenge(StatusCode::BAD_REQUEST, Some("invalid_request"));
    };
    let token = match bearer(&request, &body) {
        Ok(Some(token)) => token,
        Ok(None) => return challenge(StatusCode::UNAUTHORIZED, None),
        Err(Malformed) => return challenge(StatusCode::BAD_REQUEST, Some("invalid_request")),
    };
    match on_blocking_pool(&app, move |app| app.userinfo(&token)).await {
        Ok(Ok(claims)) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header(("Access-Control-Allow-Origin", "*"))
            .json(claims),
        Ok(Err(BearerError::InvalidToken)) => {
            challenge(StatusCode::UNAUTHORIZED, Some("invalid_token"))
        }
        Ok(Err(BearerError::InsufficientScope)) => {
            challenge(StatusCode::FORBIDDEN, Some("insufficient_scope"))
        }
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

/// The CORS preflight for browser apps calling UserInfo with an `Authorization` header.
pub async fn preflight() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Access-Control-Allow-Methods", "GET, POST"))
        .insert_header((
            "Access-Control-Allow-Headers",
            "Authorization, Content-Type",
        ))
        .insert_header(("Access-Control-Max-Age", "600"))
        .finish()
}

//! The OAuth error answer (RFC 6749 §5.2, `Cache-Control: no-store`) as actix's
//! `ResponseError`, so a protocol handler returns `Result<HttpResponse, OAuthError>` and
//! renders every refusal with `?`. The HTML pages' counterpart is `browser::PageError`.

use std::fmt;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use super::blocking::PoolUnavailable;
use super::errors::{json_error, json_error_with_interval};
use super::form::BodyProblem;
use crate::app::ProtocolError;
use crate::app::guard::Limited;
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::telemetry;

#[derive(Debug)]
pub enum OAuthError {
    /// A refusal in the protocol's terms, or a fault on our side.
    Protocol(ProtocolError),
    /// A body larger than a form needs (413), or one that did not arrive in time (408).
    Body(BodyProblem),
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OAuthError::Protocol(e) => e.fmt(f),
            OAuthError::Body(_) => f.write_str("the request body could not be read"),
        }
    }
}

impl From<ProtocolError> for OAuthError {
    fn from(e: ProtocolError) -> Self {
        OAuthError::Protocol(e)
    }
}

impl From<OAuthFailure> for OAuthError {
    fn from(f: OAuthFailure) -> Self {
        OAuthError::Protocol(ProtocolError::OAuth(f))
    }
}

impl From<PoolUnavailable> for OAuthError {
    fn from(_: PoolUnavailable) -> Self {
        OAuthError::Protocol(ProtocolError::Unavailable(
            "the blocking pool is gone".into(),
        ))
    }
}

impl From<BodyProblem> for OAuthError {
    fn from(problem: BodyProblem) -> Self {
        match problem {
            BodyProblem::Unreadable => OAuthError::from(OAuthFailure::new(
                ErrorCode::InvalidRequest,
                "the request body could not be read",
            )),
            other => OAuthError::Body(other),
        }
    }
}

impl OAuthError {
    pub fn refuse(code: ErrorCode, description: &str) -> Self {
        OAuthError::from(OAuthFailure::new(code, description))
    }

    /// How a use case ended, as `/metrics` labels it: the error code.
    pub fn label(&self) -> &'static str {
        match self {
            OAuthError::Protocol(ProtocolError::OAuth(f)) => f.code.as_str(),
            OAuthError::Body(_) => ErrorCode::InvalidRequest.as_str(),
            OAuthError::Protocol(ProtocolError::Unavailable(_) | ProtocolError::Limited { .. }) => {
                ErrorCode::TemporarilyUnavailable.as_str()
            }
        }
    }
}

/// What a device-authorization limit answers (RFC 6585 §4 for 429).
fn limited(why: Limited, retry_after: Duration) -> HttpResponse {
    telemetry::throttled("device_authorization");
    let (status, description) = match why {
        Limited::Address => (
            StatusCode::TOO_MANY_REQUESTS,
            "too many device authorizations from this address; retry later",
        ),
        Limited::Client => (
            StatusCode::TOO_MANY_REQUESTS,
            "this client has as many pending device authorizations as it may; retry later",
        ),
        Limited::Reported => (
            StatusCode::TOO_MANY_REQUESTS,
            "a person reported a code this address asked for; this client waits here before its next one",
        ),
        Limited::Server => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the server holds as many pending device authorizations as it may; retry later",
        ),
    };
    let mut response = json_error(
        status,
        ErrorCode::TemporarilyUnavailable.as_str(),
        Some(description),
    );
    let seconds = retry_after.as_secs().max(1).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

impl ResponseError for OAuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            OAuthError::Protocol(ProtocolError::OAuth(f)) if f.code == ErrorCode::InvalidClient => {
                StatusCode::UNAUTHORIZED
            }
            OAuthError::Protocol(ProtocolError::OAuth(_)) => StatusCode::BAD_REQUEST,
            OAuthError::Protocol(ProtocolError::Limited {
                why: Limited::Server,
                ..
            }) => StatusCode::SERVICE_UNAVAILABLE,
            OAuthError::Protocol(ProtocolError::Limited { .. }) => StatusCode::TOO_MANY_REQUESTS,
            OAuthError::Protocol(ProtocolError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            OAuthError::Body(BodyProblem::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
            OAuthError::Body(_) => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// 401 with a Basic challenge for `invalid_client` (RFC 6749 §5.2), 400 for the other
    /// OAuth errors, 429 or 503 with `Retry-After` over a limit, 503 when the fault is ours.
    fn error_response(&self) -> HttpResponse {
        match self {
            OAuthError::Protocol(ProtocolError::OAuth(f)) => {
                let mut response = json_error_with_interval(
                    self.status_code(),
                    f.code.as_str(),
                    f.description.as_deref(),
                    f.interval,
                );
                if f.code == ErrorCode::InvalidClient {
                    response.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Basic realm=\"authbox\""),
                    );
                }
                response
            }
            OAuthError::Protocol(ProtocolError::Limited { why, retry_after }) => {
                limited(*why, *retry_after)
            }
            OAuthError::Protocol(ProtocolError::Unavailable(detail)) => {
                tracing::error!(error = %detail, "a protocol request failed on our side");
                json_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::TemporarilyUnavailable.as_str(),
                    Some("the server cannot answer right now; try again shortly"),
                )
            }
            OAuthError::Body(BodyProblem::TooLarge) => json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::InvalidRequest.as_str(),
                Some("the request body is too large"),
            ),
            OAuthError::Body(_) => json_error(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::InvalidRequest.as_str(),
                Some("the request body did not arrive in time"),
            ),
        }
    }
}

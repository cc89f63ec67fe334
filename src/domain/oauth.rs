//! OAuth error codes (RFC 6749 §4.1.2.1 and §5.2, RFC 8628 §3.5, OIDC Core §3.1.2.6) and the failure the use cases return.

/// The `error` values authbox sends. The HTTP layer picks the status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    AuthorizationPending,
    SlowDown,
    AccessDenied,
    ExpiredToken,
    TemporarilyUnavailable,
    UnsupportedResponseType,
    LoginRequired,
    ConsentRequired,
    RequestNotSupported,
    RequestUriNotSupported,
    RegistrationNotSupported,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::AuthorizationPending => "authorization_pending",
            ErrorCode::SlowDown => "slow_down",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::ExpiredToken => "expired_token",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::RequestNotSupported => "request_not_supported",
            ErrorCode::RequestUriNotSupported => "request_uri_not_supported",
            ErrorCode::RegistrationNotSupported => "registration_not_supported",
        }
    }
}

/// A refusal in the protocol's own terms: an error code and, where it helps the developer of
/// the client, a description. Descriptions never say whether a client or code exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}", code.as_str(), description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
pub struct OAuthFailure {
    pub code: ErrorCode,
    pub description: Option<String>,
    /// For `slow_down`: the interval, in whole seconds, to keep from now on (RFC 8628 §3.5
    /// says add 5 seconds; saying the result spares the client the arithmetic).
    pub interval: Option<u64>,
}

impl OAuthFailure {
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        OAuthFailure {
            code,
            description: Some(description.into()),
            interval: None,
        }
    }

    /// The same failure, saying the polling interval to keep (rounded up to whole seconds).
    pub fn with_interval(mut self, interval: std::time::Duration) -> Self {
        self.interval = Some(
            interval
                .as_millis()
                .div_ceil(1000)
                .try_into()
                .unwrap_or(u64::MAX),
        );
        self
    }

    pub fn bare(code: ErrorCode) -> Self {
        OAuthFailure {
            code,
            description: None,
            interval: None,
        }
    }
}

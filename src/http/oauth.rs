//! The clients' endpoints: `POST /device_authorization` (RFC 8628 §3.1), `POST /token` for
//! every grant (RFC 6749 §3.2, §4.1.3, §4.4, §6; RFC 8628 §3.4), `/introspect` and `/revoke`.
//! Thin: parse, one app call on the blocking pool, render.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::blocking::{PoolUnavailable, on_blocking_pool};
use super::client_address::client_address;
use super::client_auth::presented_credentials;
use super::errors::json_error;
use super::form::{Form, read_limited};
use super::oauth_error::OAuthError;
use crate::app::client_auth::ClientCredentials;
use crate::app::tokens::IssuedTokens;
use crate::app::{App, ProtocolError};
use crate::domain::client::GrantType;
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::telemetry;

/// How a use case ended, as `/metrics` labels it: `issued` or the error code.
fn outcome_label<T>(outcome: &Result<T, OAuthError>) -> &'static str {
    match outcome {
        Ok(_) => "issued",
        Err(e) => e.label(),
    }
}

/// What a use case on the blocking pool returned, as one result.
fn settled<T>(outcome: Result<Result<T, ProtocolError>, PoolUnavailable>) -> Result<T, OAuthError> {
    Ok(outcome??)
}

/// Any method but POST (SPEC DAG-3.1-a, OA-3.2-a): 405 with `Allow`, in the OAuth error shape.
pub async fn post_only(request: HttpRequest) -> HttpResponse {
    let mut response = json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::InvalidRequest.as_str(),
        Some(&format!(
            "{} is not allowed here; use POST",
            request.method()
        )),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// Parses the body, and refuses client secrets in the URL (RFC 6749 §2.3.1). A larger body
/// than a form needs is answered 413, one that does not arrive in time 408, both in the OAuth
/// shape.
async fn read_form(request: &HttpRequest, payload: web::Payload) -> Result<Form, OAuthError> {
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    if query.has("client_secret") {
        return Err(OAuthError::refuse(
            ErrorCode::InvalidRequest,
            "client credentials must not be sent in the URL",
        ));
    }
    let body = read_limited(request, payload).await?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    Ok(Form::parse(content_type, &body)?)
}

/// A JSON success that carries a credential: never cached (RFC 6749 §5.1).
fn no_store_json(body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(body)
}

#[derive(Serialize)]
struct DeviceAuthorizationBody {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: String,
    expires_in: u64,
    interval: u64,
}

pub async fn device_authorization(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> Result<HttpResponse, OAuthError> {
    let form = read_form(&request, payload).await?;
    let credentials = presented_credentials(&request, &form)?;
    let scope = form.get("scope").map(str::to_owned);
    let requested_from = client_address(&request, &app);
    // Client authentication is a read and a hash; the grant's write is awaited, so the
    // request never occupies a thread of the blocking pool.
    let started = match app.authenticate_client(&credentials) {
        Ok(client) => {
            app.start_device_authorization(&client, scope.as_deref(), requested_from)
                .await
        }
        Err(e) => Err(e),
    }
    .map_err(OAuthError::from);
    telemetry::device_authorization(outcome_label(&started));
    let started = started?;
    let user_code = started.user_code.display();
    let verification_uri = format!("{}/device", app.settings().issuer);
    Ok(no_store_json(&DeviceAuthorizationBody {
        device_code: started.device_code,
        verification_uri_complete: format!("{verification_uri}?user_code={user_code}"),
        verification_uri,
        user_code,
        expires_in: started.expires_in.as_secs(),
        interval: started.interval.as_secs(),
    }))
}

/// A token request's grant, with its own parameters checked. A device's poll is answered on the
/// worker ([`poll`]); every other grant runs on the blocking pool.
enum TokenGrant {
    Device { device_code: String },
    OnPool(PoolGrant),
}

/// The grants whose every request signs or writes, so runs on the blocking pool.
enum PoolGrant {
    Refresh {
        refresh_token: String,
        scope: Option<String>,
    },
    Code {
        code: String,
        redirect_uri: Option<String>,
        code_verifier: String,
    },
    ClientCredentials {
        scope: Option<String>,
    },
}

impl TokenGrant {
    fn label(&self) -> &'static str {
        let grant = match self {
            TokenGrant::Device { .. } => GrantType::DeviceCode,
            TokenGrant::OnPool(PoolGrant::Refresh { .. }) => GrantType::RefreshToken,
            TokenGrant::OnPool(PoolGrant::Code { .. }) => GrantType::AuthorizationCode,
            TokenGrant::OnPool(PoolGrant::ClientCredentials { .. }) => GrantType::ClientCredentials,
        };
        grant.name()
    }
}

/// Reads the grant's own parameters from the form (RFC 6749 §4.1.3, §4.4.2, §6; RFC 8628 §3.4).
fn token_grant(form: &Form) -> Result<TokenGrant, OAuthFailure> {
    let Some(grant_type) = form.get("grant_type") else {
        return Err(OAuthFailure::new(
            ErrorCode::InvalidRequest,
            "grant_type is missing",
        ));
    };
    let required = |name: &str| {
        form.get(name).map(str::to_owned).ok_or_else(|| {
            OAuthFailure::new(ErrorCode::InvalidRequest, format!("{name} is missing"))
        })
    };
    let optional = |name: &str| form.get(name).map(str::to_owned);
    let grant = grant_type
        .parse::<GrantType>()
        .ok()
        .filter(|g| g.wire_name() == grant_type);
    Ok(match grant {
        Some(GrantType::DeviceCode) => TokenGrant::Device {
            device_code: required("device_code")?,
        },
        Some(GrantType::RefreshToken) => TokenGrant::OnPool(PoolGrant::Refresh {
            refresh_token: required("refresh_token")?,
            scope: optional("scope"),
        }),
        Some(GrantType::AuthorizationCode) => TokenGrant::OnPool(PoolGrant::Code {
            code: required("code")?,
            redirect_uri: optional("redirect_uri"),
            code_verifier: required("code_verifier")?,
        }),
        Some(GrantType::ClientCredentials) => TokenGrant::OnPool(PoolGrant::ClientCredentials {
            scope: optional("scope"),
        }),
        None => {
            return Err(OAuthFailure::new(
                ErrorCode::UnsupportedGrantType,
                "this server supports the device_code, authorization_code, refresh_token and client_credentials grants",
            ));
        }
    })
}

#[derive(Serialize)]
struct TokenBody {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

pub async fn token(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> Result<HttpResponse, OAuthError> {
    let form = read_form(&request, payload).await?;
    let grant = token_grant(&form)?;
    let credentials = presented_credentials(&request, &form)?;
    let grant_label = grant.label();
    let outcome = settled(match grant {
        TokenGrant::Device { device_code } => poll(&app, &credentials, &device_code).await,
        TokenGrant::OnPool(grant) => {
            on_blocking_pool(&app, move |app| pool_grant(app, &credentials, grant)).await
        }
    });
    telemetry::token_request(grant_label, outcome_label(&outcome));
    let tokens = outcome?;
    Ok(no_store_json(&TokenBody {
        access_token: tokens.access_token,
        token_type: "Bearer",
        expires_in: tokens.expires_in,
        scope: tokens.scope,
        id_token: tokens.id_token,
        refresh_token: tokens.refresh_token,
    }))
}

/// A device's poll. Most end in `authorization_pending`, which two in-memory reads decide:
/// those are answered right here, as handing them to the blocking pool would cost more than
/// the poll itself. Only an approved grant, whose redemption signs tokens and writes, goes on.
async fn poll(
    app: &web::Data<App>,
    credentials: &ClientCredentials,
    device_code: &str,
) -> Result<Result<IssuedTokens, ProtocolError>, PoolUnavailable> {
    let checked = app
        .authenticate_client(credentials)
        .and_then(|client| Ok((app.check_poll(&client, device_code)?, client)));
    match checked {
        Ok((approved, client)) => {
            on_blocking_pool(app, move |app| app.redeem_device(&client, approved)).await
        }
        Err(e) => Ok(Err(e)),
    }
}

/// Every grant but the device code's, on the blocking pool.
fn pool_grant(
    app: &App,
    credentials: &ClientCredentials,
    grant: PoolGrant,
) -> Result<IssuedTokens, ProtocolError> {
    let client = app.authenticate_client(credentials)?;
    match grant {
        PoolGrant::Refresh {
            refresh_token,
            scope,
        } => app.refresh(&client, &refresh_token, scope.as_deref()),
        PoolGrant::Code {
            code,
            redirect_uri,
            code_verifier,
        } => app.redeem_authorization_code(&client, &code, redirect_uri.as_deref(), &code_verifier),
        PoolGrant::ClientCredentials { scope } => app.client_credentials(&client, scope.as_deref()),
    }
}

/// Reads the form and authenticates the caller; the shared start of `/introspect` and `/revoke`.
async fn token_and_caller(
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<(String, ClientCredentials), OAuthError> {
    let form = read_form(request, payload).await?;
    let Some(token) = form.get("token").map(str::to_owned) else {
        return Err(OAuthError::refuse(
            ErrorCode::InvalidRequest,
            "token is missing",
        ));
    };
    let credentials = presented_credentials(request, &form)?;
    Ok((token, credentials))
}

/// `POST /introspect` (RFC 7662).
pub async fn introspect(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> Result<HttpResponse, OAuthError> {
    let (token, credentials) = token_and_caller(&request, payload).await?;
    let answer = settled(
        on_blocking_pool(&app, move |app| {
            let caller = app.authenticate_client(&credentials)?;
            app.introspect(&caller, &token)
        })
        .await,
    )?;
    Ok(no_store_json(&answer))
}

/// `POST /revoke` (RFC 7009): 200 with an empty body whether or not the token was live.
pub async fn revoke(
    request: HttpRequest,
    payload: web::Payload,
    app: web::Data<App>,
) -> Result<HttpResponse, OAuthError> {
    let (token, credentials) = token_and_caller(&request, payload).await?;
    settled(
        on_blocking_pool(&app, move |app| {
            let client = app.authenticate_client(&credentials)?;
            app.revoke(&client, &token)
        })
        .await,
    )?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

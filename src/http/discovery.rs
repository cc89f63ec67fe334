//! Metadata: OpenID Connect Discovery 1.0 and RFC 8414, one document served at both
//! well-known paths, listing only what is implemented.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::errors::not_found;
use crate::app::App;
use crate::domain::client::GrantType;
use crate::domain::signing::SigningAlg;

#[derive(Serialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    device_authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    userinfo_endpoint: String,
    introspection_endpoint: String,
    introspection_endpoint_auth_methods_supported: [&'static str; 2],
    revocation_endpoint: String,
    revocation_endpoint_auth_methods_supported: [&'static str; 3],
    grant_types_supported: Vec<&'static str>,
    response_types_supported: [&'static str; 1],
    response_modes_supported: [&'static str; 1],
    code_challenge_methods_supported: [&'static str; 1],
    authorization_response_iss_parameter_supported: bool,
    /// Discovery §3: omitted, this would default to `true`.
    request_uri_parameter_supported: bool,
    end_session_endpoint: String,
    token_endpoint_auth_methods_supported: [&'static str; 3],
    scopes_supported: Vec<String>,
    claims_supported: [&'static str; 16],
    subject_types_supported: [&'static str; 1],
    id_token_signing_alg_values_supported: Vec<&'static str>,
}

fn metadata(app: &App) -> Metadata {
    let issuer = app.settings().issuer.clone();
    Metadata {
        authorization_endpoint: format!("{issuer}/authorize"),
        end_session_endpoint: format!("{issuer}/end_session"),
        device_authorization_endpoint: format!("{issuer}/device_authorization"),
        token_endpoint: format!("{issuer}/token"),
        jwks_uri: format!("{issuer}/jwks"),
        userinfo_endpoint: format!("{issuer}/userinfo"),
        introspection_endpoint: format!("{issuer}/introspect"),
        introspection_endpoint_auth_methods_supported: [
            "client_secret_basic",
            "client_secret_post",
        ],
        revocation_endpoint: format!("{issuer}/revoke"),
        revocation_endpoint_auth_methods_supported: [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        issuer,
        grant_types_supported: GrantType::ALL.iter().map(|g| g.wire_name()).collect(),
        response_types_supported: ["code"],
        response_modes_supported: ["query"],
        // RFC 7636: `plain` would let anyone who sees the request redeem the code.
        code_challenge_methods_supported: ["S256"],
        authorization_response_iss_parameter_supported: true,
        request_uri_parameter_supported: false,
        token_endpoint_auth_methods_supported: [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        scopes_supported: app
            .settings()
            .resources
            .known_scopes()
            .map(str::to_owned)
            .collect(),
        claims_supported: [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "amr",
            "azp",
            "nonce",
            "at_hash",
            "name",
            "preferred_username",
            "updated_at",
            "email",
            "email_verified",
            "groups",
        ],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: SigningAlg::ALL
            .iter()
            .map(|a| a.jws_name())
            .collect(),
    }
}

fn document(app: &App) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(metadata(app))
}

pub async fn openid_configuration(app: web::Data<App>) -> HttpResponse {
    document(&app)
}

/// RFC 8414 §3.1: for an issuer with a path, the well-known part goes before the path, so
/// `/.well-known/oauth-authorization-server/t1` is served too.
pub async fn authorization_server(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let suffix = request.match_info().get("suffix").unwrap_or_default();
    let issuer_path = url::Url::parse(&app.settings().issuer)
        .map(|u| u.path().trim_end_matches('/').to_owned())
        .unwrap_or_default();
    if suffix.is_empty() || format!("/{suffix}") == issuer_path {
        document(&app)
    } else {
        not_found(request).await
    }
}

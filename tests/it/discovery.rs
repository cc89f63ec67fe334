//! Metadata (OpenID Connect Discovery 1.0, RFC 8414), by SPEC ID.

use serde_json::Value;

use crate::support::TestServer;

fn documents(server: &TestServer) -> (Value, Value) {
    (
        server.get_json("/.well-known/openid-configuration"),
        server.get_json("/.well-known/oauth-authorization-server"),
    )
}

#[test]
fn disc_the_documents_describe_exactly_what_is_served() {
    let server = TestServer::start();
    let (oidc, oauth) = documents(&server);
    assert_eq!(oidc, oauth, "ASM-2-a: the two documents agree");
    assert_eq!(
        oidc["issuer"], server.base,
        "DISC-4.3-a: identical to the URL prefix"
    );
    assert_eq!(
        oidc["grant_types_supported"],
        serde_json::json!([
            "urn:ietf:params:oauth:grant-type:device_code",
            "refresh_token",
            "authorization_code",
            "client_credentials"
        ]),
        "DAG-4-a, DISC-3-g: listed explicitly"
    );
    assert_eq!(
        oidc["authorization_endpoint"],
        format!("{}/authorize", server.base),
        "DISC-3-a, D1"
    );
    assert_eq!(
        oidc["response_types_supported"],
        serde_json::json!(["code"]),
        "DISC-3-a, ASM-2-d: D1"
    );
    assert_eq!(
        oidc["response_modes_supported"],
        serde_json::json!(["query"])
    );
    assert_eq!(
        oidc["code_challenge_methods_supported"],
        serde_json::json!(["S256"]),
        "RFC 7636 S256 only; plain is never advertised"
    );
    assert_eq!(
        oidc["authorization_response_iss_parameter_supported"], true,
        "RFC 9207"
    );
    assert_eq!(
        oidc["request_uri_parameter_supported"], false,
        "Disc §3: omitted would mean true"
    );
    assert_eq!(
        oidc["end_session_endpoint"],
        format!("{}/end_session", server.base),
        "RP-Initiated Logout §2.1"
    );
    assert_eq!(
        oidc["device_authorization_endpoint"],
        format!("{}/device_authorization", server.base),
        "DAG-4-b"
    );
    assert_eq!(oidc["token_endpoint"], format!("{}/token", server.base));
    assert_eq!(oidc["jwks_uri"], format!("{}/jwks", server.base));
    assert_eq!(
        oidc["userinfo_endpoint"],
        format!("{}/userinfo", server.base),
        "DISC-3-h"
    );
    assert_eq!(
        oidc["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic", "client_secret_post", "none"])
    );
    let algs = oidc["id_token_signing_alg_values_supported"]
        .as_array()
        .expect("algs");
    assert!(
        algs.contains(&"RS256".into()) && !algs.contains(&"none".into()),
        "DISC-3-c"
    );
    let scopes = oidc["scopes_supported"].as_array().expect("scopes");
    assert!(
        scopes.contains(&"openid".into()) && scopes.contains(&"api.read".into()),
        "DISC-3-d"
    );
    assert_eq!(
        oidc["subject_types_supported"],
        serde_json::json!(["public"]),
        "DISC-3-e"
    );
    let claims = oidc["claims_supported"].as_array().expect("claims");
    for claim in [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "name",
        "email",
        "email_verified",
    ] {
        assert!(claims.contains(&claim.into()), "DISC-3-h: {claim}");
    }
    for (key, value) in oidc.as_object().expect("object") {
        assert!(
            value.as_array().is_none_or(|a| !a.is_empty()),
            "DISC-4.2-a: {key} is an empty array"
        );
        assert!(!value.is_null(), "{key} is null");
    }
    for absent in [
        "dpop_signing_alg_values_supported",
        "registration_endpoint",
        "pushed_authorization_request_endpoint",
    ] {
        assert!(
            oidc.get(absent).is_none(),
            "ASM-2-c, BCP-2.2.1-a: {absent} is not implemented"
        );
    }
}

#[test]
fn asm_2_c_every_advertised_endpoint_answers() {
    let server = TestServer::start();
    let (oidc, _) = documents(&server);
    let client = reqwest::blocking::Client::new();
    for key in ["device_authorization_endpoint", "token_endpoint"] {
        let url = oidc[key].as_str().expect("url");
        let status = client.post(url).send().expect("POST").status();
        assert_ne!(status, 404, "{key}");
    }
    for key in ["authorization_endpoint", "end_session_endpoint"] {
        let url = oidc[key].as_str().expect("url");
        let status = client.get(url).send().expect("GET").status();
        assert_ne!(status, 404, "{key}");
    }
    assert_eq!(
        client
            .get(oidc["jwks_uri"].as_str().expect("url"))
            .send()
            .expect("GET")
            .status(),
        200
    );
}

#[test]
fn disc_4_cors_metadata_is_readable_cross_origin() {
    let server = TestServer::start();
    let response = reqwest::blocking::Client::new()
        .get(server.url("/.well-known/openid-configuration"))
        .header("Origin", "https://spa.test")
        .send()
        .expect("GET");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
}

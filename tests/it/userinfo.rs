//! `/userinfo`, by SPEC ID: bearer tokens per RFC 6750, claims by scope, and the access-token
//! checks of RFC 9068 §4 (an ID token is not an access token).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::blocking::Client;
use serde_json::Value;

use crate::support::TestServer;
use crate::support::oauth::started;

fn get(server: &TestServer, token: &str) -> reqwest::blocking::Response {
    Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(token)
        .send()
        .expect("GET")
}

fn challenge(response: &reqwest::blocking::Response) -> String {
    response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn oidc_5_3_get_and_post_answer_alike_with_the_id_tokens_sub() {
    let server = started();
    let reply = server.grant("tv-public", "openid profile email", "alice");
    let token = reply.str("access_token");
    let by_get: Value = get(&server, &token).json().expect("JSON");
    let by_post: Value = Client::new()
        .post(server.url("/userinfo"))
        .bearer_auth(&token)
        .send()
        .expect("POST")
        .json()
        .expect("JSON");
    assert_eq!(by_get, by_post, "OIDC-5.3-a");
    let id: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(reply.str("id_token").split('.').nth(1).expect("payload"))
            .expect("b64"),
    )
    .expect("JSON");
    assert_eq!(by_get["sub"], id["sub"], "OIDC-5.3.2-a");
    assert_eq!(by_get["email"], "alice@example.org");
    assert!(
        by_get["email_verified"].is_boolean() && by_get["updated_at"].is_u64(),
        "OIDC-5.1-a"
    );
    assert_eq!(by_get["preferred_username"], "alice");
}

#[test]
fn oidc_5_4_a_claims_follow_the_scopes() {
    let server = started();
    let only_openid: Value = get(
        &server,
        &server
            .grant("tv-public", "openid", "alice")
            .str("access_token"),
    )
    .json()
    .expect("JSON");
    assert_eq!(
        only_openid.as_object().map(|o| o.len()),
        Some(1),
        "{only_openid}"
    );
    let with_email: Value = get(
        &server,
        &server
            .grant("tv-public", "openid email", "alice")
            .str("access_token"),
    )
    .json()
    .expect("JSON");
    assert!(
        with_email.get("email").is_some() && with_email.get("name").is_none(),
        "{with_email}"
    );
}

#[test]
fn bt_3_a_no_token_is_a_bare_challenge() {
    let server = started();
    let response = Client::new()
        .get(server.url("/userinfo"))
        .send()
        .expect("GET");
    assert_eq!(response.status(), 401);
    assert_eq!(challenge(&response), "Bearer realm=\"authbox\"");
    // BT-2.3-a: a token in the query string is not accepted, so it is still "no token".
    let token = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    let query = Client::new()
        .get(server.url(&format!("/userinfo?access_token={token}")))
        .send()
        .expect("GET");
    assert_eq!(query.status(), 401);
    assert!(!challenge(&query).contains("error="));
}

#[test]
fn bt_3_1_a_bad_tokens_are_invalid_token() {
    let server = started();
    let reply = server.grant("tv-public", "openid profile", "alice");
    let cases = [
        ("garbage".to_owned(), "garbage"),
        (reply.str("id_token"), "an ID token (JAT-4-b: typ)"),
        (
            {
                let at = reply.str("access_token");
                let mut parts: Vec<&str> = at.split('.').collect();
                let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt"}"#);
                parts[0] = &none;
                parts[2] = "";
                parts.join(".")
            },
            "alg none",
        ),
    ];
    for (token, what) in cases {
        let response = get(&server, &token);
        assert_eq!(response.status(), 401, "{what}");
        assert!(
            challenge(&response).contains("error=\"invalid_token\""),
            "{what}"
        );
    }
    server.advance(Duration::from_secs(65));
    let expired = get(&server, &reply.str("access_token"));
    assert_eq!(expired.status(), 401, "an expired access token");
}

#[test]
fn bt_3_1_a_bcp_2_3_a_tokens_for_other_resources_or_without_openid() {
    let server = started();
    let api_only = get(
        &server,
        &server
            .grant("tv-public", "api.read", "alice")
            .str("access_token"),
    );
    assert_eq!(api_only.status(), 401, "not meant for UserInfo");
    let no_openid = get(
        &server,
        &server
            .grant("tv-public", "profile", "alice")
            .str("access_token"),
    );
    assert_eq!(no_openid.status(), 403);
    assert!(challenge(&no_openid).contains("error=\"insufficient_scope\""));
}

#[test]
fn bt_2_a_a_token_in_two_places_is_invalid_request() {
    let server = started();
    let token = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    let response = Client::new()
        .post(server.url("/userinfo"))
        .bearer_auth(&token)
        .form(&[("access_token", token.as_str())])
        .send()
        .expect("POST");
    assert_eq!(response.status(), 400);
    assert!(challenge(&response).contains("invalid_request"));
    // The body alone is fine (RFC 6750 §2.2).
    let body_only = Client::new()
        .post(server.url("/userinfo"))
        .form(&[("access_token", token.as_str())])
        .send()
        .expect("POST");
    assert_eq!(body_only.status(), 200);
}

#[test]
fn oidc_5_3_cors_browser_apps_may_call_userinfo() {
    let server = started();
    let response = Client::new()
        .request(reqwest::Method::OPTIONS, server.url("/userinfo"))
        .header("Origin", "https://spa.test")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .expect("OPTIONS");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(
        response.headers()["access-control-allow-headers"]
            .to_str()
            .expect("ascii")
            .contains("Authorization")
    );
}

#[test]
fn a_disabled_users_tokens_get_nothing() {
    let server = started();
    let token = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    server.cli().run(&["user", "disable", "alice"]).ok();
    assert_eq!(get(&server, &token).status(), 401);
}

#[test]
fn a_well_signed_token_naming_another_issuer_is_refused() {
    let server = started();
    let real = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    let payload = real.split('.').nth(1).expect("payload");
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("JSON");
    claims["iss"] = "https://elsewhere.example".into();
    let key = server
        .app()
        .key_ring()
        .active(
            authbox::domain::signing::SigningAlg::Es256,
            server.app().now(),
        )
        .expect("ES256 key");
    let forged = authbox::crypto::jws::sign(&key, "at+jwt", &claims).expect("sign");
    assert_eq!(
        get(&server, &forged).status(),
        401,
        "signed by us, but not our issuer"
    );
    // Truncated tokens are just as dead.
    assert_eq!(get(&server, &real[..real.len() / 2]).status(), 401);
}

//! `POST /device_authorization` (RFC 8628 §3.1–3.2), by SPEC ID.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::support::TestServer;
use crate::support::oauth::started;

#[test]
fn dag_3_2_a_a_success_carries_every_required_member() {
    let server = started();
    let reply = server.device_authorization("tv-public", "openid profile");
    assert_eq!(reply.status, 200);
    for member in [
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
    ] {
        assert!(reply.body[member].is_string(), "{member} in {}", reply.body);
    }
    assert!(
        reply.body["expires_in"].as_u64().is_some_and(|n| n > 0),
        "expires_in is a JSON number"
    );
    assert!(
        reply.body.get("verification_url").is_none(),
        "not the common misnaming"
    );
    // DAG-3.2-b: interval is a JSON integer ≥ 5.
    assert!(reply.body["interval"].as_u64().is_some_and(|n| n >= 5));
    // DAG-3.2-c: the response carries a credential.
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    // DAG-3.3-d: the user code is not in verification_uri, only in the _complete form.
    let uri = reply.str("verification_uri");
    assert_eq!(uri, format!("{}/device", server.base));
    assert!(!uri.contains('?') && !uri.contains(&reply.str("user_code")));
    assert!(
        reply
            .str("verification_uri_complete")
            .contains(&reply.str("user_code"))
    );
}

#[test]
fn dag_3_2_d_and_5_1_b_codes_are_unique_well_formed_and_uniform() {
    let server = started();
    let mut device_codes = HashSet::new();
    let mut user_codes = HashSet::new();
    let mut counts = [0u32; 20];
    let alphabet = b"BCDFGHJKLMNPQRSTVWXZ";
    for _ in 0..500 {
        let reply = server.device_authorization("tv-public", "openid");
        let user_code = reply.str("user_code");
        let bytes = user_code.as_bytes();
        assert!(bytes.len() == 9 && bytes[4] == b'-', "{user_code}");
        for b in bytes.iter().filter(|b| **b != b'-') {
            let at = alphabet
                .iter()
                .position(|a| a == b)
                .unwrap_or_else(|| panic!("{user_code}"));
            counts[at] += 1;
        }
        // DAG-5.2-a: ≥ 160 bits of randomness in the device code.
        let device_code = reply.str("device_code");
        assert!(
            URL_SAFE_NO_PAD
                .decode(&device_code)
                .expect("base64url")
                .len()
                >= 20
        );
        assert!(device_codes.insert(device_code));
        assert!(
            user_codes.insert(user_code),
            "DAG-5.1-c: a user code is never shared by live grants"
        );
    }
    // χ² over 20 letters with 4000 draws: 19 degrees of freedom, p = 0.001 is at 43.8.
    let expected = 4000.0 / 20.0;
    let chi2: f64 = counts
        .iter()
        .map(|&c| (f64::from(c) - expected).powi(2) / expected)
        .sum();
    assert!(
        chi2 < 43.8,
        "letters are not uniform: χ² = {chi2:.1}, counts {counts:?}"
    );
}

#[test]
fn dag_3_1_a_only_post_with_a_form_body() {
    let server = started();
    let get = reqwest::blocking::get(server.url("/device_authorization?client_id=tv-public"))
        .expect("GET");
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");
    let body: serde_json::Value = get.json().expect("JSON, not text/plain");
    assert_eq!(body["error"], "invalid_request");

    let json = reqwest::blocking::Client::new()
        .post(server.url("/device_authorization"))
        .header("Content-Type", "application/json")
        .body(r#"{"client_id":"tv-public"}"#)
        .send()
        .expect("POST");
    assert_eq!(json.status(), 400);
    assert_eq!(
        json.json::<serde_json::Value>().expect("JSON")["error"],
        "invalid_request"
    );
}

#[test]
fn dag_3_1_b_no_client_at_all_is_invalid_client() {
    let server = started();
    let reply = server.post_form("/device_authorization", "scope=openid", None);
    reply.is_error(401, "invalid_client");
    assert!(
        reply
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Basic"))
    );
    // DAG-3.1-d: an empty client_id is the same as none.
    server
        .post_form("/device_authorization", "client_id=&scope=openid", None)
        .is_error(401, "invalid_client");
}

#[test]
fn dag_3_1_c_confidential_clients_authenticate_basic_or_post() {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    server
        .post_form("/device_authorization", "client_id=tv-conf", None)
        .is_error(401, "invalid_client");
    let basic = server.post_form(
        "/device_authorization",
        "scope=openid",
        Some(("tv-conf", &fixtures.tv_conf_secret)),
    );
    assert_eq!(basic.status, 200, "{}", basic.body);
    let body = format!(
        "client_id=tv-conf&client_secret={}&scope=openid",
        fixtures.tv_conf_secret
    );
    assert_eq!(
        server
            .post_form("/device_authorization", &body, None)
            .status,
        200
    );
    let wrong = server.post_form(
        "/device_authorization",
        "scope=openid",
        Some(("tv-conf", "wrong")),
    );
    wrong.is_error(401, "invalid_client");
    assert_eq!(
        wrong.header("www-authenticate"),
        Some("Basic realm=\"authbox\""),
        "OA-5.2-b"
    );
}

#[test]
fn oa_2_3_1_a_basic_credentials_are_form_url_decoded_after_splitting_at_the_first_colon() {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    // The id `tv:conf 2` travels as `tv%3Aconf+2`.
    let reply = server.post_form(
        "/device_authorization",
        "scope=openid",
        Some(("tv:conf 2", &fixtures.tv_conf2_secret)),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn oa_2_3_b_two_ways_of_authenticating_at_once_are_refused() {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    let body = format!("client_secret={}&scope=openid", fixtures.tv_conf_secret);
    server
        .post_form(
            "/device_authorization",
            &body,
            Some(("tv-conf", &fixtures.tv_conf_secret)),
        )
        .is_error(400, "invalid_request");
}

#[test]
fn oa_2_3_1_b_credentials_in_the_url_are_refused() {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    let path = format!(
        "/device_authorization?client_secret={}",
        fixtures.tv_conf_secret
    );
    server
        .post_form(&path, "client_id=tv-conf&scope=openid", None)
        .is_error(400, "invalid_request");
}

#[test]
fn dag_5_6_a_a_public_client_presenting_a_secret_gains_nothing() {
    let server = started();
    server
        .post_form(
            "/device_authorization",
            "client_id=tv-public&client_secret=anything",
            None,
        )
        .is_error(401, "invalid_client");
    server
        .post_form("/device_authorization", "", Some(("tv-public", "x")))
        .is_error(401, "invalid_client");
}

/// Basic with an empty password, as oidc-agent sends for a public client, identifies the
/// client and proves nothing: a public client goes on as with `client_id` in the body, and a
/// confidential client, whose secret it lacks, is refused.
#[test]
fn dag_5_6_a_basic_with_an_empty_password_only_names_a_public_client() {
    let server = started();
    let reply = server.post_form(
        "/device_authorization",
        "scope=openid",
        Some(("tv-public", "")),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let device_code = reply.str("device_code");
    server
        .post_form(
            "/token",
            &format!(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code={device_code}"
            ),
            Some(("tv-public", "")),
        )
        .is_error(400, "authorization_pending");
    server
        .post_form(
            "/device_authorization",
            "scope=openid",
            Some(("tv-conf", "")),
        )
        .is_error(401, "invalid_client");
}

#[test]
fn dag_3_1_d_e_empty_parameters_are_absent_and_unknown_ones_ignored() {
    let server = started();
    let reply = server.post_form(
        "/device_authorization",
        "client_id=tv-public&scope=&foo=bar",
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn dag_3_1_h_an_omitted_scope_gets_the_clients_known_scopes_without_offline_access() {
    let server = started();
    let scopes = "openid email offline_access custom.x";
    server
        .cli()
        .run(&[
            "client",
            "add",
            "tv-x",
            "--grant",
            "device_code",
            "--scope",
            scopes,
        ])
        .ok();
    let started = server.device_authorization("tv-x", "");
    assert_eq!(started.status, 200, "{}", started.body);
    server.approve(&started.str("user_code"), "alice");
    server.advance(std::time::Duration::from_secs(5));
    let tokens = server.poll(&started.str("device_code"), "tv-x");
    assert_eq!(
        tokens.str("scope"),
        "openid email",
        "OA-3.3-a: the issued scope is stated"
    );
}

#[test]
fn dag_3_1_f_repeated_parameters_are_refused() {
    let server = started();
    for body in [
        "client_id=tv-public&scope=openid&scope=profile",
        "client_id=tv-public&client_id=tv-other",
    ] {
        server
            .post_form("/device_authorization", body, None)
            .is_error(400, "invalid_request");
    }
}

#[test]
fn dag_3_1_h_unknown_disallowed_or_miscased_scopes_are_invalid_scope() {
    let server = started();
    server
        .device_authorization("tv-public", "openid nope")
        .is_error(400, "invalid_scope");
    server
        .device_authorization("tv-public", "OpenID")
        .is_error(400, "invalid_scope");
    server
        .device_authorization("tv-public", "api.write")
        .is_error(400, "invalid_scope");
}

#[test]
fn dag_3_1_i_a_client_without_the_device_grant_is_unauthorized_client() {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    server
        .post_form(
            "/device_authorization",
            "scope=openid",
            Some(("rs-api", &fixtures.rs_api_secret)),
        )
        .is_error(400, "unauthorized_client");
}

#[test]
fn dag_3_2_e_an_unknown_client_is_invalid_client_and_looks_like_a_bad_secret() {
    let server = TestServer::start();
    server.fixtures();
    let unknown = server.post_form(
        "/device_authorization",
        "scope=openid",
        Some(("nobody", "x")),
    );
    let wrong = server.post_form(
        "/device_authorization",
        "scope=openid",
        Some(("tv-conf", "x")),
    );
    unknown.is_error(401, "invalid_client");
    assert_eq!(
        unknown.body, wrong.body,
        "OA-5.2-d: no hint whether the client exists"
    );
}

#[test]
fn a_disabled_client_is_refused() {
    let server = started();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--disable"])
        .ok();
    server
        .device_authorization("tv-public", "openid")
        .is_error(401, "invalid_client");
}

#[test]
fn malformed_requests_get_oauth_errors_never_5xx() {
    let server = started();
    let client = reqwest::blocking::Client::new();
    let send = |content_type: &str, body: Vec<u8>, authorization: Option<&str>| {
        let mut request = client
            .post(server.url("/device_authorization"))
            .header("Content-Type", content_type)
            .body(body);
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        let response = request.send().expect("send");
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().expect("a JSON error body");
        (status, body["error"].as_str().map(str::to_owned))
    };
    struct Case {
        content_type: &'static str,
        body: Vec<u8>,
        authorization: Option<&'static str>,
        expect: (u16, &'static str),
    }
    let form = "application/x-www-form-urlencoded";
    let case = |content_type, body: &[u8], authorization, expect| Case {
        content_type,
        body: body.to_vec(),
        authorization,
        expect,
    };
    let cases = [
        case(form, b"client_id=%FF", None, (400, "invalid_request")),
        case(
            form,
            &[b'a', b'=', 0xC3, 0x28],
            None,
            (400, "invalid_request"),
        ),
        case(form, b"client_id=%ZZ", None, (401, "invalid_client")),
        case(
            "text/plain",
            b"client_id=tv-public",
            None,
            (400, "invalid_request"),
        ),
        case(
            form,
            b"scope=openid",
            Some("Basic !!!"),
            (401, "invalid_client"),
        ),
        case(
            form,
            b"scope=openid",
            Some("Bearer abc"),
            (401, "invalid_client"),
        ),
        case(
            form,
            b"scope=openid",
            Some("Basic Og=="),
            (401, "invalid_client"),
        ),
        case(
            form,
            format!("client_id={}", "x".repeat(20_000)).as_bytes(),
            None,
            (413, "invalid_request"),
        ),
        case(
            form,
            format!("client_id={}", "x".repeat(5_000)).as_bytes(),
            None,
            (401, "invalid_client"),
        ),
    ];
    for c in cases {
        let (status, error) = c.expect;
        assert_eq!(
            send(c.content_type, c.body, c.authorization),
            (status, Some(error.to_owned())),
            "{} {:?}",
            c.content_type,
            c.authorization
        );
    }
}

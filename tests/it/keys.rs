//! Signing keys: generated on first start, published as public JWKs, rotated while the server
//! runs (published one JWKS cache lifetime before they sign), and swept once every token they
//! signed has expired.

use std::time::Duration;

use authbox::app::settings::JWKS_MAX_AGE;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::support::TestServer;
use crate::support::server::eventually;

fn b64_len(key: &Value, member: &str) -> usize {
    let text = key[member]
        .as_str()
        .unwrap_or_else(|| panic!("{member} missing in {key}"));
    URL_SAFE_NO_PAD.decode(text).expect("base64url").len()
}

/// A server where some client signs with each key type, so `/jwks` shows all three.
fn started_with_every_key_type() -> TestServer {
    let server = TestServer::start();
    uses_eddsa(&server, "okp-app");
    server
}

fn uses_eddsa(server: &TestServer, client_id: &str) {
    server
        .cli()
        .run(&[
            "client",
            "add",
            client_id,
            "--grant",
            "device_code",
            "--id-token-alg",
            "EdDSA",
        ])
        .ok();
}

fn kid_types(server: &TestServer) -> Vec<String> {
    let mut types: Vec<String> = server.get_json("/jwks")["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|k| k["kty"].as_str().unwrap_or_default().to_owned())
        .collect();
    types.sort();
    types
}

/// Some relying parties' JOSE libraries cannot parse a key type they never use (Debian's
/// mod_auth_openidc warns about an Ed25519 key on every login), so `/jwks` shows the EdDSA
/// key only while a client signs with it, and until tokens it signed may have expired.
#[test]
fn jwks_shows_a_key_type_only_while_a_client_uses_it() {
    let server = TestServer::start();
    assert_eq!(
        kid_types(&server),
        ["EC", "RSA"],
        "RS256 and ES256 sign by default"
    );
    uses_eddsa(&server, "okp-app");
    assert_eq!(kid_types(&server), ["EC", "OKP", "RSA"]);
    server.cli().run(&["client", "remove", "okp-app"]).ok();
    // Its ID tokens (60 s in the test profile) may still be checked by fresh JWKS copies.
    assert_eq!(kid_types(&server), ["EC", "OKP", "RSA"]);
    server.advance(Duration::from_secs(60 + 300));
    assert_eq!(kid_types(&server), ["EC", "RSA"]);
}

fn kids(jwks: &Value) -> Vec<String> {
    let mut kids: Vec<String> = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_owned())
        .collect();
    kids.sort();
    kids
}

#[test]
fn the_first_start_publishes_one_public_key_per_algorithm() {
    let server = started_with_every_key_type();
    let response = reqwest::blocking::get(server.url("/jwks")).expect("GET /jwks");
    assert_eq!(response.status(), 200);
    let cache = response.headers()["cache-control"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(cache, "public, max-age=300", "JWK-cache");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "*",
        "DISC-4-cors"
    );
    let jwks: Value = response.json().expect("JSON");

    let keys = jwks["keys"].as_array().expect("JWK-5-a: a keys array");
    assert_eq!(keys.len(), 3);
    let mut algs: Vec<&str> = keys
        .iter()
        .map(|k| k["alg"].as_str().expect("alg"))
        .collect();
    algs.sort();
    assert_eq!(algs, ["ES256", "EdDSA", "RS256"]);
    assert_eq!(kids(&jwks).len(), 3, "JWK-kid: every key has a kid");
    let mut distinct = kids(&jwks);
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "JWK-kid: kids are distinct");
    for key in keys {
        assert_eq!(key["use"], "sig", "JWK-use");
        assert!(key.get("key_ops").is_none(), "JWK-use");
        for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            assert!(
                key.get(private).is_none(),
                "JWK-priv: {private} published in {key}"
            );
        }
        match key["kty"].as_str() {
            Some("RSA") => {
                assert_eq!(key["alg"], "RS256", "JWK-alg-bind");
                assert_eq!(key["e"], "AQAB", "JWK-rsa");
                assert!(b64_len(key, "n") >= 256, "JWK-rsa: ≥ 2048 bits");
                let n = URL_SAFE_NO_PAD
                    .decode(key["n"].as_str().expect("n"))
                    .expect("n");
                assert_ne!(n[0], 0, "JWK-rsa: no leading zero octet");
            }
            Some("EC") => {
                assert_eq!(key["alg"], "ES256", "JWK-alg-bind");
                assert_eq!(key["crv"], "P-256");
                assert_eq!((b64_len(key, "x"), b64_len(key, "y")), (32, 32), "JWK-ec");
            }
            Some("OKP") => {
                assert_eq!(key["alg"], "EdDSA", "JWK-alg-bind");
                assert_eq!(key["crv"], "Ed25519");
                assert_eq!(b64_len(key, "x"), 32, "JWK-okp");
            }
            other => panic!("JWK-4.1-a: unexpected kty {other:?}"),
        }
    }
}

#[test]
fn a_rotation_while_running_is_published_at_once() {
    let server = started_with_every_key_type();
    let before = kids(&server.get_json("/jwks"));

    let listed = server
        .cli()
        .run(&["--json", "key", "rotate", "--alg", "ES256"])
        .json();

    let keys = listed["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 4);
    let es256: Vec<&Value> = keys.iter().filter(|k| k["alg"] == "ES256").collect();
    assert_eq!(es256.iter().filter(|k| k["state"] == "active").count(), 1);
    assert_eq!(es256.iter().filter(|k| k["state"] == "next").count(), 1);
    let after = kids(&server.get_json("/jwks"));
    assert_eq!(after.len(), 4, "JWK-rot: old and new are both published");
    assert!(
        before.iter().all(|kid| after.contains(kid)),
        "the retired key stays published"
    );
}

#[test]
fn the_sweeper_removes_a_retired_key_once_its_tokens_have_expired() {
    let server = started_with_every_key_type();
    server.cli().run(&["key", "rotate", "--alg", "EdDSA"]).ok();
    assert_eq!(kids(&server.get_json("/jwks")).len(), 4);
    let status = server.cli().run(&["--json", "check"]).json();
    assert_eq!(
        status["status"]["expiring_rows"], 1,
        "the retired key is in the expiry index"
    );

    // The new key signs from 300 s on; the old one stays for the token lifetime (60 s in the
    // test profile) plus the JWKS max-age (300 s) after that.
    server.advance(Duration::from_secs(300 + 300));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        kids(&server.get_json("/jwks")).len(),
        4,
        "kept while tokens it signed may live"
    );

    server.advance(Duration::from_secs(61));
    eventually("the sweeper deletes the retired key", || {
        server.cli().run(&["--json", "key", "list"]).json()["keys"]
            .as_array()
            .map(Vec::len)
            == Some(3)
    });
    assert_eq!(kids(&server.get_json("/jwks")).len(), 3);
    let status = server.cli().run(&["--json", "check"]).json();
    assert_eq!(status["status"]["expiring_rows"], 0);
    assert_eq!(status["status"]["signing_keys"], 3);
}

#[test]
fn an_unknown_algorithm_is_refused() {
    let server = started_with_every_key_type();
    server
        .cli()
        .run(&["key", "rotate", "--alg", "HS256"])
        .fails_with(&["unknown signing algorithm"]);
    assert_eq!(kids(&server.get_json("/jwks")).len(), 3);
}

/// An ES256 access token (the default algorithm for access tokens), for a service client.
fn access_token(server: &TestServer, secret: &str) -> String {
    let tokens = server.post_form(
        "/token",
        "grant_type=client_credentials",
        Some(("rs-api", secret)),
    );
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    tokens.str("access_token")
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token)
        .expect("a JWS header")
        .kid
        .expect("a kid")
}

/// `(kid, state)` of every `alg` key, as `key list` shows them.
fn listed(server: &TestServer, alg: &str) -> Vec<(String, String)> {
    server.cli().run(&["--json", "key", "list"]).json()["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter(|k| k["alg"] == alg)
        .map(|k| {
            let text = |m: &str| k[m].as_str().expect("text").to_owned();
            (text("kid"), text("state"))
        })
        .collect()
}

fn kid_in_state(keys: &[(String, String)], state: &str) -> String {
    let found: Vec<&String> = keys
        .iter()
        .filter(|(_, s)| s == state)
        .map(|(kid, _)| kid)
        .collect();
    assert_eq!(found.len(), 1, "one {state} key in {keys:?}");
    found[0].clone()
}

/// JWK-rot (OIDC Core §10.1.1): the new key is in the JWKS a whole cache lifetime before the
/// first token it signs, so a verifier's cached copy already holds it; the old key signs until
/// then and stays published until its last token has expired and caches have let go.
#[test]
fn jwk_rot_a_rotated_key_is_published_one_cache_lifetime_before_it_signs() {
    let server = started_with_every_key_type();
    let secret = server.fixtures().rs_api_secret;
    let old = kid_of(&access_token(&server, &secret));

    server.cli().run(&["key", "rotate", "--alg", "ES256"]).ok();
    let keys = listed(&server, "ES256");
    assert_eq!(kid_in_state(&keys, "active"), old);
    let new = kid_in_state(&keys, "next");
    let cached = kids(&server.get_json("/jwks"));
    assert!(cached.contains(&new), "published at once");
    assert_eq!(
        kid_of(&access_token(&server, &secret)),
        old,
        "not signing while a cached JWKS may lack it"
    );

    server.advance(JWKS_MAX_AGE - Duration::from_secs(1));
    assert_eq!(kid_of(&access_token(&server, &secret)), old);
    server.advance(Duration::from_secs(1));
    let token = access_token(&server, &secret);
    assert_eq!(kid_of(&token), new, "signing once every cache holds it");
    assert!(
        cached.contains(&kid_of(&token)),
        "a copy of the JWKS cached at the rotation verifies it"
    );
    let keys = listed(&server, "ES256");
    assert_eq!(kid_in_state(&keys, "active"), new);
    assert_eq!(kid_in_state(&keys, "retired"), old);

    // The old key's last token lives 60 s (test profile); caches keep the JWKS 300 s more.
    server.advance(Duration::from_secs(60 + 300 - 1));
    assert!(kids(&server.get_json("/jwks")).contains(&old));
    server.advance(Duration::from_secs(1));
    assert!(!kids(&server.get_json("/jwks")).contains(&old));
    eventually("the sweeper deletes the retired key", || {
        listed(&server, "ES256").len() == 1
    });
}

/// `key rotate --now` is for a key that must stop signing at once (verifiers with a cached
/// JWKS refuse the new tokens for a while); it also replaces a key still waiting, which never
/// signed and leaves the JWKS at once. A second scheduled rotation while one waits is refused.
#[test]
fn an_immediate_rotation_signs_with_the_new_key_at_once() {
    let server = started_with_every_key_type();
    let secret = server.fixtures().rs_api_secret;
    let old = kid_of(&access_token(&server, &secret));

    server.cli().run(&["key", "rotate", "--alg", "ES256"]).ok();
    let waiting = kid_in_state(&listed(&server, "ES256"), "next");
    server
        .cli()
        .run(&["key", "rotate"])
        .fails_with(&["already waits to sign", "--now"]);
    assert_eq!(kids(&server.get_json("/jwks")).len(), 4, "nothing rotated");

    server
        .cli()
        .run(&["key", "rotate", "--alg", "ES256", "--now"])
        .ok();
    let token = access_token(&server, &secret);
    let fresh = kid_of(&token);
    assert!(fresh != old && fresh != waiting, "{fresh}");
    let keys = listed(&server, "ES256");
    assert_eq!(kid_in_state(&keys, "active"), fresh);
    assert_eq!(kid_in_state(&keys, "retired"), old);
    let published = kids(&server.get_json("/jwks"));
    assert!(published.contains(&fresh) && published.contains(&old));
    assert!(!published.contains(&waiting), "it never signed anything");
    crate::support::jwt::verify(&server, &token, "https://api.example.test");
}

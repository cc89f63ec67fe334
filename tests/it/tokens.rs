//! The tokens, verified against the served JWKS with `jsonwebtoken` on RustCrypto, a library
//! that shares no code with authbox's signing: RFC 9068 access tokens and OIDC ID tokens.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

use crate::support::jwt::verify;
use crate::support::oauth::started;

const API: &str = "https://api.example.test";

fn raw_header(token: &str) -> Value {
    let first = token.split('.').next().expect("header");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(first).expect("base64url")).expect("JSON")
}

fn signature_len(token: &str) -> usize {
    URL_SAFE_NO_PAD
        .decode(token.rsplit('.').next().expect("signature"))
        .expect("base64url")
        .len()
}

#[test]
fn jat_access_tokens_follow_rfc_9068() {
    let server = started();
    let reply = server.grant("tv-public", "openid profile api.read", "alice");
    let token = reply.str("access_token");
    let (header, claims) = verify(&server, &token, API);

    assert_eq!(raw_header(&token)["typ"], "at+jwt", "JAT-2.1-c");
    assert_eq!(
        format!("{:?}", header.alg),
        "ES256",
        "SPEC D2: ES256 by default"
    );
    assert_eq!(signature_len(&token), 64, "JWK-es256-sig: R‖S, not DER");
    for claim in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] {
        assert!(
            claims.get(claim).is_some(),
            "JAT-2.2-a: {claim} missing in {claims}"
        );
    }
    assert_eq!(claims["client_id"], "tv-public");
    assert_eq!(
        claims["scope"], "openid profile api.read",
        "JAT-2.2.3-a: a space-separated string"
    );
    // JAT-3-a: each scope maps to one resource; never the client id.
    assert_eq!(
        claims["aud"],
        serde_json::json!([format!("{}/userinfo", server.base), API])
    );
    for personal in ["email", "name", "preferred_username"] {
        assert!(
            claims.get(personal).is_none(),
            "JAT-6-a: {personal} in an access token"
        );
    }
    let sub = claims["sub"].as_str().expect("sub");
    let id_claims = verify(&server, &reply.str("id_token"), "tv-public").1;
    assert_eq!(id_claims["sub"], sub, "JAT-2.2-a: the resource owner's sub");
    assert!(claims["exp"].as_u64() > claims["iat"].as_u64());
    assert_eq!(
        claims["exp"]
            .as_u64()
            .zip(claims["iat"].as_u64())
            .map(|(e, i)| e - i),
        Some(60),
        "BT-5.3-a: the profile's 60 s"
    );
}

#[test]
fn jat_3_a_audiences_follow_the_scopes() {
    let server = started();
    let api_only = server
        .grant("tv-public", "api.read", "alice")
        .str("access_token");
    assert_eq!(verify(&server, &api_only, API).1["aud"], API);
    let userinfo = format!("{}/userinfo", server.base);
    let oidc_only = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    assert_eq!(verify(&server, &oidc_only, &userinfo).1["aud"], userinfo);
}

#[test]
fn jat_2_2_a_every_access_token_has_its_own_jti() {
    let server = started();
    let mut seen = HashSet::new();
    for _ in 0..20 {
        let token = server
            .grant("tv-public", "openid", "alice")
            .str("access_token");
        let claims = verify(&server, &token, &format!("{}/userinfo", server.base)).1;
        assert!(seen.insert(claims["jti"].as_str().expect("jti").to_owned()));
    }
}

#[test]
fn oidc_2_id_tokens_carry_the_core_claims_and_nothing_invented() {
    let server = started();
    let reply = server.grant("tv-public", "openid profile email", "alice");
    let id_token = reply.str("id_token");
    let (header, claims) = verify(&server, &id_token, "tv-public");
    let discovery = server.get_json("/.well-known/openid-configuration");

    assert_eq!(
        claims["iss"], discovery["issuer"],
        "OIDC-2-iss: byte-identical to discovery"
    );
    assert_eq!(claims["aud"], "tv-public", "OIDC-2-aud");
    assert_eq!(claims["azp"], "tv-public", "OIDC-2-azp");
    assert!(claims.get("nonce").is_none(), "OIDC-2-nonce: none invented");
    assert_eq!(
        format!("{:?}", header.alg),
        "RS256",
        "OIDC-3.1.3.7-a: RS256 by default"
    );
    let raw = raw_header(&id_token);
    assert_ne!(raw["typ"], "at+jwt", "OIDC-2-typ");
    for forbidden in ["jku", "jwk", "x5u", "x5c"] {
        assert!(
            raw.get(forbidden).is_none(),
            "OIDC-2-sig: {forbidden} in the header"
        );
    }
    let (iat, exp, auth_time) = (
        claims["iat"].as_u64(),
        claims["exp"].as_u64(),
        claims["auth_time"].as_u64(),
    );
    assert!(
        exp > iat && auth_time <= iat,
        "OIDC-2-exp-iat, OIDC-2-auth_time: {claims}"
    );
    let now = server.app().now().secs();
    assert!(iat.is_some_and(|iat| iat.abs_diff(now) <= 60));
    let sub = claims["sub"].as_str().expect("sub");
    assert!(
        !sub.is_empty() && sub.len() <= 255 && sub.bytes().all(|b| (0x21..=0x7e).contains(&b)),
        "OIDC-2-sub"
    );
    // The standard claims the scopes allow (OIDC Core §5.4), none of them null (OIDC-2-null).
    assert_eq!(claims["preferred_username"], "alice");
    assert_eq!(claims["name"], "Alice");
    assert_eq!(claims["email"], "alice@example.org");
    assert_eq!(claims["email_verified"], true);
    assert!(claims["updated_at"].is_u64());
    assert!(
        claims
            .as_object()
            .expect("object")
            .values()
            .all(|v| !v.is_null() && *v != ""),
        "{claims}"
    );

    // OIDC-3.1.3.6-a: at_hash is the left half of SHA-256 of the access token for RS256.
    let digest = ring::digest::digest(&ring::digest::SHA256, reply.str("access_token").as_bytes());
    assert_eq!(
        claims["at_hash"],
        URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16])
    );
}

#[test]
fn oidc_5_4_claims_follow_the_granted_scopes() {
    let server = started();
    let claims = verify(
        &server,
        &server.grant("tv-public", "openid", "alice").str("id_token"),
        "tv-public",
    )
    .1;
    for absent in [
        "name",
        "preferred_username",
        "email",
        "email_verified",
        "updated_at",
    ] {
        assert!(
            claims.get(absent).is_none(),
            "{absent} without its scope: {claims}"
        );
    }
}

#[test]
fn oidc_2_sub_is_stable_across_clients() {
    let server = started();
    let a = verify(
        &server,
        &server.grant("tv-public", "openid", "alice").str("id_token"),
        "tv-public",
    )
    .1;
    let b = verify(
        &server,
        &server.grant("tv-other", "openid", "alice").str("id_token"),
        "tv-other",
    )
    .1;
    let c = verify(
        &server,
        &server.grant("tv-public", "openid", "bob").str("id_token"),
        "tv-public",
    )
    .1;
    assert_eq!(a["sub"], b["sub"]);
    assert_ne!(a["sub"], c["sub"]);
}

#[test]
fn per_client_algorithms_are_honoured() {
    let server = started();
    server
        .cli()
        .run(&[
            "client",
            "update",
            "tv-public",
            "--id-token-alg",
            "EdDSA",
            "--access-token-alg",
            "RS256",
        ])
        .ok();
    let reply = server.grant("tv-public", "openid", "alice");
    let (at_header, _) = verify(
        &server,
        &reply.str("access_token"),
        &format!("{}/userinfo", server.base),
    );
    assert_eq!(
        format!("{:?}", at_header.alg),
        "RS256",
        "JAT-2.1-b: RS256 access tokens on request"
    );
    let (id_header, claims) = verify(&server, &reply.str("id_token"), "tv-public");
    assert_eq!(format!("{:?}", id_header.alg), "EdDSA");
    // For EdDSA (Ed25519) at_hash uses SHA-512, left half = 32 bytes.
    let digest = ring::digest::digest(&ring::digest::SHA512, reply.str("access_token").as_bytes());
    assert_eq!(
        claims["at_hash"],
        URL_SAFE_NO_PAD.encode(&digest.as_ref()[..32])
    );
}

#[test]
fn jwk_rot_tokens_signed_before_a_rotation_still_verify() {
    let server = started();
    let before = server.grant("tv-public", "openid", "alice").str("id_token");
    server.cli().run(&["key", "rotate"]).ok();
    let (old_header, _) = verify(&server, &before, "tv-public");
    // The new key signs once a JWKS cached at the rotation has expired (300 s); each grant
    // takes 5 s of the test clock.
    server.advance(std::time::Duration::from_secs(290));
    let last_old = server.grant("tv-public", "openid", "alice").str("id_token");
    let after = server.grant("tv-public", "openid", "alice").str("id_token");
    let (last_old_header, _) = verify(&server, &last_old, "tv-public");
    let (new_header, _) = verify(&server, &after, "tv-public");
    assert_eq!(
        last_old_header.kid, old_header.kid,
        "the old key signs until then"
    );
    assert_ne!(
        old_header.kid, new_header.kid,
        "new tokens carry the new key's kid"
    );
}

#[test]
fn a_token_with_a_flipped_signature_does_not_verify() {
    let server = started();
    let token = server.grant("tv-public", "openid", "alice").str("id_token");
    let mut bytes = token.into_bytes();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(bytes).expect("ascii");
    let jwks: JwkSet = serde_json::from_value(server.get_json("/jwks")).expect("jwks");
    let kid = decode_header(&forged).expect("header").kid.expect("kid");
    let key = DecodingKey::from_jwk(jwks.find(&kid).expect("key")).expect("key");
    let mut validation = Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&["tv-public"]);
    assert!(decode::<Value>(&forged, &key, &validation).is_err());
}

//! Token checks with `jsonwebtoken` on RustCrypto, a library that shares no code with authbox's
//! signing.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

use super::TestServer;

/// Verifies `token`'s signature with the JWKS key its `kid` names, and `iss`, `aud` and `exp`.
pub fn verify(server: &TestServer, token: &str, audience: &str) -> (jsonwebtoken::Header, Value) {
    verify_at(&server.base, token, audience)
}

/// [`verify`] against the issuer at `base`, fetching its JWKS over HTTP like a relying party.
pub fn verify_at(base: &str, token: &str, audience: &str) -> (jsonwebtoken::Header, Value) {
    let jwks: JwkSet = reqwest::blocking::get(format!("{base}/jwks"))
        .and_then(|r| r.json())
        .expect("a JWK set");
    let header = decode_header(token).expect("a JWS header");
    let kid = header
        .kid
        .clone()
        .expect("OIDC-10.1-a: every token names its key");
    let matching: Vec<_> = jwks
        .keys
        .iter()
        .filter(|k| k.common.key_id.as_deref() == Some(&kid))
        .collect();
    assert_eq!(matching.len(), 1, "JWK-kid: {kid} names exactly one key");
    let key = DecodingKey::from_jwk(matching[0]).expect("a usable public key");
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[base]);
    validation.set_audience(&[audience]);
    let claims = decode::<Value>(token, &key, &validation)
        .expect("the signature and claims verify")
        .claims;
    (header, claims)
}

//! Reading the tokens the demo TV receives: decoding a compact JWS, and checking its signature
//! against the key `/jwks` publishes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::app::App;
use crate::crypto::jws;
use crate::domain::signing::PublicKeyParams;

/// The header and claims of a compact JWS, base64url-decoded; the signature is not looked at.
pub(super) fn decode_jwt(token: &str) -> Result<(Value, Value), String> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, claims, _signature] = parts.as_slice() else {
        return Err(format!("{} parts, not three", parts.len()));
    };
    let json = |part: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    };
    Ok((json(header)?, json(claims)?))
}

/// Whether `token`'s signature verifies with the public key `/jwks` published under its `kid`.
/// The check runs with the server's own copy of that key, used only after its public half is
/// found byte for byte equal to the published JWK; so the JWKS is what is trusted.
pub(super) fn verifies_with_jwks(token: &str, jwks: &Value, app: &App) -> bool {
    let ring = app.key_ring();
    let now = app.now();
    let published = jwks["keys"].as_array().cloned().unwrap_or_default();
    jws::verify(token, |kid| {
        let jwk = published.iter().find(|jwk| jwk["kid"] == kid)?;
        let key = ring.published(kid, now)?;
        jwk_is(jwk, &key.public_params()).then_some(key)
    })
    .is_some()
}

fn jwk_is(jwk: &Value, params: &PublicKeyParams) -> bool {
    let b64 = |bytes: &[u8]| Value::String(URL_SAFE_NO_PAD.encode(bytes));
    match params {
        PublicKeyParams::Rsa { n, e } => {
            jwk["kty"] == "RSA" && jwk["n"] == b64(n) && jwk["e"] == b64(e)
        }
        PublicKeyParams::P256 { x, y } => {
            jwk["kty"] == "EC" && jwk["crv"] == "P-256" && jwk["x"] == b64(x) && jwk["y"] == b64(y)
        }
        PublicKeyParams::Ed25519 { x } => {
            jwk["kty"] == "OKP" && jwk["crv"] == "Ed25519" && jwk["x"] == b64(x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_decode_into_header_and_claims() {
        let enc = |v: &str| URL_SAFE_NO_PAD.encode(v);
        let token = format!(
            "{}.{}.sig",
            enc(r#"{"alg":"ES256"}"#),
            enc(r#"{"sub":"x"}"#)
        );
        let (header, claims) = decode_jwt(&token).unwrap();
        assert_eq!(
            (header["alg"].as_str(), claims["sub"].as_str()),
            (Some("ES256"), Some("x"))
        );
        assert!(decode_jwt("a.b").is_err());
        assert!(decode_jwt("!.!.!").is_err());
    }
}

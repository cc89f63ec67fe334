//! Compact JWS (RFC 7515 §7.1): the tokens authbox signs.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use super::CryptoError;
use super::keys::SigningKey;

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    kid: &'a str,
    typ: &'a str,
}

/// Signs `claims` with `key`. `typ` is `at+jwt` for access tokens (RFC 9068 §2.1) and `JWT`
/// for ID tokens. The header names the key by `kid` only: never `jwk`, `jku`, `x5u` or `x5c`.
pub fn sign(key: &SigningKey, typ: &str, claims: &impl Serialize) -> Result<String, CryptoError> {
    let header = Header {
        alg: key.alg().jws_name(),
        kid: key.kid(),
        typ,
    };
    let mut token = base64url_json(&header)?;
    token.push('.');
    token.push_str(&base64url_json(claims)?);
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(token)
}

fn base64url_json(value: &impl Serialize) -> Result<String, CryptoError> {
    let json = serde_json::to_vec(value).map_err(|e| CryptoError::Encoding(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::generate;
    use crate::domain::signing::SigningAlg;

    #[test]
    fn tokens_have_three_parts_and_es256_signatures_are_64_bytes() {
        let key = SigningKey::load(
            SigningAlg::Es256,
            &generate(SigningAlg::Es256).unwrap().pkcs8,
        )
        .unwrap();
        let token = sign(&key, "at+jwt", &serde_json::json!({"sub": "x"})).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(), 64);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["typ"], "at+jwt");
        assert_eq!(header["kid"], key.kid());
    }
}

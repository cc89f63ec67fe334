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

/// A token whose signature checked out: its header's `typ` and its claims.
pub struct Verified {
    pub typ: Option<String>,
    pub claims: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct ParsedHeader {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
}

/// Checks a compact JWS against the key its `kid` names, with the algorithm pinned to that
/// key's (so `alg: none` or an RS/HS swap never verifies). `None` for anything else.
pub fn verify(
    token: &str,
    key_for: impl Fn(&str) -> Option<std::sync::Arc<SigningKey>>,
) -> Option<Verified> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || token.len() > 16 * 1024 {
        return None;
    }
    let parsed: ParsedHeader =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    let key = key_for(parsed.kid.as_deref()?)?;
    if parsed.alg != key.alg().jws_name() {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let signed = &token[..header.len() + 1 + payload.len()];
    if !key.verifies(signed.as_bytes(), &signature) {
        return None;
    }
    let claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    Some(Verified {
        typ: parsed.typ,
        claims,
    })
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
    fn signatures_verify_for_every_algorithm_and_tampering_is_caught() {
        for alg in SigningAlg::ALL {
            let key =
                std::sync::Arc::new(SigningKey::load(alg, &generate(alg).unwrap().pkcs8).unwrap());
            let kid = key.kid().to_owned();
            let lookup = |k: &str| (k == kid).then(|| std::sync::Arc::clone(&key));
            let token = sign(&key, "at+jwt", &serde_json::json!({"sub": "x"})).unwrap();
            let verified = verify(&token, lookup).expect("verifies");
            assert_eq!(verified.claims["sub"], "x");
            let mut forged = token.clone().into_bytes();
            let at = token.find('.').unwrap() + 2;
            forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
            assert!(
                verify(&String::from_utf8(forged).unwrap(), lookup).is_none(),
                "{alg}"
            );
            assert!(verify("a.b", lookup).is_none());
            let none = format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"none","kid":"{kid}"}}"#)),
                token.split('.').nth(1).unwrap()
            );
            assert!(verify(&none, lookup).is_none(), "alg none never verifies");
        }
    }

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

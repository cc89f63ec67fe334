//! SHA-256 digests of secrets, compared in constant time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest::{SHA256, SHA512, digest};

use crate::domain::signing::SigningAlg;

pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, data).as_ref());
    out
}

/// HMAC-SHA-256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::hmac::sign(&key, message).as_ref());
    out
}

/// Equality whose running time does not depend on where the digests differ.
pub fn digests_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// OIDC Core §3.1.3.6 `at_hash`: the left half of the hash of the access token, with the hash
/// the ID token's algorithm uses — SHA-256 for RS256 and ES256, SHA-512 for EdDSA (Ed25519).
pub fn at_hash(id_token_alg: SigningAlg, access_token: &str) -> String {
    let algorithm = match id_token_alg {
        SigningAlg::Rs256 | SigningAlg::Es256 => &SHA256,
        SigningAlg::EdDsa => &SHA512,
    };
    let hash = digest(algorithm, access_token.as_bytes());
    let bytes = hash.as_ref();
    URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_digests_compare_equal() {
        assert!(digests_equal(&sha256(b"a"), &sha256(b"a")));
        assert!(!digests_equal(&sha256(b"a"), &sha256(b"b")));
    }

    #[test]
    fn at_hash_halves_the_algorithms_hash() {
        // 16 bytes → 22 base64url characters; 32 bytes → 43.
        assert_eq!(at_hash(SigningAlg::Rs256, "token").len(), 22);
        assert_eq!(at_hash(SigningAlg::EdDsa, "token").len(), 43);
    }
}

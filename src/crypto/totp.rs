//! RFC 6238 TOTP codes (HOTP over HMAC-SHA-1, RFC 4226 §5.3) and the random material of an
//! enrolment: the shared secret and the recovery codes.

use ring::hmac;

use super::CryptoError;
use super::hash::sha256;
use super::random::random_array;
use crate::domain::second_factor::{
    RECOVERY_ALPHABET, RECOVERY_CODE_CHARS, RECOVERY_CODES, TotpSecret,
};

/// The six-digit code for time step `step` (RFC 4226 §5.3 dynamic truncation).
pub fn totp_code(secret: &TotpSecret, step: u64) -> String {
    // SHA-1 is what every authenticator app computes TOTP with; HMAC-SHA-1 is not broken by
    // SHA-1's collisions.
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &secret.0);
    let tag = hmac::sign(&key, &step.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac.last().copied().unwrap_or(0) & 0x0f);
    let word = mac
        .get(offset..offset + 4)
        .map_or(0, |b| u32::from_be_bytes([b[0] & 0x7f, b[1], b[2], b[3]]));
    format!("{:06}", word % 1_000_000)
}

/// Whether `typed` is the code for `step`, compared in constant time.
pub fn totp_matches(secret: &TotpSecret, step: u64, typed: &str) -> bool {
    super::hash::digests_equal(
        &sha256(totp_code(secret, step).as_bytes()),
        &sha256(typed.as_bytes()),
    )
}

pub fn new_totp_secret() -> Result<TotpSecret, CryptoError> {
    Ok(TotpSecret(random_array::<20>()?))
}

/// Fresh recovery codes (80 bits each), and their SHA-256 digests to store.
pub fn new_recovery_codes() -> Result<(Vec<String>, Vec<[u8; 32]>), CryptoError> {
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let bytes = random_array::<RECOVERY_CODE_CHARS>()?;
        // 31 letters: a byte modulo 31 is biased by under 1%, and 16 of them still give
        // over 78 bits.
        let code: String = bytes
            .iter()
            .map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()]))
            .collect();
        codes.push(code);
    }
    let digests = codes.iter().map(|c| sha256(c.as_bytes())).collect();
    Ok((codes, digests))
}

/// RFC 4648 base32 without padding: how `otpauth://` URIs and people carry the secret.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1, truncated to six digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = TotpSecret(*b"12345678901234567890");
        assert_eq!(totp_code(&secret, 59 / 30), "287082");
        assert_eq!(totp_code(&secret, 1_111_111_109 / 30), "081804");
        assert_eq!(totp_code(&secret, 2_000_000_000 / 30), "279037");
    }

    #[test]
    fn base32_of_rfc_4648_vectors() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
    }
}

//! Argon2id password hashing with OWASP's parameters (m = 19 MiB, t = 2, p = 1).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash as Phc, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::CryptoError;
use super::random::random_array;
use crate::domain::user::PasswordHash;

const MEMORY_KIB: u32 = 19_456;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

fn argon2id() -> Result<Argon2<'static>, CryptoError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| CryptoError::PasswordHash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes with a fresh 16-byte salt into a PHC string.
pub fn hash_password(password: &str) -> Result<PasswordHash, CryptoError> {
    let salt = SaltString::encode_b64(&random_array::<16>()?)
        .map_err(|e| CryptoError::PasswordHash(e.to_string()))?;
    let phc = argon2id()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| CryptoError::PasswordHash(e.to_string()))?;
    Ok(PasswordHash::from_phc(phc.to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    Mismatch,
    /// `needs_rehash` is set when the stored hash used other parameters than today's, so the
    /// caller can store a fresh hash while it still holds the plaintext.
    Match {
        needs_rehash: bool,
    },
}

pub fn verify_password(stored: &PasswordHash, password: &str) -> PasswordCheck {
    let Ok(phc) = Phc::new(stored.as_phc()) else {
        return PasswordCheck::Mismatch;
    };
    let Ok(hasher) = argon2id() else {
        return PasswordCheck::Mismatch;
    };
    if hasher.verify_password(password.as_bytes(), &phc).is_err() {
        return PasswordCheck::Mismatch;
    }
    let current = Params::try_from(&phc).is_ok_and(|p| {
        p.m_cost() == MEMORY_KIB && p.t_cost() == ITERATIONS && p.p_cost() == PARALLELISM
    });
    let needs_rehash = phc.algorithm.as_str() != "argon2id" || !current;
    PasswordCheck::Match { needs_rehash }
}

/// Spends the time of one verification when there is no account to verify against, so that an
/// unknown username and a wrong password take equally long (OWASP Authentication CS).
pub fn spend_verification_time(password: &str) {
    static DUMMY: OnceLock<Option<PasswordHash>> = OnceLock::new();
    if let Some(dummy) = DUMMY.get_or_init(|| hash_password("authbox-dummy-password").ok()) {
        let _ = verify_password(dummy, password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_strings_with_owasp_parameters() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    #[test]
    fn verifies_the_right_password_only() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert_eq!(
            verify_password(&hash, "correct horse battery staple"),
            PasswordCheck::Match {
                needs_rehash: false
            }
        );
        assert_eq!(
            verify_password(&hash, "Tr0ub4dor&3"),
            PasswordCheck::Mismatch
        );
    }

    #[test]
    fn weaker_parameters_ask_for_a_rehash() {
        let params = Params::new(8, 1, 1, None).unwrap();
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let phc = weak.hash_password(b"password1", &salt).unwrap().to_string();
        assert_eq!(
            verify_password(&PasswordHash::from_phc(phc), "password1"),
            PasswordCheck::Match { needs_rehash: true }
        );
    }
}

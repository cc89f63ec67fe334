//! Argon2id password hashing with OWASP's parameters (m = 19 MiB, t = 2, p = 1).

use std::sync::OnceLock;

use std::cell::RefCell;

use argon2::password_hash::{PasswordHash as Phc, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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

thread_local! {
    /// The working memory of this thread's checks, kept between them. A fresh 19 MiB for each
    /// check left the allocator holding tens of megabytes per check under a burst; reused, a
    /// thread that checks passwords costs 19 MiB once.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

pub fn verify_password(stored: &PasswordHash, password: &str) -> PasswordCheck {
    let Ok(phc) = Phc::new(stored.as_phc()) else {
        return PasswordCheck::Mismatch;
    };
    let Some(computed) = recompute(&phc, password) else {
        return PasswordCheck::Mismatch;
    };
    let matches = phc.hash.is_some_and(|expected| {
        let expected = expected.as_bytes();
        // Constant time over the whole output; lengths are the stored hash's, not secret.
        expected.len() == computed.len()
            && std::hint::black_box(
                expected
                    .iter()
                    .zip(&computed)
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b)),
            ) == 0
    });
    if !matches {
        return PasswordCheck::Mismatch;
    }
    let current = Params::try_from(&phc).is_ok_and(|p| {
        p.m_cost() == MEMORY_KIB && p.t_cost() == ITERATIONS && p.p_cost() == PARALLELISM
    });
    let needs_rehash = phc.algorithm.as_str() != "argon2id" || !current;
    PasswordCheck::Match { needs_rehash }
}

/// The hash of `password` under the stored hash's algorithm, version, parameters and salt,
/// computed in this thread's reused memory; `None` if the stored hash cannot be read.
fn recompute(phc: &Phc, password: &str) -> Option<Vec<u8>> {
    let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
    let version = match phc.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(phc).ok()?;
    let mut salt = [0u8; 64];
    let salt = phc.salt?.decode_b64(&mut salt).ok()?;
    let mut out = vec![0u8; phc.hash?.len()];
    let hasher = Argon2::new(algorithm, version, params.clone());
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() < params.block_count() {
            blocks.resize(params.block_count(), Block::default());
        }
        hasher
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                &mut out,
                &mut blocks[..params.block_count()],
            )
            .ok()
    })?;
    Some(out)
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

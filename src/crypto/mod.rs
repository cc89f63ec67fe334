//! Cryptography: randomness, SHA-256, Argon2id passwords, signing keys, and the TLS server
//! configuration (rustls on the ring provider).
//!
//! Invariant: this is the only module that uses ring (and the key-generation-only `rsa` crate).

pub mod hash;
pub mod jws;
pub mod keys;
pub mod password;
pub mod random;
pub mod tls;
pub mod totp;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the operating system's random number source failed")]
    Random,
    #[error("could not generate a {0} key: {1}")]
    KeyGeneration(&'static str, String),
    #[error("the stored {0} signing key is unusable: {1}")]
    KeyRejected(&'static str, String),
    #[error("signing with the {0} key failed")]
    Signing(&'static str),
    #[error("a token could not be encoded: {0}")]
    Encoding(String),
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
}

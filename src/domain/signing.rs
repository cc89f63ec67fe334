//! Signing algorithms and the lifecycle of a signing key, without the key material's maths.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Invalid;
use super::time::Timestamp;

/// The JWS algorithms authbox signs with (SPEC D2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SigningAlg {
    Rs256,
    Es256,
    EdDsa,
}

impl SigningAlg {
    pub const ALL: [SigningAlg; 3] = [SigningAlg::Rs256, SigningAlg::Es256, SigningAlg::EdDsa];

    /// The JWS `alg` header value (RFC 7518 §3.1, RFC 8037 §3.1).
    pub fn jws_name(self) -> &'static str {
        match self {
            SigningAlg::Rs256 => "RS256",
            SigningAlg::Es256 => "ES256",
            SigningAlg::EdDsa => "EdDSA",
        }
    }
}

impl fmt::Display for SigningAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jws_name())
    }
}

impl FromStr for SigningAlg {
    type Err = Invalid;

    fn from_str(text: &str) -> Result<Self, Invalid> {
        SigningAlg::ALL
            .into_iter()
            .find(|alg| alg.jws_name().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                Invalid::new(format!(
                    "unknown signing algorithm {text:?}: use RS256, ES256 or EdDSA"
                ))
            })
    }
}

/// Where a key is in its life. A retired key no longer signs but stays published until every
/// token it signed has expired (OIDC Core §10.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyState {
    Active,
    Retired {
        retired_at: Timestamp,
        published_until: Timestamp,
    },
}

/// What is known about a signing key apart from its private half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    pub kid: String,
    pub alg: SigningAlg,
    pub created_at: Timestamp,
    pub state: KeyState,
}

impl KeyInfo {
    /// The state a key moves to when a newer key of its algorithm takes over at `now`.
    pub fn retire(&mut self, now: Timestamp, keep_published: std::time::Duration) {
        if self.state == KeyState::Active {
            self.state = KeyState::Retired {
                retired_at: now,
                published_until: now.plus(keep_published),
            };
        }
    }
}

/// A key with its private half in PKCS#8 DER, as stored. Its `Debug` leaves the key out.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyMaterial {
    pub info: KeyInfo,
    pub pkcs8: Vec<u8>,
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyMaterial")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// The public half of a key, as its JWK (RFC 7517) publishes it. Byte strings are raw; the
/// wire layer base64url-encodes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKeyParams {
    /// RFC 7518 §6.3.1: modulus and exponent, big-endian, without leading zero octets.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// RFC 7518 §6.2.1: the P-256 point's coordinates, 32 bytes each.
    P256 { x: Vec<u8>, y: Vec<u8> },
    /// RFC 8037 §2: the Ed25519 public key.
    Ed25519 { x: Vec<u8> },
}

/// A key as the JWKS shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedKey {
    pub kid: String,
    pub alg: SigningAlg,
    pub params: PublicKeyParams,
}

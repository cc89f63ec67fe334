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

/// Where a key is in its life, written as a schedule that is read against the clock
/// ([`KeyInfo::phase`]): a key starts and stops signing at its moment, with nothing rewritten
/// then, in every process that reads the file.
///
/// OIDC Core §10.1.1: a new key is published before it signs, for at least one JWKS cache
/// lifetime, so no verifier meets a token signed by a key its cached JWKS lacks; a retired key
/// stays published until every token it signed has expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyState {
    /// Published; signs from `signs_from` on, until a successor takes over.
    Next { signs_from: Timestamp },
    /// Signing since it was made: a first key, or one rotated in at once.
    Active,
    /// Signs until `retired_at` (still ahead while its successor waits), then stays published
    /// until `published_until`.
    Retired {
        retired_at: Timestamp,
        published_until: Timestamp,
    },
}

/// What a key does at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPhase {
    /// Published, not signing yet.
    Next,
    /// Signing, and published.
    Active,
    /// Published for the tokens it signed, no longer signing.
    Retired,
    /// Neither: due to be swept.
    Unpublished,
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
    pub fn phase(&self, now: Timestamp) -> KeyPhase {
        match self.state {
            KeyState::Next { signs_from } if now < signs_from => KeyPhase::Next,
            KeyState::Next { .. } | KeyState::Active => KeyPhase::Active,
            KeyState::Retired { retired_at, .. } if now < retired_at => KeyPhase::Active,
            KeyState::Retired {
                published_until, ..
            } if now < published_until => KeyPhase::Retired,
            KeyState::Retired { .. } => KeyPhase::Unpublished,
        }
    }

    /// When it began, or begins, to sign.
    pub fn signs_from(&self) -> Timestamp {
        match self.state {
            KeyState::Next { signs_from } => signs_from,
            KeyState::Active | KeyState::Retired { .. } => self.created_at,
        }
    }

    /// Until when it is in the JWKS, if that is settled.
    pub fn published_until(&self) -> Option<Timestamp> {
        match self.state {
            KeyState::Retired {
                published_until, ..
            } => Some(published_until),
            KeyState::Next { .. } | KeyState::Active => None,
        }
    }

    pub fn is_published(&self, now: Timestamp) -> bool {
        self.phase(now) != KeyPhase::Unpublished
    }

    /// Why a second scheduled successor is refused while this key waits to sign.
    pub fn already_waiting(&self, now: Timestamp) -> Invalid {
        Invalid::new(format!(
            "the {} key {} already waits to sign, {} s from now; rotate again after that, or \
             use --now to sign with a fresh key at once",
            self.alg,
            self.kid,
            self.signs_from().since(now).as_secs()
        ))
    }

    /// Makes way for `successor`, a new key of the same algorithm added at `now`: a signing key
    /// signs until the successor starts, then stays published for `keep_published` (the
    /// longest token lifetime plus the JWKS cache lifetime); a waiting key that never signed
    /// leaves the JWKS at once when an immediate successor replaces it. A second scheduled
    /// successor while one waits is refused: it would never be the one that signs first.
    pub fn make_way_for(
        &mut self,
        successor: &KeyInfo,
        now: Timestamp,
        keep_published: std::time::Duration,
    ) -> Result<(), Invalid> {
        let from = successor.signs_from();
        match self.phase(now) {
            KeyPhase::Active => {
                self.state = KeyState::Retired {
                    retired_at: from,
                    published_until: from.plus(keep_published),
                };
            }
            KeyPhase::Next if from > now => return Err(self.already_waiting(now)),
            KeyPhase::Next => {
                self.state = KeyState::Retired {
                    retired_at: now,
                    published_until: now,
                };
            }
            KeyPhase::Retired | KeyPhase::Unpublished => {}
        }
        Ok(())
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

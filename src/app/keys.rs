//! Signing keys: generated on first start, rotated on demand, published one JWKS cache
//! lifetime before they sign and until their last token has expired, then swept.

use std::sync::Arc;
use std::time::Duration;

use super::settings::JWKS_MAX_AGE;
use super::{App, AppError};
use crate::crypto::keys::{SigningKey, generate};
use crate::domain::signing::{KeyInfo, KeyMaterial, KeyPhase, KeyState, PublishedKey, SigningAlg};
use crate::domain::time::Timestamp;
use crate::store::Store;

/// The keys parsed once, so no request parses PKCS#8.
pub struct KeyRing {
    entries: Vec<(KeyInfo, Arc<SigningKey>)>,
}

impl KeyRing {
    pub(super) fn load(store: &Store) -> Result<KeyRing, AppError> {
        let mut entries = Vec::new();
        for material in store.signing_keys()? {
            let key = Arc::new(SigningKey::load(material.info.alg, &material.pkcs8)?);
            entries.push((material.info, key));
        }
        Ok(KeyRing { entries })
    }

    /// The key that signs for `alg` at `now`. The schedule lets one key sign at a time; were
    /// two ever to overlap, the one that started later wins.
    pub fn active(&self, alg: SigningAlg, now: Timestamp) -> Option<Arc<SigningKey>> {
        self.entries
            .iter()
            .filter(|(info, _)| info.alg == alg && info.phase(now) == KeyPhase::Active)
            .max_by_key(|(info, _)| info.signs_from())
            .map(|(_, key)| Arc::clone(key))
    }

    /// A key of `alg` published but not signing yet, if one waits.
    fn next(&self, alg: SigningAlg, now: Timestamp) -> Option<&KeyInfo> {
        self.entries
            .iter()
            .map(|(info, _)| info)
            .find(|info| info.alg == alg && info.phase(now) == KeyPhase::Next)
    }

    /// The key a token's `kid` names, while it is still published.
    pub fn published(&self, kid: &str, now: Timestamp) -> Option<Arc<SigningKey>> {
        self.entries
            .iter()
            .find(|(info, _)| info.kid == kid && info.is_published(now))
            .map(|(_, key)| Arc::clone(key))
    }
}

/// When a rotation's new key starts to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotationStart {
    /// After one JWKS cache lifetime (OIDC Core §10.1.1): the default.
    AfterPublication,
    /// At once, for a key that must stop signing now; verifiers holding a cached JWKS refuse
    /// the new tokens until their copy expires.
    Now,
}

impl App {
    pub fn key_ring(&self) -> Arc<KeyRing> {
        match self.keys.read() {
            Ok(ring) => Arc::clone(&ring),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub(super) fn reload_keys(&self) -> Result<(), AppError> {
        let ring = Arc::new(KeyRing::load(&self.store)?);
        match self.keys.write() {
            Ok(mut slot) => *slot = ring,
            Err(poisoned) => *poisoned.into_inner() = ring,
        }
        Ok(())
    }

    /// Generates a key for every algorithm that has none signing or waiting to, signing at
    /// once (no verifier can hold a token of that algorithm yet); returns the new keys.
    pub fn ensure_signing_keys(&self) -> Result<Vec<KeyInfo>, AppError> {
        let ring = self.key_ring();
        let now = self.now();
        let missing: Vec<SigningAlg> = SigningAlg::ALL
            .into_iter()
            .filter(|alg| ring.active(*alg, now).is_none() && ring.next(*alg, now).is_none())
            .collect();
        self.add_keys(&missing, RotationStart::Now)
    }

    /// Adds a fresh key for `alg` (or for every algorithm). By default it is published now and
    /// signs once every cached copy of the JWKS holds it, JWKS_MAX_AGE later; the key it
    /// replaces signs until then. Returns the new keys.
    pub fn rotate_keys(
        &self,
        alg: Option<SigningAlg>,
        start: RotationStart,
    ) -> Result<Vec<KeyInfo>, AppError> {
        let algs = match alg {
            Some(alg) => vec![alg],
            None => SigningAlg::ALL.to_vec(),
        };
        if start == RotationStart::AfterPublication {
            // Checked for every algorithm first, so a refusal leaves no algorithm rotated.
            let ring = self.key_ring();
            let now = self.now();
            for &alg in &algs {
                if let Some(waiting) = ring.next(alg, now) {
                    return Err(waiting.already_waiting(now).into());
                }
            }
        }
        self.add_keys(&algs, start)
    }

    fn add_keys(
        &self,
        algs: &[SigningAlg],
        start: RotationStart,
    ) -> Result<Vec<KeyInfo>, AppError> {
        let keep = self.retired_key_retention()?;
        let mut created = Vec::new();
        let outcome = (|| -> Result<(), AppError> {
            for &alg in algs {
                let generated = generate(alg)?;
                let now = self.now();
                let state = match start {
                    RotationStart::Now => KeyState::Active,
                    RotationStart::AfterPublication => KeyState::Next {
                        signs_from: now.plus(JWKS_MAX_AGE),
                    },
                };
                let info = KeyInfo {
                    kid: generated.kid,
                    alg,
                    created_at: now,
                    state,
                };
                let material = KeyMaterial {
                    info: info.clone(),
                    pkcs8: generated.pkcs8,
                };
                self.store.add_signing_key(&material, now, keep)?;
                tracing::info!(kid = %info.kid, alg = %alg, "generated a signing key");
                created.push(info);
            }
            Ok(())
        })();
        // Keys added before a failure stay in the file; the ring must show them too.
        if !created.is_empty() {
            self.reload_keys()?;
        }
        outcome?;
        Ok(created)
    }

    /// A retired key must verify every token it signed until the last one expires, and stay in
    /// caches' copies of the JWKS a while longer (OIDC Core §10.1.1).
    pub(super) fn retired_key_retention(&self) -> Result<Duration, AppError> {
        let longest = self.longest_access_token_lifetime()?;
        Ok(longest.max(self.settings.lifetimes.id_token) + JWKS_MAX_AGE)
    }

    /// The longest an access token can live: the server's lifetime or any client's own.
    pub(super) fn longest_access_token_lifetime(&self) -> Result<Duration, AppError> {
        let clients = self.store.clients()?;
        let longest_client = clients
            .iter()
            .filter_map(|c| c.lifetimes.access_token)
            .max()
            .unwrap_or_default();
        Ok(self.settings.lifetimes.access_token.max(longest_client))
    }

    pub fn key_infos(&self) -> Vec<KeyInfo> {
        self.key_ring()
            .entries
            .iter()
            .map(|(info, _)| info.clone())
            .collect()
    }

    /// The keys a JWKS shows now: the next, the active and the retired still inside their
    /// window.
    pub fn published_keys(&self) -> Vec<PublishedKey> {
        let now = self.now();
        self.key_ring()
            .entries
            .iter()
            .filter(|(info, _)| info.is_published(now) && self.publishes_alg(info.alg, now))
            .map(|(info, key)| PublishedKey {
                kid: info.kid.clone(),
                alg: info.alg,
                params: key.public_params(),
            })
            .collect()
    }
}

//! Signing keys: generated on first start, rotated on demand, published until their last
//! token has expired, then swept.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::settings::JWKS_MAX_AGE;
use super::{App, AppError};
use crate::crypto::keys::{SigningKey, generate};
use crate::domain::signing::{KeyInfo, KeyMaterial, KeyState, PublishedKey, SigningAlg};
use crate::domain::time::Timestamp;
use crate::store::Store;

/// The keys parsed once, so no request parses PKCS#8.
pub struct KeyRing {
    entries: Vec<(KeyInfo, Arc<SigningKey>)>,
    active: HashMap<SigningAlg, Arc<SigningKey>>,
}

impl KeyRing {
    pub(super) fn load(store: &Store) -> Result<KeyRing, AppError> {
        let mut entries = Vec::new();
        let mut active = HashMap::new();
        for material in store.signing_keys()? {
            let key = Arc::new(SigningKey::load(material.info.alg, &material.pkcs8)?);
            if material.info.state == KeyState::Active {
                active.insert(material.info.alg, Arc::clone(&key));
            }
            entries.push((material.info, key));
        }
        Ok(KeyRing { entries, active })
    }

    pub fn active(&self, alg: SigningAlg) -> Option<Arc<SigningKey>> {
        self.active.get(&alg).cloned()
    }

    /// The key a token's `kid` names, while it is still published.
    pub fn published(&self, kid: &str, now: Timestamp) -> Option<Arc<SigningKey>> {
        self.entries
            .iter()
            .find(|(info, _)| info.kid == kid && is_published(info, now))
            .map(|(_, key)| Arc::clone(key))
    }
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

    /// Generates a key for every algorithm that has no active one; returns the new keys.
    pub fn ensure_signing_keys(&self) -> Result<Vec<KeyInfo>, AppError> {
        let ring = self.key_ring();
        let missing: Vec<SigningAlg> = SigningAlg::ALL
            .into_iter()
            .filter(|alg| ring.active(*alg).is_none())
            .collect();
        self.activate_new_keys(&missing)
    }

    /// Replaces the active key of `alg` (or of every algorithm) with a fresh one.
    pub fn rotate_keys(&self, alg: Option<SigningAlg>) -> Result<Vec<KeyInfo>, AppError> {
        let algs = match alg {
            Some(alg) => vec![alg],
            None => SigningAlg::ALL.to_vec(),
        };
        self.activate_new_keys(&algs)
    }

    fn activate_new_keys(&self, algs: &[SigningAlg]) -> Result<Vec<KeyInfo>, AppError> {
        let keep = self.retired_key_retention()?;
        let mut created = Vec::new();
        for &alg in algs {
            let generated = generate(alg)?;
            let now = self.now();
            let info = KeyInfo {
                kid: generated.kid,
                alg,
                created_at: now,
                state: KeyState::Active,
            };
            let material = KeyMaterial {
                info: info.clone(),
                pkcs8: generated.pkcs8,
            };
            self.store.activate_key(&material, now, keep)?;
            tracing::info!(kid = %info.kid, alg = %alg, "generated a signing key");
            created.push(info);
        }
        if !created.is_empty() {
            self.reload_keys()?;
        }
        Ok(created)
    }

    /// A retired key must verify every token it signed until the last one expires, and stay in
    /// caches' copies of the JWKS a while longer (OIDC Core §10.1.1).
    fn retired_key_retention(&self) -> Result<Duration, AppError> {
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

    /// The keys a JWKS shows now: active ones and retired ones still inside their window.
    pub fn published_keys(&self) -> Vec<PublishedKey> {
        let now = self.now();
        self.key_ring()
            .entries
            .iter()
            .filter(|(info, _)| is_published(info, now))
            .map(|(info, key)| PublishedKey {
                kid: info.kid.clone(),
                alg: info.alg,
                params: key.public_params(),
            })
            .collect()
    }
}

fn is_published(info: &KeyInfo, now: Timestamp) -> bool {
    match info.state {
        KeyState::Active => true,
        KeyState::Retired {
            published_until, ..
        } => published_until > now,
    }
}

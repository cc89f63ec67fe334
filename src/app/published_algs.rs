//! Which key types `/jwks` shows. RS256 and ES256 sign by default and are always shown; any
//! other type only while some client is set to use it, and for one token lifetime and one JWKS
//! cache lifetime after the last one stopped, so the tokens it signed still verify. A relying
//! party's JOSE library may not parse a key type it never uses (Debian's mod_auth_openidc warns
//! on every login about an Ed25519 key), so a type nobody uses is not shown.
//!
//! The set lives in memory: computed from the clients at start and after every change to a
//! client, which all go through the server while it runs. A type a client stopped using
//! before a restart is dropped at the restart.

use std::sync::{Mutex, MutexGuard};

use super::tokens::{DEFAULT_ACCESS_TOKEN_ALG, DEFAULT_ID_TOKEN_ALG};
use super::{App, AppError};
use crate::domain::client::Client;
use crate::domain::signing::SigningAlg;
use crate::domain::time::Timestamp;

#[derive(Debug, Default)]
pub(super) struct PublishedAlgs {
    state: Mutex<Chosen>,
}

#[derive(Debug, Default)]
struct Chosen {
    in_use: Vec<SigningAlg>,
    /// Types no client uses any more, and since when.
    released: Vec<(SigningAlg, Timestamp)>,
}

impl PublishedAlgs {
    fn lock(&self) -> MutexGuard<'_, Chosen> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

fn in_use_by(clients: &[Client]) -> Vec<SigningAlg> {
    SigningAlg::ALL
        .into_iter()
        .filter(|alg| {
            *alg == DEFAULT_ACCESS_TOKEN_ALG
                || *alg == DEFAULT_ID_TOKEN_ALG
                || clients
                    .iter()
                    .any(|c| c.id_token_alg == Some(*alg) || c.access_token_alg == Some(*alg))
        })
        .collect()
}

impl App {
    /// Reads again what is kept in memory about the clients, after one was added, changed or
    /// removed.
    pub(super) fn clients_changed(&self) -> Result<(), AppError> {
        let clients = self.store.clients()?;
        self.refresh_published_algs(&clients);
        self.refresh_web_origins(&clients);
        Ok(())
    }

    fn refresh_published_algs(&self, clients: &[Client]) {
        let in_use = in_use_by(clients);
        let now = self.now();
        let mut chosen = self.published_algs.lock();
        let dropped: Vec<SigningAlg> = chosen
            .in_use
            .iter()
            .filter(|alg| !in_use.contains(alg))
            .copied()
            .collect();
        chosen.released.retain(|(alg, _)| !in_use.contains(alg));
        chosen
            .released
            .extend(dropped.into_iter().map(|alg| (alg, now)));
        chosen.in_use = in_use;
    }

    /// Whether `/jwks` shows keys of `alg` at `now`.
    pub(super) fn publishes_alg(&self, alg: SigningAlg, now: Timestamp) -> bool {
        let chosen = self.published_algs.lock();
        if chosen.in_use.contains(&alg) {
            return true;
        }
        let Some(since) = chosen
            .released
            .iter()
            .find(|(a, _)| *a == alg)
            .map(|(_, t)| *t)
        else {
            return false;
        };
        drop(chosen);
        // Until the last token it may have signed has expired, and caches have seen that.
        let retention = self
            .retired_key_retention()
            .unwrap_or(crate::app::settings::JWKS_MAX_AGE);
        now < since.plus(retention)
    }
}

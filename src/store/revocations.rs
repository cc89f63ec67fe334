//! Revoked access tokens: single tokens by `jti`, and everything a client held for a person
//! before a moment (when that person signs the device out or its refresh token is revoked).

use super::expiry::{RowKind, index_expiry};
use super::tables::{CLIENT_SUB_TO_REVOKED_AT, REVOKED_JTI_TO_EXPIRY};
use super::{Store, StoreError};
use crate::domain::time::Timestamp;

fn pair_key(client_id: &str, sub: &str) -> String {
    format!("{client_id}\u{0}{sub}")
}

impl Store {
    /// Denies one access token until it would have expired anyway.
    pub fn revoke_jti(&self, jti: &str, expires: Timestamp) -> Result<(), StoreError> {
        let jti = jti.to_owned();
        self.write(move |txn| {
            txn.open_table(REVOKED_JTI_TO_EXPIRY)?
                .insert(jti.as_str(), expires.secs())?;
            index_expiry(txn, expires, RowKind::RevokedJti, jti.as_bytes())
        })
    }

    /// Denies every access token issued to `client_id` for `sub` until `now`; the entry lasts
    /// `keep` (the longest access-token lifetime), after which such tokens have expired anyway.
    pub fn revoke_client_tokens(
        &self,
        client_id: &str,
        sub: &str,
        now: Timestamp,
        keep: std::time::Duration,
    ) -> Result<(), StoreError> {
        let key = pair_key(client_id, sub);
        let forget_at = now.plus(keep);
        self.write(move |txn| {
            txn.open_table(CLIENT_SUB_TO_REVOKED_AT)?
                .insert(key.as_str(), (now.millis(), forget_at.millis()))?;
            index_expiry(txn, forget_at, RowKind::ClientRevocation, key.as_bytes())
        })
    }

    /// Whether an access token (`jti`, issued at `issued_at`) has been revoked.
    pub fn access_token_revoked(
        &self,
        jti: &str,
        client_id: &str,
        sub: &str,
        issued_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let read = self.begin_read()?;
        if read.open_table(REVOKED_JTI_TO_EXPIRY)?.get(jti)?.is_some() {
            return Ok(true);
        }
        let revoked_at = read
            .open_table(CLIENT_SUB_TO_REVOKED_AT)?
            .get(pair_key(client_id, sub).as_str())?
            .map(|v| v.value().0);
        Ok(revoked_at.is_some_and(|at| issued_at.millis() <= at))
    }
}

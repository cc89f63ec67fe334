//! Authorization codes, keyed by the SHA-256 of the code.

use std::time::Duration;

use redb::ReadableTable;

use super::expiry::{RowKind, index_expiry};
use super::records::{decode_authorization_code, encode_authorization_code};
use super::tables::AUTHORIZATION_CODE_HASH_TO_CODE;
use super::tables::commit;
use super::{Store, StoreError};
use crate::domain::authorization::AuthorizationCode;

/// Identifies a code: the SHA-256 of the code.
pub type AuthorizationCodeHash = [u8; 32];

impl Store {
    /// Stores a new code; its row is kept `retention` past its expiry to recognise replays.
    pub fn insert_authorization_code(
        &self,
        hash: &AuthorizationCodeHash,
        code: &AuthorizationCode,
        retention: Duration,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut codes = txn.open_table(AUTHORIZATION_CODE_HASH_TO_CODE)?;
            if codes.get(hash.as_slice())?.is_some() {
                return Err(StoreError::Duplicate {
                    what: "authorization code",
                    key: "(hidden)".into(),
                });
            }
            codes.insert(hash.as_slice(), encode_authorization_code(code)?.as_slice())?;
        }
        index_expiry(
            &txn,
            code.expires_at.plus(retention),
            RowKind::AuthorizationCode,
            hash,
        )?;
        commit(txn)?;
        Ok(())
    }

    /// Reads, changes and writes one code in a single write transaction: the compare-and-swap
    /// behind exactly-once redemption. `change` returning `Err` writes nothing. `Ok(None)` when
    /// there is no such code.
    pub fn update_authorization_code<T, E>(
        &self,
        hash: &AuthorizationCodeHash,
        change: impl FnOnce(&mut AuthorizationCode) -> Result<T, E>,
    ) -> Result<Option<Result<T, E>>, StoreError> {
        let txn = self.db.begin_write()?;
        let outcome = {
            let mut codes = txn.open_table(AUTHORIZATION_CODE_HASH_TO_CODE)?;
            let found = codes
                .get(hash.as_slice())?
                .map(|r| decode_authorization_code(r.value()))
                .transpose()?;
            let Some(mut code) = found else {
                return Ok(None);
            };
            let outcome = change(&mut code);
            if outcome.is_ok() {
                codes.insert(
                    hash.as_slice(),
                    encode_authorization_code(&code)?.as_slice(),
                )?;
            }
            outcome
        };
        if outcome.is_ok() {
            commit(txn)?;
        }
        Ok(Some(outcome))
    }
}

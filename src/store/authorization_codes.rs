//! Authorization codes, keyed by the SHA-256 of the code.

use std::time::Duration;

use redb::ReadableTable;

use super::audit::AuditRows;
use super::expiry::{RowKind, index_expiry};
use super::records::{decode_authorization_code, encode_authorization_code};
use super::refresh::NewRefreshFamily;
use super::swap::{StoredWith, swap_record};
use super::tables::AUTHORIZATION_CODE_HASH_TO_CODE;
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
        let (hash, record) = (*hash, encode_authorization_code(code)?);
        let forget_at = code.expires_at.plus(retention);
        self.write(move |txn| {
            {
                let mut codes = txn.open_table(AUTHORIZATION_CODE_HASH_TO_CODE)?;
                if codes.get(hash.as_slice())?.is_some() {
                    return Err(StoreError::Duplicate {
                        what: "authorization code",
                        key: "(hidden)".into(),
                    });
                }
                codes.insert(hash.as_slice(), record.as_slice())?;
            }
            index_expiry(txn, forget_at, RowKind::AuthorizationCode, &hash)
        })
    }

    pub fn authorization_code(
        &self,
        hash: &AuthorizationCodeHash,
    ) -> Result<Option<AuthorizationCode>, StoreError> {
        let read = self.begin_read()?;
        let codes = read.open_table(AUTHORIZATION_CODE_HASH_TO_CODE)?;
        codes
            .get(hash.as_slice())?
            .map(|r| decode_authorization_code(r.value()))
            .transpose()
    }

    /// Reads, changes and writes one code in a single write transaction: the compare-and-swap
    /// behind exactly-once redemption. `change` returning `Err` writes nothing; with `Ok`,
    /// `family` and `audit` are stored in the same transaction. `Ok(None)` when there is no such code.
    ///
    /// `change` may run more than once (see `writer.rs`), each time on the code as stored.
    pub fn update_authorization_code<T, E>(
        &self,
        hash: &AuthorizationCodeHash,
        change: impl FnMut(&mut AuthorizationCode) -> Result<T, E> + Send + 'static,
        family: Option<NewRefreshFamily>,
        audit: AuditRows,
    ) -> Result<Option<Result<T, E>>, StoreError>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let hash = *hash;
        let mut change = change;
        self.write(move |txn| {
            swap_record(
                txn,
                AUTHORIZATION_CODE_HASH_TO_CODE,
                &hash,
                decode_authorization_code,
                encode_authorization_code,
                &mut change,
                StoredWith {
                    family: family.as_ref(),
                    audit: &audit,
                },
            )
        })
    }
}

//! Device grants, keyed by the SHA-256 of their device code, with the user code as an index.

use std::time::Duration;

use redb::{ReadableTable, ReadableTableMetadata};

use super::audit::AuditRows;
use super::expiry::{RowKind, index_expiry};
use super::records::{decode_device_grant, encode_device_grant};
use super::refresh::NewRefreshFamily;
use super::swap::{StoredWith, swap_record};
use super::tables::{DEVICE_CODE_HASH_TO_GRANT, USER_CODE_TO_DEVICE_CODE_HASH};
use super::{Store, StoreError};
use crate::domain::client::ClientId;
use crate::domain::device_grant::DeviceGrant;
use crate::domain::time::Timestamp;
use crate::domain::user_code::UserCode;

/// Identifies a grant: the SHA-256 of its device code.
pub type DeviceCodeHash = [u8; 32];

impl Store {
    /// Stores a new grant. Invariant: no two live grants share a user code; when `grant`'s
    /// code is held by a live grant this fails with `Duplicate` and the caller draws another.
    /// The row is kept `retention` past its expiry, so late polls hear `expired_token`.
    ///
    /// Async: the request waits for the group commit without holding a thread.
    pub fn insert_device_grant(
        &self,
        hash: &DeviceCodeHash,
        grant: &DeviceGrant,
        now: Timestamp,
        retention: Duration,
    ) -> impl Future<Output = Result<(), StoreError>> + use<> {
        let hash = *hash;
        let record = encode_device_grant(grant);
        let user_code = grant.user_code.clone();
        let forget_at = grant.expires_at.plus(retention);
        let insert = record.map(|record| {
            self.write_async(move |txn| {
                {
                    let mut grants = txn.open_table(DEVICE_CODE_HASH_TO_GRANT)?;
                    let mut codes = txn.open_table(USER_CODE_TO_DEVICE_CODE_HASH)?;
                    let code = user_code.as_str();
                    let holder = codes.get(code)?.map(|h| h.value().to_vec());
                    if let Some(holder) = holder {
                        let live = match grants.get(holder.as_slice())? {
                            Some(record) => !decode_device_grant(record.value())?.is_expired(now),
                            None => false,
                        };
                        if live {
                            return Err(StoreError::Duplicate {
                                what: "user code",
                                key: user_code.display(),
                            });
                        }
                    }
                    if grants.get(hash.as_slice())?.is_some() {
                        return Err(StoreError::Duplicate {
                            what: "device code",
                            key: "(hidden)".into(),
                        });
                    }
                    grants.insert(hash.as_slice(), record.as_slice())?;
                    codes.insert(code, hash.as_slice())?;
                }
                index_expiry(txn, forget_at, RowKind::DeviceGrant, &hash)
            })
        });
        async move { insert?.await }
    }

    pub fn device_grant(&self, hash: &DeviceCodeHash) -> Result<Option<DeviceGrant>, StoreError> {
        let read = self.begin_read()?;
        let grants = read.open_table(DEVICE_CODE_HASH_TO_GRANT)?;
        grants
            .get(hash.as_slice())?
            .map(|r| decode_device_grant(r.value()))
            .transpose()
    }

    /// The grant a user code points at, and its key.
    pub fn device_grant_by_user_code(
        &self,
        code: &UserCode,
    ) -> Result<Option<(DeviceCodeHash, DeviceGrant)>, StoreError> {
        let read = self.begin_read()?;
        let codes = read.open_table(USER_CODE_TO_DEVICE_CODE_HASH)?;
        let Some(hash) = codes
            .get(code.as_str())?
            .and_then(|h| DeviceCodeHash::try_from(h.value()).ok())
        else {
            return Ok(None);
        };
        let grants = read.open_table(DEVICE_CODE_HASH_TO_GRANT)?;
        let grant = grants
            .get(hash.as_slice())?
            .map(|r| decode_device_grant(r.value()))
            .transpose()?;
        Ok(grant.map(|g| (hash, g)))
    }

    /// Reads, changes and writes one grant in a single write transaction: the compare-and-swap
    /// behind approval, denial and exactly-once redemption. `change` returning `Err` writes
    /// nothing; with `Ok`, `family` (the refresh tokens a redemption hands out) is stored in the
    /// same transaction, so the grant is never spent without them. `Ok(None)` when there is no such grant.
    ///
    /// `change` may run more than once (see `writer.rs`), each time on the grant as stored.
    pub fn update_device_grant<T, E>(
        &self,
        hash: &DeviceCodeHash,
        change: impl FnMut(&mut DeviceGrant) -> Result<T, E> + Send + 'static,
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
                DEVICE_CODE_HASH_TO_GRANT,
                &hash,
                decode_device_grant,
                encode_device_grant,
                &mut change,
                StoredWith {
                    family: family.as_ref(),
                    audit: &audit,
                },
            )
        })
    }

    /// The client and creation time of every grant whose code has not expired, so the
    /// live-grant limits hold across a restart.
    pub fn live_device_grants(
        &self,
        now: Timestamp,
    ) -> Result<Vec<(ClientId, Timestamp)>, StoreError> {
        let read = self.begin_read()?;
        let grants = read.open_table(DEVICE_CODE_HASH_TO_GRANT)?;
        let mut live = Vec::new();
        for row in grants.iter()? {
            let (_, record) = row?;
            let grant = decode_device_grant(record.value())?;
            if !grant.is_expired(now) {
                live.push((grant.client_id, grant.created_at));
            }
        }
        Ok(live)
    }

    /// The key of every grant in the file.
    pub fn device_grant_hashes(&self) -> Result<Vec<DeviceCodeHash>, StoreError> {
        let read = self.begin_read()?;
        let grants = read.open_table(DEVICE_CODE_HASH_TO_GRANT)?;
        let mut hashes = Vec::new();
        for row in grants.iter()? {
            let (key, _) = row?;
            if let Ok(hash) = DeviceCodeHash::try_from(key.value()) {
                hashes.push(hash);
            }
        }
        Ok(hashes)
    }

    pub fn device_grant_count(&self) -> Result<u64, StoreError> {
        let read = self.begin_read()?;
        Ok(read.open_table(DEVICE_CODE_HASH_TO_GRANT)?.len()?)
    }
}

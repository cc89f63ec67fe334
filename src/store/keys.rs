//! Signing keys, private halves included; the file's 0600 mode is what protects them.

use std::time::Duration;

use redb::ReadableTable;

use super::expiry::{RowKind, index_expiry};
use super::records::{decode_key, encode_key};
use super::tables::KEY_ID_TO_SIGNING_KEY;
use super::{Store, StoreError};
use crate::domain::signing::KeyMaterial;
use crate::domain::time::Timestamp;

impl Store {
    /// Every key, next, active and retired, ordered by key id.
    pub fn signing_keys(&self) -> Result<Vec<KeyMaterial>, StoreError> {
        let read = self.begin_read()?;
        let keys = read.open_table(KEY_ID_TO_SIGNING_KEY)?;
        let mut out = Vec::new();
        for entry in keys.iter()? {
            let (_, record) = entry?;
            out.push(decode_key(record.value())?);
        }
        Ok(out)
    }

    /// Adds `new`, signing at once or waiting as the next key, and has every other key of its
    /// algorithm make way for it ([`crate::domain::signing::KeyInfo::make_way_for`]). A key
    /// that is to leave the JWKS is put in the expiry index, for the sweeper to delete.
    pub fn add_signing_key(
        &self,
        new: &KeyMaterial,
        now: Timestamp,
        keep_published: Duration,
    ) -> Result<(), StoreError> {
        let new = new.clone();
        self.write(move |txn| {
            let mut keys = txn.open_table(KEY_ID_TO_SIGNING_KEY)?;
            let mut changed = Vec::new();
            for entry in keys.iter()? {
                let (_, record) = entry?;
                let mut key = decode_key(record.value())?;
                if key.info.alg != new.info.alg {
                    continue;
                }
                let before = key.info.state;
                key.info.make_way_for(&new.info, now, keep_published)?;
                if key.info.state != before {
                    changed.push(key);
                }
            }
            for key in changed {
                if let Some(published_until) = key.info.published_until() {
                    index_expiry(
                        txn,
                        published_until,
                        RowKind::SigningKey,
                        key.info.kid.as_bytes(),
                    )?;
                }
                keys.insert(key.info.kid.as_str(), encode_key(&key)?.as_slice())?;
            }
            if keys.get(new.info.kid.as_str())?.is_some() {
                return Err(StoreError::Duplicate {
                    what: "signing key",
                    key: new.info.kid.clone(),
                });
            }
            keys.insert(new.info.kid.as_str(), encode_key(&new)?.as_slice())?;
            Ok(())
        })
    }
}

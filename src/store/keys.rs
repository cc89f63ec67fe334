//! Signing keys, private halves included; the file's 0600 mode is what protects them.

use std::time::Duration;

use redb::ReadableTable;

use super::expiry::{RowKind, index_expiry};
use super::records::{decode_key, encode_key};
use super::tables::KEY_ID_TO_SIGNING_KEY;
use super::{Store, StoreError};
use crate::domain::signing::{KeyMaterial, KeyState};
use crate::domain::time::Timestamp;

impl Store {
    /// Every key, active and retired, ordered by key id.
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

    /// Makes `new` the active key of its algorithm. The key it replaces is retired but stays
    /// published for `keep_published`, after which the sweeper deletes it.
    pub fn activate_key(
        &self,
        new: &KeyMaterial,
        now: Timestamp,
        keep_published: Duration,
    ) -> Result<(), StoreError> {
        let new = new.clone();
        self.write(move |txn| {
            let mut keys = txn.open_table(KEY_ID_TO_SIGNING_KEY)?;
            let mut replaced = Vec::new();
            for entry in keys.iter()? {
                let (_, record) = entry?;
                let key = decode_key(record.value())?;
                if key.info.alg == new.info.alg && key.info.state == KeyState::Active {
                    replaced.push(key);
                }
            }
            for mut key in replaced {
                key.info.retire(now, keep_published);
                if let KeyState::Retired {
                    published_until, ..
                } = key.info.state
                {
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

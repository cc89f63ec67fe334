//! The time the sweeper last trusted the wall clock at, kept in the data file so that a board
//! booting with a wrong date is caught by the first sweep after the start (`domain::clock_watch`).

use super::tables::{META_KEY_TO_VALUE, META_SWEEP_TRUSTED_AT};
use super::{Store, StoreError};
use crate::domain::time::Timestamp;

impl Store {
    pub fn sweep_trusted_at(&self) -> Result<Option<Timestamp>, StoreError> {
        let read = self.begin_read()?;
        let meta = read.open_table(META_KEY_TO_VALUE)?;
        let stored = meta
            .get(META_SWEEP_TRUSTED_AT)?
            .and_then(|v| <[u8; 8]>::try_from(v.value()).ok());
        Ok(stored.map(|bytes| Timestamp::from_millis(u64::from_be_bytes(bytes))))
    }

    pub fn set_sweep_trusted_at(&self, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |txn| {
            let mut meta = txn.open_table(META_KEY_TO_VALUE)?;
            meta.insert(META_SWEEP_TRUSTED_AT, at.millis().to_be_bytes().as_slice())?;
            Ok(())
        })
    }
}

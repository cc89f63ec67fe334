//! The audit log: appended in batches, read by time, trimmed by age.

use redb::ReadableTable;

use super::records::{decode_audit, encode_audit};
use super::tables::AUDIT_TIME_TO_EVENT;
use super::{Store, StoreError};
use crate::domain::audit::AuditEvent;
use crate::domain::time::Timestamp;

fn key(at: Timestamp, nonce: [u8; 8]) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&at.millis().to_be_bytes());
    key[8..].copy_from_slice(&nonce);
    key
}

impl Store {
    /// Appends events in one transaction; `nonces` keeps same-millisecond events apart.
    pub fn append_audit(&self, events: &[(AuditEvent, [u8; 8])]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let rows = events
            .iter()
            .map(|(event, nonce)| Ok((key(event.at, *nonce), encode_audit(event)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.write(move |txn| {
            let mut log = txn.open_table(AUDIT_TIME_TO_EVENT)?;
            for (key, record) in &rows {
                log.insert(key.as_slice(), record.as_slice())?;
            }
            Ok(())
        })
    }

    /// Events at or after `since`, oldest first.
    pub fn audit_since(&self, since: Timestamp) -> Result<Vec<AuditEvent>, StoreError> {
        let read = self.begin_read()?;
        let log = read.open_table(AUDIT_TIME_TO_EVENT)?;
        let start = since.millis().to_be_bytes();
        let mut out = Vec::new();
        for entry in log.range::<&[u8]>(start.as_slice()..)? {
            out.push(decode_audit(entry?.1.value())?);
        }
        Ok(out)
    }

    /// Deletes up to `limit` events older than `before`; returns how many went.
    pub fn trim_audit(&self, before: Timestamp, limit: usize) -> Result<usize, StoreError> {
        let end = before.millis().to_be_bytes();
        self.write(move |txn| {
            let mut log = txn.open_table(AUDIT_TIME_TO_EVENT)?;
            let mut old = Vec::new();
            for entry in log.range::<&[u8]>(..end.as_slice())?.take(limit) {
                old.push(entry?.0.value().to_vec());
            }
            for key in &old {
                log.remove(key.as_slice())?;
            }
            Ok(old.len())
        })
    }
}

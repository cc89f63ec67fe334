//! The audit log: appended in batches, or written by the very transaction that stores the fact
//! an event records; read by time, trimmed by age.

use redb::{ReadableTable, WriteTransaction};

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

/// Audit events ready to be written, each with the nonce that keeps same-millisecond events
/// apart. A store function that records a fact takes them and writes them in the fact's own
/// transaction: a crash then loses both or neither, so the log never misses a fact that
/// survived, nor tells of one that did not.
#[derive(Default)]
pub struct AuditRows(Vec<([u8; 16], Vec<u8>)>);

impl AuditRows {
    pub fn new(events: &[(AuditEvent, [u8; 8])]) -> Result<AuditRows, StoreError> {
        let rows = events
            .iter()
            .map(|(event, nonce)| Ok((key(event.at, *nonce), encode_audit(event)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(AuditRows(rows))
    }

    /// No event: for writes that record nothing (a restore ending every grant, say).
    pub fn none() -> AuditRows {
        AuditRows::default()
    }

    pub(super) fn write(&self, txn: &WriteTransaction) -> Result<(), StoreError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let mut log = txn.open_table(AUDIT_TIME_TO_EVENT)?;
        for (key, record) in &self.0 {
            log.insert(key.as_slice(), record.as_slice())?;
        }
        Ok(())
    }
}

impl Store {
    /// Appends events that record no stored fact (failed sign-ins, rejected codes) in one
    /// transaction.
    pub fn append_audit(&self, rows: AuditRows) -> Result<(), StoreError> {
        if rows.0.is_empty() {
            return Ok(());
        }
        self.write(move |txn| rows.write(txn))
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

//! The audit log's use cases. An event that tells of a stored fact (an approval, a redemption,
//! a revocation, a sign-in) is written by the transaction that stores the fact, so a crash
//! keeps both or neither. Events that tell of nothing stored (a failed sign-in, a rejected
//! code) are what an attacker can make by the thousand, so they are buffered and written in
//! batches (every 200 ms by the server, before every read, and when the app is dropped at
//! shutdown): recording one never adds a disk flush, and a crash may lose the last 200 ms.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::{App, AppError};
use crate::crypto::random::random_array;
use crate::domain::audit::AuditEvent;
use crate::domain::time::Timestamp;
use crate::store::AuditRows;

/// Events waiting to be written, each with its place in recording order, so events of the same
/// millisecond keep their order in the log.
#[derive(Default)]
pub(super) struct AuditBuffer {
    pending: Mutex<Vec<(AuditEvent, u32)>>,
    sequence: AtomicU32,
    /// Held for a whole flush, so a flush that finds the buffer empty because another one has
    /// just taken it still returns only once those events are on disk.
    flushing: Mutex<()>,
}

impl AuditBuffer {
    fn lock(&self) -> MutexGuard<'_, Vec<(AuditEvent, u32)>> {
        match self.pending.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn next_place(&self) -> u32 {
        self.sequence.fetch_add(1, Ordering::Relaxed)
    }
}

/// The nonce that follows an event's time in its key: the place orders events of the same
/// millisecond; the random half keeps two processes' events apart.
fn nonce(place: u32) -> Result<[u8; 8], AppError> {
    let mut nonce = [0u8; 8];
    nonce[..4].copy_from_slice(&place.to_be_bytes());
    nonce[4..].copy_from_slice(&random_array::<4>()?);
    Ok(nonce)
}

/// At most this many old events go per sweep transaction.
const TRIM_BATCH: usize = 1000;

impl App {
    /// Buffers an event that tells of nothing stored; see the module's opening.
    pub fn record(&self, event: AuditEvent) {
        let place = self.audit.next_place();
        self.audit.lock().push((event, place));
    }

    /// `event`, ready to be written by the transaction that stores the fact it tells of.
    pub(super) fn audit_rows(&self, event: AuditEvent) -> Result<AuditRows, AppError> {
        let nonce = nonce(self.audit.next_place())?;
        Ok(AuditRows::new(&[(event, nonce)])?)
    }

    /// Writes what is buffered; on failure the events stay buffered for the next try.
    pub fn flush_audit(&self) -> Result<usize, AppError> {
        let _one_at_a_time = match self.audit.flushing.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let events = std::mem::take(&mut *self.audit.lock());
        if events.is_empty() {
            return Ok(0);
        }
        let mut batch = Vec::with_capacity(events.len());
        for (event, place) in &events {
            batch.push((event.clone(), nonce(*place)?));
        }
        let written = batch.len();
        if let Err(e) = AuditRows::new(&batch).and_then(|rows| self.store.append_audit(rows)) {
            let mut pending = self.audit.lock();
            let newer = std::mem::take(&mut *pending);
            *pending = events;
            pending.extend(newer);
            return Err(e.into());
        }
        Ok(written)
    }

    /// Events since `since`; with `subject`, only those about that `sub` or username.
    pub fn audit_log(
        &self,
        since: Timestamp,
        subjects: &[String],
    ) -> Result<Vec<AuditEvent>, AppError> {
        self.flush_audit()?;
        let mut events = self.store.audit_since(since)?;
        if !subjects.is_empty() {
            events.retain(|e| e.subject.as_ref().is_some_and(|s| subjects.contains(s)));
        }
        Ok(events)
    }

    pub(super) fn trim_audit(&self, now: Timestamp) -> Result<usize, AppError> {
        let cutoff = Timestamp::from_millis(now.millis().saturating_sub(
            u64::try_from(self.settings.audit_retention.as_millis()).unwrap_or(u64::MAX),
        ));
        Ok(self.store.trim_audit(cutoff, TRIM_BATCH)?)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Err(e) = self.flush_audit() {
            tracing::error!(error = %e, "audit events could not be written at shutdown");
        }
    }
}

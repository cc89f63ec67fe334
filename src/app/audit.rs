//! The audit log's use cases. Events are buffered and written in batches (every 200 ms by the
//! server, before every read, and when the app is dropped at shutdown), so recording one never
//! adds a disk flush to the request that caused it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::{App, AppError};
use crate::crypto::random::random_array;
use crate::domain::audit::AuditEvent;
use crate::domain::time::Timestamp;

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
}

/// At most this many old events go per sweep transaction.
const TRIM_BATCH: usize = 1000;

impl App {
    pub fn record(&self, event: AuditEvent) {
        let place = self.audit.sequence.fetch_add(1, Ordering::Relaxed);
        self.audit.lock().push((event, place));
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
            // The place orders; the random half keeps two processes' events apart.
            let mut suffix = [0u8; 8];
            suffix[..4].copy_from_slice(&place.to_be_bytes());
            suffix[4..].copy_from_slice(&random_array::<4>()?);
            batch.push((event.clone(), suffix));
        }
        if let Err(e) = self.store.append_audit(&batch) {
            let mut pending = self.audit.lock();
            let newer = std::mem::take(&mut *pending);
            *pending = events;
            pending.extend(newer);
            return Err(e.into());
        }
        Ok(batch.len())
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

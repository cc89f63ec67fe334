//! Where log lines go: standard error, with the access log batched.
//!
//! One access line per request, written with its own `write(2)`, cost about as much as the
//! poll it described. Access lines are therefore gathered in memory and written together by a
//! flusher thread, at most [`FLUSH_EVERY`] after they were logged. Everything else (warnings,
//! errors, start and stop) is written at once, after whatever access lines are waiting, so the
//! order of the log is kept; so is anything written while the process ends.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tracing::Metadata;
use tracing_subscriber::fmt::MakeWriter;

/// How long an access line may wait in memory; what a `kill -9` can lose of the access log.
const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// A buffer this full is written at once rather than waiting for the flusher.
const FLUSH_AT_BYTES: usize = 64 * 1024;
/// The target of the per-request lines (see `http::observe`).
const ACCESS_TARGET: &str = "authbox::access";

#[derive(Default)]
struct Shared {
    pending: Mutex<Vec<u8>>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Vec<u8>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes what is waiting. The lock is held while writing, so lines leave in order.
    fn flush(&self) {
        let mut pending = self.lock();
        write_out(&mut pending);
    }
}

fn write_out(pending: &mut Vec<u8>) {
    if pending.is_empty() {
        return;
    }
    // Nowhere to report a failure to write the log; the lines are dropped.
    let _ = io::stderr().lock().write_all(pending);
    pending.clear();
}

/// The writer the log subscriber uses; cheap to clone.
#[derive(Clone)]
pub struct StderrSink {
    shared: Arc<Shared>,
    /// False when the flusher thread could not start: then every line is written at once.
    batching: bool,
}

impl StderrSink {
    /// Starts the flusher thread.
    pub fn start() -> StderrSink {
        let shared = Arc::new(Shared::default());
        let flusher = Arc::clone(&shared);
        let started = std::thread::Builder::new()
            .name("authbox-log".into())
            .spawn(move || {
                loop {
                    let pending = flusher.lock();
                    let (mut pending, _) = flusher
                        .wake
                        .wait_timeout(pending, FLUSH_EVERY)
                        .unwrap_or_else(PoisonError::into_inner);
                    write_out(&mut pending);
                }
            });
        StderrSink {
            shared,
            batching: started.is_ok(),
        }
    }

    /// Writes every line still waiting; for the end of the process.
    pub fn flush(&self) {
        self.shared.flush();
    }
}

/// One event's line, on its way to the sink.
pub struct Line<'a> {
    shared: &'a Shared,
    batched: bool,
}

impl Write for Line<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut pending = self.shared.lock();
        pending.extend_from_slice(bytes);
        if !self.batched {
            write_out(&mut pending);
        } else if pending.len() >= FLUSH_AT_BYTES {
            self.shared.wake.notify_one();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for StderrSink {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line {
            shared: &self.shared,
            batched: false,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line<'a> {
        Line {
            shared: &self.shared,
            batched: self.batching
                && meta.target() == ACCESS_TARGET
                && *meta.level() >= tracing::Level::INFO,
        }
    }
}

//! The periodic clean-up: expired rows leave the data file, and the in-memory books (poll
//! pacing, attempt budgets) forget what no longer matters.
//!
//! Deleting goes by the wall clock, so it waits while the clock cannot be believed
//! (`domain::clock_watch`): after a jump forward of more than an hour beyond the sweep
//! interval, nothing is deleted until the clock has run steadily for a week or come back.

use std::sync::Mutex;
use std::time::Duration;

use super::{App, AppError};
use crate::domain::clock_watch::{ClockWatch, Verdict};
use crate::domain::time::Timestamp;
use crate::store::SweepReport;

/// At most this many expired rows go in one sweep transaction.
const SWEEP_BATCH: usize = 1000;
/// A forward step of the clock between two sweeps beyond their interval plus this is a jump.
const PLAUSIBLE_DRIFT: Duration = Duration::from_secs(3600);
/// After a jump, how long the clock must run steadily before expired rows are deleted by it.
pub const CLOCK_CONFIRMATION: Duration = Duration::from_secs(7 * 86_400);
/// The trusted time is written to the data file when it has moved this far since last written.
const TRUSTED_TIME_WRITE_EVERY: Duration = Duration::from_secs(600);

/// The sweeper's view of the clock: what it trusts, what of that it last wrote to the data
/// file, and its last verdict (for `/healthz`).
pub(super) struct SweepClock(Mutex<SweepState>);

struct SweepState {
    watch: ClockWatch,
    written: Option<Timestamp>,
    last: Verdict,
}

impl SweepClock {
    pub(super) fn new(trusted: Option<Timestamp>) -> SweepClock {
        SweepClock(Mutex::new(SweepState {
            watch: ClockWatch::new(trusted, CLOCK_CONFIRMATION),
            written: trusted,
            last: Verdict::Delete,
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, SweepState> {
        match self.0.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Looks at the clock once: the verdict, and the trusted time to write to the data file
    /// when it has moved on enough since last written. Logs a hold when it starts and ends.
    fn observe(&self, now: Timestamp, plausible_step: Duration) -> (Verdict, Option<Timestamp>) {
        let mut state = self.state();
        let verdict = state.watch.observe(now, plausible_step);
        let trusted = state.watch.trusted();
        let stale = match (trusted, state.written) {
            (Some(t), Some(w)) => t < w || t.since(w) >= TRUSTED_TIME_WRITE_EVERY,
            (Some(_), None) => true,
            _ => false,
        };
        if stale {
            state.written = trusted;
        }
        let seen = |v: &Verdict| match v {
            Verdict::Hold { seen, .. } => Some(*seen),
            Verdict::Delete => None,
        };
        let (before, after) = (seen(&state.last), seen(&verdict));
        if after.is_some()
            && after != before
            && let Some(why) = describe_hold(&verdict)
        {
            tracing::warn!("not deleting expired rows: {why}");
        }
        if before.is_some() && after.is_none() {
            tracing::info!("the clock is trusted again; expired rows are deleted");
        }
        state.last = verdict;
        (verdict, trusted.filter(|_| stale))
    }
}

/// Why expired rows are not being deleted, for `/healthz` and the log.
pub fn describe_hold(verdict: &Verdict) -> Option<String> {
    let Verdict::Hold {
        trusted,
        seen,
        steady,
    } = verdict
    else {
        return None;
    };
    let days = |d: Duration| d.as_secs() as f64 / 86_400.0;
    Some(format!(
        "the clock jumped {:.1} days ahead of the last sweep; expired rows are kept until it \
         comes back or has run steadily for {:.0} days ({:.1} so far)",
        days(seen.since(*trusted)),
        days(CLOCK_CONFIRMATION),
        days(*steady),
    ))
}

impl App {
    /// Deletes what has expired, unless the clock just jumped; the background sweeper calls
    /// this every `interval`.
    pub fn sweep(&self, interval: Duration) -> Result<SweepReport, AppError> {
        let now = self.now();
        self.pacing.forget_expired(now);
        self.code_claims.forget_expired(now);
        self.guards.forget_quiet(now);
        let (verdict, write_trusted) = self
            .sweep_clock
            .observe(now, interval.saturating_add(PLAUSIBLE_DRIFT));
        if let Some(trusted) = write_trusted {
            self.store.set_sweep_trusted_at(trusted)?;
        }
        if verdict != Verdict::Delete {
            return Ok(SweepReport::default());
        }
        self.trim_audit(now)?;
        let report = self.store.sweep_expired(now, SWEEP_BATCH)?;
        if report.removed > 0 {
            // A retired signing key may have been among the rows.
            self.reload_keys()?;
        }
        Ok(report)
    }

    /// Why expired rows are being kept, when they are.
    pub fn sweep_held(&self) -> Option<String> {
        describe_hold(&self.sweep_clock.state().last)
    }
}

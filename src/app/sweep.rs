//! The periodic clean-up: expired rows leave the data file, and the in-memory books (poll
//! pacing, attempt budgets) forget what no longer matters.

use super::{App, AppError};
use crate::store::SweepReport;

/// At most this many expired rows go in one sweep transaction.
const SWEEP_BATCH: usize = 1000;

impl App {
    /// Deletes what has expired; the background sweeper calls this.
    pub fn sweep(&self) -> Result<SweepReport, AppError> {
        let now = self.now();
        self.pacing.forget_expired(now);
        self.guards.forget_quiet(now);
        self.trim_audit(now)?;
        let report = self.store.sweep_expired(now, SWEEP_BATCH)?;
        if report.removed > 0 {
            // A retired signing key may have been among the rows.
            self.reload_keys()?;
        }
        Ok(report)
    }
}

//! Whether the wall clock can be trusted to delete by: expired rows and old audit events
//! leave the data file by wall-clock time, and a board without a real-time clock can boot
//! months ahead. Deleting then would end every grant and the whole audit log for good, while
//! holding off only costs disk until the clock is believable again.
//!
//! The rule: deletion goes ahead while the clock moves forward by no more than a plausible
//! step between sweeps. A larger jump forward holds deletion until the clock has run on
//! steadily from there for a whole confirmation period (a real long outage: the rows go a day
//! late), or comes back near the last trusted time (a clock that was wrong and was set right:
//! nothing was lost). A step back is trusted: less is expired then, so nothing extra goes.

use std::time::Duration;

use super::time::Timestamp;

/// What the sweep may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delete,
    /// Deletion is held: the clock jumped from `trusted` to `seen`, and has run steadily
    /// since then for `steady`.
    Hold {
        trusted: Timestamp,
        seen: Timestamp,
        steady: Duration,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Jump {
    seen: Timestamp,
    last: Timestamp,
}

#[derive(Debug, Clone)]
pub struct ClockWatch {
    /// The latest time deletion went ahead at; `None` for a data file never swept.
    trusted: Option<Timestamp>,
    jump: Option<Jump>,
    /// How long the clock must run steadily after a jump before it is believed.
    confirmation: Duration,
}

impl ClockWatch {
    pub fn new(trusted: Option<Timestamp>, confirmation: Duration) -> Self {
        ClockWatch {
            trusted,
            jump: None,
            confirmation,
        }
    }

    /// The time deletion was last trusted at, to keep in the data file.
    pub fn trusted(&self) -> Option<Timestamp> {
        self.trusted
    }

    /// Looks at the clock once, at a sweep; `plausible_step` is the largest forward step since
    /// the last look that is taken as time passing.
    pub fn observe(&mut self, now: Timestamp, plausible_step: Duration) -> Verdict {
        let Some(trusted) = self.trusted else {
            self.trusted = Some(now);
            return Verdict::Delete;
        };
        if now.since(trusted) <= plausible_step {
            // Time passing, a step back, or a wrong clock set right again.
            self.jump = None;
            self.trusted = Some(now);
            return Verdict::Delete;
        }
        let jump = match self.jump {
            Some(jump) if now >= jump.last && now.since(jump.last) <= plausible_step => Jump {
                seen: jump.seen,
                last: now,
            },
            // The first jump, or a clock still moving by leaps: start watching again.
            _ => Jump {
                seen: now,
                last: now,
            },
        };
        let steady = now.since(jump.seen);
        if steady >= self.confirmation {
            self.jump = None;
            self.trusted = Some(now);
            return Verdict::Delete;
        }
        self.jump = Some(jump);
        Verdict::Hold {
            trusted,
            seen: jump.seen,
            steady,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);
    const DAY: Duration = Duration::from_secs(86_400);

    fn watch(at: Timestamp) -> ClockWatch {
        ClockWatch::new(Some(at), DAY)
    }

    #[test]
    fn time_passing_deletes() {
        let t0 = Timestamp::from_secs(1_000_000_000);
        let mut w = watch(t0);
        let mut now = t0;
        for _ in 0..100 {
            now = now.plus(Duration::from_secs(60));
            assert_eq!(w.observe(now, HOUR), Verdict::Delete);
        }
        assert_eq!(w.trusted(), Some(now));
    }

    #[test]
    fn a_jump_ahead_holds_until_the_clock_is_set_right() {
        let t0 = Timestamp::from_secs(1_000_000_000);
        let mut w = watch(t0);
        let ahead = t0.plus(90 * DAY);
        assert!(matches!(w.observe(ahead, HOUR), Verdict::Hold { .. }));
        assert!(matches!(
            w.observe(ahead.plus(Duration::from_secs(60)), HOUR),
            Verdict::Hold { .. }
        ));
        assert_eq!(w.trusted(), Some(t0), "the jump is not trusted");
        let set_right = t0.plus(Duration::from_secs(300));
        assert_eq!(w.observe(set_right, HOUR), Verdict::Delete);
    }

    #[test]
    fn a_jump_ahead_is_believed_after_a_steady_day() {
        let t0 = Timestamp::from_secs(1_000_000_000);
        let mut w = watch(t0);
        let mut now = t0.plus(3 * DAY);
        assert!(matches!(w.observe(now, HOUR), Verdict::Hold { .. }));
        for _ in 0..47 {
            now = now.plus(HOUR / 2);
            assert!(matches!(w.observe(now, HOUR), Verdict::Hold { .. }));
        }
        now = now.plus(HOUR / 2);
        assert_eq!(
            w.observe(now, HOUR),
            Verdict::Delete,
            "24 h of steady running"
        );
        assert_eq!(w.trusted(), Some(now));
    }

    #[test]
    fn a_clock_still_leaping_starts_the_watch_again() {
        let t0 = Timestamp::from_secs(1_000_000_000);
        let mut w = watch(t0);
        let first = t0.plus(3 * DAY);
        w.observe(first, HOUR);
        let second = first.plus(20 * HOUR);
        let Verdict::Hold { seen, steady, .. } = w.observe(second, HOUR) else {
            panic!("held");
        };
        assert_eq!((seen, steady), (second, Duration::ZERO));
    }

    #[test]
    fn a_step_back_deletes_by_the_earlier_time() {
        let t0 = Timestamp::from_secs(1_000_000_000);
        let mut w = watch(t0);
        let back = Timestamp::from_secs(1_000_000_000 - 30 * 86_400);
        assert_eq!(w.observe(back, HOUR), Verdict::Delete);
        assert_eq!(w.trusted(), Some(back));
    }

    #[test]
    fn a_new_file_trusts_its_first_sweep() {
        let mut w = ClockWatch::new(None, DAY);
        let now = Timestamp::from_secs(5);
        assert_eq!(w.observe(now, HOUR), Verdict::Delete);
    }
}

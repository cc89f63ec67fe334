//! Attempt budgets against guessing (RFC 8628 §5.1, OWASP login throttling): so many failures
//! per window for each principal, then a pause that doubles for a principal that keeps
//! running out, so a patient attacker gains little and a person who mistyped waits minutes.
//!
//! Successes never reset the count (Abblix PR #165): a guesser who also owns one valid code
//! must not be able to wash its failures away.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::time::Duration;

use super::time::Timestamp;

/// No pause grows beyond a day.
const MAX_PAUSE: Duration = Duration::from_secs(86_400);

#[derive(Debug, Default)]
struct Record {
    failures: VecDeque<Timestamp>,
    /// How many times this principal has run out of budget, for the growing pause.
    lockouts: u32,
    paused_until: Option<Timestamp>,
}

/// Failures per principal `K` within a sliding window.
#[derive(Debug)]
pub struct Throttle<K> {
    failures: u32,
    window: Duration,
    records: HashMap<K, Record>,
}

impl<K: Eq + Hash + Clone> Throttle<K> {
    pub fn new(failures: u32, window: Duration) -> Self {
        Throttle {
            failures: failures.max(1),
            window,
            records: HashMap::new(),
        }
    }

    /// `Err(until)` while `key` is paused.
    pub fn check(&self, key: &K, now: Timestamp) -> Result<(), Timestamp> {
        match self.records.get(key).and_then(|r| r.paused_until) {
            Some(until) if until > now => Err(until),
            _ => Ok(()),
        }
    }

    /// Counts a failure; when it uses up the budget, the principal is paused for the window,
    /// doubled for every earlier lockout.
    pub fn fail(&mut self, key: &K, now: Timestamp) {
        let window = self.window;
        let record = self.records.entry(key.clone()).or_default();
        while record
            .failures
            .front()
            .is_some_and(|t| now.since(*t) >= window)
        {
            record.failures.pop_front();
        }
        record.failures.push_back(now);
        if record.failures.len() >= self.failures as usize {
            let factor = 1u32
                .checked_shl(record.lockouts.min(16))
                .unwrap_or(u32::MAX);
            let pause = window.saturating_mul(factor).min(MAX_PAUSE);
            record.paused_until = Some(now.plus(pause));
            record.lockouts = record.lockouts.saturating_add(1);
            record.failures.clear();
        }
    }

    /// Forgets principals that have been quiet for a day, so memory stays bounded.
    pub fn forget_quiet(&mut self, now: Timestamp) {
        self.records.retain(|_, r| {
            let last = r
                .failures
                .back()
                .copied()
                .into_iter()
                .chain(r.paused_until)
                .max();
            last.is_some_and(|t| now.since(t) < MAX_PAUSE)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(900);

    #[test]
    fn the_budget_pauses_and_the_pause_ends() {
        let mut throttle = Throttle::new(5, WINDOW);
        let t0 = Timestamp::from_secs(10_000);
        for i in 0..4 {
            throttle.fail(&"ip", t0.plus(Duration::from_secs(i)));
            assert!(throttle.check(&"ip", t0).is_ok());
        }
        throttle.fail(&"ip", t0.plus(Duration::from_secs(4)));
        assert!(
            throttle
                .check(&"ip", t0.plus(Duration::from_secs(5)))
                .is_err()
        );
        assert!(
            throttle.check(&"other", t0).is_ok(),
            "principals are separate"
        );
        assert!(
            throttle
                .check(&"ip", t0.plus(WINDOW + Duration::from_secs(5)))
                .is_ok()
        );
    }

    #[test]
    fn failures_outside_the_window_do_not_count() {
        let mut throttle = Throttle::new(3, WINDOW);
        let mut now = Timestamp::from_secs(10_000);
        for _ in 0..10 {
            throttle.fail(&"ip", now);
            now = now.plus(WINDOW / 2 + Duration::from_secs(1));
            assert!(throttle.check(&"ip", now).is_ok());
        }
    }

    #[test]
    fn repeated_lockouts_double_the_pause() {
        let mut throttle = Throttle::new(1, Duration::from_secs(60));
        let t0 = Timestamp::from_secs(10_000);
        throttle.fail(&"acct", t0);
        assert_eq!(
            throttle.check(&"acct", t0),
            Err(t0.plus(Duration::from_secs(60)))
        );
        let t1 = t0.plus(Duration::from_secs(60));
        throttle.fail(&"acct", t1);
        assert_eq!(
            throttle.check(&"acct", t1),
            Err(t1.plus(Duration::from_secs(120)))
        );
    }
}

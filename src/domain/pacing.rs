//! How fast a device may poll (RFC 8628 §3.5 `slow_down`).
//!
//! The rule is simple: a poll sooner than the current interval hears `slow_down`, and the
//! interval grows by 5 s. Real clients bend it — some add only 1 s after `slow_down`, some go
//! back to the original interval — so the pacing also:
//! - tolerates jitter: a poll up to [`JITTER`] early counts as on time;
//! - caps the growth at [`MAX_GROWTH`] above the original interval;
//! - forgives: a client that keeps at least the original interval, but not the grown one,
//!   hears `slow_down` at most [`FORGIVE_AFTER`] times before the interval returns to the
//!   original, so it can still finish signing in.
//!
//! A client that polls faster than the original interval never earns forgiveness and keeps
//! hearing `slow_down`. Invariant: the first poll is never throttled, and a client that obeys
//! every `slow_down` is never throttled again.

use std::time::Duration;

use super::time::Timestamp;

/// RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent
/// requests".
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
pub const JITTER: Duration = Duration::from_secs(1);
pub const MAX_GROWTH: Duration = Duration::from_secs(20);
pub const FORGIVE_AFTER: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    OnTime,
    SlowDown,
}

/// One device code's pacing. Kept for every code polled while it lives, so it is small:
/// 24 bytes, intervals in whole milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollPacing {
    base_ms: u32,
    interval_ms: u32,
    last_poll: Timestamp,
    polled: bool,
    patient_strikes: u8,
}

fn millis(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

impl PollPacing {
    pub fn new(base: Duration) -> Self {
        PollPacing {
            base_ms: millis(base),
            interval_ms: millis(base),
            last_poll: Timestamp::from_millis(0),
            polled: false,
            patient_strikes: 0,
        }
    }

    /// The interval the client is now expected to keep.
    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.interval_ms.into())
    }

    /// Records a poll at `now` and judges it.
    pub fn poll(&mut self, now: Timestamp) -> Pace {
        let previous = std::mem::replace(&mut self.last_poll, now);
        if !std::mem::replace(&mut self.polled, true) {
            return Pace::OnTime;
        }
        let elapsed = millis(now.since(previous) + JITTER);
        if elapsed >= self.interval_ms {
            self.patient_strikes = 0;
            return Pace::OnTime;
        }
        if elapsed >= self.base_ms {
            // Slower than the original interval, faster than the grown one: bending, not hammering.
            self.patient_strikes += 1;
            if u32::from(self.patient_strikes) > FORGIVE_AFTER {
                self.interval_ms = self.base_ms;
                self.patient_strikes = 0;
                return Pace::OnTime;
            }
            return Pace::SlowDown;
        }
        self.patient_strikes = 0;
        self.interval_ms = self
            .interval_ms
            .saturating_add(millis(SLOW_DOWN_STEP))
            .min(self.base_ms.saturating_add(millis(MAX_GROWTH)));
        Pace::SlowDown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(5);

    /// Plays polls at the given gaps (in ms) and returns the verdicts after the first poll.
    fn play(gaps_ms: &[u64]) -> Vec<Pace> {
        let mut pacing = PollPacing::new(BASE);
        let mut now = Timestamp::from_secs(1_000_000);
        assert_eq!(
            pacing.poll(now),
            Pace::OnTime,
            "the first poll is never throttled"
        );
        gaps_ms
            .iter()
            .map(|gap| {
                now = now.plus(Duration::from_millis(*gap));
                pacing.poll(now)
            })
            .collect()
    }

    #[test]
    fn an_obedient_client_is_never_stuck() {
        // Too fast once, then it adds 5 s as the RFC says, for many polls.
        let verdicts = play(&[100, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
        assert_eq!(verdicts[0], Pace::SlowDown);
        assert!(
            verdicts[1..].iter().all(|v| *v == Pace::OnTime),
            "{verdicts:?}"
        );
    }

    #[test]
    fn jitter_of_under_a_second_is_tolerated() {
        assert!(
            play(&[4_100, 4_500, 4_900])
                .iter()
                .all(|v| *v == Pace::OnTime)
        );
    }

    #[test]
    fn a_client_that_adds_only_one_second_still_finishes() {
        let verdicts = play(&[100, 6_000, 7_000, 8_000, 8_000]);
        assert_eq!(verdicts.last(), Some(&Pace::OnTime), "{verdicts:?}");
        assert!(
            verdicts.iter().filter(|v| **v == Pace::SlowDown).count() <= 1 + FORGIVE_AFTER as usize
        );
    }

    #[test]
    fn a_client_that_returns_to_the_original_interval_still_finishes() {
        let verdicts = play(&[100, 5_000, 5_000, 5_000, 5_000, 5_000]);
        assert_eq!(
            &verdicts[3..],
            &[Pace::OnTime, Pace::OnTime, Pace::OnTime],
            "{verdicts:?}"
        );
    }

    #[test]
    fn it_stays_small() {
        assert!(std::mem::size_of::<PollPacing>() <= 24);
    }

    #[test]
    fn a_hammering_client_keeps_hearing_slow_down_and_the_growth_is_capped() {
        let mut pacing = PollPacing::new(BASE);
        let mut now = Timestamp::from_secs(1_000_000);
        pacing.poll(now);
        for _ in 0..100 {
            now = now.plus(Duration::from_millis(500));
            assert_eq!(pacing.poll(now), Pace::SlowDown);
        }
        assert_eq!(pacing.interval(), BASE + MAX_GROWTH);
    }
}

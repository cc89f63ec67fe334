//! Attempt budgets against guessing and flooding (RFC 8628 §5.1, OWASP login throttling): so
//! many charges per window for each principal, then the door closes.
//!
//! A budget is spent *before* the work it guards: [`Throttle::reserve`] holds a place that
//! counts as spent while the work runs, and [`Throttle::settle`] either keeps the charge (a
//! wrong guess, a grant created) or gives the place back. So requests released together can
//! never all pass a check that only later counts them.
//!
//! Successes never reset the count (Abblix PR #165): a guesser who also owns one valid code
//! must not be able to wash its failures away.
//!
//! Invariant: memory is bounded. A throttle holds at most `capacity` principals, each with at
//! most `limit` timestamps; past that the quietest principals are forgotten first.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::time::Duration;

use super::time::Timestamp;

/// No pause grows beyond a day.
const MAX_PAUSE: Duration = Duration::from_secs(86_400);
/// Principals a throttle keeps by default: about 10 MB at most with budgets of a few charges.
pub const DEFAULT_CAPACITY: usize = 50_000;

/// What happens when a principal spends its whole budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pause {
    /// Closed for the window, doubled for every earlier lockout (up to a day): a patient
    /// guesser gains little and a person who mistyped waits minutes.
    Doubling,
    /// Closed only while the window holds `limit` charges: a place frees as the oldest ages
    /// out, and nothing doubles. For budgets shared by everyone, where a growing pause would
    /// let a few addresses lock out all the others for a day.
    WhileFull,
}

/// Why a principal may not spend now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Out of budget until then.
    Until(Timestamp),
    /// Places still in flight fill the budget; they settle in moments, and may give it back.
    InFlight,
}

#[derive(Debug)]
struct Record {
    charges: VecDeque<Timestamp>,
    /// Reserved places whose outcome is not known yet.
    in_flight: u32,
    /// How many times this principal has run out of budget, for the doubling pause.
    lockouts: u32,
    paused_until: Option<Timestamp>,
    last_seen: Timestamp,
}

impl Record {
    fn new(now: Timestamp) -> Record {
        Record {
            charges: VecDeque::new(),
            in_flight: 0,
            lockouts: 0,
            paused_until: None,
            last_seen: now,
        }
    }

    /// Where the charges still in the window begin. Charges are kept in the order they were
    /// made, so this is a binary search: a budget shared by everyone holds tens of thousands.
    fn first_live(&self, now: Timestamp, window: Duration) -> usize {
        self.charges.partition_point(|t| now.since(*t) >= window)
    }

    fn live_charges(&self, now: Timestamp, window: Duration) -> usize {
        self.charges.len() - self.first_live(now, window)
    }

    /// Clears what holds the principal back; whether anything did.
    fn pardon(&mut self) -> bool {
        let held = self.paused_until.is_some() || !self.charges.is_empty();
        self.charges.clear();
        self.paused_until = None;
        self.lockouts = 0;
        held
    }

    fn is_quiet(&self, now: Timestamp, window: Duration) -> bool {
        self.in_flight == 0
            && self.paused_until.is_none_or(|until| until <= now)
            && self.charges.back().is_none_or(|t| now.since(*t) >= window)
    }
}

/// Charges per principal `K` within a sliding window.
#[derive(Debug)]
pub struct Throttle<K> {
    limit: u32,
    window: Duration,
    pause: Pause,
    capacity: usize,
    records: HashMap<K, Record>,
}

impl<K: Eq + Hash + Clone> Throttle<K> {
    /// `limit` charges per `window`, with the doubling pause.
    pub fn new(limit: u32, window: Duration) -> Self {
        Throttle {
            limit: limit.max(1),
            window,
            pause: Pause::Doubling,
            capacity: DEFAULT_CAPACITY,
            records: HashMap::new(),
        }
    }

    pub fn with_pause(mut self, pause: Pause) -> Self {
        self.pause = pause;
        self
    }

    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// Changes the budget from now on, for budgets that follow a measured quantity.
    pub fn set_limit(&mut self, limit: u32) {
        self.limit = limit.max(1);
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Principals remembered now.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Whether `key` may spend now: not while paused, nor while its window with what is in
    /// flight already holds the whole budget.
    pub fn check(&self, key: &K, now: Timestamp) -> Result<(), Refusal> {
        let Some(record) = self.records.get(key) else {
            return Ok(());
        };
        if let Some(until) = record.paused_until.filter(|until| *until > now) {
            return Err(Refusal::Until(until));
        }
        let live = record.live_charges(now, self.window);
        if live + (record.in_flight as usize) < self.limit as usize {
            return Ok(());
        }
        if live < self.limit as usize {
            return Err(Refusal::InFlight);
        }
        let frees_at = record
            .charges
            .get(record.first_live(now, self.window))
            .map_or(now, |t| t.plus(self.window));
        Err(Refusal::Until(frees_at))
    }

    /// Takes a place in `key`'s budget before the work it guards, or says why not as
    /// [`Throttle::check`]. Every `Ok` must be followed by one [`Throttle::settle`].
    pub fn reserve(&mut self, key: &K, now: Timestamp) -> Result<(), Refusal> {
        self.check(key, now)?;
        let record = self.record(key, now);
        record.in_flight = record.in_flight.saturating_add(1);
        Ok(())
    }

    /// Ends a reservation: `charged` keeps the place spent, otherwise it is given back.
    pub fn settle(&mut self, key: &K, now: Timestamp, charged: bool) {
        if let Some(record) = self.records.get_mut(key) {
            record.in_flight = record.in_flight.saturating_sub(1);
        }
        if charged {
            self.charge(key, now);
        }
    }

    /// Counts a charge; when it uses up a doubling budget, the principal is paused for the
    /// window, doubled for every earlier lockout.
    pub fn charge(&mut self, key: &K, now: Timestamp) {
        let window = self.window;
        let limit = self.limit as usize;
        let pause = self.pause;
        let record = self.record(key, now);
        while record
            .charges
            .front()
            .is_some_and(|t| now.since(*t) >= window)
        {
            record.charges.pop_front();
        }
        record.charges.push_back(now);
        match pause {
            Pause::Doubling if record.charges.len() >= limit => {
                let factor = 1u32
                    .checked_shl(record.lockouts.min(16))
                    .unwrap_or(u32::MAX);
                let pause = window.saturating_mul(factor).min(MAX_PAUSE);
                record.paused_until = Some(now.plus(pause));
                record.lockouts = record.lockouts.saturating_add(1);
                record.charges.clear();
            }
            // Never more than the budget: older charges than the limit say nothing more.
            _ => {
                while record.charges.len() > limit {
                    record.charges.pop_front();
                }
            }
        }
    }

    /// Charges within the window for `key`, in flight included.
    pub fn spent(&self, key: &K, now: Timestamp) -> usize {
        self.records.get(key).map_or(0, |r| {
            r.live_charges(now, self.window) + r.in_flight as usize
        })
    }

    /// An operator's pardon: `key`'s pause, charges and lockouts are forgotten, as after a
    /// quiet day. Places in flight stay, so their settling still balances. Whether anything
    /// held it back.
    pub fn lift(&mut self, key: &K) -> bool {
        self.records.get_mut(key).is_some_and(Record::pardon)
    }

    /// [`Throttle::lift`] for every principal; how many were held back.
    pub fn lift_all(&mut self) -> usize {
        self.records
            .values_mut()
            .map(Record::pardon)
            .filter(|held| *held)
            .count()
    }

    /// Forgets principals that have been quiet for a day (or for the window, when the pause
    /// never doubles), so memory stays bounded.
    pub fn forget_quiet(&mut self, now: Timestamp) {
        let memory = match self.pause {
            Pause::Doubling => MAX_PAUSE,
            Pause::WhileFull => self.window,
        };
        self.records.retain(|_, r| {
            r.in_flight > 0
                || r.paused_until.is_some_and(|t| t > now)
                || now.since(r.last_seen) < memory
        });
    }

    fn record(&mut self, key: &K, now: Timestamp) -> &mut Record {
        if !self.records.contains_key(key) && self.records.len() >= self.capacity {
            self.make_room(now);
        }
        let record = self
            .records
            .entry(key.clone())
            .or_insert_with(|| Record::new(now));
        record.last_seen = now;
        record
    }

    /// Full: drop the principals with nothing live first, then the longest unseen among
    /// those not paused and with nothing in flight, then the paused ones whose pause ends
    /// soonest — an eighth of the capacity at a time, so a flood of new principals costs one
    /// sort per many inserts.
    fn make_room(&mut self, now: Timestamp) {
        let window = self.window;
        self.records.retain(|_, r| !r.is_quiet(now, window));
        let target = self.capacity - self.capacity.div_ceil(8);
        if self.records.len() <= target {
            return;
        }
        let mut candidates: Vec<(bool, Timestamp, K)> = self
            .records
            .iter()
            .filter(|(_, r)| r.in_flight == 0)
            .map(|(k, r)| match r.paused_until.filter(|t| *t > now) {
                Some(until) => (true, until, k.clone()),
                None => (false, r.last_seen, k.clone()),
            })
            .collect();
        candidates.sort_by_key(|(paused, at, _)| (*paused, *at));
        let excess = self.records.len() - target;
        for (_, _, key) in candidates.into_iter().take(excess) {
            self.records.remove(&key);
        }
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
            throttle.charge(&"ip", t0.plus(Duration::from_secs(i)));
            assert!(throttle.check(&"ip", t0).is_ok());
        }
        throttle.charge(&"ip", t0.plus(Duration::from_secs(4)));
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
            throttle.charge(&"ip", now);
            now = now.plus(WINDOW / 2 + Duration::from_secs(1));
            assert!(throttle.check(&"ip", now).is_ok());
        }
    }

    #[test]
    fn repeated_lockouts_double_the_pause() {
        let mut throttle = Throttle::new(1, Duration::from_secs(60));
        let t0 = Timestamp::from_secs(10_000);
        throttle.charge(&"acct", t0);
        assert_eq!(
            throttle.check(&"acct", t0),
            Err(Refusal::Until(t0.plus(Duration::from_secs(60))))
        );
        let t1 = t0.plus(Duration::from_secs(60));
        throttle.charge(&"acct", t1);
        assert_eq!(
            throttle.check(&"acct", t1),
            Err(Refusal::Until(t1.plus(Duration::from_secs(120))))
        );
    }

    #[test]
    fn reservations_count_before_their_outcome_is_known() {
        let mut throttle = Throttle::new(5, WINDOW);
        let now = Timestamp::from_secs(10_000);
        for _ in 0..5 {
            assert!(throttle.reserve(&"ip", now).is_ok());
        }
        assert_eq!(
            throttle.reserve(&"ip", now),
            Err(Refusal::InFlight),
            "a sixth request released with the first five waits for them"
        );
        for _ in 0..4 {
            throttle.settle(&"ip", now, false);
        }
        assert!(throttle.reserve(&"ip", now).is_ok(), "refunded places free");
        throttle.settle(&"ip", now, true);
        throttle.settle(&"ip", now, true);
        assert_eq!(throttle.spent(&"ip", now), 2);
    }

    #[test]
    fn a_shared_budget_frees_as_charges_age_and_never_doubles() {
        let mut throttle = Throttle::new(3, WINDOW).with_pause(Pause::WhileFull);
        let t0 = Timestamp::from_secs(10_000);
        for i in 0..3 {
            throttle.charge(&"all", t0.plus(Duration::from_secs(i)));
        }
        assert_eq!(
            throttle.check(&"all", t0),
            Err(Refusal::Until(t0.plus(WINDOW)))
        );
        let later = t0.plus(WINDOW);
        assert!(throttle.check(&"all", later).is_ok(), "the oldest aged out");
        for i in 0..10 {
            throttle.charge(&"all", later.plus(Duration::from_secs(i)));
        }
        let frees = throttle.check(&"all", later.plus(Duration::from_secs(10)));
        assert_eq!(
            frees,
            Err(Refusal::Until(
                later.plus(Duration::from_secs(7)).plus(WINDOW)
            )),
            "no pause beyond the window, however often it fills"
        );
    }

    #[test]
    fn a_full_throttle_forgets_the_quietest_and_stays_within_capacity() {
        let mut throttle = Throttle::new(5, WINDOW).with_capacity(100);
        let t0 = Timestamp::from_secs(10_000);
        for _ in 0..5 {
            throttle.charge(&u32::MAX, t0);
        }
        assert!(throttle.check(&u32::MAX, t0).is_err(), "paused");
        for i in 0..10_000u32 {
            throttle.charge(&i, t0.plus(Duration::from_millis(u64::from(i))));
            assert!(throttle.len() <= 100);
        }
        assert!(
            throttle.check(&u32::MAX, t0).is_err(),
            "a paused principal outlives a flood of newer single failures"
        );
        assert!(throttle.check(&9_999, t0).is_ok());
    }
}

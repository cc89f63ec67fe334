//! A signed-in browser: who, since when, and how long it may stay signed in.

use std::time::Duration;

use super::second_factor::SignInMethod;
use super::time::Timestamp;
use super::user::Subject;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub sub: Subject,
    /// When the person proved who they are: OIDC `auth_time` for what they approve.
    pub auth_time: Timestamp,
    pub last_seen: Timestamp,
    /// How the person proved who they are (OIDC `amr`).
    pub method: SignInMethod,
}

impl Session {
    pub fn new(sub: Subject, now: Timestamp, method: SignInMethod) -> Session {
        Session {
            sub,
            auth_time: now,
            last_seen: now,
            method,
        }
    }

    /// Live unless unused for `idle` or older than `max` (OWASP session timeouts).
    pub fn is_live(&self, now: Timestamp, idle: Duration, max: Duration) -> bool {
        now < self.last_seen.plus(idle) && now < self.auth_time.plus(max)
    }

    /// When the session ends at the latest, whatever happens.
    pub fn hard_expiry(&self, max: Duration) -> Timestamp {
        self.auth_time.plus(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_and_absolute_limits() {
        let t0 = Timestamp::from_secs(1000);
        let mut session =
            Session::new(Subject::from_stored("s".into()), t0, SignInMethod::Password);
        let (idle, max) = (Duration::from_secs(60), Duration::from_secs(300));
        assert!(session.is_live(t0.plus(Duration::from_secs(59)), idle, max));
        assert!(!session.is_live(t0.plus(Duration::from_secs(60)), idle, max));
        session.last_seen = t0.plus(Duration::from_secs(290));
        assert!(session.is_live(t0.plus(Duration::from_secs(299)), idle, max));
        assert!(
            !session.is_live(t0.plus(Duration::from_secs(300)), idle, max),
            "absolute limit"
        );
    }
}

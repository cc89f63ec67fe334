//! Attempt budgets for the verification pages, kept in memory: user-code entry per address,
//! per browser, per account and for everyone together (RFC 8628 §5.1); sign-in per account and
//! per address (OWASP). Losing them on restart only forgets recent failures.

use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};

use super::App;
use super::settings::Settings;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::throttle::Throttle;
use crate::domain::time::Timestamp;
use crate::domain::user::Subject;

/// Who is trying.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    Address(IpAddr),
    /// The SHA-256 of the browser's cookie.
    Browser([u8; 32]),
    /// A user's `sub` once signed in, or the case-folded username being signed in to.
    Account(String),
    /// Everyone at once: bounds guessing spread over many addresses and browsers.
    Everyone,
}

impl Principal {
    /// A browser, known by its cookie; the cookie itself is not kept.
    pub fn browser(cookie: &str) -> Principal {
        Principal::Browser(crate::crypto::hash::sha256(cookie.as_bytes()))
    }

    /// Who a typed user code is counted against (SPEC DAG-5.1-a): this browser, everyone, the
    /// address, and the account when signed in. Every form that takes a code spends from the
    /// same budget, so none of them is a way around it.
    pub fn typing_a_code(
        cookie: &str,
        address: Option<IpAddr>,
        sub: Option<&Subject>,
    ) -> Vec<Principal> {
        let mut principals = vec![Principal::browser(cookie), Principal::Everyone];
        principals.extend(address.map(Principal::Address));
        principals.extend(sub.map(|sub| Principal::Account(sub.to_string())));
        principals
    }
}

/// The whole server may fail this many times the per-principal budget before code entry
/// pauses for everyone; see the README for the arithmetic.
const EVERYONE_FACTOR: u32 = 20;

pub(super) struct Guards {
    codes: Mutex<Throttle<Principal>>,
    everyone: Mutex<Throttle<Principal>>,
    logins: Mutex<Throttle<Principal>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Guards {
    pub(super) fn new(settings: &Settings) -> Guards {
        let codes = settings.user_code_budget;
        let logins = settings.login_budget;
        Guards {
            codes: Mutex::new(Throttle::new(codes.failures, codes.window)),
            everyone: Mutex::new(Throttle::new(
                codes.failures.saturating_mul(EVERYONE_FACTOR),
                codes.window,
            )),
            logins: Mutex::new(Throttle::new(logins.failures, logins.window)),
        }
    }

    fn throttle_for(&self, principal: &Principal, for_codes: bool) -> &Mutex<Throttle<Principal>> {
        match (for_codes, principal) {
            (false, _) => &self.logins,
            (true, Principal::Everyone) => &self.everyone,
            (true, _) => &self.codes,
        }
    }

    fn check(
        &self,
        principals: &[Principal],
        now: Timestamp,
        for_codes: bool,
    ) -> Result<(), Timestamp> {
        let mut latest: Option<Timestamp> = None;
        for principal in principals {
            if let Err(until) = lock(self.throttle_for(principal, for_codes)).check(principal, now)
            {
                latest = latest.max(Some(until));
            }
        }
        latest.map_or(Ok(()), Err)
    }

    fn fail(&self, principals: &[Principal], now: Timestamp, for_codes: bool) {
        for principal in principals {
            lock(self.throttle_for(principal, for_codes)).fail(principal, now);
        }
    }

    pub(super) fn forget_quiet(&self, now: Timestamp) {
        for throttle in [&self.codes, &self.everyone, &self.logins] {
            lock(throttle).forget_quiet(now);
        }
    }
}

impl App {
    /// `Err(until)` while any of `principals` has used up its user-code budget.
    pub fn code_entry_allowed(&self, principals: &[Principal]) -> Result<(), Timestamp> {
        self.guards.check(principals, self.now(), true)
    }

    pub fn code_entry_failed(&self, principals: &[Principal]) {
        let now = self.now();
        self.guards.fail(principals, now, true);
        let mut event = AuditEvent::new(AuditKind::CodeRejected, now);
        for principal in principals {
            match principal {
                Principal::Address(ip) => event = event.address(Some(ip.to_string())),
                Principal::Account(sub) => event = event.subject(sub.clone()),
                _ => {}
            }
        }
        self.record(event);
    }

    /// `Err(until)` while any of `principals` has used up its sign-in budget.
    pub fn sign_in_allowed(&self, principals: &[Principal]) -> Result<(), Timestamp> {
        self.guards.check(principals, self.now(), false)
    }

    pub fn sign_in_failed(&self, principals: &[Principal]) {
        self.guards.fail(principals, self.now(), false);
    }
}

//! Every attempt budget and rate limit, in one place, kept in memory: user-code entry per
//! address, per browser, per account and for everyone together (RFC 8628 §5.1); sign-in per
//! account and per address (OWASP); device authorizations per address, per client and in all
//! (an unauthenticated write for public clients). Losing them on restart only forgets recent
//! failures; the live-grant counts are read back from the data file.
//!
//! Invariant: a budget is reserved before the work it guards and settled after it
//! ([`Throttle::reserve`]), so concurrent requests cannot all pass one check. The routes reach
//! these budgets only through the `App` methods here and in `device`/`sessions`, which take the
//! guarded input themselves (`look_up_code`, `approve_device_as`, `sign_in`,
//! `start_device_authorization`, and `look_up_link` for invitation and recovery links, which
//! spend the code-entry budgets): a route cannot look at a user code, a link or a password
//! without spending.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::device::{CodeProblem, DecisionError, FoundGrant, PendingRequest};
use super::settings::Settings;
use super::{App, AppError};
use crate::crypto::hash::sha256;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::client::ClientId;
use crate::domain::network::AddressGroup;
use crate::domain::session::Session;
use crate::domain::throttle::{Pause, Refusal, Throttle};
use crate::domain::time::Timestamp;
use crate::domain::user::{Subject, User};

/// Who is trying. Names and cookies are kept only as digests, so a long or odd input costs
/// the same few bytes as any other.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    /// An address, grouped as budgets count it (IPv6 by its /64).
    Address(AddressGroup),
    /// The SHA-256 of the browser's cookie.
    Browser([u8; 32]),
    /// The SHA-256 of a user's `sub` once signed in, or of the case-folded username being
    /// signed in to.
    Account([u8; 32]),
    /// Everyone at once: bounds guessing spread over many addresses and browsers.
    Everyone,
}

impl Principal {
    fn address(ip: IpAddr) -> Principal {
        Principal::Address(AddressGroup::of(ip))
    }

    fn account(name: &str) -> Principal {
        Principal::Account(sha256(name.as_bytes()))
    }
}

/// Whose pauses an operator lifts (`authbox unlock`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unlock {
    /// An address, with the others of its group (its /64 for IPv6).
    Address(IpAddr),
    /// Sign-ins to this username, and code entry by its account when it exists.
    Account {
        username: String,
        sub: Option<Subject>,
    },
    /// Every address, browser and account, and the budget all share.
    Everyone,
}

/// Who is presenting a typed user code (SPEC DAG-5.1-a): the browser, its address and, when
/// signed in, the account. Every route that takes a code spends from the same budgets with it.
#[derive(Debug, Clone, Copy, Default)]
pub struct CodeEntrant<'a> {
    /// The browser's cookie, when it has one (an image request may not).
    pub cookie: Option<&'a str>,
    pub address: Option<IpAddr>,
    pub sub: Option<&'a Subject>,
}

impl CodeEntrant<'_> {
    fn principals(&self) -> Vec<Principal> {
        let mut principals = vec![Principal::Everyone];
        principals.extend(
            self.cookie
                .map(|c| Principal::Browser(sha256(c.as_bytes()))),
        );
        principals.extend(self.address.map(Principal::address));
        principals.extend(self.sub.map(|sub| Principal::account(sub.as_str())));
        principals
    }
}

/// The whole server may always fail at least this many times the per-principal budget before
/// code entry closes for everyone.
const EVERYONE_FACTOR: u32 = 20;
/// 20^8 / 2^20: with this many wrong guesses per window against one live code, the chance of
/// hitting it stays at 2^-20 (README, "Attempt budgets"). The shared budget is this divided by
/// the live codes, so the chance of hitting *any* live code keeps that bound too.
const GUESSES_PER_LIVE_CODE_BOUND: u64 = 25_600_000_000 >> 20;
/// Device authorizations per address are counted over a minute.
const MINUTE: Duration = Duration::from_secs(60);
/// How long the address whose code a person reported ("I didn't start this") gets no new
/// device codes for that client. Cross-device BCP (draft-ietf-oauth-cross-device-security),
/// "Detect and Remediate" and "Rate Limits": a phisher starts the flow from their own network
/// and sends the code out; a report makes their next codes wait, while the same TV model
/// elsewhere, and other clients at that address, are untouched. A quarter of an hour is longer
/// than a code lives (RFC 8628 §6.1 suggests minutes), so a reported campaign loses at least
/// one code lifetime per report, and short enough that a person who reported their own TV
/// by mistake can try again the same evening (or an operator lifts it: `authbox unlock`).
pub const REPORT_COOLDOWN: Duration = Duration::from_secs(15 * 60);

struct Budgets {
    /// Wrong codes per address, browser and account.
    codes: Throttle<Principal>,
    /// Wrong codes by everyone together; its limit follows the live codes.
    everyone: Throttle<Principal>,
    /// Failed sign-ins per account and address.
    logins: Throttle<Principal>,
    /// Device authorizations per address, per minute.
    authorizations_per_address: Throttle<AddressGroup>,
    /// Device authorizations per client within one code lifetime: at least its live grants.
    live_per_client: Throttle<ClientId>,
    /// The same for all clients together.
    live_total: Throttle<()>,
    /// Until when an address may not start device authorizations for a client, after a
    /// person reported a code it asked for ([`REPORT_COOLDOWN`]). Bounded: an entry needs a
    /// signed-in person and a pending code, and each code can be reported once.
    reported: HashMap<(ClientId, AddressGroup), Timestamp>,
}

impl Budgets {
    /// The throttle a principal spends from, for code entry (`true`) or sign-in.
    fn for_principal(&mut self, principal: &Principal, codes: bool) -> &mut Throttle<Principal> {
        match (codes, principal) {
            (false, _) => &mut self.logins,
            (true, Principal::Everyone) => &mut self.everyone,
            (true, _) => &mut self.codes,
        }
    }

    /// Reserves a place for each principal, or none if any may not spend now.
    fn reserve(
        &mut self,
        principals: &[Principal],
        codes: bool,
        now: Timestamp,
    ) -> Result<(), Refusal> {
        if codes {
            let live = self.live_total.spent(&(), now) as u64;
            let floor = u64::from(self.codes.limit()).saturating_mul(u64::from(EVERYONE_FACTOR));
            let shared = (GUESSES_PER_LIVE_CODE_BOUND / live.max(1)).max(floor);
            self.everyone
                .set_limit(u32::try_from(shared).unwrap_or(u32::MAX));
        }
        let mut latest = None;
        let mut in_flight = false;
        for principal in principals {
            match self.for_principal(principal, codes).check(principal, now) {
                Ok(()) => {}
                Err(Refusal::Until(until)) => latest = latest.max(Some(until)),
                Err(Refusal::InFlight) => in_flight = true,
            }
        }
        if let Some(until) = latest {
            return Err(Refusal::Until(until));
        }
        if in_flight {
            return Err(Refusal::InFlight);
        }
        for principal in principals {
            // Checked just above under the same lock, so this cannot be refused.
            let _ = self.for_principal(principal, codes).reserve(principal, now);
        }
        Ok(())
    }

    fn settle(&mut self, principals: &[Principal], codes: bool, now: Timestamp, charged: bool) {
        for principal in principals {
            self.for_principal(principal, codes)
                .settle(principal, now, charged);
        }
    }
}

/// Why a device authorization was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// This address asked for too many in the last minute.
    Address,
    /// This client has as many live grants as it may.
    Client,
    /// The server holds as many live grants as it may.
    Server,
    /// A person reported a code this address asked for this client ([`REPORT_COOLDOWN`]).
    Reported,
}

/// A place held in the device-authorization limits; settled once the grant is stored or not.
pub(super) struct AuthorizationTicket {
    address: Option<AddressGroup>,
    client: ClientId,
}

pub(super) struct Guards {
    budgets: Mutex<Budgets>,
    /// Signalled whenever reservations settle, for callers waiting on places in flight.
    settled: Condvar,
}

/// How long a code entry or sign-in waits for places in flight to settle before it is told to
/// try again: they settle within a lookup or a password check.
const IN_FLIGHT_PATIENCE: Duration = Duration::from_secs(2);
/// What a caller refused for places in flight is told to wait.
const IN_FLIGHT_RETRY: Duration = Duration::from_secs(1);

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
        let devices = settings.device_authorizations;
        let code_lifetime = settings.lifetimes.device_code;
        Guards {
            budgets: Mutex::new(Budgets {
                codes: Throttle::new(codes.failures, codes.window),
                everyone: Throttle::new(
                    codes.failures.saturating_mul(EVERYONE_FACTOR),
                    codes.window,
                )
                .with_pause(Pause::WhileFull),
                logins: Throttle::new(logins.failures, logins.window),
                authorizations_per_address: Throttle::new(devices.per_address_per_minute, MINUTE)
                    .with_pause(Pause::WhileFull),
                live_per_client: Throttle::new(devices.live_per_client, code_lifetime)
                    .with_pause(Pause::WhileFull),
                live_total: Throttle::new(devices.live_total, code_lifetime)
                    .with_pause(Pause::WhileFull),
                reported: HashMap::new(),
            }),
            settled: Condvar::new(),
        }
    }

    /// Lifts the pauses and spent budgets of `whom` (see [`Unlock`]); how many principals
    /// were held back. The live-grant limits are not attempts and stay.
    pub(super) fn unlock(&self, whom: &Unlock) -> usize {
        let mut budgets = lock(&self.budgets);
        match whom {
            Unlock::Address(ip) => {
                let group = AddressGroup::of(*ip);
                let principal = Principal::Address(group);
                let before = budgets.reported.len();
                budgets
                    .reported
                    .retain(|(_, reported), _| *reported != group);
                (before - budgets.reported.len())
                    + usize::from(budgets.codes.lift(&principal))
                    + usize::from(budgets.logins.lift(&principal))
                    + usize::from(budgets.authorizations_per_address.lift(&group))
            }
            Unlock::Account { username, sub } => {
                // Sign-ins count the name typed; code entry counts the signed-in account.
                let typed = Principal::account(&username.to_lowercase());
                let signed_in = sub.as_ref().map(|s| Principal::account(s.as_str()));
                usize::from(budgets.logins.lift(&typed))
                    + signed_in.map_or(0, |p| usize::from(budgets.codes.lift(&p)))
            }
            Unlock::Everyone => {
                std::mem::take(&mut budgets.reported).len()
                    + budgets.codes.lift_all()
                    + budgets.everyone.lift_all()
                    + budgets.logins.lift_all()
                    + budgets.authorizations_per_address.lift_all()
            }
        }
    }

    pub(super) fn forget_quiet(&self, now: Timestamp) {
        let mut budgets = lock(&self.budgets);
        budgets.codes.forget_quiet(now);
        budgets.everyone.forget_quiet(now);
        budgets.logins.forget_quiet(now);
        budgets.authorizations_per_address.forget_quiet(now);
        budgets.live_per_client.forget_quiet(now);
        budgets.live_total.forget_quiet(now);
        budgets.reported.retain(|_, until| *until > now);
    }

    /// Starts the cooldown of `address` for `client` after a person reported a code it asked
    /// for; until when.
    pub(super) fn cool_down(
        &self,
        client: &ClientId,
        address: IpAddr,
        now: Timestamp,
    ) -> Timestamp {
        let until = now.plus(REPORT_COOLDOWN);
        let key = (client.clone(), AddressGroup::of(address));
        let mut budgets = lock(&self.budgets);
        let kept = budgets.reported.entry(key).or_insert(until);
        *kept = (*kept).max(until);
        *kept
    }

    /// Counts grants already in the data file at start against the live-grant limits.
    pub(super) fn count_live_grants(&self, grants: &[(ClientId, Timestamp)]) {
        // Charges are kept in the order they were made; the file holds grants by key.
        let mut grants = grants.to_vec();
        grants.sort_by_key(|(_, created_at)| *created_at);
        let mut budgets = lock(&self.budgets);
        for (client, created_at) in &grants {
            budgets.live_per_client.charge(client, *created_at);
            budgets.live_total.charge(&(), *created_at);
        }
    }

    pub(super) fn reserve_authorization(
        &self,
        address: Option<IpAddr>,
        client: &ClientId,
        now: Timestamp,
    ) -> Result<AuthorizationTicket, (Limited, Duration)> {
        let address = address.map(AddressGroup::of);
        let mut budgets = lock(&self.budgets);
        // Never waits: the caller is on an event-loop thread. A place still in flight is an
        // address with twenty requests in the same few milliseconds, told to come back.
        let refused = |why: Limited| {
            move |refusal: Refusal| match refusal {
                Refusal::Until(until) => (why, until.since(now)),
                Refusal::InFlight => (why, IN_FLIGHT_RETRY),
            }
        };
        if let Some(group) = &address {
            let key = (client.clone(), *group);
            if let Some(until) = budgets.reported.get(&key).filter(|until| **until > now) {
                return Err((Limited::Reported, until.since(now)));
            }
            budgets
                .authorizations_per_address
                .check(group, now)
                .map_err(refused(Limited::Address))?;
        }
        budgets
            .live_per_client
            .check(client, now)
            .map_err(refused(Limited::Client))?;
        budgets
            .live_total
            .check(&(), now)
            .map_err(refused(Limited::Server))?;
        if let Some(group) = &address {
            let _ = budgets.authorizations_per_address.reserve(group, now);
        }
        let _ = budgets.live_per_client.reserve(client, now);
        let _ = budgets.live_total.reserve(&(), now);
        Ok(AuthorizationTicket {
            address,
            client: client.clone(),
        })
    }

    /// `stored`: the grant was written, so its place stays spent until it expires.
    pub(super) fn settle_authorization(
        &self,
        ticket: AuthorizationTicket,
        now: Timestamp,
        stored: bool,
    ) {
        let mut budgets = lock(&self.budgets);
        if let Some(group) = &ticket.address {
            budgets
                .authorizations_per_address
                .settle(group, now, stored);
        }
        budgets.live_per_client.settle(&ticket.client, now, stored);
        budgets.live_total.settle(&(), now, stored);
    }

    /// Reserves places for `principals`, waiting for places in flight to settle; `Err(until)`
    /// when out of budget.
    fn reserve_waiting(
        &self,
        principals: &[Principal],
        codes: bool,
        now: impl Fn() -> Timestamp,
    ) -> Result<(), Timestamp> {
        let deadline = Instant::now() + IN_FLIGHT_PATIENCE;
        let mut budgets = lock(&self.budgets);
        loop {
            match budgets.reserve(principals, codes, now()) {
                Ok(()) => return Ok(()),
                Err(Refusal::Until(until)) => return Err(until),
                Err(Refusal::InFlight) => {}
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return Err(now().plus(IN_FLIGHT_RETRY));
            };
            budgets = match self.settled.wait_timeout(budgets, left) {
                Ok((budgets, _)) => budgets,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    fn settle(&self, principals: &[Principal], codes: bool, now: Timestamp, charged: bool) {
        lock(&self.budgets).settle(principals, codes, now, charged);
        self.settled.notify_all();
    }
}

/// The outcome of a guarded attempt: what it found, and whether it was a wrong guess.
pub(super) struct Attempt<T> {
    pub outcome: T,
    pub wrong: bool,
}

impl App {
    /// Runs `attempt` with places reserved in every code-entry budget of `who`, keeping them
    /// An operator's way to let someone in again before their pause ends (`authbox unlock`),
    /// recorded in the audit log at once; how many principals were held back.
    pub fn unlock(&self, whom: &Unlock) -> Result<usize, AppError> {
        let lifted = self.guards.unlock(whom);
        let mut event = AuditEvent::new(AuditKind::Unlocked, self.now());
        match whom {
            Unlock::Address(ip) => event = event.address(Some(ip.to_string())),
            Unlock::Account { username, .. } => event = event.subject(username.to_lowercase()),
            Unlock::Everyone => {}
        }
        self.store.append_audit(self.audit_rows(event)?)?;
        tracing::info!(?whom, lifted, "an operator lifted pauses");
        Ok(lifted)
    }

    /// spent only when it reports a wrong code. `Err(until)` when out of budget: then nothing
    /// is looked at, not even a right code (SPEC DAG-5.1-a).
    pub(super) fn spending_code_budget<T>(
        &self,
        who: &CodeEntrant,
        rejected: AuditKind,
        attempt: impl FnOnce() -> Attempt<T>,
    ) -> Result<T, Timestamp> {
        let principals = who.principals();
        self.guards
            .reserve_waiting(&principals, true, || self.now())?;
        let Attempt { outcome, wrong } = attempt();
        let now = self.now();
        self.guards.settle(&principals, true, now, wrong);
        if wrong {
            let mut event = AuditEvent::new(rejected, now);
            event = event.address(who.address.map(|ip| ip.to_string()));
            if let Some(sub) = who.sub {
                event = event.subject(sub.as_str());
            }
            self.record(event);
        }
        Ok(outcome)
    }

    /// The one way a route looks up a typed user code: what the consent page shows, or why
    /// there is nothing to consent to. A code that names no grant spends `who`'s budgets.
    pub fn look_up_code(
        &self,
        who: &CodeEntrant,
        typed: &str,
    ) -> Result<PendingRequest, CodeProblem> {
        self.spending_code_budget(who, AuditKind::CodeRejected, || {
            let outcome = self.pending_request(typed);
            let wrong = outcome == Err(CodeProblem::Unknown);
            Attempt { outcome, wrong }
        })
        .map_err(CodeProblem::Paused)?
    }

    /// Approves the grant behind a typed code as `user`, whom the caller has just read from
    /// the session. Finding the code spends `who`'s code budgets as [`App::look_up_code`] does;
    /// the durable write that follows holds none of their places. Answers whose request it
    /// was.
    pub fn approve_device_as(
        &self,
        who: &CodeEntrant,
        typed: &str,
        user: &User,
        session: &Session,
    ) -> Result<ClientId, DecisionError> {
        let found = self.find_code(who, typed)?;
        self.approve_code(&found, user, None, session.auth_time, session.method)?;
        Ok(found.client_id.clone())
    }

    /// Denies the grant behind a typed code, finding it as [`App::approve_device_as`] does.
    pub fn deny_device_as(
        &self,
        who: &CodeEntrant,
        typed: &str,
    ) -> Result<ClientId, DecisionError> {
        let found = self.find_code(who, typed)?;
        self.deny_code(&found, who.sub)?;
        Ok(found.client_id.clone())
    }

    /// Reports the grant behind a typed code as not started by the person ("I didn't start
    /// this"), finding it as [`App::approve_device_as`] does: denied, audited, and the address
    /// that asked for it cooled down for its client (`device_report`).
    pub fn report_device_as(
        &self,
        who: &CodeEntrant,
        typed: &str,
    ) -> Result<ClientId, DecisionError> {
        let found = self.find_code(who, typed)?;
        self.report_code(&found, who.sub)?;
        Ok(found.client_id.clone())
    }

    /// The grant a typed code names; spends `who`'s code budgets when it names none.
    fn find_code(&self, who: &CodeEntrant, typed: &str) -> Result<FoundGrant, DecisionError> {
        let found = self
            .spending_code_budget(who, AuditKind::CodeRejected, || {
                let outcome = self.find_grant(typed);
                let wrong = matches!(outcome, Ok(None));
                Attempt { outcome, wrong }
            })
            .map_err(|until| DecisionError::Code(CodeProblem::Paused(until)))?;
        match found {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(DecisionError::Code(CodeProblem::Unknown)),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs a password check with places reserved in the sign-in budgets of the account and
    /// the address; `rejected` says whether to keep them spent.
    pub(super) fn spending_sign_in_budget<T>(
        &self,
        username: &str,
        address: Option<IpAddr>,
        attempt: impl FnOnce() -> Attempt<T>,
    ) -> Result<T, Timestamp> {
        let mut principals = vec![Principal::account(&username.to_lowercase())];
        principals.extend(address.map(Principal::address));
        self.guards
            .reserve_waiting(&principals, false, || self.now())?;
        let Attempt { outcome, wrong } = attempt();
        self.guards.settle(&principals, false, self.now(), wrong);
        Ok(outcome)
    }
}

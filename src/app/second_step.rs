//! The second step of signing in, for an account with a TOTP authenticator: after the right
//! password, a short-lived pending sign-in bound to the browser (kept in memory, keyed by the
//! SHA-256 of the browser's cookie), and the code that finishes it. No session exists until
//! both factors are in.
//!
//! Invariant: a typed TOTP or recovery code reaches the account only through
//! [`App::finish_sign_in`], inside the sign-in budgets of the account and the address, and a
//! code is accepted in the same write that records it as used (replay and single use).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::guard::Attempt;
use super::person::{AfterSignIn, Carried, Then, Visitor};
use super::sessions::{NewSession, session_hash};
use super::{App, AppError};
use crate::crypto::hash::sha256;
use crate::crypto::totp::totp_matches;
use crate::domain::Invalid;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::second_factor::{SecondFactor, SignInMethod, TypedCode, steps_to_try};
use crate::domain::time::Timestamp;
use crate::domain::user::User;

/// How long the second page waits for its code.
pub const PENDING_SIGN_IN: Duration = Duration::from_secs(5 * 60);
/// Pending sign-ins held at once; beyond it the oldest go (each needs a right password).
const MOST_PENDING: usize = 10_000;

#[derive(Debug, Clone)]
struct PendingSignIn {
    username: String,
    then: Then,
    carried: Carried,
    expires_at: Timestamp,
}

/// Recovery codes for one browser, and until when they wait to be shown.
type CodesToShow = (Vec<String>, Timestamp);

/// Pending sign-ins and recovery codes still to be shown, per browser.
#[derive(Default)]
pub(super) struct BrowserHeld {
    pending: Mutex<HashMap<[u8; 32], PendingSignIn>>,
    codes_to_show: Mutex<HashMap<[u8; 32], CodesToShow>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// What became of a typed second-factor code.
// Made once per request and moved straight to its page.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SecondStep {
    SignedIn {
        cookie: String,
        next: AfterSignIn,
        carried: Carried,
    },
    /// Not a code of the right shape: nothing was checked.
    Malformed,
    /// Wrong, used already, or a recovery code spent: budget spent.
    Wrong,
    /// This browser has no pending sign-in (another browser's, or it expired).
    NoPending,
    Paused(Timestamp),
}

impl App {
    /// Holds a sign-in whose password was right until the browser behind `cookie` gives the
    /// code.
    pub(super) fn hold_pending_sign_in(
        &self,
        cookie: &str,
        user: &User,
        then: Then,
        carried: Carried,
    ) {
        let now = self.now();
        let mut pending = lock(&self.browser_held.pending);
        pending.retain(|_, p| p.expires_at > now);
        let oldest = pending
            .iter()
            .min_by_key(|(_, p)| p.expires_at)
            .map(|(k, _)| *k);
        if let Some(oldest) = oldest.filter(|_| pending.len() >= MOST_PENDING) {
            pending.remove(&oldest);
        }
        pending.insert(
            session_hash(cookie),
            PendingSignIn {
                username: user.username.as_str().to_owned(),
                then,
                carried,
                expires_at: now.plus(PENDING_SIGN_IN),
            },
        );
    }

    /// Whether the browser behind `cookie` is halfway through signing in.
    pub fn has_pending_sign_in(&self, cookie: &str) -> bool {
        let now = self.now();
        lock(&self.browser_held.pending)
            .get(&session_hash(cookie))
            .is_some_and(|p| p.expires_at > now)
    }

    /// `POST /login/code`: checks the code within the sign-in budgets and, when right, opens
    /// the session and goes on to what the sign-in was for.
    pub fn finish_sign_in(&self, visitor: &Visitor, typed: &str) -> Result<SecondStep, AppError> {
        let key = session_hash(&visitor.cookie);
        let now = self.now();
        let Some(pending) = lock(&self.browser_held.pending)
            .get(&key)
            .filter(|p| p.expires_at > now)
            .cloned()
        else {
            return Ok(SecondStep::NoPending);
        };
        let Some(code) = TypedCode::parse(typed) else {
            return Ok(SecondStep::Malformed);
        };
        let checked = self.spending_sign_in_budget(&pending.username, visitor.address, || {
            let outcome = self.check_second_factor(&pending.username, &code);
            let wrong = matches!(outcome, Ok(None));
            Attempt { outcome, wrong }
        });
        let (user, method) = match checked {
            Err(until) => return Ok(SecondStep::Paused(until)),
            Ok(Err(fault)) => return Err(fault),
            Ok(Ok(None)) => {
                self.record(
                    AuditEvent::new(AuditKind::SignInFailed, self.now())
                        .subject(pending.username.to_ascii_lowercase())
                        .address(visitor.address.map(|a| a.to_string()))
                        .detail("second factor"),
                );
                return Ok(SecondStep::Wrong);
            }
            Ok(Ok(Some(found))) => found,
        };
        lock(&self.browser_held.pending).remove(&key);
        let event = AuditEvent::new(AuditKind::SignedIn, self.now())
            .subject(user.sub.as_str())
            .address(visitor.address.map(|a| a.to_string()))
            .detail(method.audit_detail());
        let NewSession {
            cookie,
            session,
            user,
        } = self.open_session(user, method, event)?;
        tracing::info!(username = %user.username, "signed in with a second factor");
        let next = self.go_on(visitor, session, user, pending.then)?;
        Ok(SecondStep::SignedIn {
            cookie,
            next,
            carried: pending.carried,
        })
    }

    /// The account and how it signed in when `code` is right; the code is marked used in the
    /// same write that accepts it, so two requests cannot both spend it.
    fn check_second_factor(
        &self,
        username: &str,
        code: &TypedCode,
    ) -> Result<Option<(User, SignInMethod)>, AppError> {
        let Some(user) = self.store.user_by_username(username)? else {
            return Ok(None);
        };
        let now = self.now();
        let (method, step) = match (&user.second_factor, code) {
            (
                SecondFactor::On {
                    secret, last_step, ..
                },
                TypedCode::Totp(digits),
            ) => {
                let step = steps_to_try(now, Some(*last_step))
                    .into_iter()
                    .find(|step| totp_matches(secret, *step, digits));
                match step {
                    Some(step) => (SignInMethod::PasswordAndTotp, Some(step)),
                    None => return Ok(None),
                }
            }
            (SecondFactor::On { .. }, TypedCode::Recovery(_)) => {
                (SignInMethod::PasswordAndRecoveryCode, None)
            }
            _ => return Ok(None),
        };
        let digest = match code {
            TypedCode::Recovery(text) => Some(sha256(text.as_bytes())),
            TypedCode::Totp(_) => None,
        };
        let spent = self.store.update_user(username, move |u| {
            spend_code(&mut u.second_factor, step, digest.as_ref())
        });
        match spent {
            Ok(user) if !user.disabled => Ok(Some((user, method))),
            Ok(_) => Ok(None),
            Err(
                crate::store::StoreError::Rejected(_) | crate::store::StoreError::NotFound { .. },
            ) => Ok(None),
            Err(fault) => Err(fault.into()),
        }
    }

    /// Recovery codes generated for the browser behind `cookie`, to be shown once.
    pub(super) fn keep_codes_to_show(&self, cookie: &str, codes: Vec<String>) {
        let now = self.now();
        let mut held = lock(&self.browser_held.codes_to_show);
        held.retain(|_, (_, until)| *until > now);
        held.insert(session_hash(cookie), (codes, now.plus(PENDING_SIGN_IN)));
    }

    /// The recovery codes waiting for this browser, taken: a reload shows none.
    pub fn take_codes_to_show(&self, cookie: &str) -> Option<Vec<String>> {
        let now = self.now();
        lock(&self.browser_held.codes_to_show)
            .remove(&session_hash(cookie))
            .filter(|(_, until)| *until > now)
            .map(|(codes, _)| codes)
    }
}

/// Marks a TOTP step or a recovery code used, or refuses when it was used already.
fn spend_code(
    factor: &mut SecondFactor,
    step: Option<u64>,
    recovery: Option<&[u8; 32]>,
) -> Result<(), Invalid> {
    let SecondFactor::On {
        last_step,
        recovery: left,
        ..
    } = factor
    else {
        return Err(Invalid::new("the second factor was turned off"));
    };
    if let Some(step) = step {
        if step <= *last_step {
            return Err(Invalid::new("a code for this time step was used already"));
        }
        *last_step = step;
    }
    if let Some(digest) = recovery {
        let before = left.len();
        left.retain(|d| !crate::crypto::hash::digests_equal(d, digest));
        if left.len() == before {
            return Err(Invalid::new("no such recovery code is left"));
        }
    }
    Ok(())
}

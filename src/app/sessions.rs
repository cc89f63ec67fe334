//! Signing in on the verification pages: passwords, browser sessions and form tokens.
//!
//! A browser is known by a random cookie. Before sign-in nothing is stored for it; its form
//! token is an HMAC of the cookie under the server's form key, so login forms are protected
//! too (login CSRF). Signing in issues a new cookie (no session fixation) whose SHA-256 keys
//! the stored session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::guard::Attempt;
use super::hashing::Busy;
use super::{App, AppError};
use crate::crypto::hash::{digests_equal, hmac_sha256, sha256};
use crate::crypto::password::{
    PasswordCheck, hash_password, spend_verification_time, verify_password,
};
use crate::crypto::random::random_token;
use std::net::IpAddr;

use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::second_factor::SignInMethod;
use crate::domain::session::Session;
use crate::domain::time::Timestamp;
use crate::domain::user::{PASSWORD_MAX_BYTES, PasswordHash, User};
use crate::store::SessionIdHash;

/// Why signing in failed. Deliberately one case: the page must not say whether the account
/// exists, is disabled, or the password was wrong (OWASP Authentication CS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    Rejected,
    /// Out of sign-in budget until then: the password was not checked.
    Paused(Timestamp),
    /// Every password-hashing slot stayed busy; try again in a moment.
    Busy,
    Unavailable(String),
}

impl From<AppError> for SignInError {
    fn from(e: AppError) -> Self {
        SignInError::Unavailable(e.to_string())
    }
}

/// What a right password leads to.
#[derive(Debug, Clone)]
pub enum PasswordAccepted {
    /// Signed in with the password alone.
    Session(NewSession),
    /// The account has a second factor: no session until its code is given too.
    NeedsSecondFactor(User),
}

/// A session just opened by signing in.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The new cookie value: the session's id, known only to the browser.
    pub cookie: String,
    pub session: Session,
    pub user: User,
}

pub(super) fn session_hash(cookie: &str) -> SessionIdHash {
    sha256(cookie.as_bytes())
}

impl App {
    /// A new, random browser cookie value.
    pub fn new_browser_cookie(&self) -> Result<String, AppError> {
        Ok(random_token()?)
    }

    /// The form token for the browser holding `cookie`.
    pub fn form_token(&self, cookie: &str) -> String {
        URL_SAFE_NO_PAD.encode(hmac_sha256(&self.form_key, cookie.as_bytes()))
    }

    /// Whether `token` is this browser's form token, compared in constant time.
    pub fn form_token_matches(&self, cookie: &str, token: &str) -> bool {
        let Ok(presented) = URL_SAFE_NO_PAD.decode(token) else {
            return false;
        };
        let Ok(presented) = <[u8; 32]>::try_from(presented.as_slice()) else {
            return false;
        };
        digests_equal(&presented, &hmac_sha256(&self.form_key, cookie.as_bytes()))
    }

    fn check_sign_in(
        &self,
        username: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<PasswordAccepted, SignInError> {
        if password.len() > PASSWORD_MAX_BYTES {
            return Err(SignInError::Rejected);
        }
        let user = self
            .store
            .user_by_username(username)
            .map_err(AppError::from)?;
        let stored = user.as_ref().map(|u| u.password_hash.clone());
        let typed = password.to_owned();
        let check = self
            .hashing
            .run(move || match stored {
                Some(stored) if stored.is_set() => verify_password(&stored, &typed),
                // No account, or an invited one without a password yet: no password matches,
                // and the answer takes as long as a real check.
                _ => {
                    spend_verification_time(&typed);
                    PasswordCheck::Mismatch
                }
            })
            .map_err(|Busy| SignInError::Busy)?;
        let Some(user) = user else {
            return Err(SignInError::Rejected);
        };
        match check {
            PasswordCheck::Mismatch => return Err(SignInError::Rejected),
            _ if user.disabled => return Err(SignInError::Rejected),
            PasswordCheck::Match { needs_rehash: true } => {
                // Upgrade the stored hash to today's parameters while the plaintext is at hand;
                // when the hashing threads are busy, a later sign-in does it.
                if let Ok(hash) = self.hash_new_password(password) {
                    self.store
                        .update_user(user.username.as_str(), move |u| {
                            u.password_hash = hash.clone();
                            Ok(())
                        })
                        .map_err(AppError::from)?;
                }
            }
            PasswordCheck::Match {
                needs_rehash: false,
            } => {}
        }
        if user.second_factor.is_on() {
            return Ok(PasswordAccepted::NeedsSecondFactor(user));
        }
        let now = self.now();
        let method = SignInMethod::Password;
        let signed_in = AuditEvent::new(AuditKind::SignedIn, now)
            .subject(user.sub.as_str())
            .address(address.map(|a| a.to_string()))
            .detail(method.audit_detail());
        let opened = self.open_session(user, method, signed_in)?;
        tracing::info!(username = %opened.user.username, "signed in");
        Ok(PasswordAccepted::Session(opened))
    }

    /// Opens a browser session for `user` under a new cookie, recording `event` with it.
    pub(super) fn open_session(
        &self,
        user: User,
        method: SignInMethod,
        event: AuditEvent,
    ) -> Result<NewSession, AppError> {
        let cookie = random_token()?;
        let session = Session::new(user.sub.clone(), self.now(), method);
        self.store.insert_session(
            &session_hash(&cookie),
            &session,
            self.settings.lifetimes.session_max,
            self.audit_rows(event)?,
        )?;
        Ok(NewSession {
            cookie,
            session,
            user,
        })
    }

    /// A new password's hash, made on the hashing threads.
    pub(super) fn hash_new_password(&self, password: &str) -> Result<PasswordHash, AppError> {
        let password = password.to_owned();
        self.hashing
            .run(move || hash_password(&password))
            .map_err(|Busy| AppError::Unavailable("every password-hashing thread is busy".into()))?
            .map_err(AppError::from)
    }

    /// Checks the password and opens a session, recording the attempt either way. The
    /// sign-in budgets of the account and the address are spent before the password is looked
    /// at, and given back when it was right.
    pub fn sign_in(
        &self,
        username: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<PasswordAccepted, SignInError> {
        let outcome = self
            .spending_sign_in_budget(username, address, || {
                let outcome = self.check_sign_in(username, password, address);
                let wrong = matches!(outcome, Err(SignInError::Rejected));
                Attempt { outcome, wrong }
            })
            .map_err(SignInError::Paused)?;
        if let Err(SignInError::Rejected) = &outcome {
            let tried: String = username
                .chars()
                .take(64)
                .collect::<String>()
                .to_ascii_lowercase();
            self.record(
                AuditEvent::new(AuditKind::SignInFailed, self.now())
                    .subject(tried)
                    .address(address.map(|a| a.to_string())),
            );
        }
        outcome
    }

    /// The live session and its user behind `cookie`, refreshing its idle timer.
    pub fn signed_in(&self, cookie: &str) -> Result<Option<(Session, User)>, AppError> {
        let hash = session_hash(cookie);
        let Some(session) = self.store.session(&hash)? else {
            return Ok(None);
        };
        let now = self.now();
        let lifetimes = &self.settings.lifetimes;
        if !session.is_live(now, lifetimes.session_idle, lifetimes.session_max) {
            self.store.remove_session(&hash)?;
            return Ok(None);
        }
        let Some(user) = self
            .store
            .user_by_sub(&session.sub)?
            .filter(|u| !u.disabled)
        else {
            self.store.remove_session(&hash)?;
            return Ok(None);
        };
        self.store.touch_session(&hash, now)?;
        Ok(Some((session, user)))
    }

    pub fn sign_out(&self, cookie: &str) -> Result<(), AppError> {
        Ok(self.store.remove_session(&session_hash(cookie))?)
    }
}

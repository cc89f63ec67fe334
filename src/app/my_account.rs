//! "My account": what a signed-in person sees of their account, and changing their own
//! password. The current password is checked against the sign-in budgets of the account and
//! the address, exactly as signing in spends them, so this form is no way round them.

use super::accounts::Devices;
use super::guard::Attempt;
use super::hashing::Busy;
use super::person::Visitor;
use super::sessions::session_hash;
use super::{App, AppError};
use crate::crypto::password::{PasswordCheck, verify_password};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::time::Timestamp;
use crate::domain::user::{PASSWORD_MAX_BYTES, User, check_new_password};

/// What a password change came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChange {
    /// Changed; the person's other browser sessions ended, this one stays.
    Changed,
    NotSignedIn,
    /// The current password was wrong (and spent sign-in budget).
    WrongCurrent,
    /// The two new fields differ.
    Mismatch,
    /// The password policy refused the new one, saying why.
    Refused(String),
    /// Out of sign-in budget until then: nothing was checked.
    Paused(Timestamp),
    Busy,
}

/// What "My account" shows of the person.
#[derive(Debug, Clone)]
pub struct MyAccount {
    pub user: User,
    /// The names of the groups they are in, sorted; only an operator changes them.
    pub groups: Vec<String>,
}

impl App {
    /// The signed-in person behind `cookie`, if any, with the groups they are in.
    pub fn my_account(&self, cookie: &str) -> Result<Option<MyAccount>, AppError> {
        let Some((_, user)) = self.signed_in(cookie)? else {
            return Ok(None);
        };
        let groups = self.group_names_of(&user.sub)?;
        Ok(Some(MyAccount { user, groups }))
    }

    /// Changes the signed-in person's password, given the current one.
    pub fn change_my_password(
        &self,
        visitor: &Visitor,
        current: &str,
        new: &str,
        repeat: &str,
    ) -> Result<PasswordChange, AppError> {
        let Some((_, user)) = self.signed_in(&visitor.cookie)? else {
            return Ok(PasswordChange::NotSignedIn);
        };
        if new != repeat {
            return Ok(PasswordChange::Mismatch);
        }
        if let Err(refused) = check_new_password(new) {
            return Ok(PasswordChange::Refused(refused.to_string()));
        }
        let username = user.username.to_string();
        let checked = self.spending_sign_in_budget(&username, visitor.address, || {
            let outcome = self.check_current_password(&user, current);
            let wrong = outcome == Ok(false);
            Attempt { outcome, wrong }
        });
        match checked {
            Err(until) => return Ok(PasswordChange::Paused(until)),
            Ok(Err(Busy)) => return Ok(PasswordChange::Busy),
            Ok(Ok(false)) => {
                self.record(
                    AuditEvent::new(AuditKind::SignInFailed, self.now())
                        .subject(username.to_ascii_lowercase())
                        .address(visitor.address.map(|a| a.to_string())),
                );
                return Ok(PasswordChange::WrongCurrent);
            }
            Ok(Ok(true)) => {}
        }
        let hash = match self.hash_new_password(new) {
            Ok(hash) => hash,
            Err(AppError::Unavailable(_)) => return Ok(PasswordChange::Busy),
            Err(e) => return Err(e),
        };
        let now = self.now();
        let user = self.store.update_user(&username, move |u| {
            u.password_hash = hash.clone();
            u.updated_at = now;
            Ok(())
        })?;
        let this_one = session_hash(&visitor.cookie);
        self.end_sign_ins(&user, Devices::Keep, Some(this_one))?;
        tracing::info!(username = %user.username, "a person changed their password");
        Ok(PasswordChange::Changed)
    }

    pub(super) fn check_current_password(&self, user: &User, typed: &str) -> Result<bool, Busy> {
        if typed.len() > PASSWORD_MAX_BYTES {
            return Ok(false);
        }
        let (stored, typed) = (user.password_hash.clone(), typed.to_owned());
        self.hashing.run(move || {
            matches!(
                verify_password(&stored, &typed),
                PasswordCheck::Match { .. }
            )
        })
    }
}

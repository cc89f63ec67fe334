//! People's accounts: create, list, change password, disable, remove; and ending what a
//! person is signed in with when their account changes that way.

use serde::{Deserialize, Serialize};

use super::{App, AppError};
use crate::crypto::random::random_array;
use crate::domain::Invalid;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::second_factor::SecondFactor;
use crate::domain::user::{Email, Subject, User, Username, check_new_password, parse_display_name};
use crate::store::{IssuedTo, SessionIdHash};

/// What an account change ends besides the browser sessions, which it always ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Devices {
    /// Devices stay signed in: their refresh tokens and access tokens keep working.
    Keep,
    /// Every device grant (refresh family) ends, and every access token of the person, of
    /// whichever client and grant, stops working.
    End,
}

/// What an operator gives to create an account. Every field is checked here, whichever way
/// the request came in.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub admin: bool,
}

/// What an operator changes of an account; `None` leaves a field as it is, and an empty name
/// or email clears it. The `sub` never changes, so every app goes on knowing the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub admin: Option<bool>,
    /// Disable (ending sessions, device grants and access tokens) or enable the account.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// A new password: ends the browser sessions and, unless `keep_devices`, the devices.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub keep_devices: bool,
    /// Turn the second factor off (an operator resets a lost authenticator).
    #[serde(default)]
    pub no_totp: bool,
}

/// What a change ended of what the person was signed in with, for the operator to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInsEnded {
    pub browser_sessions: u64,
    pub device_grants: u64,
    /// Every access token of the person stopped working.
    pub access_tokens: bool,
}

impl App {
    /// Changes an account's name, email, role, whether it is disabled and its password,
    /// keeping its `sub`. A new email address is unverified unless the operator vouches for
    /// it in the same change. Disabling ends the person's browser sessions, device grants and
    /// access tokens; a new password ends the sessions and, unless `keep_devices`, the rest.
    /// `user disable`, `user enable` and `user passwd` are this function too.
    pub fn update_user(
        &self,
        username: &str,
        changes: &UserChanges,
    ) -> Result<(User, Option<SignInsEnded>), AppError> {
        let display_name = match changes.display_name.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(name) => Some(Some(parse_display_name(name, "name")?)),
        };
        let email = match changes.email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(address) => Some(Some(Email::parse(address)?)),
        };
        let password_hash = match &changes.password {
            Some(password) => {
                check_new_password(password)?;
                // Hashed before the write transaction: Argon2 takes tens of milliseconds.
                Some(self.hash_new_password(password)?)
            }
            None => None,
        };
        let (verified, admin, now) = (changes.email_verified, changes.admin, self.now());
        let (disabled, no_totp) = (changes.disabled, changes.no_totp);
        let new_hash = password_hash.clone();
        let user = self.store.update_user(username, move |user| {
            if let Some(name) = &display_name {
                user.display_name = name.clone();
            }
            if let Some(address) = &email {
                if *address != user.email {
                    user.email_verified = false;
                }
                user.email = address.clone();
            }
            if let Some(verified) = verified {
                if verified && user.email.is_none() {
                    return Err(Invalid::new("--email-verified needs an email address"));
                }
                user.email_verified = verified;
            }
            if let Some(admin) = admin {
                user.admin = admin;
            }
            if let Some(disabled) = disabled {
                user.disabled = disabled;
            }
            if let Some(hash) = &new_hash {
                user.password_hash = hash.clone();
            }
            if no_totp {
                user.second_factor = SecondFactor::Off;
            }
            user.updated_at = now;
            Ok(())
        })?;
        let devices =
            if disabled == Some(true) || (password_hash.is_some() && !changes.keep_devices) {
                Some(Devices::End)
            } else if password_hash.is_some() {
                Some(Devices::Keep)
            } else {
                None
            };
        let ended = match devices {
            Some(devices) => Some(self.end_sign_ins(&user, devices, None)?),
            None => None,
        };
        tracing::info!(username = %user.username, sub = %user.sub, ?disabled, password = password_hash.is_some(), "changed a user");
        Ok((user, ended))
    }

    pub fn add_user(&self, new: NewUser) -> Result<User, AppError> {
        let username = Username::parse(&new.username)?;
        check_new_password(&new.password)?;
        let display_name = new
            .display_name
            .as_deref()
            .map(|n| parse_display_name(n, "name"))
            .transpose()?;
        let email = new.email.as_deref().map(Email::parse).transpose()?;
        if new.email_verified && email.is_none() {
            return Err(AppError::Invalid(
                "--email-verified needs an --email".into(),
            ));
        }
        if self.store.user_by_username(username.as_str())?.is_some() {
            return Err(AppError::Conflict(format!(
                "a user named {:?} already exists",
                username.as_str()
            )));
        }
        let password_hash = self.hash_new_password(&new.password)?;
        let now = self.now();
        let user = User {
            sub: Subject::from_random(random_array()?),
            username,
            display_name,
            email,
            email_verified: new.email_verified,
            password_hash,
            disabled: false,
            admin: new.admin,
            second_factor: Default::default(),
            created_at: now,
            updated_at: now,
        };
        self.store.insert_user(&user)?;
        tracing::info!(username = %user.username, sub = %user.sub, "added a user");
        Ok(user)
    }

    pub fn users(&self) -> Result<Vec<User>, AppError> {
        Ok(self.store.users()?)
    }

    pub fn user(&self, username: &str) -> Result<User, AppError> {
        self.store
            .user_by_username(username)?
            .ok_or_else(|| AppError::NotFound(format!("there is no user named {username:?}")))
    }

    /// Sets a new password and ends the browser sessions signed in with the old one: a
    /// password is changed because it may have leaked. Devices end too, unless `keep_devices`
    /// (a routine change, where signing every TV in again would be a chore).
    pub fn set_password(
        &self,
        username: &str,
        password: &str,
        keep_devices: bool,
    ) -> Result<(User, Option<SignInsEnded>), AppError> {
        let changes = UserChanges {
            password: Some(password.to_owned()),
            keep_devices,
            ..UserChanges::default()
        };
        self.update_user(username, &changes)
    }

    /// Disabling ends the browser sessions, device grants and access tokens, so enabling
    /// again brings none of them back: the person signs in and pairs their devices anew.
    pub fn set_user_disabled(
        &self,
        username: &str,
        disabled: bool,
    ) -> Result<(User, Option<SignInsEnded>), AppError> {
        let changes = UserChanges {
            disabled: Some(disabled),
            ..UserChanges::default()
        };
        self.update_user(username, &changes)
    }

    /// Removes an account after ending everything it is signed in with, so no session, device
    /// grant or access token outlives it.
    pub fn remove_user(&self, username: &str) -> Result<User, AppError> {
        self.end_sign_ins(&self.user(username)?, Devices::End, None)?;
        let user = self.store.remove_user(username, self.now())?;
        tracing::info!(username = %user.username, sub = %user.sub, "removed a user");
        Ok(user)
    }

    /// Ends `user`'s browser sessions but `keep` and, with [`Devices::End`], their device
    /// grants (each as signing the device out does) and every access token issued to anyone for
    /// them until now. The audit log records each: `sessions_ended`, a `revoked` per grant with
    /// its client, and a `revoked` without a client for all the person's access tokens.
    pub(super) fn end_sign_ins(
        &self,
        user: &User,
        devices: Devices,
        keep: Option<SessionIdHash>,
    ) -> Result<SignInsEnded, AppError> {
        let sub = user.sub.as_str();
        let now = self.now();
        let ended = AuditEvent::new(AuditKind::SessionsEnded, now).subject(sub);
        let sessions = self
            .store
            .remove_sessions_of(&user.sub, keep, self.audit_rows(ended)?)?;
        let mut report = SignInsEnded {
            browser_sessions: sessions as u64,
            ..SignInsEnded::default()
        };
        if devices == Devices::Keep {
            tracing::info!(username = %user.username, sessions, "ended a person's browser sessions");
            return Ok(report);
        }
        for (id, family) in self.store.refresh_families_of(sub)? {
            if family.is_live(now) {
                self.end_pairing(&id, &family)?;
                report.device_grants += 1;
            }
        }
        self.revoke_token_sets(
            &[IssuedTo::Person { sub }],
            now,
            AuditEvent::new(AuditKind::Revoked, now).subject(sub),
        )?;
        report.access_tokens = true;
        tracing::info!(username = %user.username, sessions, grants = report.device_grants, "ended a person's sessions, device grants and access tokens");
        Ok(report)
    }
}

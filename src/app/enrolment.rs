//! Setting up and removing the second factor from "My account": a fresh 160-bit secret kept
//! as `Enrolling` until a code from the person's app proves it arrived; then it is `On`, and
//! ten recovery codes are made, stored as SHA-256 digests and shown to this browser once.
//! Turning it off takes the current password and a code. Every typed password and code
//! spends the sign-in budgets, as signing in does.

use super::guard::Attempt;
use super::hashing::Busy;
use super::person::Visitor;
use super::{App, AppError};
use crate::crypto::totp::{base32, new_recovery_codes, new_totp_secret, totp_matches};
use crate::domain::Invalid;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::second_factor::{
    ENROLMENT_SECS, SecondFactor, TotpSecret, TypedCode, grouped_recovery_code, steps_to_try,
};
use crate::domain::time::Timestamp;
use crate::domain::user::User;

/// What "set up two-step sign-in" shows.
#[derive(Debug, Clone)]
pub enum EnrolmentStart {
    NotSignedIn,
    AlreadyOn,
    /// The key in base32 and the `otpauth://` URI for the QR code.
    Key {
        key: String,
        uri: String,
    },
}

/// What became of a code typed to confirm, or to turn the second factor off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactorChange {
    Done,
    NotSignedIn,
    /// No enrolment is waiting (it expired, or the factor is on already).
    NothingToConfirm,
    Malformed,
    /// A wrong code or password (budget spent).
    Wrong,
    Paused(Timestamp),
    Busy,
}

impl App {
    /// `GET /account/second-factor`: the enrolment waiting for this person, or a new one.
    pub fn start_enrolment(&self, cookie: &str) -> Result<EnrolmentStart, AppError> {
        let Some((_, user)) = self.signed_in(cookie)? else {
            return Ok(EnrolmentStart::NotSignedIn);
        };
        let now = self.now();
        let secret = match &user.second_factor {
            SecondFactor::On { .. } => return Ok(EnrolmentStart::AlreadyOn),
            SecondFactor::Enrolling { secret, started_at } if fresh(*started_at, now) => {
                secret.clone()
            }
            _ => {
                let secret = new_totp_secret()?;
                let stored = secret.clone();
                self.store.update_user(user.username.as_str(), move |u| {
                    if u.second_factor.is_on() {
                        return Err(Invalid::new("the second factor is on already"));
                    }
                    u.second_factor = SecondFactor::Enrolling {
                        secret: stored.clone(),
                        started_at: now,
                    };
                    Ok(())
                })?;
                secret
            }
        };
        let key = base32(&secret.0);
        let uri = self.otpauth_uri(&user, &key);
        Ok(EnrolmentStart::Key { key, uri })
    }

    /// Key URI Format (Google Authenticator's): `otpauth://totp/ISSUER:USER?secret=…`.
    fn otpauth_uri(&self, user: &User, key: &str) -> String {
        use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
        let issuer = self.settings.site_name();
        let issuer = utf8_percent_encode(&issuer, NON_ALPHANUMERIC).to_string();
        let account = utf8_percent_encode(user.username.as_str(), NON_ALPHANUMERIC).to_string();
        format!(
            "otpauth://totp/{issuer}:{account}?secret={key}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
        )
    }

    /// `POST /account/second-factor`: the code that proves the app holds the key.
    pub fn confirm_enrolment(
        &self,
        visitor: &Visitor,
        typed: &str,
    ) -> Result<FactorChange, AppError> {
        let Some((_, user)) = self.signed_in(&visitor.cookie)? else {
            return Ok(FactorChange::NotSignedIn);
        };
        let now = self.now();
        let SecondFactor::Enrolling { secret, started_at } = &user.second_factor else {
            return Ok(FactorChange::NothingToConfirm);
        };
        if !fresh(*started_at, now) {
            return Ok(FactorChange::NothingToConfirm);
        }
        let Some(TypedCode::Totp(digits)) = TypedCode::parse(typed) else {
            return Ok(FactorChange::Malformed);
        };
        let username = user.username.as_str().to_owned();
        let step = self.spending_sign_in_budget(&username, visitor.address, || {
            let step = matching_step(secret, None, &digits, now);
            Attempt {
                wrong: step.is_none(),
                outcome: step,
            }
        });
        let step = match step {
            Err(until) => return Ok(FactorChange::Paused(until)),
            Ok(None) => return Ok(FactorChange::Wrong),
            Ok(Some(step)) => step,
        };
        let (codes, digests) = new_recovery_codes()?;
        let expected = secret.clone();
        let turned_on = self.store.update_user(&username, move |u| {
            match &u.second_factor {
                SecondFactor::Enrolling { secret, .. } if *secret == expected => {}
                _ => return Err(Invalid::new("the enrolment changed meanwhile")),
            }
            u.second_factor = SecondFactor::On {
                secret: expected.clone(),
                last_step: step,
                recovery: digests.clone(),
            };
            Ok(())
        });
        match turned_on {
            Ok(_) => {}
            Err(crate::store::StoreError::Rejected(_)) => {
                return Ok(FactorChange::NothingToConfirm);
            }
            Err(fault) => return Err(fault.into()),
        }
        self.record(
            AuditEvent::new(AuditKind::SecondFactorChanged, now)
                .subject(user.sub.as_str())
                .detail("second factor turned on"),
        );
        let shown = codes.iter().map(|c| grouped_recovery_code(c)).collect();
        self.keep_codes_to_show(&visitor.cookie, shown);
        Ok(FactorChange::Done)
    }

    /// `POST /account/second-factor/off`: with the current password and a current code.
    pub fn turn_off_second_factor(
        &self,
        visitor: &Visitor,
        current: &str,
        typed: &str,
    ) -> Result<FactorChange, AppError> {
        let Some((_, user)) = self.signed_in(&visitor.cookie)? else {
            return Ok(FactorChange::NotSignedIn);
        };
        let SecondFactor::On {
            secret, last_step, ..
        } = &user.second_factor
        else {
            return Ok(FactorChange::NothingToConfirm);
        };
        let Some(TypedCode::Totp(digits)) = TypedCode::parse(typed) else {
            return Ok(FactorChange::Malformed);
        };
        let now = self.now();
        let username = user.username.as_str().to_owned();
        let checked = self.spending_sign_in_budget(&username, visitor.address, || {
            let outcome = match self.check_current_password(&user, current) {
                Ok(true) => Ok(matching_step(secret, Some(*last_step), &digits, now).is_some()),
                Ok(false) => Ok(false),
                Err(Busy) => Err(Busy),
            };
            let wrong = outcome == Ok(false);
            Attempt { outcome, wrong }
        });
        match checked {
            Err(until) => return Ok(FactorChange::Paused(until)),
            Ok(Err(Busy)) => return Ok(FactorChange::Busy),
            Ok(Ok(false)) => return Ok(FactorChange::Wrong),
            Ok(Ok(true)) => {}
        }
        self.store.update_user(&username, |u| {
            u.second_factor = SecondFactor::Off;
            Ok(())
        })?;
        self.record(
            AuditEvent::new(AuditKind::SecondFactorChanged, now)
                .subject(user.sub.as_str())
                .detail("second factor turned off"),
        );
        Ok(FactorChange::Done)
    }
}

fn fresh(started_at: Timestamp, now: Timestamp) -> bool {
    now.secs() < started_at.secs().saturating_add(ENROLMENT_SECS)
}

fn matching_step(
    secret: &TotpSecret,
    last_step: Option<u64>,
    digits: &str,
    now: Timestamp,
) -> Option<u64> {
    steps_to_try(now, last_step)
        .into_iter()
        .find(|step| totp_matches(secret, *step, digits))
}

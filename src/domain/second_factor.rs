//! The second factor: a TOTP authenticator (RFC 6238) with one-time recovery codes, and how a
//! person signed in (RFC 8176 `amr` values). The codes themselves are computed in `crypto`;
//! here are the rules: which time steps a code may match, replay, and the states.

use std::fmt;

use super::time::Timestamp;

/// RFC 6238 §4: time steps of 30 seconds from the Unix epoch.
pub const TOTP_STEP_SECS: u64 = 30;
/// RFC 6238 §5.2: one step either side, for clocks that drift and people who type slowly.
pub const TOTP_TOLERANCE_STEPS: u64 = 1;
/// Six digits, the length every authenticator app shows by default.
pub const TOTP_DIGITS: usize = 6;
/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;
/// How long an enrolment may wait for its confirming code.
pub const ENROLMENT_SECS: u64 = 15 * 60;

/// A TOTP shared secret: 160 bits, as RFC 4226 §4 recommends. Its `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(pub [u8; 20]);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

/// The second factor of an account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SecondFactor {
    #[default]
    Off,
    /// A secret shown to the person, waiting for a code that proves their app holds it.
    Enrolling {
        secret: TotpSecret,
        started_at: Timestamp,
    },
    On {
        secret: TotpSecret,
        /// The latest time step a code was accepted for: a code for it or an earlier step is a
        /// replay (RFC 6238 §5.2).
        last_step: u64,
        /// SHA-256 digests of the recovery codes not used yet.
        recovery: Vec<[u8; 32]>,
    },
}

impl SecondFactor {
    pub fn is_on(&self) -> bool {
        matches!(self, SecondFactor::On { .. })
    }
}

/// The time step `now` falls in.
pub fn time_step(now: Timestamp) -> u64 {
    now.secs() / TOTP_STEP_SECS
}

/// The steps a code typed at `now` may be for, nearest first, leaving out those already used.
pub fn steps_to_try(now: Timestamp, last_step: Option<u64>) -> Vec<u64> {
    let current = time_step(now);
    let mut steps = vec![current];
    for delta in 1..=TOTP_TOLERANCE_STEPS {
        steps.push(current.saturating_sub(delta));
        steps.push(current + delta);
    }
    steps.dedup();
    steps.retain(|step| last_step.is_none_or(|last| *step > last));
    steps
}

/// What a person typed as a second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedCode {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, normalized (lower case, no separators).
    Recovery(String),
}

/// Recovery codes are 16 characters of this alphabet, shown in four groups of four.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
pub const RECOVERY_CODE_CHARS: usize = 16;

impl TypedCode {
    /// Reads what was typed: six digits (spaces allowed), or a recovery code (dashes and
    /// spaces allowed, any case); `None` for anything else, which then checks nothing.
    pub fn parse(typed: &str) -> Option<TypedCode> {
        if typed.len() > 64 {
            return None;
        }
        let kept: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if kept.len() == TOTP_DIGITS && kept.bytes().all(|b| b.is_ascii_digit()) {
            return Some(TypedCode::Totp(kept));
        }
        let lower = kept.to_ascii_lowercase();
        let recovery = lower.len() == RECOVERY_CODE_CHARS
            && lower.bytes().all(|b| RECOVERY_ALPHABET.contains(&b));
        recovery.then_some(TypedCode::Recovery(lower))
    }
}

/// Shows a recovery code as the person writes it down: `abcd-efgh-jkmn-pqrs`.
pub fn grouped_recovery_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// How a person proved who they are, for a session and what it approves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignInMethod {
    /// A password alone (and every session from before methods were recorded).
    #[default]
    Password,
    /// A password and a code from the authenticator app.
    PasswordAndTotp,
    /// A password and one of the recovery codes.
    PasswordAndRecoveryCode,
}

impl SignInMethod {
    /// RFC 8176 values for the ID token's `amr`. A recovery code is a one-time password too.
    pub fn amr(self) -> Vec<String> {
        let values: &[&str] = match self {
            SignInMethod::Password => &["pwd"],
            SignInMethod::PasswordAndTotp | SignInMethod::PasswordAndRecoveryCode => {
                &["pwd", "otp", "mfa"]
            }
        };
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    /// Whether a second factor was used.
    pub fn is_multi_factor(self) -> bool {
        self != SignInMethod::Password
    }

    /// The words the audit log records.
    pub fn audit_detail(self) -> &'static str {
        match self {
            SignInMethod::Password => "password",
            SignInMethod::PasswordAndTotp => "password+totp",
            SignInMethod::PasswordAndRecoveryCode => "password+recovery-code",
        }
    }

    /// The byte records store.
    pub fn to_stored(self) -> u8 {
        match self {
            SignInMethod::Password => 0,
            SignInMethod::PasswordAndTotp => 1,
            SignInMethod::PasswordAndRecoveryCode => 2,
        }
    }

    pub fn from_stored(byte: u8) -> Option<SignInMethod> {
        match byte {
            0 => Some(SignInMethod::Password),
            1 => Some(SignInMethod::PasswordAndTotp),
            2 => Some(SignInMethod::PasswordAndRecoveryCode),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_around_now_skip_used_ones() {
        let now = Timestamp::from_secs(30 * 100 + 5);
        assert_eq!(steps_to_try(now, None), vec![100, 99, 101]);
        assert_eq!(steps_to_try(now, Some(100)), vec![101]);
        assert_eq!(steps_to_try(now, Some(101)), Vec::<u64>::new());
    }

    #[test]
    fn typed_codes_are_read_strictly() {
        assert_eq!(
            TypedCode::parse(" 123 456 "),
            Some(TypedCode::Totp("123456".into()))
        );
        assert_eq!(TypedCode::parse("12345"), None);
        assert_eq!(TypedCode::parse("1234567"), None);
        assert_eq!(TypedCode::parse("12a456"), None);
        assert_eq!(
            TypedCode::parse("ABCD-EFGH-JKMN-PQRS"),
            Some(TypedCode::Recovery("abcdefghjkmnpqrs".into()))
        );
        assert_eq!(TypedCode::parse("abcd-efgh-jkmn-pqr1"), None);
    }

    #[test]
    fn amr_names_the_factors() {
        assert_eq!(SignInMethod::Password.amr(), vec!["pwd"]);
        assert_eq!(
            SignInMethod::PasswordAndTotp.amr(),
            vec!["pwd", "otp", "mfa"]
        );
        for m in [
            SignInMethod::Password,
            SignInMethod::PasswordAndTotp,
            SignInMethod::PasswordAndRecoveryCode,
        ] {
            assert_eq!(SignInMethod::from_stored(m.to_stored()), Some(m));
        }
    }
}

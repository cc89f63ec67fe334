//! People who sign in: usernames, emails, passwords and the stable subject identifier.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::second_factor::SecondFactor;
use super::time::Timestamp;
use super::{Invalid, has_control};

/// OWASP's floor for passwords used without a second factor is 8; the cap bounds hashing work
/// (SPEC WEB-15) while leaving room for long passphrases.
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// The OIDC `sub`: opaque, never reassigned, independent of username and email (OIDC Core §2).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Subject(String);

impl Subject {
    /// Builds a subject from 16 random bytes drawn by the caller.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Subject(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts a subject read back from storage or the control socket.
    pub fn from_stored(text: String) -> Self {
        Subject(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A username as typed at creation; compared and indexed case-insensitively via [`Self::key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let valid = (1..=64).contains(&text.chars().count())
            && text
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'));
        if valid {
            Ok(Username(text.to_owned()))
        } else {
            Err(Invalid::new(format!(
                "username {text:?} is not allowed: use 1 to 64 ASCII letters, digits and . _ - @ +, starting with a letter or digit"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-folded form that makes `Alice` and `alice` the same account.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address in the plain `local@domain` shape OIDC's `email` claim carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let shaped = text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
        let valid = shaped
            && text.len() <= 254
            && !has_control(text)
            && !text.chars().any(char::is_whitespace);
        if valid {
            Ok(Email(text.to_owned()))
        } else {
            Err(Invalid::new(format!(
                "email {text:?} is not an address of the form name@example.org"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A human-facing name (a person's or a client's): 1 to 128 characters, no control characters.
pub fn parse_display_name(text: &str, what: &str) -> Result<String, Invalid> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 128 || has_control(trimmed) {
        return Err(Invalid::new(format!(
            "{what} {text:?} is not allowed: use 1 to 128 characters without control characters"
        )));
    }
    Ok(trimmed.to_owned())
}

/// Checks a new password against the length rules before it is hashed.
pub fn check_new_password(password: &str) -> Result<(), Invalid> {
    if password.len() > PASSWORD_MAX_BYTES {
        return Err(Invalid::new(format!(
            "the password is longer than {PASSWORD_MAX_BYTES} bytes"
        )));
    }
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Err(Invalid::new(format!(
            "the password is shorter than {PASSWORD_MIN_CHARS} characters"
        )));
    }
    Ok(())
}

/// An Argon2id hash in PHC string form. Its `Debug` never prints the hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_phc(phc: String) -> Self {
        PasswordHash(phc)
    }

    pub fn as_phc(&self) -> &str {
        &self.0
    }

    /// The stand-in of an invited account that has no password yet: it is no PHC string (those
    /// start with `$`), so no password ever matches it. The account keeps the user record's
    /// layout and becomes usable when the invitation link sets a real hash.
    pub fn not_set_yet() -> Self {
        PasswordHash(NOT_SET_YET.to_owned())
    }

    /// Whether a password was ever chosen for the account (false while it is invited).
    pub fn is_set(&self) -> bool {
        self.0 != NOT_SET_YET
    }
}

const NOT_SET_YET: &str = "!invited";

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub sub: Subject,
    pub username: Username,
    pub display_name: Option<String>,
    pub email: Option<Email>,
    pub email_verified: bool,
    pub password_hash: PasswordHash,
    pub disabled: bool,
    pub admin: bool,
    /// The TOTP authenticator and recovery codes, when the person set them up.
    pub second_factor: SecondFactor,
    pub created_at: Timestamp,
    /// OIDC `updated_at`: the last change to anything a relying party may read.
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_key_ignores_case() {
        assert_eq!(Username::parse("Alice").unwrap().key(), "alice");
    }

    #[test]
    fn username_rejects_spaces_and_leading_punctuation() {
        assert!(Username::parse("al ice").is_err());
        assert!(Username::parse(".alice").is_err());
        assert!(Username::parse("").is_err());
        assert!(Username::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn email_needs_one_at_and_both_halves() {
        assert!(Email::parse("alice@example.org").is_ok());
        assert!(Email::parse("alice@").is_err());
        assert!(Email::parse("@example.org").is_err());
        assert!(Email::parse("a@b@c").is_err());
        assert!(Email::parse("a lice@example.org").is_err());
    }

    #[test]
    fn password_length_rules() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery staple").is_ok());
        assert!(check_new_password(&"x".repeat(PASSWORD_MAX_BYTES + 1)).is_err());
    }

    #[test]
    fn password_hash_debug_hides_the_hash() {
        let hash = PasswordHash::from_phc("$argon2id$secret".into());
        assert_eq!(format!("{hash:?}"), "PasswordHash(…)");
    }
}

//! OAuth scopes (RFC 6749 §3.3): space-delimited, case-sensitive tokens of NQCHAR.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Invalid;

/// The scopes OpenID Connect defines, and `groups` (the person's groups, a claim many relying
/// parties read); any other valid token is an API scope such as `api.read`.
pub const OIDC_SCOPES: [&str; 5] = ["openid", "profile", "email", "offline_access", "groups"];

/// One scope token.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Scope(String);

impl Scope {
    /// RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
    pub fn parse(token: &str) -> Result<Self, Invalid> {
        let valid = !token.is_empty()
            && token.len() <= 128
            && token
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
        if valid {
            Ok(Scope(token.to_owned()))
        } else {
            Err(Invalid::new(format!(
                "scope {token:?} is not a valid scope token: use 1 to 128 printable ASCII characters without spaces, quotes or backslashes"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A set of scopes that keeps the order it was first given in and holds no duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeSet(Vec<Scope>);

impl ScopeSet {
    /// Parses a space-delimited scope string; repeated tokens collapse into one.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        Self::from_tokens(text.split(' ').filter(|token| !token.is_empty()))
    }

    pub fn from_tokens<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Result<Self, Invalid> {
        let mut set = ScopeSet::default();
        for token in tokens {
            set.insert(Scope::parse(token)?);
        }
        Ok(set)
    }

    pub fn insert(&mut self, scope: Scope) {
        if !self.0.contains(&scope) {
            self.0.push(scope);
        }
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s.as_str() == scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }

    /// Every scope of `self` is also in `allowed`.
    pub fn is_subset_of(&self, allowed: &ScopeSet) -> bool {
        self.0.iter().all(|s| allowed.contains(s.as_str()))
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_space_delimited_scopes_without_duplicates() {
        let set = ScopeSet::parse("openid  profile openid api.read").unwrap();
        assert_eq!(set.to_string(), "openid profile api.read");
    }

    #[test]
    fn refuses_characters_outside_nqchar() {
        assert!(Scope::parse("a\"b").is_err());
        assert!(Scope::parse("a\\b").is_err());
        assert!(Scope::parse("é").is_err());
        assert!(Scope::parse("").is_err());
    }

    #[test]
    fn scopes_are_case_sensitive() {
        let allowed = ScopeSet::parse("openid").unwrap();
        assert!(!ScopeSet::parse("OpenID").unwrap().is_subset_of(&allowed));
    }
}

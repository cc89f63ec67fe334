//! Groups of people, and the access policy a client names them in.
//!
//! A group has a stable id and a name that may change: memberships and client policies refer
//! to the id, so renaming a group keeps both. Invariant: group names are unique ignoring case.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::Invalid;
use super::time::Timestamp;
use super::user::{Subject, User};

/// A group's stable identifier: opaque, drawn once, never reassigned by a rename.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GroupId(String);

impl GroupId {
    /// Builds an id from 16 random bytes drawn by the caller.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        GroupId(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts an id read back from storage.
    pub fn from_stored(text: String) -> Self {
        GroupId(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A group name: 1 to 64 ASCII letters, digits and `-_.`, starting with a letter or digit.
/// Kept as typed; compared and indexed case-insensitively via [`Self::key`]. The characters
/// are few so that a name reads the same in a `groups` claim, a shell and a log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupName(String);

impl GroupName {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let valid = (1..=64).contains(&text.len())
            && text
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if valid {
            Ok(GroupName(text.to_owned()))
        } else {
            Err(Invalid::new(format!(
                "group name {text:?} is not allowed: use 1 to 64 ASCII letters, digits and - _ ., starting with a letter or digit"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-folded form that makes `Family` and `family` the same group.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for GroupName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub name: GroupName,
    /// Members by `sub`, sorted, each once.
    pub members: Vec<Subject>,
    pub created_at: Timestamp,
}

impl Group {
    pub fn has_member(&self, sub: &Subject) -> bool {
        self.members.binary_search(sub).is_ok()
    }

    /// Adds `sub`; false when already a member.
    pub fn add_member(&mut self, sub: Subject) -> bool {
        match self.members.binary_search(&sub) {
            Ok(_) => false,
            Err(at) => {
                self.members.insert(at, sub);
                true
            }
        }
    }

    /// Removes `sub`; false when not a member.
    pub fn remove_member(&mut self, sub: &Subject) -> bool {
        match self.members.binary_search(sub) {
            Ok(at) => {
                self.members.remove(at);
                true
            }
            Err(_) => false,
        }
    }
}

/// A person refused a client by its access policy, as the page tells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotForYou {
    pub app_name: String,
    /// The name people know the account by.
    pub signed_in_as: String,
}

impl NotForYou {
    pub fn new(app_name: &str, user: &User) -> NotForYou {
        NotForYou {
            app_name: app_name.to_owned(),
            signed_in_as: user
                .display_name
                .clone()
                .unwrap_or_else(|| user.username.to_string()),
        }
    }
}

/// Whether a person in `member_of` may use a client that allows `allowed_groups`: everyone
/// when the client names no group, otherwise members of at least one of them. A group id the
/// client names that no longer exists admits nobody, so a dangling policy fails closed.
pub fn admits(allowed_groups: &[GroupId], member_of: &[GroupId]) -> bool {
    allowed_groups.is_empty() || allowed_groups.iter().any(|g| member_of.contains(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_follow_one_rule() {
        for good in ["family", "Kids", "ops-team", "a", "v1.2_x", &"a".repeat(64)] {
            assert!(GroupName::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "-ops", ".x", "has space", "ü", "a/b", &"a".repeat(65)] {
            assert!(GroupName::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(GroupName::parse("Family").unwrap().key(), "family");
    }

    #[test]
    fn no_named_group_admits_everyone_and_any_one_group_suffices() {
        let (a, b) = (
            GroupId::from_stored("a".into()),
            GroupId::from_stored("b".into()),
        );
        assert!(admits(&[], &[]));
        assert!(!admits(std::slice::from_ref(&a), &[]));
        assert!(admits(&[a.clone(), b.clone()], std::slice::from_ref(&b)));
        assert!(!admits(std::slice::from_ref(&a), std::slice::from_ref(&b)));
    }

    #[test]
    fn members_stay_sorted_and_unique() {
        let mut group = Group {
            id: GroupId::from_stored("g".into()),
            name: GroupName::parse("g").unwrap(),
            members: Vec::new(),
            created_at: Timestamp::from_millis(0),
        };
        let (x, y) = (
            Subject::from_stored("y".into()),
            Subject::from_stored("x".into()),
        );
        assert!(group.add_member(x.clone()));
        assert!(group.add_member(y.clone()));
        assert!(!group.add_member(x.clone()));
        assert_eq!(group.members, vec![y.clone(), x.clone()]);
        assert!(group.remove_member(&y));
        assert!(!group.remove_member(&y));
        assert!(group.has_member(&x));
    }
}

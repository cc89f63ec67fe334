//! One-time account links: an invitation that lets a new person choose their first password,
//! and a recovery link that lets an existing person choose a new one. No e-mail is needed: an
//! operator hands the link over (or shows its QR code).
//!
//! Invariant: a link is used at most once. Its state moves `Live → Used` or `Live → Revoked`
//! and never back; time alone makes a live link expired.

use super::time::Timestamp;
use super::user::{Subject, Username};

/// What using the link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// The account was created with the link and has no password yet.
    Invitation,
    /// The account exists; the link replaces its password.
    Recovery {
        /// Leave the person's devices signed in (as `user passwd --keep-devices`).
        keep_devices: bool,
    },
}

impl LinkKind {
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Invitation => "invitation",
            LinkKind::Recovery { .. } => "recovery",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Live,
    Used { at: Timestamp },
    Revoked { at: Timestamp },
}

/// Why a link that names a stored record cannot be used now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSpent {
    Expired,
    Used,
    Revoked,
}

/// A stored one-time link. The link's secret is not here: it is the key, as its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLink {
    /// A short public name for listing and revoking; never enough to use the link.
    pub id: String,
    pub kind: LinkKind,
    pub sub: Subject,
    pub username: Username,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub state: LinkState,
}

impl AccountLink {
    /// `Ok` when the link may be used at `now`.
    pub fn usable(&self, now: Timestamp) -> Result<(), LinkSpent> {
        match self.state {
            LinkState::Used { .. } => Err(LinkSpent::Used),
            LinkState::Revoked { .. } => Err(LinkSpent::Revoked),
            LinkState::Live if now >= self.expires_at => Err(LinkSpent::Expired),
            LinkState::Live => Ok(()),
        }
    }

    /// `Ok` when the link may be used at `now` on an account that `has_password` or not: an
    /// invitation is for an account without one, so once an operator set a password
    /// (`user passwd`), the invitation counts as used.
    pub fn usable_on(&self, has_password: bool, now: Timestamp) -> Result<(), LinkSpent> {
        self.usable(now)?;
        match self.kind {
            LinkKind::Invitation if has_password => Err(LinkSpent::Used),
            _ => Ok(()),
        }
    }

    /// The state a listing shows: `live`, `used`, `revoked` or `expired`.
    pub fn state_name(&self, now: Timestamp) -> &'static str {
        match self.usable(now) {
            Ok(()) => "live",
            Err(LinkSpent::Used) => "used",
            Err(LinkSpent::Revoked) => "revoked",
            Err(LinkSpent::Expired) => "expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn link(state: LinkState) -> AccountLink {
        AccountLink {
            id: "abc".into(),
            kind: LinkKind::Invitation,
            sub: Subject::from_stored("s".into()),
            username: Username::parse("carol").unwrap(),
            created_at: Timestamp::from_secs(100),
            expires_at: Timestamp::from_secs(200),
            state,
        }
    }

    #[test]
    fn a_link_is_usable_only_while_live_and_unexpired() {
        let before = Timestamp::from_secs(199);
        assert_eq!(link(LinkState::Live).usable(before), Ok(()));
        assert_eq!(
            link(LinkState::Live).usable(before.plus(Duration::from_secs(1))),
            Err(LinkSpent::Expired)
        );
        let at = Timestamp::from_secs(150);
        assert_eq!(
            link(LinkState::Used { at }).usable(before),
            Err(LinkSpent::Used)
        );
        assert_eq!(
            link(LinkState::Revoked { at }).usable(before),
            Err(LinkSpent::Revoked)
        );
    }
}

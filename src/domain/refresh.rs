//! Refresh token families (RFC 9700 §4.14.2): every refresh rotates the token, and a family
//! remembers its rotated tokens so that one presented again revokes the whole family.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use super::client::ClientId;
use super::scope::ScopeSet;
use super::second_factor::SignInMethod;
use super::time::Timestamp;
use super::user::Subject;

/// The lasting sign-in a device earned: who, which client, what, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshFamily {
    pub client_id: ClientId,
    pub sub: Subject,
    pub scopes: ScopeSet,
    /// When the person signed in to approve; kept for every ID token (OIDC Core §12.2).
    pub auth_time: Timestamp,
    /// How the person signed in to approve; kept for every ID token, as `auth_time` is.
    pub method: SignInMethod,
    pub created_at: Timestamp,
    pub last_used_at: Timestamp,
    pub idle: Duration,
    pub max: Duration,
    pub revoked_at: Option<Timestamp>,
    /// Where the device asked from, for "My devices".
    pub device_address: Option<String>,
}

impl RefreshFamily {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none()
            && now < self.last_used_at.plus(self.idle)
            && now < self.hard_expiry()
    }

    /// No token of the family outlives this.
    pub fn hard_expiry(&self) -> Timestamp {
        self.created_at.plus(self.max)
    }
}

/// Whether a presented token is its family's newest, or one already exchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Current,
    Rotated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshVerdict {
    /// Issue new tokens and a new refresh token.
    Rotate,
    /// A rotated token came back: someone holds a copy. Revoke the family.
    Reused,
    /// Expired, revoked, or another client's: refuse, and change nothing.
    Refuse,
}

pub fn judge(
    family: &RefreshFamily,
    state: TokenState,
    client: &ClientId,
    now: Timestamp,
) -> RefreshVerdict {
    if family.client_id != *client || !family.is_live(now) {
        return RefreshVerdict::Refuse;
    }
    match state {
        TokenState::Current => RefreshVerdict::Rotate,
        TokenState::Rotated => RefreshVerdict::Reused,
    }
}

/// The successors chosen in the last grace window (SPEC D5), by the digest of the token each
/// replaces. A client that lost the answer to a refresh and sends it again, or sends several
/// at once, gets the same successor instead of having its grant revoked as a thief's would.
/// Kept in memory only: after a restart a retry is judged strictly.
///
/// It also keeps, whatever the grace window, the successors of rotations whose commit could
/// not be confirmed (the disk failed to sync it): the client was told to try again, and if
/// the rotation did land, its retry with the old token must get that successor rather than
/// be taken for a thief's.
#[derive(Debug, Default)]
pub struct RecentRotations {
    successors: HashMap<[u8; 32], (String, Timestamp)>,
    /// The same digests in the order they were added, for dropping the old ones.
    order: VecDeque<([u8; 32], Timestamp)>,
    unconfirmed: HashMap<[u8; 32], (String, Timestamp)>,
}

impl RecentRotations {
    /// The successor already chosen for `old` within `grace`, or a `fresh` one, remembered.
    pub fn successor_for<E>(
        &mut self,
        old: [u8; 32],
        now: Timestamp,
        grace: Duration,
        fresh: impl FnOnce() -> Result<String, E>,
    ) -> Result<String, E> {
        if let Some(chosen) = self.recent(&old, now, grace) {
            return Ok(chosen);
        }
        let token = fresh()?;
        self.successors.insert(old, (token.clone(), now));
        self.order.push_back((old, now));
        Ok(token)
    }

    /// The successor chosen for `old` less than `grace` ago.
    pub fn recent(&mut self, old: &[u8; 32], now: Timestamp, grace: Duration) -> Option<String> {
        while let Some(&(digest, added)) = self.order.front() {
            if now < added.plus(grace) {
                break;
            }
            self.order.pop_front();
            if self
                .successors
                .get(&digest)
                .is_some_and(|(_, at)| *at == added)
            {
                self.successors.remove(&digest);
            }
        }
        self.successors.get(old).map(|(token, _)| token.clone())
    }

    /// Remembers that `old` may have been rotated to `successor` at `now`: the commit failed
    /// in a way that leaves open whether it happened.
    pub fn remember_unconfirmed(&mut self, old: [u8; 32], successor: String, now: Timestamp) {
        self.unconfirmed.insert(old, (successor, now));
    }

    /// The successor of an unconfirmed rotation of `old` less than `keep` ago. Whether it
    /// landed is for the caller to read from the store.
    pub fn unconfirmed(
        &mut self,
        old: &[u8; 32],
        now: Timestamp,
        keep: Duration,
    ) -> Option<String> {
        self.unconfirmed.retain(|_, (_, at)| now < at.plus(keep));
        self.unconfirmed.get(old).map(|(token, _)| token.clone())
    }

    pub fn len(&self) -> usize {
        self.successors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.successors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(now: Timestamp) -> RefreshFamily {
        RefreshFamily {
            client_id: ClientId::parse("tv").unwrap(),
            sub: Subject::from_stored("s".into()),
            scopes: ScopeSet::parse("openid offline_access").unwrap(),
            auth_time: now,
            method: SignInMethod::Password,
            created_at: now,
            last_used_at: now,
            idle: Duration::from_secs(120),
            max: Duration::from_secs(3600),
            revoked_at: None,
            device_address: None,
        }
    }

    #[test]
    fn current_rotates_rotated_is_reuse_and_others_are_refused() {
        let t0 = Timestamp::from_secs(1000);
        let f = family(t0);
        let tv = ClientId::parse("tv").unwrap();
        assert_eq!(
            judge(&f, TokenState::Current, &tv, t0),
            RefreshVerdict::Rotate
        );
        assert_eq!(
            judge(&f, TokenState::Rotated, &tv, t0),
            RefreshVerdict::Reused
        );
        let other = ClientId::parse("other").unwrap();
        assert_eq!(
            judge(&f, TokenState::Current, &other, t0),
            RefreshVerdict::Refuse
        );
    }

    #[test]
    fn idle_absolute_and_revoked_families_are_refused() {
        let t0 = Timestamp::from_secs(1000);
        let tv = ClientId::parse("tv").unwrap();
        let f = family(t0);
        assert_eq!(
            judge(
                &f,
                TokenState::Current,
                &tv,
                t0.plus(Duration::from_secs(120))
            ),
            RefreshVerdict::Refuse
        );
        let mut used = family(t0);
        used.last_used_at = t0.plus(Duration::from_secs(3500));
        assert_eq!(
            judge(
                &used,
                TokenState::Current,
                &tv,
                t0.plus(Duration::from_secs(3600))
            ),
            RefreshVerdict::Refuse
        );
        let mut revoked = family(t0);
        revoked.revoked_at = Some(t0);
        assert_eq!(
            judge(&revoked, TokenState::Rotated, &tv, t0),
            RefreshVerdict::Refuse
        );
    }

    #[test]
    fn within_the_grace_window_a_token_has_one_successor_and_then_none() {
        let grace = Duration::from_secs(10);
        let t0 = Timestamp::from_secs(1000);
        let mut recent = RecentRotations::default();
        let fresh = |name: &str| Ok::<_, ()>(name.to_owned());
        let first = recent.successor_for([1; 32], t0, grace, || fresh("a"));
        let again = recent.successor_for([1; 32], t0.plus(Duration::from_secs(9)), grace, || {
            fresh("b")
        });
        assert_eq!((first, again), (Ok("a".into()), Ok("a".into())));
        assert_eq!(
            recent.successor_for([2; 32], t0, grace, || fresh("c")),
            Ok("c".into())
        );
        assert_eq!(recent.recent(&[1; 32], t0.plus(grace), grace), None);
        assert!(recent.is_empty(), "expired successors are dropped");
    }

    #[test]
    fn an_unconfirmed_rotation_is_remembered_for_its_own_time_whatever_the_grace() {
        let keep = Duration::from_secs(60);
        let t0 = Timestamp::from_secs(1000);
        let mut recent = RecentRotations::default();
        recent.remember_unconfirmed([1; 32], "a".into(), t0);
        assert_eq!(recent.recent(&[1; 32], t0, Duration::ZERO), None);
        let later = t0.plus(Duration::from_secs(59));
        assert_eq!(recent.unconfirmed(&[1; 32], later, keep), Some("a".into()));
        assert_eq!(recent.unconfirmed(&[2; 32], later, keep), None);
        assert_eq!(recent.unconfirmed(&[1; 32], t0.plus(keep), keep), None);
    }
}

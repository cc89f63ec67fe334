//! The device authorization grant as a state machine (RFC 8628).
//!
//! ```text
//! Pending ──approve──► Approved ──redeem──► Redeemed
//!    └────deny───────► Denied
//! any state ── time passes expires_at ──► expired (decided at each look, not stored)
//! ```
//!
//! Invariant: every transition starts from the state it names; nothing moves a grant back, so
//! approving, denying or redeeming never resurrects a used, denied or expired grant.

use std::time::Duration;

use super::approval::Approval;
use super::client::ClientId;
use super::scope::ScopeSet;
use super::time::Timestamp;
use super::user::Subject;
use super::user_code::UserCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantState {
    Pending,
    Approved(Approval),
    Denied { at: Timestamp },
    Redeemed { at: Timestamp, sub: Subject },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceGrant {
    pub client_id: ClientId,
    pub scopes: ScopeSet,
    pub user_code: UserCode,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// Where the device asked from, shown on the consent page (RFC 8628 §5.4).
    pub requested_from: Option<String>,
    pub state: GrantState,
}

/// What a poll finds (RFC 8628 §3.5); the HTTP layer maps each to its error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome {
    Pending,
    Denied,
    Expired,
    AlreadyRedeemed,
    Approved(Approval),
}

/// Why the person's decision could not be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionRefused {
    Expired,
    AlreadyApproved,
    AlreadyDenied,
    AlreadyRedeemed,
}

impl DeviceGrant {
    pub fn new(
        client_id: ClientId,
        scopes: ScopeSet,
        user_code: UserCode,
        now: Timestamp,
        lifetime: Duration,
        requested_from: Option<String>,
    ) -> Self {
        DeviceGrant {
            client_id,
            scopes,
            user_code,
            created_at: now,
            expires_at: now.plus(lifetime),
            requested_from,
            state: GrantState::Pending,
        }
    }

    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.expires_at
    }

    /// Whether the user code can still be typed in: pending and not expired.
    pub fn is_live(&self, now: Timestamp) -> bool {
        !self.is_expired(now) && self.state == GrantState::Pending
    }

    pub fn poll(&self, now: Timestamp) -> PollOutcome {
        match &self.state {
            GrantState::Redeemed { .. } => PollOutcome::AlreadyRedeemed,
            _ if self.is_expired(now) => PollOutcome::Expired,
            GrantState::Pending => PollOutcome::Pending,
            GrantState::Denied { .. } => PollOutcome::Denied,
            GrantState::Approved(approval) => PollOutcome::Approved(approval.clone()),
        }
    }

    fn check_pending(&self, now: Timestamp) -> Result<(), DecisionRefused> {
        match self.state {
            GrantState::Redeemed { .. } => Err(DecisionRefused::AlreadyRedeemed),
            GrantState::Approved(_) => Err(DecisionRefused::AlreadyApproved),
            GrantState::Denied { .. } => Err(DecisionRefused::AlreadyDenied),
            GrantState::Pending if self.is_expired(now) => Err(DecisionRefused::Expired),
            GrantState::Pending => Ok(()),
        }
    }

    pub fn approve(&mut self, approval: Approval, now: Timestamp) -> Result<(), DecisionRefused> {
        self.check_pending(now)?;
        self.state = GrantState::Approved(approval);
        Ok(())
    }

    pub fn deny(&mut self, now: Timestamp) -> Result<(), DecisionRefused> {
        self.check_pending(now)?;
        self.state = GrantState::Denied { at: now };
        Ok(())
    }

    /// Pending or approved → denied: the grant will never yield tokens. For a restored data
    /// file, whose codes may have been redeemed after the backup was taken. `false` when the
    /// grant had already ended.
    pub fn void(&mut self, now: Timestamp) -> bool {
        match self.state {
            GrantState::Pending | GrantState::Approved(_) => {
                self.state = GrantState::Denied { at: now };
                true
            }
            _ => false,
        }
    }

    /// Approved → Redeemed, exactly once; any other state is returned as the poll outcome.
    pub fn redeem(&mut self, now: Timestamp) -> Result<Approval, PollOutcome> {
        match self.poll(now) {
            PollOutcome::Approved(approval) => {
                self.state = GrantState::Redeemed {
                    at: now,
                    sub: approval.sub.clone(),
                };
                Ok(approval)
            }
            other => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(now: Timestamp) -> DeviceGrant {
        DeviceGrant::new(
            ClientId::parse("tv").unwrap(),
            ScopeSet::parse("openid").unwrap(),
            UserCode::normalize("BCDFGHJK").unwrap(),
            now,
            Duration::from_secs(30),
            None,
        )
    }

    fn approval(now: Timestamp) -> Approval {
        Approval {
            sub: Subject::from_stored("s".into()),
            scopes: ScopeSet::parse("openid").unwrap(),
            auth_time: now,
            method: crate::domain::second_factor::SignInMethod::Password,
            approved_at: now,
        }
    }

    #[test]
    fn pending_then_approved_then_redeemed_once() {
        let t0 = Timestamp::from_secs(1000);
        let mut g = grant(t0);
        assert_eq!(g.poll(t0), PollOutcome::Pending);
        g.approve(approval(t0), t0).unwrap();
        assert!(g.redeem(t0).is_ok());
        assert_eq!(g.redeem(t0), Err(PollOutcome::AlreadyRedeemed));
        assert_eq!(
            g.approve(approval(t0), t0),
            Err(DecisionRefused::AlreadyRedeemed)
        );
        assert_eq!(g.deny(t0), Err(DecisionRefused::AlreadyRedeemed));
    }

    #[test]
    fn denied_stays_denied_until_it_expires() {
        let t0 = Timestamp::from_secs(1000);
        let mut g = grant(t0);
        g.deny(t0).unwrap();
        assert_eq!(
            g.poll(t0.plus(Duration::from_secs(10))),
            PollOutcome::Denied
        );
        assert_eq!(
            g.approve(approval(t0), t0),
            Err(DecisionRefused::AlreadyDenied)
        );
        assert_eq!(
            g.poll(t0.plus(Duration::from_secs(30))),
            PollOutcome::Expired
        );
    }

    #[test]
    fn an_expired_grant_cannot_be_approved_or_redeemed() {
        let t0 = Timestamp::from_secs(1000);
        let later = t0.plus(Duration::from_secs(31));
        let mut g = grant(t0);
        assert_eq!(
            g.approve(approval(later), later),
            Err(DecisionRefused::Expired)
        );
        g.approve(approval(t0), t0).unwrap();
        assert_eq!(g.redeem(later), Err(PollOutcome::Expired));
    }
}

//! Refresh tokens: issued for lasting access (SPEC D3), rotated on every use, and a family
//! revoked as soon as one of its rotated tokens comes back (RFC 9700 §4.14.2). With a grace
//! window (SPEC D5, 0 by default) a token presented again soon after its rotation gets the
//! same successor instead: still one rotation, never two live tokens. So does a retry after a
//! rotation whose commit failed unconfirmed but landed (`unconfirmed.rs`), whatever the window.

use super::tokens::{IssuedTokens, family_grant_id};
use super::unconfirmed::UNCONFIRMED_MEMORY;
use super::{App, ProtocolError};
use crate::crypto::hash::sha256;
use crate::crypto::random::random_token;
use crate::domain::approval::Approval;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::client::{Client, GrantType};
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::domain::refresh::{RefreshFamily, RefreshVerdict, TokenState, judge};
use crate::domain::scope::ScopeSet;
use crate::domain::time::Timestamp;
use crate::store::{FamilyId, NewRefreshFamily, RefreshTokenHash, Swap};
use crate::store::{IssuedTo, StoreError};
use crate::telemetry::SwapStep;

fn refuse(code: ErrorCode, description: &str) -> ProtocolError {
    ProtocolError::OAuth(OAuthFailure::new(code, description))
}

fn invalid_grant() -> ProtocolError {
    refuse(
        ErrorCode::InvalidGrant,
        "the refresh token is invalid, expired or revoked",
    )
}

impl App {
    /// Whether a grant of `scopes` to `client` comes with a refresh token (SPEC D3).
    pub(super) fn earns_refresh_token(client: &Client, scopes: &ScopeSet) -> bool {
        client.allows(GrantType::RefreshToken) && scopes.contains("offline_access")
    }

    /// A first refresh token, when the client may refresh and the person granted lasting
    /// access (`offline_access`, named on the consent page; OIDC Core §11).
    /// The family is returned to be stored, alone or with the redemption that earned it.
    pub(super) fn new_refresh_family(
        &self,
        id: &FamilyId,
        client: &Client,
        approval: &Approval,
        device_address: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<(NewRefreshFamily, String)>, ProtocolError> {
        if !Self::earns_refresh_token(client, &approval.scopes) {
            return Ok(None);
        }
        let lifetimes = &self.settings.lifetimes;
        let family = RefreshFamily {
            client_id: client.id.clone(),
            sub: approval.sub.clone(),
            scopes: approval.scopes.clone(),
            auth_time: approval.auth_time,
            method: approval.method,
            created_at: now,
            last_used_at: now,
            idle: client
                .lifetimes
                .refresh_idle
                .unwrap_or(lifetimes.refresh_idle),
            max: client
                .lifetimes
                .refresh_max
                .unwrap_or(lifetimes.refresh_max),
            revoked_at: None,
            device_address: device_address.map(str::to_owned),
        };
        let token = random_token()?;
        let new = NewRefreshFamily {
            id: *id,
            family,
            first: sha256(token.as_bytes()),
        };
        Ok(Some((new, token)))
    }

    /// `grant_type=refresh_token` (RFC 6749 §6): new tokens, a new refresh token, the old one
    /// spent. `scope` may narrow what the access token carries, never widen it.
    pub fn refresh(
        &self,
        client: &Client,
        presented: &str,
        scope: Option<&str>,
    ) -> Result<IssuedTokens, ProtocolError> {
        if client.disabled {
            return Err(refuse(ErrorCode::InvalidGrant, "this client is disabled"));
        }
        if !client.allows(GrantType::RefreshToken) {
            return Err(refuse(
                ErrorCode::UnauthorizedClient,
                "this client may not use refresh tokens",
            ));
        }
        let hash = sha256(presented.as_bytes());
        let now = self.now();
        let (state, family_id, family) =
            self.store.refresh_token(&hash)?.ok_or_else(invalid_grant)?;
        // A retry within the grace window: new access and ID tokens, the same successor.
        let retried = match judge(&family, state, &client.id, now) {
            RefreshVerdict::Rotate => None,
            RefreshVerdict::Refuse => return Err(invalid_grant()),
            RefreshVerdict::Reused => match self.successor_to_repeat(&hash, &family_id, now)? {
                Some(successor) => Some(successor),
                None => return Err(self.reused(client, &family_id, &family)),
            },
        };
        let scopes = match scope {
            None => family.scopes.clone(),
            Some(text) => {
                let asked =
                    ScopeSet::parse(text).map_err(|e| refuse(ErrorCode::InvalidScope, &e.0))?;
                if !asked.is_subset_of(&family.scopes) {
                    return Err(refuse(
                        ErrorCode::InvalidScope,
                        "a refresh can only narrow the granted scope",
                    ));
                }
                asked
            }
        };
        let user = self
            .store
            .user_by_sub(&family.sub)?
            .filter(|u| !u.disabled)
            .ok_or_else(invalid_grant)?;
        // Membership removed or the policy changed since the approval: no more tokens.
        if !self.may_use(client, &user)? {
            self.record_access_refused(client, &user.sub);
            return Err(invalid_grant());
        }
        let approval = Approval {
            sub: family.sub.clone(),
            scopes,
            auth_time: family.auth_time,
            method: family.method,
            approved_at: now,
        };
        let mut tokens = self.issue_tokens_in_grant(
            client,
            &user,
            &approval,
            None,
            now,
            &family_grant_id(&family),
        )?;
        if let Some(successor) = retried {
            tokens.refresh_token = Some(successor);
            return Ok(tokens);
        }
        let next = self.choose_successor(&hash, now)?;
        let swapped = self
            .store
            .rotate_refresh_token(&hash, &sha256(next.as_bytes()), now);
        let swapped = match swapped {
            // The rotation may have landed without the client hearing of it; if it did, the
            // client's retry with this same token must get `next`, not reuse detection.
            Err(StoreError::Unconfirmed(why)) => {
                self.rotations().remember_unconfirmed(hash, next, now);
                return Err(StoreError::Unconfirmed(why).into());
            }
            other => other?,
        };
        match swapped {
            Swap::Rotated => {
                tokens.refresh_token = Some(next);
                Ok(tokens)
            }
            // Another refresh with the same token won the race. Within the grace window the
            // winner rotated to the successor both chose; otherwise this is reuse too.
            Swap::Lost => {
                self.swaps_lost.lost(SwapStep::Rotation);
                match self.successor_to_repeat(&hash, &family_id, now)? {
                    Some(successor) => {
                        tokens.refresh_token = Some(successor);
                        Ok(tokens)
                    }
                    None => Err(self.reused(client, &family_id, &family)),
                }
            }
        }
    }

    fn grace(&self) -> std::time::Duration {
        self.settings.lifetimes.refresh_grace
    }

    fn rotations(&self) -> std::sync::MutexGuard<'_, crate::domain::refresh::RecentRotations> {
        self.rotations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The token that replaces `old`: within a grace window, the one every concurrent refresh
    /// with `old` agrees on, so whichever wins the swap, the others can hand out the same.
    fn choose_successor(
        &self,
        old: &RefreshTokenHash,
        now: Timestamp,
    ) -> Result<String, ProtocolError> {
        let grace = self.grace();
        if grace.is_zero() {
            return Ok(random_token()?);
        }
        Ok(self
            .rotations()
            .successor_for(*old, now, grace, random_token)?)
    }

    /// The successor `old` was rotated to less than the grace window ago, or by a rotation
    /// whose commit was not confirmed less than [`UNCONFIRMED_MEMORY`] ago, while it is still
    /// its family's current token: once it has been used, handing it out again would be reuse,
    /// and an unconfirmed rotation that did not land has no successor in the file at all.
    fn successor_to_repeat(
        &self,
        old: &RefreshTokenHash,
        family_id: &FamilyId,
        now: Timestamp,
    ) -> Result<Option<String>, ProtocolError> {
        let grace = self.grace();
        let remembered = {
            let mut rotations = self.rotations();
            let within_grace = if grace.is_zero() {
                None
            } else {
                rotations.recent(old, now, grace)
            };
            within_grace.or_else(|| rotations.unconfirmed(old, now, UNCONFIRMED_MEMORY))
        };
        let Some(successor) = remembered else {
            return Ok(None);
        };
        let current = self
            .store
            .refresh_token(&sha256(successor.as_bytes()))?
            .is_some_and(|(state, id, family)| {
                state == TokenState::Current && id == *family_id && family.revoked_at.is_none()
            });
        Ok(current.then_some(successor))
    }

    /// A spent token came back: someone else may hold a copy, so the whole family goes, and
    /// with it the access tokens the client holds for the person (BCP-4.14.2-a recommends it:
    /// the copy's holder may have refreshed already). Deliberately wider than the family's own
    /// tokens, which is all a revocation or a sign-out ends: a refresh token that leaked says
    /// the client's storage leaked, and with it whatever else it keeps for the person.
    fn reused(
        &self,
        client: &Client,
        family_id: &FamilyId,
        family: &RefreshFamily,
    ) -> ProtocolError {
        // Read again: a racing refresh may have issued its tokens after this request began.
        let now = self.now();
        let everything_the_client_holds = IssuedTo::ClientPerson {
            client_id: client.id.as_str(),
            sub: family.sub.as_str(),
        };
        let reused = AuditEvent::new(AuditKind::RefreshReused, now)
            .subject(family.sub.as_str())
            .client(client.id.as_str());
        if let Err(e) = self.revoke_grants(
            &[*family_id],
            &[everything_the_client_holds],
            now,
            Some(reused),
        ) {
            return e.into();
        }
        tracing::warn!(client_id = %client.id, "a spent refresh token came back; its whole family is revoked");
        invalid_grant()
    }
}

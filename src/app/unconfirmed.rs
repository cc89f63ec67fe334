//! Writes whose commit could not be confirmed. When the disk fails the sync of a commit, what
//! the commit wrote may or may not be in the file (`StoreError::Unconfirmed`); the client was
//! answered 503 and will try again. For the two one-time steps a device retries by itself, a
//! refresh rotation and a device code's redemption, the retry must not be taken for a replay
//! when the first attempt did land: that would sign the device out (a rotated refresh token
//! presented again revokes its family) or leave it with nothing (a spent device code).
//!
//! So the step's outcome is remembered in memory for [`UNCONFIRMED_MEMORY`], and a retry that
//! finds the step landed (read from the file, never assumed) gets what the first attempt would
//! have handed out. The refresh side lives with the grace-window successors
//! (`RecentRotations`); the redemption side is here.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::tokens::{IssuedTokens, grant_id};
use super::{App, ProtocolError};
use crate::crypto::hash::sha256;
use crate::domain::approval::Approval;
use crate::domain::client::{Client, ClientId};
use crate::domain::device_grant::GrantState;
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::domain::refresh::TokenState;
use crate::domain::time::Timestamp;
use crate::store::{DeviceCodeHash, FamilyId};

/// How long an unconfirmed step's outcome is kept for a retry. A client told 503 with
/// `Retry-After: 1` comes back within seconds, and the store takes at most about a second
/// between attempts to reopen the file once the disk works again; a minute covers a disk that
/// stays failed for a while, and keeps the window in which a copied refresh token could take
/// the place of its owner's retry as short as the retry needs.
pub(super) const UNCONFIRMED_MEMORY: Duration = Duration::from_secs(60);

/// A redemption whose commit was not confirmed: what it would have handed out.
#[derive(Debug, Clone)]
pub(super) struct UnconfirmedRedemption {
    pub(super) client_id: ClientId,
    pub(super) approval: Approval,
    /// The `now` of the attempt: the grant's `Redeemed { at }` if it landed, and the start of
    /// the grant its tokens belong to.
    pub(super) at: Timestamp,
    /// The refresh family the attempt stored with the redemption, and its first token.
    pub(super) family: Option<(FamilyId, String)>,
}

/// Unconfirmed redemptions, by the digest of the device code.
#[derive(Debug, Default)]
pub(super) struct UnconfirmedRedemptions {
    entries: Mutex<HashMap<DeviceCodeHash, UnconfirmedRedemption>>,
}

impl UnconfirmedRedemptions {
    fn entries(
        &self,
        now: Timestamp,
    ) -> MutexGuard<'_, HashMap<DeviceCodeHash, UnconfirmedRedemption>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, entry| now < entry.at.plus(UNCONFIRMED_MEMORY));
        entries
    }

    pub(super) fn remember(&self, hash: DeviceCodeHash, redemption: UnconfirmedRedemption) {
        let now = redemption.at;
        self.entries(now).insert(hash, redemption);
    }

    /// The approval of an unconfirmed redemption of `hash`, left in place.
    pub(super) fn approval(&self, hash: &DeviceCodeHash, now: Timestamp) -> Option<Approval> {
        self.entries(now)
            .get(hash)
            .map(|entry| entry.approval.clone())
    }

    /// Takes the entry: of several retries, one gets the tokens.
    fn take(&self, hash: &DeviceCodeHash, now: Timestamp) -> Option<UnconfirmedRedemption> {
        self.entries(now).remove(hash)
    }

    /// A redemption that was confirmed after all (a retry found the first had not landed).
    pub(super) fn forget(&self, hash: &DeviceCodeHash, now: Timestamp) {
        self.entries(now).remove(hash);
    }
}

fn spent() -> ProtocolError {
    ProtocolError::OAuth(OAuthFailure::new(
        ErrorCode::InvalidGrant,
        "the device code is invalid, used, or not this client's",
    ))
}

impl App {
    /// A poll that found its code spent, by a redemption whose commit was not confirmed and
    /// whose answer the device therefore never got.
    ///
    /// Exactly once still holds: tokens for a code go to one party, once. The device code is a
    /// secret only the device holds (and only its client may present it); the first attempt's
    /// tokens were never delivered, since its commit failed and it was answered 503; and the
    /// entry is taken by the first retry, so a second retry, concurrent or later, hears
    /// `invalid_grant` like any poll of a spent code. The retry gets new access and ID tokens
    /// (their plaintext was never stored) in the same grant, and the refresh token the landed
    /// redemption stored, if it is still its family's current one: a family the person signed
    /// out meanwhile stays signed out.
    pub(super) fn redeem_unconfirmed(
        &self,
        client: &Client,
        hash: DeviceCodeHash,
    ) -> Result<IssuedTokens, ProtocolError> {
        let now = self.now();
        let entry = self
            .unconfirmed_redemptions
            .take(&hash, now)
            .ok_or_else(spent)?;
        if entry.client_id != client.id {
            return Err(spent());
        }
        let landed = self.store.device_grant(&hash)?.is_some_and(
            |grant| matches!(grant.state, GrantState::Redeemed { at, .. } if at == entry.at),
        );
        if !landed {
            return Err(spent());
        }
        let refresh_token = match &entry.family {
            None => None,
            Some((family_id, token)) => {
                let current = self
                    .store
                    .refresh_token(&sha256(token.as_bytes()))?
                    .is_some_and(|(state, id, family)| {
                        state == TokenState::Current
                            && id == *family_id
                            && family.revoked_at.is_none()
                    });
                if !current {
                    return Err(spent());
                }
                Some(token.clone())
            }
        };
        let approval = entry.approval;
        let user = self
            .store
            .user_by_sub(&approval.sub)?
            .filter(|u| !u.disabled)
            .ok_or_else(spent)?;
        let grant = grant_id(
            client.id.as_str(),
            approval.sub.as_str(),
            approval.auth_time,
            entry.at,
        );
        let mut tokens = self.issue_tokens_in_grant(client, &user, &approval, None, now, &grant)?;
        tokens.refresh_token = refresh_token;
        // No second `redeemed` event: the one the redemption wrote landed with it.
        tracing::warn!(client_id = %client.id, "a device retried a redemption whose commit had failed but landed; it gets its tokens now");
        Ok(tokens)
    }
}

//! The device authorization grant's use cases: start (RFC 8628 §3.1), decide (§3.3), poll and
//! redeem (§3.4–3.5).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use super::tokens::IssuedTokens;
use super::unconfirmed::UnconfirmedRedemption;
use super::{App, AppError, ProtocolError};
use crate::crypto::hash::sha256;
use crate::crypto::random::{random_array, random_token};
use crate::domain::approval::Approval;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::authorization::requested_device_scopes;
use crate::domain::client::{Client, ClientId, GrantType};
use crate::domain::device_grant::{DecisionRefused, DeviceGrant, GrantState, PollOutcome};
use crate::domain::group::NotForYou;
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::domain::pacing::{Pace, PollPacing};
use crate::domain::scope::ScopeSet;
use crate::domain::second_factor::SignInMethod;
use crate::domain::time::Timestamp;
use crate::domain::user::{Subject, User};
use crate::domain::user_code::UserCode;
use crate::store::{DeviceCodeHash, StoreError};
use crate::telemetry::SwapStep;

/// A grant's row outlives its expiry this long, so a device polling late still hears
/// `expired_token` rather than `invalid_grant`.
const EXPIRED_GRANT_RETENTION: Duration = Duration::from_secs(15 * 60);
/// A clash among live user codes is rare; this many in a row means a broken random source.
const USER_CODE_ATTEMPTS: usize = 16;

/// What the device is told to show and poll with (RFC 8628 §3.2).
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    pub device_code: String,
    pub user_code: UserCode,
    pub expires_in: Duration,
    pub interval: Duration,
}

/// A grant a typed code was found to name, read once and then decided on (the compare-and-swap
/// in [`App::decide`] reads it again, as stored).
#[derive(Debug, Clone)]
pub(super) struct FoundGrant {
    pub(super) hash: DeviceCodeHash,
    /// The client whose request it is.
    pub(super) client_id: ClientId,
}

/// A device's request as the person is asked about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    pub user_code: UserCode,
    pub client_id: ClientId,
    pub client_name: String,
    pub scopes: ScopeSet,
    pub requested_from: Option<String>,
    pub requested_at: Timestamp,
}

/// Why a typed code leads to no consent page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeProblem {
    Unknown,
    Expired,
    /// Approved already, by this person or someone else (RFC 8628 §5.5).
    AlreadyUsed,
    Denied,
    /// Another signed-in account opened this code first (`code_claims`).
    EnteredByAnother,
    /// Out of code-entry budget until then: the code was not looked at (SPEC DAG-5.1-a).
    Paused(Timestamp),
    Unavailable(String),
}

/// Why the person's decision was not recorded: the code led nowhere, for the same reasons the
/// code form gives, or the account may not approve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionError {
    Code(CodeProblem),
    /// The account cannot approve (missing or disabled).
    AccountUnusable,
    /// The client's access policy keeps this person out; the grant is now denied.
    NotForYou(NotForYou),
}

impl From<StoreError> for DecisionError {
    fn from(e: StoreError) -> Self {
        DecisionError::Code(CodeProblem::Unavailable(e.to_string()))
    }
}

impl From<AppError> for DecisionError {
    fn from(e: AppError) -> Self {
        DecisionError::Code(CodeProblem::Unavailable(e.to_string()))
    }
}

impl From<DecisionRefused> for CodeProblem {
    /// A decision refused by the grant's state reads as the code form reads that state.
    fn from(refused: DecisionRefused) -> Self {
        match refused {
            DecisionRefused::Expired => CodeProblem::Expired,
            DecisionRefused::AlreadyDenied => CodeProblem::Denied,
            DecisionRefused::AlreadyApproved | DecisionRefused::AlreadyRedeemed => {
                CodeProblem::AlreadyUsed
            }
        }
    }
}

/// Poll timing, kept in memory: losing it on restart only forgets who polled too fast.
///
/// One entry per code polled while it lives, so entries are kept small: keyed by the first 8
/// bytes of the device code's SHA-256 (two live codes sharing them is a 2^-64 chance, and would
/// at worst pace two devices as one), 40 bytes in all.
#[derive(Default)]
pub(super) struct PacingBook {
    entries: Mutex<HashMap<u64, (PollPacing, Timestamp)>>,
}

fn pacing_key(hash: &DeviceCodeHash) -> u64 {
    let mut prefix = [0u8; 8];
    prefix.copy_from_slice(&hash[..8]);
    u64::from_be_bytes(prefix)
}

impl PacingBook {
    fn poll(
        &self,
        hash: &DeviceCodeHash,
        base: Duration,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> (Pace, Duration) {
        let mut entries = match self.entries.lock() {
            Ok(entries) => entries,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (pacing, _) = entries
            .entry(pacing_key(hash))
            .or_insert_with(|| (PollPacing::new(base), expires_at));
        (pacing.poll(now), pacing.interval())
    }

    fn forget(&self, hash: &DeviceCodeHash) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&pacing_key(hash));
        }
    }

    pub(super) fn forget_expired(&self, now: Timestamp) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (_, expires_at)| *expires_at > now);
        }
    }
}

/// A poll that found its grant approved: what redeeming it needs. Made only by
/// [`App::check_poll`], for the client that polled.
#[derive(Debug)]
pub struct ApprovedPoll {
    hash: DeviceCodeHash,
    grant: DeviceGrant,
    approval: Approval,
    /// A retry of a redemption whose commit was not confirmed and turned out spent
    /// (`unconfirmed.rs`).
    unconfirmed: bool,
}

fn invalid_device_code() -> ProtocolError {
    refuse(
        ErrorCode::InvalidGrant,
        "the device code is invalid, used, or not this client's",
    )
}

fn refuse(code: ErrorCode, description: &str) -> ProtocolError {
    ProtocolError::OAuth(OAuthFailure::new(code, description))
}

fn device_code_hash(device_code: &str) -> DeviceCodeHash {
    sha256(device_code.as_bytes())
}

impl App {
    /// Starts a device authorization for an authenticated client, within the limits per
    /// address, per client and in all (`guard`). Async because its answer waits for a durable
    /// commit, and nothing else in it blocks: the request holds no thread while it waits.
    pub async fn start_device_authorization(
        &self,
        client: &Client,
        scope: Option<&str>,
        requested_from: Option<IpAddr>,
    ) -> Result<DeviceAuthorization, ProtocolError> {
        let ticket = self
            .guards
            .reserve_authorization(requested_from, &client.id, self.now())
            .map_err(|(why, retry_after)| ProtocolError::Limited { why, retry_after })?;
        let started = self
            .store_device_authorization(client, scope, requested_from.map(|ip| ip.to_string()))
            .await;
        self.guards
            .settle_authorization(ticket, self.now(), started.is_ok());
        started
    }

    async fn store_device_authorization(
        &self,
        client: &Client,
        scope: Option<&str>,
        requested_from: Option<String>,
    ) -> Result<DeviceAuthorization, ProtocolError> {
        if client.disabled {
            return Err(refuse(
                ErrorCode::InvalidClient,
                "client authentication failed",
            ));
        }
        if !client.allows(GrantType::DeviceCode) {
            return Err(refuse(
                ErrorCode::UnauthorizedClient,
                "this client may not use the device grant",
            ));
        }
        let scopes = requested_device_scopes(client, scope, &self.settings.resources)
            .map_err(ProtocolError::OAuth)?;
        let lifetimes = &self.settings.lifetimes;
        let device_code = random_token()?;
        let hash = device_code_hash(&device_code);
        for _ in 0..USER_CODE_ATTEMPTS {
            let random: [u8; 32] = random_array()?;
            let mut bytes = random.into_iter().cycle();
            let user_code = UserCode::generate(|| bytes.next().unwrap_or(0));
            let now = self.now();
            let grant = DeviceGrant::new(
                client.id.clone(),
                scopes.clone(),
                user_code.clone(),
                now,
                lifetimes.device_code,
                requested_from.clone(),
            );
            match self
                .store
                .insert_device_grant(&hash, &grant, now, EXPIRED_GRANT_RETENTION)
                .await
            {
                Ok(()) => {
                    return Ok(DeviceAuthorization {
                        device_code,
                        user_code,
                        expires_in: lifetimes.device_code,
                        interval: lifetimes.poll_interval,
                    });
                }
                Err(StoreError::Duplicate { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ProtocolError::Unavailable(
            "could not find a free user code".into(),
        ))
    }

    /// The canonical code, when a typed code names a grant in the data file, in any state.
    /// Unguarded: routes reach it through the code-entry budget (`guard`).
    pub(super) fn find_grant(&self, typed: &str) -> Result<Option<FoundGrant>, StoreError> {
        let Some(code) = UserCode::normalize(typed) else {
            return Ok(None);
        };
        Ok(self
            .store
            .device_grant_by_user_code(&code)?
            .map(|(hash, grant)| FoundGrant {
                hash,
                client_id: grant.client_id,
            }))
    }

    /// [`App::find_grant`] for the unguarded entry points, which report an unknown code.
    fn found(&self, typed: &str) -> Result<FoundGrant, DecisionError> {
        self.find_grant(typed)?
            .ok_or(DecisionError::Code(CodeProblem::Unknown))
    }

    /// What the consent page shows for a typed code, or why there is nothing to consent to.
    /// Unguarded: routes call [`App::look_up_code`], which spends the code-entry budget.
    pub fn pending_request(&self, typed: &str) -> Result<PendingRequest, CodeProblem> {
        let unavailable = |e: StoreError| CodeProblem::Unavailable(e.to_string());
        let code = UserCode::normalize(typed).ok_or(CodeProblem::Unknown)?;
        let (_, grant) = self
            .store
            .device_grant_by_user_code(&code)
            .map_err(unavailable)?
            .ok_or(CodeProblem::Unknown)?;
        match grant.state {
            GrantState::Approved(_) | GrantState::Redeemed { .. } => {
                return Err(CodeProblem::AlreadyUsed);
            }
            GrantState::Denied { .. } => return Err(CodeProblem::Denied),
            GrantState::Pending if grant.is_expired(self.now()) => {
                return Err(CodeProblem::Expired);
            }
            GrantState::Pending => {}
        }
        let client = self.store.client(&grant.client_id).map_err(unavailable)?;
        let Some(client) = client.filter(|c| !c.disabled) else {
            return Err(CodeProblem::Unknown);
        };
        Ok(PendingRequest {
            user_code: grant.user_code,
            client_id: client.id,
            client_name: client.name,
            scopes: grant.scopes,
            requested_from: grant.requested_from,
            requested_at: grant.created_at,
        })
    }

    /// Records that `username` approved the grant behind `typed`, for `scopes` (all requested
    /// ones when `None`; never more). Unguarded: routes call [`App::approve_device_as`].
    pub fn approve_device(
        &self,
        typed: &str,
        username: &str,
        scopes: Option<&ScopeSet>,
        auth_time: Timestamp,
    ) -> Result<(), DecisionError> {
        let user = self.store.user_by_username(username)?;
        let Some(user) = user.filter(|u| !u.disabled) else {
            return Err(DecisionError::AccountUnusable);
        };
        let found = self.found(typed)?;
        self.approve_code(&found, &user, scopes, auth_time, SignInMethod::Password)
    }

    /// Records that `user`, already read and found usable, approved the grant `found`, if the
    /// client's access policy lets them use it.
    pub(super) fn approve_code(
        &self,
        found: &FoundGrant,
        user: &User,
        scopes: Option<&ScopeSet>,
        auth_time: Timestamp,
        method: SignInMethod,
    ) -> Result<(), DecisionError> {
        self.hold_to_policy(found, user)?;
        let scopes = scopes.cloned();
        let sub = user.sub.clone();
        self.decide(
            found,
            AuditEvent::new(AuditKind::Approved, self.now()).detail(method.audit_detail()),
            Some(&user.sub),
            move |grant, now| {
                let granted = match &scopes {
                    Some(scopes) if scopes.is_subset_of(&grant.scopes) => scopes.clone(),
                    _ => grant.scopes.clone(),
                };
                let approval = Approval {
                    sub: sub.clone(),
                    scopes: granted,
                    auth_time,
                    method,
                    approved_at: now,
                };
                grant.approve(approval, now)
            },
        )
    }

    /// Records that the person (`by`, when signed in) denied the grant behind `typed`.
    /// Unguarded: routes call [`App::deny_device_as`].
    pub fn deny_device(&self, typed: &str, by: Option<&Subject>) -> Result<(), DecisionError> {
        let found = self.found(typed)?;
        self.deny_code(&found, by)
    }

    pub(super) fn deny_code(
        &self,
        found: &FoundGrant,
        by: Option<&Subject>,
    ) -> Result<(), DecisionError> {
        let denied = AuditEvent::new(AuditKind::Denied, self.now());
        self.decide(found, denied, by, |grant, now| grant.deny(now))
    }

    /// Changes the grant `found` and records `event` (timed at the decision), by one write.
    pub(super) fn decide(
        &self,
        found: &FoundGrant,
        event: AuditEvent,
        by: Option<&Subject>,
        mut change: impl FnMut(&mut DeviceGrant, Timestamp) -> Result<(), DecisionRefused>
        + Send
        + 'static,
    ) -> Result<(), DecisionError> {
        let now = self.now();
        let mut event = AuditEvent { at: now, ..event }.client(found.client_id.as_str());
        if let Some(sub) = by {
            event = event.subject(sub.as_str());
        }
        match self.store.update_device_grant(
            &found.hash,
            move |grant| change(grant, now),
            None,
            self.audit_rows(event)?,
        )? {
            Some(Ok(())) => Ok(()),
            Some(Err(refused)) => {
                // Anything but expiry means another decision or redemption changed the grant
                // first: this one reached the swap and lost it.
                if refused != DecisionRefused::Expired {
                    self.swaps_lost.lost(SwapStep::Decision);
                }
                Err(DecisionError::Code(refused.into()))
            }
            None => Err(DecisionError::Code(CodeProblem::Unknown)),
        }
    }

    /// The answer to a poll as far as reads can give it: every outcome but tokens is an `Err`
    /// (`authorization_pending`, `slow_down`, `access_denied`, `expired_token`,
    /// `invalid_grant`). Reads only MVCC snapshots and the in-memory pacing, never waits for a
    /// write, so the HTTP layer may call it without leaving its worker.
    pub fn check_poll(
        &self,
        client: &Client,
        device_code: &str,
    ) -> Result<ApprovedPoll, ProtocolError> {
        if client.disabled {
            return Err(refuse(ErrorCode::InvalidGrant, "this client is disabled"));
        }
        let hash = device_code_hash(device_code);
        let now = self.now();
        let grant = self
            .store
            .device_grant(&hash)?
            .ok_or_else(invalid_device_code)?;
        if grant.client_id != client.id {
            return Err(invalid_device_code());
        }
        let approval = match grant.poll(now) {
            PollOutcome::Pending => {
                let (pace, interval) = self.pacing.poll(
                    &hash,
                    self.settings.lifetimes.poll_interval,
                    grant.expires_at,
                    now,
                );
                return Err(match pace {
                    Pace::OnTime => {
                        ProtocolError::OAuth(OAuthFailure::bare(ErrorCode::AuthorizationPending))
                    }
                    // The interval to keep from now on, in the body too (cross-device BCP:
                    // a client told its pace need not guess it).
                    Pace::SlowDown => ProtocolError::OAuth(
                        OAuthFailure::new(
                            ErrorCode::SlowDown,
                            "poll less often: add 5 seconds to the interval",
                        )
                        .with_interval(interval),
                    ),
                });
            }
            PollOutcome::Denied => {
                return Err(refuse(
                    ErrorCode::AccessDenied,
                    "the person denied the request",
                ));
            }
            PollOutcome::Expired => {
                return Err(refuse(
                    ErrorCode::ExpiredToken,
                    "the device code has expired",
                ));
            }
            PollOutcome::AlreadyRedeemed => {
                // Spent, perhaps by this device's own attempt whose commit failed unconfirmed.
                let unconfirmed = self.unconfirmed_redemptions.approval(&hash, now);
                let approval = unconfirmed.ok_or_else(invalid_device_code)?;
                return Ok(ApprovedPoll {
                    hash,
                    grant,
                    approval,
                    unconfirmed: true,
                });
            }
            PollOutcome::Approved(approval) => approval,
        };
        Ok(ApprovedPoll {
            hash,
            grant,
            approval,
            unconfirmed: false,
        })
    }

    /// Redeems an approved grant: exactly once however many polls race for it, since the swap
    /// is a compare-and-swap in one write transaction. The tokens are signed before the swap
    /// and dropped if it loses; the refresh family is stored by the same transaction, so a
    /// spent code always has it.
    pub fn redeem_device(
        &self,
        client: &Client,
        approved: ApprovedPoll,
    ) -> Result<IssuedTokens, ProtocolError> {
        if approved.unconfirmed {
            return self.redeem_unconfirmed(client, approved.hash);
        }
        let ApprovedPoll {
            hash,
            grant,
            approval,
            ..
        } = approved;
        if grant.client_id != client.id {
            return Err(invalid_device_code());
        }
        let now = self.now();
        // RFC 8628 leaves a gap between approval and redemption; an account disabled or removed
        // in it gets nothing (SPEC DAG-3.5-i).
        let user = self
            .store
            .user_by_sub(&approval.sub)?
            .filter(|u| !u.disabled);
        let Some(user) = user else {
            return Err(refuse(
                ErrorCode::InvalidGrant,
                "the account that approved can no longer sign in",
            ));
        };
        // The policy may have changed since the approval: it holds at redemption too.
        if !self.may_use(client, &user)? {
            self.record_access_refused(client, &user.sub);
            return Err(refuse(
                ErrorCode::AccessDenied,
                "the account that approved may not use this client",
            ));
        }
        let mut tokens = self.issue_tokens(client, &user, &approval, None, now)?;
        let family = self.new_refresh_family(
            &random_array()?,
            client,
            &approval,
            grant.requested_from.as_deref(),
            now,
        )?;
        let (family, refresh_token) = family.unzip();
        let family_id = family.as_ref().map(|f| f.id);
        // The event is written by the redemption's own transaction: it is on file exactly
        // when the redemption is, an unconfirmed one included.
        let event = AuditEvent::new(AuditKind::Redeemed, now)
            .subject(approval.sub.as_str())
            .client(client.id.as_str())
            .address(grant.requested_from.clone());
        let redeemed = self.store.update_device_grant(
            &hash,
            move |grant| grant.redeem(now),
            family,
            self.audit_rows(event)?,
        );
        let redeemed = match redeemed {
            Err(StoreError::Unconfirmed(why)) => {
                let unconfirmed = UnconfirmedRedemption {
                    client_id: client.id.clone(),
                    approval: approval.clone(),
                    at: now,
                    family: family_id.zip(refresh_token),
                };
                self.unconfirmed_redemptions.remember(hash, unconfirmed);
                return Err(StoreError::Unconfirmed(why).into());
            }
            other => other?,
        };
        match redeemed {
            Some(Ok(_)) => {
                self.unconfirmed_redemptions.forget(&hash, now);
                self.pacing.forget(&hash);
                tokens.refresh_token = refresh_token;
                Ok(tokens)
            }
            Some(Err(PollOutcome::Expired)) => Err(refuse(
                ErrorCode::ExpiredToken,
                "the device code has expired",
            )),
            // The poll read the grant approved, yet another request spent (or voided) it
            // before this one's swap.
            Some(Err(_)) => {
                self.swaps_lost.lost(SwapStep::Redemption);
                Err(invalid_device_code())
            }
            None => Err(invalid_device_code()),
        }
    }
}

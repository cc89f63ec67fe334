//! What the server has promised so far, and what is still unknown because a kill cut it; and
//! the few HTTP helpers every part of the campaign uses.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::Value;

use crate::support::browser::Browser;

pub const PASSWORD: &str = "correct horse battery staple";
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The signed tokens kept for checking: each is verified after every restart, so the most
/// recent this many are enough (every key that signs also signs several of them).
pub const MOST_SIGNED_TOKENS: usize = 60;

/// A small deterministic generator, so a failing campaign can be replayed from its seed.
pub struct Dice(pub u64);

impl Dice {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

/// Where the campaign's server is, and what the checks need to talk to it.
#[derive(Clone)]
pub struct Site {
    pub base: String,
    pub data: std::path::PathBuf,
    /// A confidential resource server's secret, to introspect access tokens (RFC 7662).
    pub introspector_secret: String,
}

#[derive(Clone)]
pub struct Code {
    pub device: String,
    pub user: String,
    pub acknowledged: Instant,
}

/// How a device was signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RevokedBy {
    /// The person's "My devices" page.
    MyDevices,
    /// `authbox grant revoke`, through the control socket of the running server.
    Cli,
    /// RFC 7009 `/revoke` with the refresh token.
    Rfc7009,
    /// A rotated refresh token presented again: reuse detection ends the family.
    Reuse,
}

pub const EVERY_REVOCATION: [RevokedBy; 4] = [
    RevokedBy::MyDevices,
    RevokedBy::Cli,
    RevokedBy::Rfc7009,
    RevokedBy::Reuse,
];

/// A grant the server said it ended: none of its tokens may work again.
#[derive(Clone, Debug)]
pub struct Revoked {
    pub by: RevokedBy,
    pub refresh_tokens: Vec<String>,
    pub access_tokens: Vec<String>,
    /// Not yet checked after a kill.
    pub fresh: bool,
}

#[derive(Default)]
pub struct Ledger {
    pub pending: Vec<Code>,
    pub approving: Vec<Code>,
    pub approved: Vec<Code>,
    pub redeeming: Vec<Code>,
    pub denying: Vec<Code>,
    /// Device codes the person denied, as the page said.
    pub denied: Vec<String>,
    /// Every device code that has ever yielded tokens, or may have (its answer was lost).
    pub redeemed: HashSet<String>,
    pub redeemed_this_cycle: Vec<String>,
    pub refresh_tokens: Vec<String>,
    pub refreshing: Vec<String>,
    pub revoked: Vec<Revoked>,
    /// Refresh tokens the server rotated (it answered with their successor).
    pub rotated: Vec<String>,
    /// Browsers whose sign-in the server acknowledged.
    pub sessions: Vec<Browser>,
    /// Every signing key a JWKS answer published, by `kid`.
    pub published_keys: HashMap<String, Value>,
    /// Access and ID tokens the server handed out, to verify after every restart: a sample
    /// of at most [`MOST_SIGNED_TOKENS`], each new one taking a place in turn.
    pub signed_tokens: Vec<String>,
    pub signed_seen: usize,
    pub failures: Vec<String>,
    pub figures: Figures,
    /// Alice's refresh grants (one per redemption) the file must hold live, by evidence: each
    /// redemption seen, plus each cut redemption that turned out spent, less each grant a cut
    /// refresh turned out to have rotated (presenting its spent token again ended it).
    pub live_grants: u64,
}

#[derive(Default, Debug)]
pub struct Figures {
    pub device_authorizations: u64,
    pub polls: u64,
    pub approvals: u64,
    pub denials: u64,
    pub redemptions: u64,
    pub refreshes: u64,
    pub cut_approvals: u64,
    pub cut_denials: u64,
    pub cut_redemptions: u64,
    pub cut_refreshes: u64,
    /// Cut redemptions whose tokens were lost with the answer (the grant was spent).
    pub cut_redemptions_spent: u64,
    /// Cut refreshes that had rotated (the grant then ended on the token's second use).
    pub cut_refreshes_rotated: u64,
    pub revocations: HashMap<String, u64>,
    pub rotations_recorded: u64,
    pub sessions_recorded: u64,
    pub key_rotations: u64,
    pub checked_after_restart: u64,
    pub denials_checked: u64,
    pub revocations_checked: HashMap<String, u64>,
    pub rotated_checked: u64,
    pub sessions_checked: u64,
    pub keys_checked: u64,
    pub signatures_checked: u64,
    /// Restarts on a killed file whose log said redb repaired it, with no `check` before.
    pub repaired_by_serve: u64,
    /// Cycles that stopped the server after the checks and ran `authbox check` on the file.
    pub check_cycles: u64,
}

impl Ledger {
    pub fn fail(&mut self, what: String) {
        self.failures.push(what);
    }

    /// Records tokens for `code`; a second time is the failure this campaign exists to catch.
    pub fn tokens_for(&mut self, code: &str, body: &Value) {
        if !self.redeemed.insert(code.to_owned()) {
            self.fail(format!("device code {code} yielded tokens twice"));
        }
        self.live_grants += 1;
        self.redeemed_this_cycle.push(code.to_owned());
        self.signed(body);
        match body["refresh_token"].as_str() {
            Some(token) => self.refresh_tokens.push(token.to_owned()),
            None => self.fail(format!("tokens without a refresh token: {body}")),
        }
    }

    /// Keeps the signed tokens of a token response, to verify after restarts.
    pub fn signed(&mut self, body: &Value) {
        for field in ["access_token", "id_token"] {
            if let Some(token) = body[field].as_str() {
                let place = self.signed_seen % MOST_SIGNED_TOKENS;
                self.signed_seen += 1;
                match self.signed_tokens.get_mut(place) {
                    Some(kept) => *kept = token.to_owned(),
                    None => self.signed_tokens.push(token.to_owned()),
                }
            }
        }
    }

    pub fn revoked(&mut self, revoked: Revoked) {
        *self
            .figures
            .revocations
            .entry(format!("{:?}", revoked.by))
            .or_default() += 1;
        self.revoked.push(revoked);
    }
}

pub type Shared = Arc<Mutex<Ledger>>;

pub fn ledger(shared: &Shared) -> MutexGuard<'_, Ledger> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One request's outcome: an answer, or none because the server died first.
pub fn send(request: reqwest::blocking::RequestBuilder) -> Option<(u16, Value)> {
    let response = request.send().ok()?;
    let status = response.status().as_u16();
    let text = response.text().ok()?;
    Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

pub fn poll(http: &Client, base: &str, device_code: &str) -> Option<(u16, Value)> {
    send(http.post(format!("{base}/token")).form(&[
        ("grant_type", DEVICE_GRANT),
        ("client_id", "tv"),
        ("device_code", device_code),
    ]))
}

pub fn refresh(http: &Client, base: &str, token: &str) -> Option<(u16, Value)> {
    send(http.post(format!("{base}/token")).form(&[
        ("grant_type", "refresh_token"),
        ("client_id", "tv"),
        ("refresh_token", token),
    ]))
}

/// Starts a device flow for the TV; its device code and user code.
pub fn device_authorization(http: &Client, base: &str) -> Option<(u16, Value)> {
    send(
        http.post(format!("{base}/device_authorization"))
            .form(&[("client_id", "tv"), ("scope", "openid offline_access")]),
    )
}

pub fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or("(none)")
}

pub fn http() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("HTTP client")
}

/// Forgets random entries beyond `keep`; each was checked after at least one kill.
pub fn retire<T>(list: &mut Vec<T>, keep: usize, dice: &mut Dice) {
    while list.len() > keep {
        list.swap_remove(dice.below(list.len() as u64) as usize);
    }
}

//! Use cases: the façade the HTTP layer, the control socket and the CLI call.
//!
//! Each method reads the clock once, decides with the domain, and persists through the store.
//! Invariant: nothing here knows actix or redb; errors leave as [`AppError`].

pub mod account_links;
pub mod accounts;
pub mod admin;
pub mod admin_access;
mod admin_groups;
mod admin_views;
pub mod audit;
pub mod authorize;
pub mod bearer;
pub mod client_auth;
pub mod client_credentials;
pub mod clients;
pub mod clock;
mod code_claims;
pub mod consents;
pub mod device;
mod device_policy;
mod device_report;
pub mod devices;
pub mod enrolment;
pub mod groups;
pub mod guard;
mod hashing;
pub mod keys;
pub mod link_use;
pub mod logout;
pub mod my_account;
pub mod page_tickets;
pub mod person;
mod published_algs;
pub mod refresh;
pub mod restored;
pub mod revocation;
pub mod second_step;
pub mod sessions;
pub mod settings;
pub mod sweep;
pub mod tokens;
mod unconfirmed;
mod web_origins;

use std::sync::{Arc, Mutex, RwLock};

use crate::crypto::CryptoError;
use crate::domain::Invalid;
use crate::domain::oauth::OAuthFailure;
use crate::domain::time::Timestamp;
use crate::store::{Store, StoreError};
use clock::Clock;
use keys::KeyRing;
use settings::Settings;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The store or the operating system failed; the request may succeed later.
    #[error("{0}")]
    Unavailable(String),
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e.0)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { .. } => AppError::Conflict(e.to_string()),
            StoreError::NotFound { .. } => AppError::NotFound(e.to_string()),
            StoreError::Rejected(invalid) => AppError::Invalid(invalid.0),
            other => AppError::Unavailable(other.to_string()),
        }
    }
}

impl From<CryptoError> for AppError {
    fn from(e: CryptoError) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

/// A protocol endpoint's failure: the OAuth error to send, or a fault on our side.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error(transparent)]
    OAuth(#[from] OAuthFailure),
    /// Over a rate limit or a cap; worth trying again after `retry_after`.
    #[error("over a limit ({why:?}); retry after {retry_after:?}")]
    Limited {
        why: guard::Limited,
        retry_after: std::time::Duration,
    },
    #[error("{0}")]
    Unavailable(String),
}

impl From<StoreError> for ProtocolError {
    fn from(e: StoreError) -> Self {
        ProtocolError::Unavailable(e.to_string())
    }
}

impl From<AppError> for ProtocolError {
    fn from(e: AppError) -> Self {
        ProtocolError::Unavailable(e.to_string())
    }
}

impl From<CryptoError> for ProtocolError {
    fn from(e: CryptoError) -> Self {
        ProtocolError::Unavailable(e.to_string())
    }
}

pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    settings: Settings,
    /// The parsed signing keys; replaced whole after a rotation or a sweep.
    keys: RwLock<Arc<KeyRing>>,
    pacing: device::PacingBook,
    /// Which account opened each device code first.
    code_claims: code_claims::CodeClaims,
    /// Binds form tokens to browser cookies; read once, kept in the data file.
    form_key: [u8; 32],
    guards: guard::Guards,
    hashing: hashing::HashingPool,
    sweep_clock: sweep::SweepClock,
    audit: audit::AuditBuffer,
    /// Successors chosen within the refresh grace window (SPEC D5); empty when it is 0.
    rotations: Mutex<crate::domain::refresh::RecentRotations>,
    published_algs: published_algs::PublishedAlgs,
    web_origins: web_origins::WebOrigins,
    /// This server's races lost at a compare-and-swap, for `/metrics`.
    swaps_lost: crate::telemetry::SwapLosses,
    /// Redemptions whose commit failed unconfirmed, for the device's retry.
    unconfirmed_redemptions: unconfirmed::UnconfirmedRedemptions,
    /// When this server started, for the admin overview.
    started_at: Timestamp,
    /// Pending sign-ins awaiting their second factor, and recovery codes to show once.
    browser_held: second_step::BrowserHeld,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> Result<App, AppError> {
        let ring = KeyRing::load(&store)?;
        let form_key = store.form_key(crate::crypto::random::random_array()?)?;
        let guards = guard::Guards::new(&settings);
        let sweep_clock = sweep::SweepClock::new(store.sweep_trusted_at()?);
        guards.count_live_grants(&store.live_device_grants(clock.now())?);
        let started_at = clock.now();
        let app = App {
            store,
            clock,
            settings,
            keys: RwLock::new(Arc::new(ring)),
            pacing: device::PacingBook::default(),
            code_claims: code_claims::CodeClaims::default(),
            form_key,
            guards,
            sweep_clock,
            hashing: hashing::HashingPool::start().map_err(|e| {
                AppError::Unavailable(format!("cannot start the hashing threads: {e}"))
            })?,
            audit: audit::AuditBuffer::default(),
            rotations: Mutex::default(),
            published_algs: published_algs::PublishedAlgs::default(),
            web_origins: web_origins::WebOrigins::default(),
            swaps_lost: crate::telemetry::SwapLosses::default(),
            unconfirmed_redemptions: unconfirmed::UnconfirmedRedemptions::default(),
            started_at,
            browser_held: second_step::BrowserHeld::default(),
        };
        app.clients_changed()?;
        Ok(app)
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// When this server started.
    pub fn started_at(&self) -> Timestamp {
        self.started_at
    }

    /// The races this server's exactly-once steps lost at their compare-and-swap.
    pub fn swaps_lost(&self) -> &crate::telemetry::SwapLosses {
        &self.swaps_lost
    }
}

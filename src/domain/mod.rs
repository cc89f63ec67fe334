//! The pure model of authbox: users, clients, scopes, signing-key metadata and time.
//!
//! Nothing here performs I/O, reads a clock or draws randomness; callers pass `now` and any
//! random material in. Invariant: no module below imports actix, redb or ring (a test in
//! `tests/it/architecture.rs` enforces it).

pub mod account_link;
pub mod approval;
pub mod audit;
pub mod authorization;
pub mod authorization_code;
pub mod client;
pub mod clock_watch;
pub mod device_grant;
pub mod group;
pub mod network;
pub mod oauth;
pub mod pacing;
pub mod refresh;
pub mod refusal;
pub mod resource;
pub mod scope;
pub mod second_factor;
pub mod session;
pub mod signing;
pub mod throttle;
pub mod time;
pub mod token;
pub mod user;
pub mod user_code;
pub mod web_origin;

/// A value that failed validation, with a message that names the problem and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Invalid(message.into())
    }
}

/// True when `text` holds a control character, which no name, email or id may carry.
fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

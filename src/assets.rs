//! Static files compiled into the binary, so the pages work with nothing else installed.
//!
//! Each is served under a name that carries a hash of its content; a change gets a new name,
//! so browsers may cache a name forever.

use std::sync::LazyLock;

pub const STYLESHEET: &str = include_str!("../assets/authbox.css");

/// FNV-1a: enough to tell versions of our own file apart; not a security measure.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

static STYLESHEET_PATH: LazyLock<String> =
    LazyLock::new(|| format!("/assets/authbox.{:016x}.css", fnv1a(STYLESHEET.as_bytes())));

/// Where the stylesheet is served, e.g. `/assets/authbox.0123456789abcdef.css`.
pub fn stylesheet_path() -> &'static str {
    &STYLESHEET_PATH
}

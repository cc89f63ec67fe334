//! How long a client may take: configuration data, read by the HTTP layer's connections and
//! form reader.

use std::time::Duration;

/// How long a client may take. The defaults are what authbox serves with; tests shorten them.
///
/// Invariant: `request` is longer than `keep_alive` plus `body`, so the timers that answer (408)
/// always speak before `request`, which only closes what they cannot see: the heads of second
/// and later requests on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The first request's head must be in within this long, or the answer is 408 and the
    /// connection closes (the HTTP layer's head timer).
    pub request_head: Duration,
    /// An idle connection between requests is closed after this long.
    pub keep_alive: Duration,
    /// A form body must be whole within this long of the handler asking for it, or the answer
    /// is 408 (`http::form::read_limited`).
    pub body: Duration,
    /// From the moment the server starts waiting for a request (when the connection opens, or
    /// once the previous answer went out) until it starts answering (`http::connections`).
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            request_head: Duration::from_secs(5),
            keep_alive: Duration::from_secs(5),
            // A form of a few hundred bytes arrives in well under a second.
            body: Duration::from_secs(10),
            request: Duration::from_secs(20),
        }
    }
}

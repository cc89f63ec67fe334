//! Page tickets: what lets a page reached by a redirect after a form (Post/Redirect/Get) show
//! something only that form could have led to, and only to the browser that posted it.
//!
//! A ticket is an HMAC, under the server's form key, of what the page is about and of the
//! browser's cookie. A link someone crafts for another person carries no ticket that their
//! browser's cookie matches, so the page falls back to what anyone may see (the code form with
//! the code filled in, say). Tickets need no storage: they are as old as the cookie, which
//! changes at every sign-in and sign-out.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::App;
use crate::crypto::hash::{digests_equal, hmac_sha256};

/// What a ticket lets its page show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketFor<'a> {
    /// The consent page for the device request behind a user code (canonical form).
    DeviceConsent { user_code: &'a str },
    /// "Connected", "not connected" or "reported" for a device of this client.
    DeviceDecided {
        client_id: &'a str,
        outcome: DeviceOutcome,
    },
    /// A notice on "My devices and apps" about something just ended, by name.
    DevicesNotice { notice: &'a str, name: &'a str },
}

/// What the person did with a device's request, as `/device/done` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceOutcome {
    Approved,
    Denied,
    /// Denied as "I didn't start this" (`device_report`).
    Reported,
}

impl DeviceOutcome {
    pub fn name(self) -> &'static str {
        match self {
            DeviceOutcome::Approved => "approved",
            DeviceOutcome::Denied => "denied",
            DeviceOutcome::Reported => "reported",
        }
    }

    pub fn from_name(name: &str) -> Option<DeviceOutcome> {
        [
            DeviceOutcome::Approved,
            DeviceOutcome::Denied,
            DeviceOutcome::Reported,
        ]
        .into_iter()
        .find(|o| o.name() == name)
    }
}

impl TicketFor<'_> {
    /// The HMAC's message. Cookies are base64url, so a NUL never occurs inside one, and the
    /// message never equals a form token's (the bare cookie).
    fn message(&self, cookie: &str) -> Vec<u8> {
        let parts: [&str; 3] = match *self {
            TicketFor::DeviceConsent { user_code } => ["device-consent", user_code, ""],
            TicketFor::DeviceDecided { client_id, outcome } => {
                ["device-decided", client_id, outcome.name()]
            }
            TicketFor::DevicesNotice { notice, name } => ["devices-notice", notice, name],
        };
        let mut message = Vec::with_capacity(64 + cookie.len());
        for part in parts {
            message.extend_from_slice(part.as_bytes());
            message.push(0);
        }
        message.extend_from_slice(cookie.as_bytes());
        message
    }
}

impl App {
    /// The ticket for `what`, for the browser holding `cookie`.
    pub fn page_ticket(&self, cookie: &str, what: TicketFor<'_>) -> String {
        URL_SAFE_NO_PAD.encode(hmac_sha256(&self.form_key, &what.message(cookie)))
    }

    /// Whether `ticket` is the one for `what` and this browser, compared in constant time.
    pub fn page_ticket_matches(&self, cookie: &str, what: TicketFor<'_>, ticket: &str) -> bool {
        let Ok(presented) = URL_SAFE_NO_PAD.decode(ticket) else {
            return false;
        };
        let Ok(presented) = <[u8; 32]>::try_from(presented.as_slice()) else {
            return false;
        };
        digests_equal(
            &presented,
            &hmac_sha256(&self.form_key, &what.message(cookie)),
        )
    }
}

//! Audit events: what happened, when, to whom, by which client, from where. Never a secret:
//! no code, token, password or cookie is ever part of an event.

use std::fmt;
use std::str::FromStr;

use super::Invalid;
use super::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    SignedIn,
    SignInFailed,
    CodeRejected,
    Approved,
    Denied,
    Redeemed,
    RefreshReused,
    Revoked,
    CodeReplayed,
    /// A person's browser sessions were ended (a password change, disabling, removal).
    SessionsEnded,
    /// An operator lifted "too many tries" pauses (`authbox unlock`).
    Unlocked,
    /// An administrator changed something on the admin pages; the detail says what.
    AdminChanged,
    /// A person was refused a client by its access policy (not in any group it allows).
    AccessRefused,
    /// An operator invited someone: the account exists, waiting for its first password.
    InvitationCreated,
    /// The invited person chose their password with the link.
    InvitationUsed,
    /// An operator issued a recovery link for an existing account (`authbox user reset`).
    RecoveryCreated,
    /// A person set a new password with a recovery link.
    RecoveryUsed,
    /// An operator revoked a live invitation or recovery link.
    LinkRevoked,
    /// A link that names no stored link was presented (a guess, or a mistyped link).
    LinkRejected,
    /// A person turned their second factor on or off, or an operator reset it; the detail
    /// says which.
    SecondFactorChanged,
    /// A person said a device's request was not theirs ("I didn't start this"): denied, and
    /// the address it came from waits before that client's next code there.
    DeviceReported,
    /// A second account entered a device code another account had opened first: refused.
    CodeEnteredByAnother,
}

impl AuditKind {
    pub const ALL: [AuditKind; 22] = [
        AuditKind::SignedIn,
        AuditKind::SignInFailed,
        AuditKind::CodeRejected,
        AuditKind::Approved,
        AuditKind::Denied,
        AuditKind::Redeemed,
        AuditKind::RefreshReused,
        AuditKind::Revoked,
        AuditKind::CodeReplayed,
        AuditKind::SessionsEnded,
        AuditKind::Unlocked,
        AuditKind::AdminChanged,
        AuditKind::AccessRefused,
        AuditKind::InvitationCreated,
        AuditKind::InvitationUsed,
        AuditKind::RecoveryCreated,
        AuditKind::RecoveryUsed,
        AuditKind::LinkRevoked,
        AuditKind::LinkRejected,
        AuditKind::SecondFactorChanged,
        AuditKind::DeviceReported,
        AuditKind::CodeEnteredByAnother,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AuditKind::SignedIn => "signed_in",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::CodeRejected => "code_rejected",
            AuditKind::Approved => "approved",
            AuditKind::Denied => "denied",
            AuditKind::Redeemed => "redeemed",
            AuditKind::RefreshReused => "refresh_reused",
            AuditKind::Revoked => "revoked",
            AuditKind::CodeReplayed => "code_replayed",
            AuditKind::SessionsEnded => "sessions_ended",
            AuditKind::Unlocked => "unlocked",
            AuditKind::AdminChanged => "admin_changed",
            AuditKind::AccessRefused => "access_refused",
            AuditKind::InvitationCreated => "invitation_created",
            AuditKind::InvitationUsed => "invitation_used",
            AuditKind::RecoveryCreated => "recovery_created",
            AuditKind::RecoveryUsed => "recovery_used",
            AuditKind::LinkRevoked => "link_revoked",
            AuditKind::LinkRejected => "link_rejected",
            AuditKind::SecondFactorChanged => "second_factor_changed",
            AuditKind::DeviceReported => "device_reported",
            AuditKind::CodeEnteredByAnother => "code_entered_by_another",
        }
    }
}

impl fmt::Display for AuditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AuditKind {
    type Err = Invalid;

    fn from_str(text: &str) -> Result<Self, Invalid> {
        AuditKind::ALL
            .into_iter()
            .find(|k| k.name() == text)
            .ok_or_else(|| Invalid::new(format!("unknown audit event {text:?}")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: Timestamp,
    pub kind: AuditKind,
    /// The account's `sub`, or for a failed sign-in the username that was tried.
    pub subject: Option<String>,
    pub client_id: Option<String>,
    pub address: Option<String>,
    /// What was done, in a few words, when the kind alone does not say (an administrator's
    /// change: "disabled user bob").
    pub detail: Option<String>,
}

impl AuditEvent {
    pub fn new(kind: AuditKind, at: Timestamp) -> AuditEvent {
        AuditEvent {
            at,
            kind,
            subject: None,
            client_id: None,
            address: None,
            detail: None,
        }
    }

    pub fn subject(mut self, subject: impl Into<String>) -> AuditEvent {
        self.subject = Some(subject.into());
        self
    }

    pub fn client(mut self, client_id: impl Into<String>) -> AuditEvent {
        self.client_id = Some(client_id.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> AuditEvent {
        self.detail = Some(detail.into());
        self
    }

    pub fn address(mut self, address: Option<impl Into<String>>) -> AuditEvent {
        self.address = address.map(Into::into);
        self
    }
}

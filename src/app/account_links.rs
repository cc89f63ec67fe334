//! Invitations and recovery links, as an operator issues, lists and revokes them
//! (`authbox user invite`, `user reset`, `user invites`). Using one is in `link_use`.
//!
//! An invitation creates the account at once, without a password: the username is reserved,
//! `user list` shows the account as invited, and nobody can sign in to it until the link is
//! used. A revoked or expired invitation leaves the account as it was (invited); the operator
//! invites again with `user reset`, or removes it.
//!
//! Invariant: the link's secret (256 random bits) is returned once, in the response that made
//! it, and stored only as its SHA-256.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{App, AppError};
use crate::crypto::hash::sha256;
use crate::crypto::random::{random_array, random_name_suffix, random_token};
use crate::domain::account_link::{AccountLink, LinkKind, LinkSpent, LinkState};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::user::{Email, PasswordHash, Subject, User, Username, parse_display_name};

/// How long a link stays usable unless the operator says otherwise.
pub const DEFAULT_LINK_TTL: Duration = Duration::from_secs(72 * 3600);
/// The longest a link may stay usable: a forgotten link should not open an account months later.
const MAX_LINK_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// The shortest, so a link can be opened at all.
const MIN_LINK_TTL: Duration = Duration::from_secs(60);

/// Whom an operator invites.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub admin: bool,
    /// How long the link stays usable, in seconds; `None` for [`DEFAULT_LINK_TTL`].
    pub ttl_secs: Option<u64>,
    /// Groups the person joins at once (the account exists from the invitation on; it can do
    /// nothing until the link is used).
    #[serde(default)]
    pub groups: Vec<String>,
}

/// A link as listings show it: never the link itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LinkView {
    pub id: String,
    pub username: String,
    /// `invitation` or `recovery`.
    pub kind: String,
    /// `live`, `used`, `revoked` or `expired`.
    pub state: String,
    pub created_at: u64,
    pub expires_at: u64,
    /// A recovery link that leaves the person's devices signed in.
    #[serde(default)]
    pub keep_devices: bool,
}

/// A link just made, with the URL to hand over.
pub struct IssuedLink {
    pub link: LinkView,
    pub url: String,
}

fn link_ttl(ttl_secs: Option<u64>) -> Result<Duration, AppError> {
    let ttl = ttl_secs.map_or(DEFAULT_LINK_TTL, Duration::from_secs);
    if !(MIN_LINK_TTL..=MAX_LINK_TTL).contains(&ttl) {
        return Err(AppError::Invalid(
            "--ttl must be between 1 minute and 30 days".into(),
        ));
    }
    Ok(ttl)
}

impl App {
    fn link_view(&self, link: &AccountLink) -> LinkView {
        LinkView {
            id: link.id.clone(),
            username: link.username.to_string(),
            kind: link.kind.name().to_owned(),
            state: link.state_name(self.now()).to_owned(),
            created_at: link.created_at.secs(),
            expires_at: link.expires_at.secs(),
            keep_devices: matches!(link.kind, LinkKind::Recovery { keep_devices: true }),
        }
    }

    /// A new link for `user`, and the secret that makes its URL.
    fn new_link(
        &self,
        user: &User,
        kind: LinkKind,
        ttl: Duration,
    ) -> Result<(AccountLink, String), AppError> {
        let now = self.now();
        let link = AccountLink {
            id: random_name_suffix()?,
            kind,
            sub: user.sub.clone(),
            username: user.username.clone(),
            created_at: now,
            expires_at: now.plus(ttl),
            state: LinkState::Live,
        };
        Ok((link, random_token()?))
    }

    fn issued(&self, link: &AccountLink, secret: &str) -> IssuedLink {
        let path = match link.kind {
            LinkKind::Invitation => "invite",
            LinkKind::Recovery { .. } => "reset",
        };
        IssuedLink {
            link: self.link_view(link),
            url: format!("{}/{path}/{secret}", self.settings().issuer),
        }
    }

    /// Creates the invited account (reserving its username) and its invitation link.
    pub fn invite_user(&self, invitation: &Invitation) -> Result<IssuedLink, AppError> {
        let username = Username::parse(&invitation.username)?;
        let display_name = invitation
            .display_name
            .as_deref()
            .map(|n| parse_display_name(n, "name"))
            .transpose()?;
        let email = invitation.email.as_deref().map(Email::parse).transpose()?;
        let ttl = link_ttl(invitation.ttl_secs)?;
        // Unknown groups refuse the invitation before anything is stored.
        self.group_ids_named(&invitation.groups)?;
        if self.store.user_by_username(username.as_str())?.is_some() {
            return Err(AppError::Conflict(format!(
                "a user named {:?} already exists; `authbox user reset` gives them a new link",
                username.as_str()
            )));
        }
        let now = self.now();
        let user = User {
            sub: Subject::from_random(random_array()?),
            username,
            display_name,
            email,
            email_verified: false,
            password_hash: PasswordHash::not_set_yet(),
            disabled: false,
            admin: invitation.admin,
            second_factor: Default::default(),
            created_at: now,
            updated_at: now,
        };
        let (link, secret) = self.new_link(&user, LinkKind::Invitation, ttl)?;
        let event = AuditEvent::new(AuditKind::InvitationCreated, now).subject(user.sub.as_str());
        self.store.insert_invited_user(
            &user,
            &sha256(secret.as_bytes()),
            &link,
            self.audit_rows(event)?,
        )?;
        tracing::info!(username = %user.username, sub = %user.sub, link = %link.id, "invited a user");
        let member = [user.username.as_str().to_owned()];
        for group in &invitation.groups {
            self.change_members(group, &member, true)?;
        }
        Ok(self.issued(&link, &secret))
    }

    /// A recovery link for an existing account; for one still invited, a new invitation. Any
    /// earlier live link of the account stops working.
    pub fn issue_recovery_link(
        &self,
        username: &str,
        keep_devices: bool,
        ttl_secs: Option<u64>,
    ) -> Result<IssuedLink, AppError> {
        let user = self.user(username)?;
        let ttl = link_ttl(ttl_secs)?;
        let (kind, audit) = if user.password_hash.is_set() {
            (
                LinkKind::Recovery { keep_devices },
                AuditKind::RecoveryCreated,
            )
        } else {
            (LinkKind::Invitation, AuditKind::InvitationCreated)
        };
        let (link, secret) = self.new_link(&user, kind, ttl)?;
        let event = AuditEvent::new(audit, link.created_at).subject(user.sub.as_str());
        self.store.insert_account_link(
            &sha256(secret.as_bytes()),
            &link,
            self.audit_rows(event)?,
        )?;
        tracing::info!(username = %user.username, link = %link.id, kind = link.kind.name(), "issued an account link");
        Ok(self.issued(&link, &secret))
    }

    /// Every link kept (live ones, and used, revoked or expired ones until the sweeper takes
    /// them at their expiry), oldest first.
    pub fn link_views(&self) -> Result<Vec<LinkView>, AppError> {
        Ok(self
            .store
            .account_links()?
            .iter()
            .map(|l| self.link_view(l))
            .collect())
    }

    /// Revokes a live link by its id; the account stays as it is.
    pub fn revoke_link(&self, id: &str) -> Result<LinkView, AppError> {
        let id = id.trim();
        let now = self.now();
        let subject = self
            .store
            .account_links()?
            .into_iter()
            .find(|l| l.id == id)
            .map(|l| l.sub.to_string())
            .unwrap_or_default();
        let event = AuditEvent::new(AuditKind::LinkRevoked, now).subject(subject);
        let outcome = self
            .store
            .revoke_account_link(id, now, self.audit_rows(event)?)?;
        match outcome {
            None => Err(AppError::NotFound(format!(
                "there is no invitation or recovery link with id {id:?}"
            ))),
            Some(Err(spent)) => Err(AppError::Conflict(format!(
                "the link {id:?} is {} already",
                match spent {
                    LinkSpent::Used => "used",
                    LinkSpent::Revoked => "revoked",
                    LinkSpent::Expired => "expired",
                }
            ))),
            Some(Ok(link)) => {
                tracing::info!(username = %link.username, link = %link.id, "revoked an account link");
                Ok(self.link_view(&link))
            }
        }
    }
}

//! Using an invitation or recovery link in a browser: the page that opens it and the form that
//! sets the password. Both go through [`App::look_up_link`], the one way to look a link's
//! secret up, which spends the code-entry budgets of the browser, its address and everyone
//! when the secret names no link; so guessing links costs what guessing user codes costs.
//!
//! Opening a link changes nothing (link previewers open links too); only the posted form, with
//! the browser's form token, uses it.

use std::net::IpAddr;

use super::accounts::Devices;
use super::guard::{Attempt, CodeEntrant};
use super::person::known_as;
use super::sessions::NewSession;
use super::{App, AppError};
use crate::crypto::hash::sha256;
use crate::domain::account_link::{AccountLink, LinkKind, LinkSpent};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::second_factor::SignInMethod;
use crate::domain::time::Timestamp;
use crate::domain::user::{User, check_new_password};
use crate::store::AccountLinkHash;

/// The browser presenting a link.
#[derive(Debug, Clone, Copy)]
pub struct LinkVisitor<'a> {
    pub cookie: Option<&'a str>,
    pub address: Option<IpAddr>,
}

/// A usable link, as its page shows it.
#[derive(Debug, Clone)]
pub struct OpenLink {
    pub kind: LinkKind,
    pub username: String,
    /// The person's name, or their username.
    pub known_as: String,
    pub expires_at: Timestamp,
}

/// Why a link cannot be used. None of these changed anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// No link has this secret: a guess, a mistyped link, or one swept after it expired.
    Unknown,
    Spent(LinkSpent),
    /// Out of budget until then: the link was not looked at.
    Paused(Timestamp),
    /// The browser is signed in as someone else; signing out first is up to the person.
    SignedInAsOther {
        signed_in_as: String,
    },
    /// The account was disabled or removed after the link was made.
    AccountClosed,
}

/// Why the chosen password was not taken; the link stays usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordProblem {
    /// The two fields differ.
    Mismatch,
    /// The password policy refused it; the message says why (in English, as the CLI says it).
    Refused(String),
}

/// What a posted link form came to.
#[derive(Debug)]
pub enum LinkUse {
    /// The password is set and the browser signed in under a new session cookie.
    SignedIn(Box<NewSession>),
    Link(LinkProblem),
    Password(OpenLink, PasswordProblem),
    /// Every password-hashing slot is busy; nothing changed.
    Busy,
}

/// A link found by its secret, with the account it is for.
struct Found {
    hash: AccountLinkHash,
    link: AccountLink,
    user: User,
}

impl App {
    /// The one way a route looks up a link's secret. A secret that names no link spends
    /// `who`'s code-entry budgets; out of budget, nothing is looked at.
    fn look_up_link(
        &self,
        who: &CodeEntrant,
        secret: &str,
    ) -> Result<Result<Found, LinkProblem>, AppError> {
        let hash = sha256(secret.as_bytes());
        let found = self.spending_code_budget(who, AuditKind::LinkRejected, || {
            let outcome = self.store.account_link(&hash);
            let wrong = matches!(outcome, Ok(None));
            Attempt { outcome, wrong }
        });
        let link = match found {
            Err(until) => return Ok(Err(LinkProblem::Paused(until))),
            Ok(found) => match found? {
                Some(link) => link,
                None => return Ok(Err(LinkProblem::Unknown)),
            },
        };
        if let Err(spent) = link.usable(self.now()) {
            return Ok(Err(LinkProblem::Spent(spent)));
        }
        let user = match self.store.user_by_sub(&link.sub)? {
            Some(user) if !user.disabled => user,
            _ => return Ok(Err(LinkProblem::AccountClosed)),
        };
        if let Err(spent) = link.usable_on(user.password_hash.is_set(), self.now()) {
            return Ok(Err(LinkProblem::Spent(spent)));
        }
        Ok(Ok(Found { hash, link, user }))
    }

    /// Finds a usable link for `who`, refusing it while the browser is signed in as someone
    /// other than the link's person.
    fn usable_link(
        &self,
        who: &LinkVisitor,
        secret: &str,
    ) -> Result<Result<Found, LinkProblem>, AppError> {
        let signed_in = match who.cookie {
            Some(cookie) => self.signed_in(cookie)?,
            None => None,
        };
        let entrant = CodeEntrant {
            cookie: who.cookie,
            address: who.address,
            sub: signed_in.as_ref().map(|(session, _)| &session.sub),
        };
        let found = match self.look_up_link(&entrant, secret)? {
            Ok(found) => found,
            Err(problem) => return Ok(Err(problem)),
        };
        if let Some((_, other)) = signed_in.filter(|(_, u)| u.sub != found.user.sub) {
            return Ok(Err(LinkProblem::SignedInAsOther {
                signed_in_as: known_as(&other).to_owned(),
            }));
        }
        Ok(Ok(found))
    }

    /// `GET` of a link's page: what it is for, or why it cannot be used. Changes nothing.
    pub fn open_link(
        &self,
        who: &LinkVisitor,
        secret: &str,
    ) -> Result<Result<OpenLink, LinkProblem>, AppError> {
        Ok(self.usable_link(who, secret)?.map(|found| open(&found)))
    }

    /// The posted form: sets the password (exactly once per link, however many try at once)
    /// and opens a session for the person. A recovery link also ends the person's other
    /// sessions and, unless the operator said to keep them, their devices.
    pub fn use_link(
        &self,
        who: &LinkVisitor,
        secret: &str,
        password: &str,
        repeat: &str,
    ) -> Result<LinkUse, AppError> {
        let found = match self.usable_link(who, secret)? {
            Ok(found) => found,
            Err(problem) => return Ok(LinkUse::Link(problem)),
        };
        if password != repeat {
            return Ok(LinkUse::Password(open(&found), PasswordProblem::Mismatch));
        }
        if let Err(refused) = check_new_password(password) {
            return Ok(LinkUse::Password(
                open(&found),
                PasswordProblem::Refused(refused.to_string()),
            ));
        }
        let hash = match self.hash_new_password(password) {
            Ok(hash) => hash,
            Err(AppError::Unavailable(_)) => return Ok(LinkUse::Busy),
            Err(e) => return Err(e),
        };
        let now = self.now();
        let kind = match found.link.kind {
            LinkKind::Invitation => AuditKind::InvitationUsed,
            LinkKind::Recovery { .. } => AuditKind::RecoveryUsed,
        };
        let event = AuditEvent::new(kind, now)
            .subject(found.user.sub.as_str())
            .address(who.address.map(|a| a.to_string()));
        let used = self
            .store
            .use_account_link(&found.hash, now, &hash, self.audit_rows(event)?)?;
        let (link, user) = match used {
            Some(Ok(used)) => used,
            Some(Err(spent)) => return Ok(LinkUse::Link(LinkProblem::Spent(spent))),
            None => return Ok(LinkUse::Link(LinkProblem::AccountClosed)),
        };
        if let LinkKind::Recovery { keep_devices } = link.kind {
            let devices = if keep_devices {
                Devices::Keep
            } else {
                Devices::End
            };
            self.end_sign_ins(&user, devices, None)?;
        }
        tracing::info!(username = %user.username, link = %link.id, kind = link.kind.name(), "an account link was used");
        let signed_in = AuditEvent::new(AuditKind::SignedIn, now)
            .subject(user.sub.as_str())
            .address(who.address.map(|a| a.to_string()));
        Ok(LinkUse::SignedIn(Box::new(self.open_session(
            user,
            SignInMethod::Password,
            signed_in,
        )?)))
    }
}

fn open(found: &Found) -> OpenLink {
    OpenLink {
        kind: found.link.kind,
        username: found.user.username.to_string(),
        known_as: known_as(&found.user).to_owned(),
        expires_at: found.link.expires_at,
    }
}

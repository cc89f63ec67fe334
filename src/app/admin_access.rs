//! The admin pages' side of administration: who may use them, and what their changes leave in
//! the audit log.
//!
//! Invariant: the HTTP layer asks [`App::admin_access`] once for every request under `/admin`,
//! whatever its path, before any handler runs; and the pages change things only through
//! [`App::execute_as_admin`], which is the CLI's [`App::execute`] (the same rules, no second
//! implementation) plus an audit event naming the administrator and their address. The CLI over
//! the control socket stays the root of trust: it needs no account.

use std::net::IpAddr;

use super::admin::{AdminFailure, AdminRequest, AdminResponse, StatusView};
use super::groups::GroupRequest;
use super::person::known_as;
use super::{App, AppError};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::user::Subject;

/// An administrator signed in on this browser.
#[derive(Debug, Clone)]
pub struct Administrator {
    pub sub: Subject,
    pub username: String,
    /// The name shown on the pages.
    pub known_as: String,
    pub address: Option<IpAddr>,
}

/// Whether a browser may see the admin pages.
#[derive(Debug, Clone)]
pub enum AdminAccess {
    Granted(Administrator),
    /// Signed in, as someone who is not an administrator.
    NotAdmin {
        known_as: String,
    },
    /// An administrator whose session did not use a second factor, on a server that requires
    /// one (`--require-second-factor-for-admins`).
    NeedsSecondFactor {
        known_as: String,
    },
    SignedOut,
}

/// What the dashboard shows besides [`StatusView`].
#[derive(Debug, Clone)]
pub struct Overview {
    pub status: StatusView,
    /// Device codes handed out and not yet expired, redeemed or denied.
    pub live_device_codes: usize,
}

impl App {
    /// The one check in front of every admin page: the browser's session, and whether its
    /// person is an administrator now (a role taken away counts at once).
    pub fn admin_access(
        &self,
        cookie: Option<&str>,
        address: Option<IpAddr>,
    ) -> Result<AdminAccess, AppError> {
        let Some(cookie) = cookie else {
            return Ok(AdminAccess::SignedOut);
        };
        Ok(match self.signed_in(cookie)? {
            None => AdminAccess::SignedOut,
            Some((session, user))
                if user.admin
                    && self.settings.second_factor_for_admins
                    && !session.method.is_multi_factor() =>
            {
                AdminAccess::NeedsSecondFactor {
                    known_as: known_as(&user).to_owned(),
                }
            }
            Some((_, user)) if user.admin => AdminAccess::Granted(Administrator {
                sub: user.sub.clone(),
                username: user.username.to_string(),
                known_as: known_as(&user).to_owned(),
                address,
            }),
            Some((_, user)) => AdminAccess::NotAdmin {
                known_as: known_as(&user).to_owned(),
            },
        })
    }

    /// Runs a management request for an administrator on the admin pages, and records a
    /// change in the audit log with who made it, from where, and what it was.
    pub fn execute_as_admin(
        &self,
        admin: &Administrator,
        request: AdminRequest,
    ) -> Result<AdminResponse, AdminFailure> {
        let change = change_summary(&request);
        let response = self.execute(request)?;
        if let Some((detail, client)) = change {
            let mut event = AuditEvent::new(AuditKind::AdminChanged, self.now())
                .subject(admin.sub.as_str())
                .address(admin.address.map(|a| a.to_string()))
                .detail(format!("{} {detail}", admin.username));
            if let Some(client) = client {
                event = event.client(client);
            }
            self.record(event);
            // Written now rather than with the next batch, so the log shows it at once; on
            // failure it stays buffered for the next try.
            if let Err(e) = self.flush_audit() {
                tracing::warn!(error = %e, "an administrator's change is not in the audit log yet");
            }
        }
        Ok(response)
    }

    /// The dashboard's numbers.
    pub fn overview(&self) -> Result<Overview, AppError> {
        Ok(Overview {
            status: self.status()?,
            live_device_codes: self.store.live_device_grants(self.now())?.len(),
        })
    }
}

/// What a request changes, in words for the audit log, and the client it concerns; `None` for
/// a request that only reads. Every request is named here, so a new one must say which it is.
fn change_summary(request: &AdminRequest) -> Option<(String, Option<String>)> {
    let about_client =
        |what: &str, id: &str| Some((format!("{what} client {id}"), Some(id.into())));
    match request {
        AdminRequest::UserList
        | AdminRequest::UserShow { .. }
        | AdminRequest::ClientList
        | AdminRequest::ClientShow { .. }
        | AdminRequest::GrantList { .. }
        | AdminRequest::Audit { .. }
        | AdminRequest::KeyList
        | AdminRequest::Status
        | AdminRequest::Snapshot
        | AdminRequest::LinkList => None,
        AdminRequest::UserInvite { invitation } => {
            Some((format!("invited user {}", invitation.username), None))
        }
        AdminRequest::UserReset { username, .. } => {
            Some((format!("issued a recovery link for user {username}"), None))
        }
        AdminRequest::LinkRevoke { id } => Some((format!("revoked link {id}"), None)),
        AdminRequest::UserAdd { username, .. } => Some((format!("added user {username}"), None)),
        AdminRequest::UserPasswd { username, .. } => {
            Some((format!("set the password of user {username}"), None))
        }
        AdminRequest::UserUpdate { username, .. } => {
            Some((format!("updated user {username}"), None))
        }
        AdminRequest::UserSetDisabled { username, disabled } => {
            let what = if *disabled { "disabled" } else { "enabled" };
            Some((format!("{what} user {username}"), None))
        }
        AdminRequest::UserRemove { username } => Some((format!("removed user {username}"), None)),
        AdminRequest::ClientAdd { client_id, .. } => about_client("added", client_id),
        AdminRequest::ClientUpdate {
            client_id,
            settings,
        } => match settings.disabled {
            Some(true) => about_client("disabled", client_id),
            Some(false) => about_client("enabled", client_id),
            None => about_client("updated", client_id),
        },
        AdminRequest::ClientRotateSecret { client_id } => {
            about_client("rotated the secret of", client_id)
        }
        AdminRequest::ClientRemove { client_id } => about_client("removed", client_id),
        AdminRequest::GrantRevoke { id } => Some((format!("revoked grant {id}"), None)),
        AdminRequest::KeyRotate { alg, .. } => Some((
            format!(
                "rotated the {} signing key",
                alg.as_deref().unwrap_or("default")
            ),
            None,
        )),
        AdminRequest::Unlock { .. } => Some(("lifted pauses".into(), None)),
        AdminRequest::Group(group) => group_change(group).map(|detail| (detail, None)),
    }
}

fn group_change(request: &GroupRequest) -> Option<String> {
    match request {
        GroupRequest::List | GroupRequest::Show { .. } => None,
        GroupRequest::Create { name } => Some(format!("created group {name}")),
        GroupRequest::Rename { name, new_name } => {
            Some(format!("renamed group {name} to {new_name}"))
        }
        GroupRequest::Delete { name } => Some(format!("deleted group {name}")),
        GroupRequest::Add { name, usernames } => {
            Some(format!("added {} to group {name}", usernames.join(", ")))
        }
        GroupRequest::Remove { name, usernames } => Some(format!(
            "removed {} from group {name}",
            usernames.join(", ")
        )),
    }
}

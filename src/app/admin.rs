//! Management requests: what `authbox user|client|key …` asks for, executed against an [`App`].
//!
//! The CLI sends these to a running server over its control socket, or executes them itself
//! when no server runs, so both paths share one implementation and one set of checks.
//! Invariant: no view carries a password hash or a private key; a client secret appears only
//! in the response that created it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::account_links::{Invitation, IssuedLink, LinkView};
use super::accounts::{NewUser, SignInsEnded, UserChanges};
pub use super::admin_views::{AuditView, ClientView, GrantView, KeyView, StatusView, UserView};
use super::clients::ClientSettings;
use super::devices::PairedDevice;
use super::groups::{GroupRequest, GroupView};
use super::guard::Unlock;
use super::keys::RotationStart;
use super::{App, AppError};
use crate::domain::client::Client;
use crate::domain::signing::{KeyInfo, SigningAlg};
use crate::domain::time::Timestamp;
use crate::domain::user::User;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AdminRequest {
    UserAdd {
        username: String,
        password: String,
        display_name: Option<String>,
        email: Option<String>,
        email_verified: bool,
        admin: bool,
    },
    UserList,
    UserShow {
        username: String,
    },
    UserPasswd {
        username: String,
        password: String,
        /// Leave devices signed in; browser sessions end all the same.
        #[serde(default)]
        keep_devices: bool,
    },
    UserUpdate {
        username: String,
        changes: UserChanges,
    },
    UserSetDisabled {
        username: String,
        disabled: bool,
    },
    UserRemove {
        username: String,
    },
    /// Creates an invited account and a one-time link to choose its password with.
    UserInvite {
        invitation: Invitation,
    },
    /// A one-time recovery link for an existing account.
    UserReset {
        username: String,
        #[serde(default)]
        keep_devices: bool,
        ttl_secs: Option<u64>,
    },
    /// Invitations and recovery links, without their secrets.
    LinkList,
    LinkRevoke {
        id: String,
    },
    ClientAdd {
        client_id: String,
        confidential: bool,
        settings: ClientSettings,
    },
    ClientList,
    ClientShow {
        client_id: String,
    },
    ClientUpdate {
        client_id: String,
        settings: ClientSettings,
    },
    ClientRotateSecret {
        client_id: String,
    },
    ClientRemove {
        client_id: String,
    },
    /// `authbox group …`.
    Group(GroupRequest),
    GrantList {
        username: Option<String>,
    },
    GrantRevoke {
        id: String,
    },
    Audit {
        /// Only events of the last this many seconds.
        since_secs: Option<u64>,
        username: Option<String>,
    },
    KeyList,
    KeyRotate {
        alg: Option<String>,
        /// Sign with the new key at once instead of after one JWKS cache lifetime.
        #[serde(default)]
        now: bool,
    },
    Status,
    /// A consistent snapshot of the data file, written beside it for the command to move.
    Snapshot,
    /// Lifts "too many tries" pauses: of one address, one account, or everyone.
    Unlock {
        address: Option<String>,
        username: Option<String>,
        #[serde(default)]
        everyone: bool,
    },
}

impl AdminRequest {
    /// Whether executing it without a server may create the data file.
    pub fn creates_data(&self) -> bool {
        matches!(
            self,
            AdminRequest::UserAdd { .. } | AdminRequest::ClientAdd { .. }
        )
    }

    /// Why it needs a running server, if it does: it acts on what only a running server holds
    /// (budgets live in its memory), or it answers with a link that only the server's issuer
    /// can make (the CLI alone does not know the issuer).
    pub fn needs_server(&self) -> Option<&'static str> {
        match self {
            AdminRequest::Unlock { .. } => {
                Some("pauses live only in a running server's memory, and end when it stops")
            }
            AdminRequest::UserInvite { .. } | AdminRequest::UserReset { .. } => Some(
                "a link names the server's issuer, which only the running server knows; start it (`authbox serve`) and run this again",
            ),
            _ => None,
        }
    }
}

impl App {
    /// Each account's username by its `sub`, to show beside it.
    fn usernames(&self) -> Result<HashMap<String, String>, AppError> {
        Ok(self
            .users()?
            .into_iter()
            .map(|u| (u.sub.to_string(), u.username.to_string()))
            .collect())
    }

    fn grant_views(&self, grants: &[PairedDevice]) -> Result<AdminResponse, AppError> {
        let names = self.usernames()?;
        Ok(AdminResponse::Grants {
            grants: grants
                .iter()
                .map(|d| GrantView {
                    username: names.get(d.sub.as_str()).cloned(),
                    ..GrantView::from(d)
                })
                .collect(),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AdminResponse {
    User {
        user: UserView,
        /// What the change ended, when it ended anything (disabling, a new password).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ended: Option<SignInsEnded>,
    },
    /// A new one-time link; `url` is shown only now and is stored nowhere.
    Link {
        link: LinkView,
        url: String,
    },
    Links {
        links: Vec<LinkView>,
    },
    Users {
        users: Vec<UserView>,
    },
    /// `secret` is set only when the request created or rotated it.
    Client {
        client: Box<ClientView>,
        secret: Option<String>,
    },
    Clients {
        clients: Vec<ClientView>,
    },
    Group {
        group: GroupView,
    },
    Groups {
        groups: Vec<GroupView>,
    },
    Keys {
        keys: Vec<KeyView>,
    },
    Grants {
        grants: Vec<GrantView>,
    },
    Audit {
        events: Vec<AuditView>,
    },
    Status {
        status: StatusView,
    },
    Snapshot {
        /// Where the snapshot was written; the caller moves it and removes this file.
        path: String,
        tables: u64,
        rows: u64,
    },
    /// How many addresses, browsers and accounts were held back and no longer are.
    Unlocked {
        lifted: u64,
    },
}

/// Why a request failed, in a shape both sides of the socket understand.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AdminFailure {
    pub kind: FailureKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    Invalid,
    NotFound,
    Conflict,
    Unavailable,
}

impl From<AppError> for AdminFailure {
    fn from(e: AppError) -> Self {
        let kind = match e {
            AppError::Invalid(_) => FailureKind::Invalid,
            AppError::NotFound(_) => FailureKind::NotFound,
            AppError::Conflict(_) => FailureKind::Conflict,
            AppError::Unavailable(_) => FailureKind::Unavailable,
        };
        AdminFailure {
            kind,
            message: e.to_string(),
        }
    }
}

fn user(u: User) -> AdminResponse {
    changed((u, None))
}

fn changed((u, ended): (User, Option<SignInsEnded>)) -> AdminResponse {
    AdminResponse::User {
        user: UserView::from(&u),
        ended,
    }
}

fn link(issued: IssuedLink) -> AdminResponse {
    AdminResponse::Link {
        link: issued.link,
        url: issued.url,
    }
}

fn client(c: Client, secret: Option<String>) -> AdminResponse {
    AdminResponse::Client {
        client: Box::new(ClientView::from(&c)),
        secret,
    }
}

fn keys(infos: &[KeyInfo], now: Timestamp) -> AdminResponse {
    AdminResponse::Keys {
        keys: infos.iter().map(|k| KeyView::at(k, now)).collect(),
    }
}

impl App {
    pub fn execute(&self, request: AdminRequest) -> Result<AdminResponse, AdminFailure> {
        let response = self.execute_request(request)?;
        Ok(self.with_group_names(response)?)
    }

    fn execute_request(&self, request: AdminRequest) -> Result<AdminResponse, AdminFailure> {
        Ok(match request {
            AdminRequest::UserAdd {
                username,
                password,
                display_name,
                email,
                email_verified,
                admin,
            } => user(self.add_user(NewUser {
                username,
                password,
                display_name,
                email,
                email_verified,
                admin,
            })?),
            AdminRequest::UserList => AdminResponse::Users {
                users: self.users()?.iter().map(UserView::from).collect(),
            },
            AdminRequest::UserShow { username } => user(self.user(&username)?),
            AdminRequest::UserPasswd {
                username,
                password,
                keep_devices,
            } => changed(self.set_password(&username, &password, keep_devices)?),
            AdminRequest::UserSetDisabled { username, disabled } => {
                changed(self.set_user_disabled(&username, disabled)?)
            }
            AdminRequest::UserRemove { username } => user(self.remove_user(&username)?),
            AdminRequest::UserUpdate { username, changes } => {
                changed(self.update_user(&username, &changes)?)
            }
            AdminRequest::UserInvite { invitation } => link(self.invite_user(&invitation)?),
            AdminRequest::UserReset {
                username,
                keep_devices,
                ttl_secs,
            } => link(self.issue_recovery_link(&username, keep_devices, ttl_secs)?),
            AdminRequest::LinkList => AdminResponse::Links {
                links: self.link_views()?,
            },
            AdminRequest::LinkRevoke { id } => AdminResponse::Links {
                links: vec![self.revoke_link(&id)?],
            },
            AdminRequest::ClientAdd {
                client_id,
                confidential,
                settings,
            } => {
                let (c, secret) = self.add_client(&client_id, confidential, &settings)?;
                client(c, secret)
            }
            AdminRequest::ClientList => AdminResponse::Clients {
                clients: self.clients()?.iter().map(ClientView::from).collect(),
            },
            AdminRequest::ClientShow { client_id } => client(self.client(&client_id)?, None),
            AdminRequest::ClientUpdate {
                client_id,
                settings,
            } => client(self.update_client(&client_id, &settings)?, None),
            AdminRequest::ClientRotateSecret { client_id } => {
                let (c, secret) = self.rotate_client_secret(&client_id)?;
                client(c, Some(secret))
            }
            AdminRequest::ClientRemove { client_id } => {
                client(self.remove_client(&client_id)?, None)
            }
            AdminRequest::Group(request) => self.execute_group(request)?,
            AdminRequest::GrantList { username } => {
                let sub = username
                    .map(|name| self.user(&name).map(|u| u.sub))
                    .transpose()?;
                let grants = self.all_devices(sub.as_ref())?;
                self.grant_views(&grants)?
            }
            AdminRequest::GrantRevoke { id } => {
                let ended = self.sign_out_device(&id, None)?;
                self.grant_views(std::slice::from_ref(&ended))?
            }
            AdminRequest::Audit {
                since_secs,
                username,
            } => {
                let now = self.now();
                let since = since_secs
                    .map(|s| {
                        Timestamp::from_millis(now.millis().saturating_sub(s.saturating_mul(1000)))
                    })
                    .unwrap_or(Timestamp::from_millis(0));
                // A person's events name their `sub`; failed sign-ins name the username tried.
                let subjects = match username {
                    Some(name) => {
                        let mut subjects = vec![name.to_ascii_lowercase()];
                        if let Ok(user) = self.user(&name) {
                            subjects.push(user.sub.to_string());
                        }
                        subjects
                    }
                    None => Vec::new(),
                };
                let events = self.audit_log(since, &subjects)?;
                let names = self.usernames()?;
                AdminResponse::Audit {
                    events: events
                        .into_iter()
                        .map(|e| AuditView {
                            at_ms: e.at.millis(),
                            event: e.kind.name().to_owned(),
                            username: e.subject.as_ref().and_then(|s| names.get(s).cloned()),
                            subject: e.subject,
                            client_id: e.client_id,
                            address: e.address,
                            detail: e.detail,
                        })
                        .collect(),
                }
            }
            AdminRequest::KeyList => keys(&self.key_infos(), self.now()),
            AdminRequest::KeyRotate { alg, now } => {
                let alg = alg
                    .map(|a| a.parse::<SigningAlg>())
                    .transpose()
                    .map_err(AppError::from)?;
                let start = if now {
                    RotationStart::Now
                } else {
                    RotationStart::AfterPublication
                };
                self.rotate_keys(alg, start)?;
                keys(&self.key_infos(), self.now())
            }
            AdminRequest::Unlock {
                address,
                username,
                everyone,
            } => {
                let whom = match (address, username, everyone) {
                    (Some(address), None, false) => {
                        Unlock::Address(address.trim().parse().map_err(|_| {
                            AppError::Invalid(format!("{address:?} is not an IP address"))
                        })?)
                    }
                    (None, Some(username), false) => Unlock::Account {
                        sub: self.user(&username).ok().map(|u| u.sub),
                        username,
                    },
                    (None, None, true) => Unlock::Everyone,
                    _ => {
                        return Err(AppError::Invalid(
                            "name one address, one user, or everyone".into(),
                        )
                        .into());
                    }
                };
                AdminResponse::Unlocked {
                    lifted: self.unlock(&whom)? as u64,
                }
            }
            AdminRequest::Status => AdminResponse::Status {
                status: self.status()?,
            },
            AdminRequest::Snapshot => {
                let (path, summary) = self.write_snapshot_beside_data()?;
                AdminResponse::Snapshot {
                    path: path.display().to_string(),
                    tables: summary.tables,
                    rows: summary.rows,
                }
            }
        })
    }

    /// Writes a snapshot of the whole data file to a new file beside it (the one directory
    /// a sandboxed server can surely write), for `authbox backup` to move where it is wanted.
    pub fn write_snapshot_beside_data(
        &self,
    ) -> Result<(std::path::PathBuf, crate::store::SnapshotSummary), AppError> {
        let suffix = crate::crypto::random::random_name_suffix()?;
        let mut path = self.store.path().as_os_str().to_owned();
        path.push(format!(".snapshot-{suffix}"));
        let path = std::path::PathBuf::from(path);
        let summary = self.store.write_snapshot(&path)?;
        Ok((path, summary))
    }

    /// Rows per kind of record, for `/metrics`.
    pub fn live_rows(&self) -> Result<Vec<(&'static str, u64)>, AppError> {
        Ok(self.store.live_rows()?)
    }

    pub fn status(&self) -> Result<StatusView, AppError> {
        Ok(StatusView {
            data_file: self.store.path().display().to_string(),
            schema_version: crate::store::CURRENT_SCHEMA_VERSION,
            users: self.store.user_count()?,
            clients: self.store.client_count()?,
            signing_keys: self.key_infos().len() as u64,
            expiring_rows: self.store.expiring_row_count()?,
        })
    }
}

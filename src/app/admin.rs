//! Management requests: what `authbox user|client|key …` asks for, executed against an [`App`].
//!
//! The CLI sends these to a running server over its control socket, or executes them itself
//! when no server runs, so both paths share one implementation and one set of checks.
//! Invariant: no view carries a password hash or a private key; a client secret appears only
//! in the response that created it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::accounts::NewUser;
use super::clients::ClientSettings;
use super::devices::PairedDevice;
use super::guard::Unlock;
use super::keys::RotationStart;
use super::{App, AppError};
use crate::domain::client::{Client, ClientKind};
use crate::domain::signing::{KeyInfo, KeyPhase, SigningAlg};
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
    UserSetDisabled {
        username: String,
        disabled: bool,
    },
    UserRemove {
        username: String,
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

    /// Whether it acts on what only a running server holds (budgets live in its memory), so
    /// that without one there is nothing to do.
    pub fn needs_server(&self) -> bool {
        matches!(self, AdminRequest::Unlock { .. })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UserView {
    pub sub: String,
    pub username: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub admin: bool,
    pub disabled: bool,
    pub created_at: u64,
    pub updated_at: u64,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            sub: u.sub.to_string(),
            username: u.username.to_string(),
            name: u.display_name.clone(),
            email: u.email.as_ref().map(|e| e.as_str().to_owned()),
            email_verified: u.email_verified,
            admin: u.admin,
            disabled: u.disabled,
            created_at: u.created_at.secs(),
            updated_at: u.updated_at.secs(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClientView {
    pub client_id: String,
    pub name: String,
    /// `public` or `confidential` (RFC 6749 §2.1).
    pub client_type: String,
    pub grants: Vec<String>,
    pub scopes: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub access_token_ttl_secs: Option<u64>,
    pub refresh_idle_ttl_secs: Option<u64>,
    pub refresh_max_ttl_secs: Option<u64>,
    pub id_token_alg: Option<String>,
    pub access_token_alg: Option<String>,
    pub disabled: bool,
    /// May introspect other clients' tokens (RFC 7662 §4).
    pub may_introspect: bool,
    pub created_at: u64,
}

impl From<&Client> for ClientView {
    fn from(c: &Client) -> Self {
        ClientView {
            client_id: c.id.to_string(),
            name: c.name.clone(),
            client_type: match c.kind {
                ClientKind::Public => "public".into(),
                ClientKind::Confidential { .. } => "confidential".into(),
            },
            grants: c.grant_types.iter().map(|g| g.name().to_owned()).collect(),
            scopes: c.scopes.to_string(),
            redirect_uris: c
                .redirect_uris
                .iter()
                .map(|u| u.as_str().to_owned())
                .collect(),
            post_logout_redirect_uris: c
                .post_logout_redirect_uris
                .iter()
                .map(|u| u.as_str().to_owned())
                .collect(),
            access_token_ttl_secs: c.lifetimes.access_token.map(|d| d.as_secs()),
            refresh_idle_ttl_secs: c.lifetimes.refresh_idle.map(|d| d.as_secs()),
            refresh_max_ttl_secs: c.lifetimes.refresh_max.map(|d| d.as_secs()),
            id_token_alg: c.id_token_alg.map(|a| a.to_string()),
            access_token_alg: c.access_token_alg.map(|a| a.to_string()),
            disabled: c.disabled,
            may_introspect: c.may_introspect,
            created_at: c.created_at.secs(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyView {
    pub kid: String,
    pub alg: String,
    /// `next` (published, not signing yet), `active`, `retired` (published for the tokens it
    /// signed) or `expired` (about to be swept).
    pub state: String,
    pub created_at: u64,
    /// When a next key starts to sign, or since when the active key signs.
    #[serde(default)]
    pub signs_from: Option<u64>,
    pub published_until: Option<u64>,
}

impl KeyView {
    pub fn at(k: &KeyInfo, now: Timestamp) -> Self {
        let phase = k.phase(now);
        let state = match phase {
            KeyPhase::Next => "next",
            KeyPhase::Active => "active",
            KeyPhase::Retired => "retired",
            KeyPhase::Unpublished => "expired",
        };
        KeyView {
            kid: k.kid.clone(),
            alg: k.alg.to_string(),
            state: state.into(),
            created_at: k.created_at.secs(),
            signs_from: matches!(phase, KeyPhase::Next | KeyPhase::Active)
                .then(|| k.signs_from().secs()),
            published_until: k.published_until().map(Timestamp::secs),
        }
    }
}

/// A device pairing (a refresh family), for `authbox grant …`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GrantView {
    pub id: String,
    /// The account's username today.
    #[serde(default)]
    pub username: Option<String>,
    pub sub: String,
    pub client_id: String,
    pub client_name: String,
    pub approved_at: u64,
    pub last_used_at: u64,
    pub from: Option<String>,
    pub scopes: String,
    /// `live`, or `ended` (revoked or expired).
    pub state: String,
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

impl From<&PairedDevice> for GrantView {
    fn from(d: &PairedDevice) -> Self {
        GrantView {
            id: d.id.clone(),
            username: None,
            sub: d.sub.to_string(),
            client_id: d.client_id.clone(),
            client_name: d.client_name.clone(),
            approved_at: d.approved_at.secs(),
            last_used_at: d.last_used_at.secs(),
            from: d.from.clone(),
            scopes: d.scopes.to_string(),
            state: if d.live {
                "live".into()
            } else {
                "ended".into()
            },
        }
    }
}

/// One audit event, for `authbox audit`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditView {
    pub at_ms: u64,
    pub event: String,
    /// The account's username today, when the subject is an account's `sub`.
    #[serde(default)]
    pub username: Option<String>,
    pub subject: Option<String>,
    pub client_id: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StatusView {
    pub data_file: String,
    pub schema_version: u64,
    pub users: u64,
    pub clients: u64,
    pub signing_keys: u64,
    pub expiring_rows: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AdminResponse {
    User {
        user: UserView,
    },
    Users {
        users: Vec<UserView>,
    },
    /// `secret` is set only when the request created or rotated it.
    Client {
        client: ClientView,
        secret: Option<String>,
    },
    Clients {
        clients: Vec<ClientView>,
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
    AdminResponse::User {
        user: UserView::from(&u),
    }
}

fn client(c: Client, secret: Option<String>) -> AdminResponse {
    AdminResponse::Client {
        client: ClientView::from(&c),
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
            } => user(self.set_password(&username, &password, keep_devices)?),
            AdminRequest::UserSetDisabled { username, disabled } => {
                user(self.set_user_disabled(&username, disabled)?)
            }
            AdminRequest::UserRemove { username } => user(self.remove_user(&username)?),
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

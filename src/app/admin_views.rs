//! What management responses show of users, clients, keys, grants and audit events: never a
//! password hash or a private key.

use serde::{Deserialize, Serialize};

use super::devices::PairedDevice;
use crate::domain::client::{Client, ClientKind};
use crate::domain::signing::{KeyInfo, KeyPhase};
use crate::domain::time::Timestamp;
use crate::domain::user::User;

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
    /// The names of the groups the person is in, sorted.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Invited and waiting for the link to be used: the account has no password yet.
    #[serde(default)]
    pub invited: bool,
    /// Whether two-step sign-in (TOTP) is on.
    #[serde(default)]
    pub totp: bool,
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
            groups: Vec::new(),
            invited: !u.password_hash.is_set(),
            totp: u.second_factor.is_on(),
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
    /// Browser apps' origins, let through by CORS.
    #[serde(default)]
    pub web_origins: Vec<String>,
    /// The groups whose members may use the client, by name; empty means everyone.
    #[serde(default)]
    pub allowed_groups: Vec<String>,
    /// The most a device grant may carry; `None` caps nothing.
    #[serde(default)]
    pub device_scope_cap: Option<String>,
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
            web_origins: c.web_origins.iter().map(|o| o.to_string()).collect(),
            // Ids here; management responses show them by name (`App::with_group_names`).
            allowed_groups: c.allowed_groups.iter().map(|g| g.to_string()).collect(),
            device_scope_cap: c.device_scope_cap.as_ref().map(|cap| cap.to_string()),
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
    /// What an administrator changed, for their events.
    #[serde(default)]
    pub detail: Option<String>,
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

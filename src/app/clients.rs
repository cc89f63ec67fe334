//! OAuth clients: register, change, rotate the secret, remove.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{App, AppError};
use crate::crypto::hash::sha256;
use crate::crypto::random::random_token;
use crate::domain::Invalid;
use crate::domain::client::{
    Client, ClientId, ClientKind, ClientLifetimes, GrantType, RedirectUri, SecretDigest,
};
use crate::domain::network::PlainHttp;
use crate::domain::scope::ScopeSet;
use crate::domain::signing::SigningAlg;
use crate::domain::user::parse_display_name;
use crate::domain::web_origin::WebOrigin;

/// The scopes a client may ask for when the operator names none.
const DEFAULT_CLIENT_SCOPES: &str = "openid profile email offline_access";

/// Client settings as an operator types them; `None` leaves a setting as it is (on update) or
/// takes the default (on create). They travel over the control socket as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSettings {
    pub name: Option<String>,
    pub grants: Option<Vec<String>>,
    pub scopes: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub access_token_ttl: Option<Duration>,
    pub refresh_idle_ttl: Option<Duration>,
    pub refresh_max_ttl: Option<Duration>,
    pub id_token_alg: Option<String>,
    pub access_token_alg: Option<String>,
    pub disabled: Option<bool>,
    /// RFC 7662 §4: may introspect other clients' tokens (a resource server).
    pub may_introspect: Option<bool>,
    /// Browser apps' origins, for CORS; replaces the list.
    #[serde(default)]
    pub web_origins: Option<Vec<String>>,
    /// The groups whose members may use the client, by name; replaces the list, and an
    /// empty list lets everyone in again.
    #[serde(default)]
    pub allow_groups: Option<Vec<String>>,
    /// The most a device grant may carry, space-separated; an empty string lifts the cap.
    #[serde(default)]
    pub device_scope_cap: Option<String>,
}

impl ClientSettings {
    /// Applies every given setting to `client`, validating each.
    fn apply(&self, client: &mut Client, plain_http: PlainHttp) -> Result<(), Invalid> {
        if let Some(name) = &self.name {
            client.name = parse_display_name(name, "client name")?;
        }
        if let Some(grants) = &self.grants {
            let mut parsed: Vec<GrantType> = Vec::new();
            for grant in grants {
                let grant = grant.parse::<GrantType>()?;
                if !parsed.contains(&grant) {
                    parsed.push(grant);
                }
            }
            parsed.sort();
            client.grant_types = parsed;
        }
        if let Some(scopes) = &self.scopes {
            client.scopes = ScopeSet::parse(scopes)?;
            if client.scopes.is_empty() {
                return Err(Invalid::new("a client needs at least one scope"));
            }
        }
        if let Some(uris) = &self.redirect_uris {
            client.redirect_uris = uris
                .iter()
                .map(|u| RedirectUri::parse(u, plain_http))
                .collect::<Result<_, _>>()?;
        }
        if let Some(uris) = &self.post_logout_redirect_uris {
            client.post_logout_redirect_uris = uris
                .iter()
                .map(|u| RedirectUri::parse(u, plain_http))
                .collect::<Result<_, _>>()?;
        }
        let lifetime = |d: Option<Duration>,
                        current: Option<Duration>|
         -> Result<Option<Duration>, Invalid> {
            match d {
                Some(d) if d.is_zero() => Err(Invalid::new("a lifetime must be longer than 0 s")),
                Some(d) => Ok(Some(d)),
                None => Ok(current),
            }
        };
        client.lifetimes = ClientLifetimes {
            access_token: lifetime(self.access_token_ttl, client.lifetimes.access_token)?,
            refresh_idle: lifetime(self.refresh_idle_ttl, client.lifetimes.refresh_idle)?,
            refresh_max: lifetime(self.refresh_max_ttl, client.lifetimes.refresh_max)?,
        };
        if let Some(alg) = &self.id_token_alg {
            client.id_token_alg = Some(alg.parse::<SigningAlg>()?);
        }
        if let Some(alg) = &self.access_token_alg {
            client.access_token_alg = Some(alg.parse::<SigningAlg>()?);
        }
        if let Some(disabled) = self.disabled {
            client.disabled = disabled;
        }
        if let Some(origins) = &self.web_origins {
            let mut parsed: Vec<WebOrigin> = Vec::new();
            for origin in origins {
                let origin = WebOrigin::parse(origin, plain_http)?;
                if !parsed.contains(&origin) {
                    parsed.push(origin);
                }
            }
            client.web_origins = parsed;
        }
        if let Some(may_introspect) = self.may_introspect {
            client.may_introspect = may_introspect;
        }
        if let Some(cap) = &self.device_scope_cap {
            client.device_scope_cap = match cap.trim() {
                "" => None,
                cap => Some(ScopeSet::parse(cap)?),
            };
        }
        client.check_consistency()
    }
}

/// A new secret, returned once and kept only as its digest.
fn new_secret() -> Result<(String, SecretDigest), AppError> {
    let secret = random_token()?;
    let digest = SecretDigest(sha256(secret.as_bytes()));
    Ok((secret, digest))
}

impl App {
    /// Registers a client. A confidential client's secret is in the result, and nowhere else.
    pub fn add_client(
        &self,
        id: &str,
        confidential: bool,
        settings: &ClientSettings,
    ) -> Result<(Client, Option<String>), AppError> {
        let id = ClientId::parse(id)?;
        let (kind, secret) = if confidential {
            let (secret, digest) = new_secret()?;
            (ClientKind::Confidential { secret: digest }, Some(secret))
        } else {
            (ClientKind::Public, None)
        };
        let allowed_groups = self.allowed_groups(settings)?;
        let mut client = Client {
            name: id.as_str().to_owned(),
            id,
            kind,
            grant_types: Vec::new(),
            scopes: ScopeSet::parse(DEFAULT_CLIENT_SCOPES)?,
            redirect_uris: Vec::new(),
            post_logout_redirect_uris: Vec::new(),
            lifetimes: ClientLifetimes::default(),
            id_token_alg: None,
            access_token_alg: None,
            created_at: self.now(),
            disabled: false,
            may_introspect: false,
            allowed_groups: Vec::new(),
            web_origins: Vec::new(),
            device_scope_cap: None,
        };
        settings.apply(&mut client, self.settings.plain_http)?;
        if let Some(groups) = allowed_groups {
            client.allowed_groups = groups;
        }
        self.store.insert_client(&client)?;
        self.clients_changed()?;
        tracing::info!(client_id = %client.id, confidential, "registered a client");
        Ok((client, secret))
    }

    /// The policy `settings` name, as group ids; `None` leaves it as it is. A group deleted
    /// between this read and the write makes the write fail (`Store::update_client`).
    fn allowed_groups(
        &self,
        settings: &ClientSettings,
    ) -> Result<Option<Vec<crate::domain::group::GroupId>>, AppError> {
        settings
            .allow_groups
            .as_deref()
            .map(|names| self.group_ids_named(names))
            .transpose()
    }

    pub fn clients(&self) -> Result<Vec<Client>, AppError> {
        Ok(self.store.clients()?)
    }

    pub fn client(&self, id: &str) -> Result<Client, AppError> {
        let id = ClientId::parse(id)?;
        self.store.client(&id)?.ok_or_else(|| {
            AppError::NotFound(format!("there is no client named {:?}", id.as_str()))
        })
    }

    pub fn update_client(&self, id: &str, settings: &ClientSettings) -> Result<Client, AppError> {
        let id = ClientId::parse(id)?;
        let allowed_groups = self.allowed_groups(settings)?;
        let settings = settings.clone();
        let plain_http = self.settings.plain_http;
        let client = self.store.update_client(&id, move |client| {
            settings.apply(client, plain_http)?;
            if let Some(groups) = &allowed_groups {
                client.allowed_groups = groups.clone();
            }
            Ok(())
        })?;
        self.clients_changed()?;
        tracing::info!(client_id = %client.id, "changed a client");
        Ok(client)
    }

    /// Issues a new secret for a confidential client; the old one stops working at once.
    pub fn rotate_client_secret(&self, id: &str) -> Result<(Client, String), AppError> {
        let id = ClientId::parse(id)?;
        let (secret, digest) = new_secret()?;
        let client = self
            .store
            .update_client(&id, move |client| match client.kind {
                ClientKind::Public => Err(Invalid::new(format!(
                    "client {:?} is public and has no secret to rotate",
                    client.id.as_str()
                ))),
                ClientKind::Confidential { .. } => {
                    client.kind = ClientKind::Confidential {
                        secret: digest.clone(),
                    };
                    Ok(())
                }
            })?;
        tracing::info!(client_id = %client.id, "rotated a client secret");
        Ok((client, secret))
    }

    pub fn remove_client(&self, id: &str) -> Result<Client, AppError> {
        let id = ClientId::parse(id)?;
        let client = self.store.remove_client(&id)?;
        self.clients_changed()?;
        tracing::info!(client_id = %client.id, "removed a client");
        Ok(client)
    }
}

//! Registered clients.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, corrupt, decode_body, encode, millis, unknown_version};
use super::{V2, V3, V4, V5, V6};
use crate::domain::client::{
    Client, ClientId, ClientKind, ClientLifetimes, GrantType, RedirectUri, SecretDigest,
};
use crate::domain::group::GroupId;
use crate::domain::network::PlainHttp;
use crate::domain::scope::ScopeSet;
use crate::domain::signing::SigningAlg;
use crate::domain::time::Timestamp;
use crate::domain::web_origin::WebOrigin;

#[derive(Serialize, Deserialize)]
struct ClientV1 {
    client_id: String,
    name: String,
    secret_sha256: Option<[u8; 32]>,
    grant_types: Vec<String>,
    scopes: Vec<String>,
    redirect_uris: Vec<String>,
    access_token_ttl_ms: Option<u64>,
    refresh_idle_ttl_ms: Option<u64>,
    refresh_max_ttl_ms: Option<u64>,
    id_token_alg: Option<String>,
    access_token_alg: Option<String>,
    created_at_ms: u64,
    disabled: bool,
}

/// V2 adds the post-logout redirect URIs (schema version 2).
#[derive(Serialize, Deserialize)]
struct ClientV2 {
    v1: ClientV1,
    post_logout_redirect_uris: Vec<String>,
}

/// V3 adds the introspection permission (schema version 3).
#[derive(Serialize, Deserialize)]
struct ClientV3 {
    v2: ClientV2,
    may_introspect: bool,
}

/// V4 adds the web origins browser apps call from (schema version 5).
#[derive(Serialize, Deserialize)]
struct ClientV4 {
    v3: ClientV3,
    web_origins: Vec<String>,
}

/// V5 adds the groups allowed to use the client, by id (schema version 6).
#[derive(Serialize, Deserialize)]
struct ClientV5 {
    v4: ClientV4,
    allowed_groups: Vec<String>,
}

/// V6 adds the device-grant scope cap (schema version 8).
#[derive(Serialize, Deserialize)]
struct ClientV6 {
    v5: ClientV5,
    device_scope_cap: Option<Vec<String>>,
}

fn uri_strings(uris: &[RedirectUri]) -> Vec<String> {
    uris.iter().map(|u| u.as_str().to_owned()).collect()
}

fn parse_uris(uris: &[String]) -> Result<Vec<RedirectUri>, StoreError> {
    uris.iter()
        .map(|u| RedirectUri::from_stored(u))
        .collect::<Result<_, _>>()
        .map_err(corrupt("redirect URI"))
}

pub fn encode_client(client: &Client) -> Result<Vec<u8>, StoreError> {
    let v1 = ClientV1 {
        client_id: client.id.as_str().to_owned(),
        name: client.name.clone(),
        secret_sha256: match &client.kind {
            ClientKind::Public => None,
            ClientKind::Confidential { secret } => Some(secret.0),
        },
        grant_types: client
            .grant_types
            .iter()
            .map(|g| g.name().to_owned())
            .collect(),
        scopes: client
            .scopes
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        redirect_uris: uri_strings(&client.redirect_uris),
        access_token_ttl_ms: millis(client.lifetimes.access_token),
        refresh_idle_ttl_ms: millis(client.lifetimes.refresh_idle),
        refresh_max_ttl_ms: millis(client.lifetimes.refresh_max),
        id_token_alg: client.id_token_alg.map(|a| a.jws_name().to_owned()),
        access_token_alg: client.access_token_alg.map(|a| a.jws_name().to_owned()),
        created_at_ms: client.created_at.millis(),
        disabled: client.disabled,
    };
    let v5 = ClientV5 {
        v4: ClientV4 {
            v3: ClientV3 {
                v2: ClientV2 {
                    v1,
                    post_logout_redirect_uris: uri_strings(&client.post_logout_redirect_uris),
                },
                may_introspect: client.may_introspect,
            },
            web_origins: client
                .web_origins
                .iter()
                .map(|o| o.as_str().to_owned())
                .collect(),
        },
        allowed_groups: client
            .allowed_groups
            .iter()
            .map(|g| g.as_str().to_owned())
            .collect(),
    };
    let device_scope_cap = client
        .device_scope_cap
        .as_ref()
        .map(|cap| cap.iter().map(|s| s.as_str().to_owned()).collect());
    encode(
        V6,
        &ClientV6 {
            v5,
            device_scope_cap,
        },
    )
}

/// Reads a client of any version; a V1 client has no post-logout redirect URIs, and neither a
/// V1 nor a V2 client may introspect other clients' tokens; before V4 no client has web origins;
/// before V5 every client is open to everyone; before V6 no device grant is capped.
pub fn decode_client(bytes: &[u8]) -> Result<Client, StoreError> {
    let (v5, device_scope_cap) = match bytes.split_first() {
        Some((&V6, body)) => {
            let r: ClientV6 = decode_body("client", body)?;
            (Some(r.v5), r.device_scope_cap)
        }
        Some((&V5, body)) => (Some(decode_body::<ClientV5>("client", body)?), None),
        _ => (None, None),
    };
    let (v4, allowed_groups) = match v5 {
        Some(r) => (v4_parts(r.v4), r.allowed_groups),
        None => (decode_v4(bytes)?, Vec::new()),
    };
    let (r, post_logout, may_introspect, origins) = v4;
    let mut client = client_from(r, &post_logout, may_introspect, &origins)?;
    client.allowed_groups = allowed_groups
        .into_iter()
        .map(GroupId::from_stored)
        .collect();
    client.device_scope_cap = device_scope_cap
        .map(|cap| ScopeSet::from_tokens(cap.iter().map(String::as_str)))
        .transpose()
        .map_err(corrupt("device scope cap"))?;
    Ok(client)
}

type UpToV4 = (ClientV1, Vec<String>, bool, Vec<String>);

fn v4_parts(r: ClientV4) -> UpToV4 {
    let (v3, origins) = (r.v3, r.web_origins);
    let v2 = v3.v2;
    (
        v2.v1,
        v2.post_logout_redirect_uris,
        v3.may_introspect,
        origins,
    )
}

/// A client record up to V4, as its parts.
fn decode_v4(bytes: &[u8]) -> Result<UpToV4, StoreError> {
    Ok(match bytes.split_first() {
        Some((&V1, body)) => (
            decode_body::<ClientV1>("client", body)?,
            Vec::new(),
            false,
            Vec::new(),
        ),
        Some((&V2, body)) => {
            let r: ClientV2 = decode_body("client", body)?;
            (r.v1, r.post_logout_redirect_uris, false, Vec::new())
        }
        Some((&V3, body)) => {
            let r: ClientV3 = decode_body("client", body)?;
            let v2 = r.v2;
            (
                v2.v1,
                v2.post_logout_redirect_uris,
                r.may_introspect,
                Vec::new(),
            )
        }
        Some((&V4, body)) => v4_parts(decode_body("client", body)?),
        Some((&version, _)) => return Err(unknown_version("client", version)),
        None => return Err(StoreError::Corrupt("a client record is empty".into())),
    })
}

fn client_from(
    r: ClientV1,
    post_logout: &[String],
    may_introspect: bool,
    origins: &[String],
) -> Result<Client, StoreError> {
    let alg = |name: Option<String>| {
        name.map(|n| n.parse::<SigningAlg>())
            .transpose()
            .map_err(corrupt("signing algorithm"))
    };
    Ok(Client {
        id: ClientId::parse(&r.client_id).map_err(corrupt("client id"))?,
        name: r.name,
        kind: match r.secret_sha256 {
            None => ClientKind::Public,
            Some(digest) => ClientKind::Confidential {
                secret: SecretDigest(digest),
            },
        },
        grant_types: r
            .grant_types
            .iter()
            .map(|g| g.parse::<GrantType>())
            .collect::<Result<_, _>>()
            .map_err(corrupt("grant type"))?,
        scopes: ScopeSet::from_tokens(r.scopes.iter().map(String::as_str))
            .map_err(corrupt("scope"))?,
        redirect_uris: parse_uris(&r.redirect_uris)?,
        post_logout_redirect_uris: parse_uris(post_logout)?,
        lifetimes: ClientLifetimes {
            access_token: r.access_token_ttl_ms.map(Duration::from_millis),
            refresh_idle: r.refresh_idle_ttl_ms.map(Duration::from_millis),
            refresh_max: r.refresh_max_ttl_ms.map(Duration::from_millis),
        },
        id_token_alg: alg(r.id_token_alg)?,
        access_token_alg: alg(r.access_token_alg)?,
        created_at: Timestamp::from_millis(r.created_at_ms),
        disabled: r.disabled,
        may_introspect,
        web_origins: origins
            .iter()
            .map(|o| WebOrigin::parse(o, PlainHttp::PrivateNetwork))
            .collect::<Result<_, _>>()
            .map_err(corrupt("web origin"))?,
        allowed_groups: Vec::new(),
        device_scope_cap: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v1_client_reads_with_no_post_logout_redirect_uris() {
        let v1 = ClientV1 {
            client_id: "tv".into(),
            name: "TV".into(),
            secret_sha256: None,
            grant_types: vec!["device_code".into()],
            scopes: vec!["openid".into()],
            redirect_uris: Vec::new(),
            access_token_ttl_ms: None,
            refresh_idle_ttl_ms: None,
            refresh_max_ttl_ms: None,
            id_token_alg: None,
            access_token_alg: None,
            created_at_ms: 5,
            disabled: false,
        };
        let client = decode_client(&encode(V1, &v1).unwrap()).unwrap();
        assert_eq!(client.id.as_str(), "tv");
        assert!(client.post_logout_redirect_uris.is_empty());
        assert!(!client.may_introspect);
        let again = decode_client(&encode_client(&client).unwrap()).unwrap();
        assert_eq!(again, client);
        let v2 = ClientV2 {
            v1,
            post_logout_redirect_uris: vec!["https://tv.example/bye".into()],
        };
        let client = decode_client(&encode(V2, &v2).unwrap()).unwrap();
        assert_eq!(client.post_logout_redirect_uris.len(), 1);
        assert!(
            !client.may_introspect,
            "a V2 client may not introspect others' tokens"
        );
    }

    #[test]
    fn a_device_scope_cap_round_trips_and_older_records_read_uncapped() {
        let v1 = ClientV1 {
            client_id: "tv".into(),
            name: "TV".into(),
            secret_sha256: None,
            grant_types: vec!["device_code".into()],
            scopes: vec!["openid".into(), "profile".into()],
            redirect_uris: Vec::new(),
            access_token_ttl_ms: None,
            refresh_idle_ttl_ms: None,
            refresh_max_ttl_ms: None,
            id_token_alg: None,
            access_token_alg: None,
            created_at_ms: 5,
            disabled: false,
        };
        let mut client = decode_client(&encode(V1, &v1).unwrap()).unwrap();
        assert_eq!(client.device_scope_cap, None);
        client.device_scope_cap = Some(ScopeSet::parse("openid").unwrap());
        let bytes = encode_client(&client).unwrap();
        assert_eq!(bytes[0], V6);
        assert_eq!(decode_client(&bytes).unwrap(), client);
    }

    #[test]
    fn a_wildcard_redirect_uri_stored_by_an_earlier_version_still_reads() {
        let v1 = ClientV1 {
            client_id: "photos".into(),
            name: "Photos".into(),
            secret_sha256: None,
            grant_types: vec!["authorization_code".into()],
            scopes: vec!["openid".into()],
            redirect_uris: vec![
                "https://photos.example/*".into(),
                "https://photos.example/cb".into(),
            ],
            access_token_ttl_ms: None,
            refresh_idle_ttl_ms: None,
            refresh_max_ttl_ms: None,
            id_token_alg: None,
            access_token_alg: None,
            created_at_ms: 5,
            disabled: false,
        };
        let client = decode_client(&encode(V1, &v1).unwrap()).unwrap();
        assert_eq!(client.redirect_uris.len(), 2);
        assert!(client.redirect_uris[1].matches("https://photos.example/cb"));
    }
}

//! What is written to disk, kept apart from the domain types so that a refactor of the model
//! never silently changes the bytes in a file.
//!
//! Every record is one version byte followed by postcard. Invariant: a shipped record version
//! is never edited; a change adds `…V2`, a decoder for it, and a migration.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::domain::audit::AuditEvent;
use crate::domain::authorization::{AuthorizationCode, CodeChallenge, CodeState, Consent};
use crate::domain::client::{
    Client, ClientId, ClientKind, ClientLifetimes, GrantType, RedirectUri, SecretDigest,
};
use crate::domain::device_grant::{Approval, DeviceGrant, GrantState};
use crate::domain::refresh::{RefreshFamily, TokenState};
use crate::domain::scope::ScopeSet;
use crate::domain::session::Session;
use crate::domain::signing::{KeyInfo, KeyMaterial, KeyState, SigningAlg};
use crate::domain::time::Timestamp;
use crate::domain::user::{Email, PasswordHash, Subject, User, Username};
use crate::domain::user_code::UserCode;

const V1: u8 = 1;
const V2: u8 = 2;

fn encode<T: Serialize>(version: u8, record: &T) -> Result<Vec<u8>, StoreError> {
    let body = postcard::to_stdvec(record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut bytes = Vec::with_capacity(1 + body.len());
    bytes.push(version);
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

fn decode<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&V1, body)) => decode_body(what, body),
        Some((&version, _)) => Err(unknown_version(what, version)),
        None => Err(StoreError::Corrupt(format!("a {what} record is empty"))),
    }
}

fn decode_body<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, StoreError> {
    postcard::from_bytes(body)
        .map_err(|e| StoreError::Corrupt(format!("a {what} record does not decode: {e}")))
}

fn unknown_version(what: &str, version: u8) -> StoreError {
    StoreError::Corrupt(format!(
        "a {what} record has version {version}, which this authbox does not know"
    ))
}

fn corrupt(what: &str) -> impl Fn(crate::domain::Invalid) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("a stored {what} is invalid: {e}"))
}

#[derive(Serialize, Deserialize)]
struct UserV1 {
    sub: String,
    username: String,
    display_name: Option<String>,
    email: Option<String>,
    email_verified: bool,
    password_phc: String,
    disabled: bool,
    admin: bool,
    created_at_ms: u64,
    updated_at_ms: u64,
}

pub fn encode_user(user: &User) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &UserV1 {
            sub: user.sub.as_str().to_owned(),
            username: user.username.as_str().to_owned(),
            display_name: user.display_name.clone(),
            email: user.email.as_ref().map(|e| e.as_str().to_owned()),
            email_verified: user.email_verified,
            password_phc: user.password_hash.as_phc().to_owned(),
            disabled: user.disabled,
            admin: user.admin,
            created_at_ms: user.created_at.millis(),
            updated_at_ms: user.updated_at.millis(),
        },
    )
}

pub fn decode_user(bytes: &[u8]) -> Result<User, StoreError> {
    let r: UserV1 = decode("user", bytes)?;
    Ok(User {
        sub: Subject::from_stored(r.sub),
        username: Username::parse(&r.username).map_err(corrupt("username"))?,
        display_name: r.display_name,
        email: r
            .email
            .as_deref()
            .map(Email::parse)
            .transpose()
            .map_err(corrupt("email"))?,
        email_verified: r.email_verified,
        password_hash: PasswordHash::from_phc(r.password_phc),
        disabled: r.disabled,
        admin: r.admin,
        created_at: Timestamp::from_millis(r.created_at_ms),
        updated_at: Timestamp::from_millis(r.updated_at_ms),
    })
}

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

fn millis(duration: Option<Duration>) -> Option<u64> {
    duration.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
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
    encode(
        V2,
        &ClientV2 {
            v1,
            post_logout_redirect_uris: uri_strings(&client.post_logout_redirect_uris),
        },
    )
}

/// Reads a client of either version; a V1 client has no post-logout redirect URIs.
pub fn decode_client(bytes: &[u8]) -> Result<Client, StoreError> {
    let (r, post_logout) = match bytes.split_first() {
        Some((&V1, body)) => (decode_body::<ClientV1>("client", body)?, Vec::new()),
        Some((&V2, body)) => {
            let r: ClientV2 = decode_body("client", body)?;
            (r.v1, r.post_logout_redirect_uris)
        }
        Some((&version, _)) => return Err(unknown_version("client", version)),
        None => return Err(StoreError::Corrupt("a client record is empty".into())),
    };
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
        post_logout_redirect_uris: parse_uris(&post_logout)?,
        lifetimes: ClientLifetimes {
            access_token: r.access_token_ttl_ms.map(Duration::from_millis),
            refresh_idle: r.refresh_idle_ttl_ms.map(Duration::from_millis),
            refresh_max: r.refresh_max_ttl_ms.map(Duration::from_millis),
        },
        id_token_alg: alg(r.id_token_alg)?,
        access_token_alg: alg(r.access_token_alg)?,
        created_at: Timestamp::from_millis(r.created_at_ms),
        disabled: r.disabled,
    })
}

#[derive(Serialize, Deserialize)]
struct SigningKeyV1 {
    kid: String,
    alg: String,
    pkcs8: Vec<u8>,
    created_at_ms: u64,
    retired_at_ms: Option<u64>,
    published_until_ms: Option<u64>,
}

/// V2 adds the moment a waiting ("next") key starts to sign; a V1 key never waits.
#[derive(Serialize, Deserialize)]
struct SigningKeyV2 {
    v1: SigningKeyV1,
    signs_from_ms: Option<u64>,
}

pub fn encode_key(key: &KeyMaterial) -> Result<Vec<u8>, StoreError> {
    let (retired_at_ms, published_until_ms, signs_from_ms) = match key.info.state {
        KeyState::Next { signs_from } => (None, None, Some(signs_from.millis())),
        KeyState::Active => (None, None, None),
        KeyState::Retired {
            retired_at,
            published_until,
        } => (
            Some(retired_at.millis()),
            Some(published_until.millis()),
            None,
        ),
    };
    encode(
        V2,
        &SigningKeyV2 {
            v1: SigningKeyV1 {
                kid: key.info.kid.clone(),
                alg: key.info.alg.jws_name().to_owned(),
                pkcs8: key.pkcs8.clone(),
                created_at_ms: key.info.created_at.millis(),
                retired_at_ms,
                published_until_ms,
            },
            signs_from_ms,
        },
    )
}

/// Reads a signing key of either version.
pub fn decode_key(bytes: &[u8]) -> Result<KeyMaterial, StoreError> {
    let (r, signs_from_ms) = match bytes.split_first() {
        Some((&V1, body)) => (decode_body::<SigningKeyV1>("signing key", body)?, None),
        Some((&V2, body)) => {
            let r: SigningKeyV2 = decode_body("signing key", body)?;
            (r.v1, r.signs_from_ms)
        }
        Some((&version, _)) => return Err(unknown_version("signing key", version)),
        None => return Err(StoreError::Corrupt("a signing key record is empty".into())),
    };
    let state = match (r.retired_at_ms, r.published_until_ms, signs_from_ms) {
        (Some(retired), Some(until), _) => KeyState::Retired {
            retired_at: Timestamp::from_millis(retired),
            published_until: Timestamp::from_millis(until),
        },
        (_, _, Some(from)) => KeyState::Next {
            signs_from: Timestamp::from_millis(from),
        },
        _ => KeyState::Active,
    };
    Ok(KeyMaterial {
        info: KeyInfo {
            kid: r.kid,
            alg: r.alg.parse().map_err(corrupt("signing algorithm"))?,
            created_at: Timestamp::from_millis(r.created_at_ms),
            state,
        },
        pkcs8: r.pkcs8,
    })
}

#[derive(Serialize, Deserialize)]
struct DeviceGrantV1 {
    client_id: String,
    scopes: Vec<String>,
    user_code: String,
    created_at_ms: u64,
    expires_at_ms: u64,
    requested_from: Option<String>,
    /// 0 pending, 1 approved, 2 denied, 3 redeemed.
    state: u8,
    decided_at_ms: u64,
    sub: Option<String>,
    granted_scopes: Vec<String>,
    auth_time_ms: u64,
}

fn scope_strings(scopes: &ScopeSet) -> Vec<String> {
    scopes.iter().map(|s| s.as_str().to_owned()).collect()
}

pub fn encode_device_grant(grant: &DeviceGrant) -> Result<Vec<u8>, StoreError> {
    let (state, decided_at_ms, sub, granted_scopes, auth_time_ms) = match &grant.state {
        GrantState::Pending => (0, 0, None, Vec::new(), 0),
        GrantState::Approved(a) => (
            1,
            a.approved_at.millis(),
            Some(a.sub.to_string()),
            scope_strings(&a.scopes),
            a.auth_time.millis(),
        ),
        GrantState::Denied { at } => (2, at.millis(), None, Vec::new(), 0),
        GrantState::Redeemed { at, sub } => (3, at.millis(), Some(sub.to_string()), Vec::new(), 0),
    };
    encode(
        V1,
        &DeviceGrantV1 {
            client_id: grant.client_id.as_str().to_owned(),
            scopes: scope_strings(&grant.scopes),
            user_code: grant.user_code.as_str().to_owned(),
            created_at_ms: grant.created_at.millis(),
            expires_at_ms: grant.expires_at.millis(),
            requested_from: grant.requested_from.clone(),
            state,
            decided_at_ms,
            sub,
            granted_scopes,
            auth_time_ms,
        },
    )
}

pub fn decode_device_grant(bytes: &[u8]) -> Result<DeviceGrant, StoreError> {
    let r: DeviceGrantV1 = decode("device grant", bytes)?;
    let scopes = |list: &[String]| {
        ScopeSet::from_tokens(list.iter().map(String::as_str)).map_err(corrupt("scope"))
    };
    let decided_at = Timestamp::from_millis(r.decided_at_ms);
    let sub = || {
        r.sub
            .clone()
            .map(Subject::from_stored)
            .ok_or_else(|| StoreError::Corrupt("a device grant lacks its subject".into()))
    };
    let state = match r.state {
        0 => GrantState::Pending,
        1 => GrantState::Approved(Approval {
            sub: sub()?,
            scopes: scopes(&r.granted_scopes)?,
            auth_time: Timestamp::from_millis(r.auth_time_ms),
            approved_at: decided_at,
        }),
        2 => GrantState::Denied { at: decided_at },
        3 => GrantState::Redeemed {
            at: decided_at,
            sub: sub()?,
        },
        other => {
            return Err(StoreError::Corrupt(format!(
                "a device grant has unknown state {other}"
            )));
        }
    };
    Ok(DeviceGrant {
        client_id: ClientId::parse(&r.client_id).map_err(corrupt("client id"))?,
        scopes: scopes(&r.scopes)?,
        user_code: UserCode::normalize(&r.user_code).ok_or_else(|| {
            StoreError::Corrupt("a device grant has a malformed user code".into())
        })?,
        created_at: Timestamp::from_millis(r.created_at_ms),
        expires_at: Timestamp::from_millis(r.expires_at_ms),
        requested_from: r.requested_from,
        state,
    })
}

#[derive(Serialize, Deserialize)]
struct SessionV1 {
    sub: String,
    auth_time_ms: u64,
    last_seen_ms: u64,
}

pub fn encode_session(session: &Session) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &SessionV1 {
            sub: session.sub.to_string(),
            auth_time_ms: session.auth_time.millis(),
            last_seen_ms: session.last_seen.millis(),
        },
    )
}

pub fn decode_session(bytes: &[u8]) -> Result<Session, StoreError> {
    let r: SessionV1 = decode("session", bytes)?;
    Ok(Session {
        sub: Subject::from_stored(r.sub),
        auth_time: Timestamp::from_millis(r.auth_time_ms),
        last_seen: Timestamp::from_millis(r.last_seen_ms),
    })
}

#[derive(Serialize, Deserialize)]
struct RefreshTokenV1 {
    family: [u8; 16],
    rotated: bool,
}

pub fn encode_refresh_token(family: &[u8; 16], state: TokenState) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &RefreshTokenV1 {
            family: *family,
            rotated: state == TokenState::Rotated,
        },
    )
}

pub fn decode_refresh_token(bytes: &[u8]) -> Result<([u8; 16], TokenState), StoreError> {
    let r: RefreshTokenV1 = decode("refresh token", bytes)?;
    Ok((
        r.family,
        if r.rotated {
            TokenState::Rotated
        } else {
            TokenState::Current
        },
    ))
}

#[derive(Serialize, Deserialize)]
struct RefreshFamilyV1 {
    client_id: String,
    sub: String,
    scopes: Vec<String>,
    auth_time_ms: u64,
    created_at_ms: u64,
    last_used_at_ms: u64,
    idle_ms: u64,
    max_ms: u64,
    revoked_at_ms: Option<u64>,
    device_address: Option<String>,
}

pub fn encode_refresh_family(f: &RefreshFamily) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &RefreshFamilyV1 {
            client_id: f.client_id.as_str().to_owned(),
            sub: f.sub.to_string(),
            scopes: scope_strings(&f.scopes),
            auth_time_ms: f.auth_time.millis(),
            created_at_ms: f.created_at.millis(),
            last_used_at_ms: f.last_used_at.millis(),
            idle_ms: millis(Some(f.idle)).unwrap_or_default(),
            max_ms: millis(Some(f.max)).unwrap_or_default(),
            revoked_at_ms: f.revoked_at.map(Timestamp::millis),
            device_address: f.device_address.clone(),
        },
    )
}

pub fn decode_refresh_family(bytes: &[u8]) -> Result<RefreshFamily, StoreError> {
    let r: RefreshFamilyV1 = decode("refresh family", bytes)?;
    Ok(RefreshFamily {
        client_id: ClientId::parse(&r.client_id).map_err(corrupt("client id"))?,
        sub: Subject::from_stored(r.sub),
        scopes: ScopeSet::from_tokens(r.scopes.iter().map(String::as_str))
            .map_err(corrupt("scope"))?,
        auth_time: Timestamp::from_millis(r.auth_time_ms),
        created_at: Timestamp::from_millis(r.created_at_ms),
        last_used_at: Timestamp::from_millis(r.last_used_at_ms),
        idle: Duration::from_millis(r.idle_ms),
        max: Duration::from_millis(r.max_ms),
        revoked_at: r.revoked_at_ms.map(Timestamp::from_millis),
        device_address: r.device_address,
    })
}

#[derive(Serialize, Deserialize)]
struct AuditEventV1 {
    at_ms: u64,
    kind: String,
    subject: Option<String>,
    client_id: Option<String>,
    address: Option<String>,
}

pub fn encode_audit(e: &AuditEvent) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &AuditEventV1 {
            at_ms: e.at.millis(),
            kind: e.kind.name().to_owned(),
            subject: e.subject.clone(),
            client_id: e.client_id.clone(),
            address: e.address.clone(),
        },
    )
}

pub fn decode_audit(bytes: &[u8]) -> Result<AuditEvent, StoreError> {
    let r: AuditEventV1 = decode("audit event", bytes)?;
    Ok(AuditEvent {
        at: Timestamp::from_millis(r.at_ms),
        kind: r.kind.parse().map_err(corrupt("audit event kind"))?,
        subject: r.subject,
        client_id: r.client_id,
        address: r.address,
    })
}

#[derive(Serialize, Deserialize)]
struct AuthorizationCodeV1 {
    client_id: String,
    redirect_uri: String,
    redirect_uri_presented: bool,
    sub: String,
    scopes: Vec<String>,
    nonce: Option<String>,
    code_challenge: String,
    auth_time_ms: u64,
    issued_at_ms: u64,
    expires_at_ms: u64,
    /// `None` while unused; the redemption time and the refresh family it started, after.
    redeemed: Option<(u64, Option<[u8; 16]>)>,
}

pub fn encode_authorization_code(code: &AuthorizationCode) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &AuthorizationCodeV1 {
            client_id: code.client_id.as_str().to_owned(),
            redirect_uri: code.redirect_uri.clone(),
            redirect_uri_presented: code.redirect_uri_presented,
            sub: code.sub.to_string(),
            scopes: scope_strings(&code.scopes),
            nonce: code.nonce.clone(),
            code_challenge: code.code_challenge.as_str().to_owned(),
            auth_time_ms: code.auth_time.millis(),
            issued_at_ms: code.issued_at.millis(),
            expires_at_ms: code.expires_at.millis(),
            redeemed: match code.state {
                CodeState::Issued => None,
                CodeState::Redeemed { at, family } => Some((at.millis(), family)),
            },
        },
    )
}

pub fn decode_authorization_code(bytes: &[u8]) -> Result<AuthorizationCode, StoreError> {
    let r: AuthorizationCodeV1 = decode("authorization code", bytes)?;
    Ok(AuthorizationCode {
        client_id: ClientId::parse(&r.client_id).map_err(corrupt("client id"))?,
        redirect_uri: r.redirect_uri,
        redirect_uri_presented: r.redirect_uri_presented,
        sub: Subject::from_stored(r.sub),
        scopes: ScopeSet::from_tokens(r.scopes.iter().map(String::as_str))
            .map_err(corrupt("scope"))?,
        nonce: r.nonce,
        code_challenge: CodeChallenge::from_stored(r.code_challenge),
        auth_time: Timestamp::from_millis(r.auth_time_ms),
        issued_at: Timestamp::from_millis(r.issued_at_ms),
        expires_at: Timestamp::from_millis(r.expires_at_ms),
        state: match r.redeemed {
            None => CodeState::Issued,
            Some((at, family)) => CodeState::Redeemed {
                at: Timestamp::from_millis(at),
                family,
            },
        },
    })
}

#[derive(Serialize, Deserialize)]
struct ConsentV1 {
    scopes: Vec<String>,
    granted_at_ms: u64,
}

pub fn encode_consent(consent: &Consent) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &ConsentV1 {
            scopes: scope_strings(&consent.scopes),
            granted_at_ms: consent.granted_at.millis(),
        },
    )
}

pub fn decode_consent(bytes: &[u8]) -> Result<Consent, StoreError> {
    let r: ConsentV1 = decode("consent", bytes)?;
    Ok(Consent {
        scopes: ScopeSet::from_tokens(r.scopes.iter().map(String::as_str))
            .map_err(corrupt("scope"))?,
        granted_at: Timestamp::from_millis(r.granted_at_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_record_versions_are_reported_not_misread() {
        let err = decode_user(&[9, 1, 2, 3]).unwrap_err();
        assert!(err.to_string().contains("version 9"), "{err}");
        assert!(decode_user(&[]).is_err());
        assert!(decode_client(&[1, 255, 255]).is_err());
        assert!(
            decode_client(&[3, 0])
                .unwrap_err()
                .to_string()
                .contains("version 3")
        );
    }

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
        let again = decode_client(&encode_client(&client).unwrap()).unwrap();
        assert_eq!(again, client);
    }

    #[test]
    fn a_v1_signing_key_reads_and_every_state_survives_v2() {
        let v1 = SigningKeyV1 {
            kid: "k1".into(),
            alg: "ES256".into(),
            pkcs8: vec![1, 2, 3],
            created_at_ms: 5,
            retired_at_ms: Some(7),
            published_until_ms: Some(9),
        };
        let key = decode_key(&encode(V1, &v1).unwrap()).unwrap();
        assert_eq!(
            key.info.state,
            KeyState::Retired {
                retired_at: Timestamp::from_millis(7),
                published_until: Timestamp::from_millis(9),
            }
        );
        for state in [
            KeyState::Active,
            KeyState::Next {
                signs_from: Timestamp::from_millis(11),
            },
            key.info.state,
        ] {
            let mut again = key.clone();
            again.info.state = state;
            let bytes = encode_key(&again).unwrap();
            assert_eq!(bytes[0], V2);
            assert_eq!(decode_key(&bytes).unwrap(), again);
        }
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

//! What a person granted: device grants, authorization codes and remembered consents.

use serde::{Deserialize, Serialize};

use super::people::stored_method;
use super::{
    StoreError, V1, V2, corrupt, decode, decode_body, encode, scope_strings, unknown_version,
};
use crate::domain::approval::Approval;
use crate::domain::authorization::{AuthorizationCode, CodeChallenge, CodeState, Consent};
use crate::domain::client::ClientId;
use crate::domain::device_grant::{DeviceGrant, GrantState};
use crate::domain::scope::ScopeSet;
use crate::domain::second_factor::SignInMethod;
use crate::domain::time::Timestamp;
use crate::domain::user::Subject;
use crate::domain::user_code::UserCode;

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

/// V2 (schema 7) adds how the approving person signed in.
#[derive(Serialize, Deserialize)]
struct DeviceGrantV2 {
    v1: DeviceGrantV1,
    method: u8,
}

pub fn encode_device_grant(grant: &DeviceGrant) -> Result<Vec<u8>, StoreError> {
    let method = match &grant.state {
        GrantState::Approved(a) => a.method,
        _ => SignInMethod::Password,
    };
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
    let v1 = DeviceGrantV1 {
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
    };
    encode(
        V2,
        &DeviceGrantV2 {
            v1,
            method: method.to_stored(),
        },
    )
}

/// A V1 record's fields and the method a V2 one adds (a password, for V1).
fn versioned<V1R: serde::de::DeserializeOwned, V2R: serde::de::DeserializeOwned>(
    what: &str,
    bytes: &[u8],
    split: impl FnOnce(V2R) -> (V1R, u8),
) -> Result<(V1R, SignInMethod), StoreError> {
    match bytes.split_first() {
        Some((&V1, body)) => Ok((decode_body(what, body)?, SignInMethod::Password)),
        Some((&V2, body)) => {
            let (r, method) = split(decode_body(what, body)?);
            Ok((r, stored_method(method)?))
        }
        Some((&version, _)) => Err(unknown_version(what, version)),
        None => Err(StoreError::Corrupt(format!("a {what} record is empty"))),
    }
}

pub fn decode_device_grant(bytes: &[u8]) -> Result<DeviceGrant, StoreError> {
    let (r, method) = versioned("device grant", bytes, |r: DeviceGrantV2| (r.v1, r.method))?;
    let r: DeviceGrantV1 = r;
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
            method,
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

/// V2 (schema 7) adds how the person signed in.
#[derive(Serialize, Deserialize)]
struct AuthorizationCodeV2 {
    v1: AuthorizationCodeV1,
    method: u8,
}

pub fn encode_authorization_code(code: &AuthorizationCode) -> Result<Vec<u8>, StoreError> {
    let v1 = AuthorizationCodeV1 {
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
    };
    encode(
        V2,
        &AuthorizationCodeV2 {
            v1,
            method: code.method.to_stored(),
        },
    )
}

pub fn decode_authorization_code(bytes: &[u8]) -> Result<AuthorizationCode, StoreError> {
    let (r, method) = versioned("authorization code", bytes, |r: AuthorizationCodeV2| {
        (r.v1, r.method)
    })?;
    let r: AuthorizationCodeV1 = r;
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
        method,
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

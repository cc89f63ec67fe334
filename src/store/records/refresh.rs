//! Refresh tokens and their families.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::people::stored_method;
use super::{
    StoreError, V1, V2, corrupt, decode, decode_body, encode, millis, scope_strings,
    unknown_version,
};
use crate::domain::client::ClientId;
use crate::domain::refresh::{RefreshFamily, TokenState};
use crate::domain::scope::ScopeSet;
use crate::domain::second_factor::SignInMethod;
use crate::domain::time::Timestamp;
use crate::domain::user::Subject;

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

/// V2 (schema 7) adds how the person signed in to approve.
#[derive(Serialize, Deserialize)]
struct RefreshFamilyV2 {
    v1: RefreshFamilyV1,
    method: u8,
}

pub fn encode_refresh_family(f: &RefreshFamily) -> Result<Vec<u8>, StoreError> {
    let v1 = RefreshFamilyV1 {
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
    };
    encode(
        V2,
        &RefreshFamilyV2 {
            v1,
            method: f.method.to_stored(),
        },
    )
}

pub fn decode_refresh_family(bytes: &[u8]) -> Result<RefreshFamily, StoreError> {
    let (r, method) = match bytes.split_first() {
        Some((&V1, body)) => (
            decode_body::<RefreshFamilyV1>("refresh family", body)?,
            SignInMethod::Password,
        ),
        Some((&V2, body)) => {
            let r: RefreshFamilyV2 = decode_body("refresh family", body)?;
            (r.v1, stored_method(r.method)?)
        }
        Some((&version, _)) => return Err(unknown_version("refresh family", version)),
        None => {
            return Err(StoreError::Corrupt(
                "a refresh family record is empty".into(),
            ));
        }
    };
    Ok(RefreshFamily {
        client_id: ClientId::parse(&r.client_id).map_err(corrupt("client id"))?,
        sub: Subject::from_stored(r.sub),
        scopes: ScopeSet::from_tokens(r.scopes.iter().map(String::as_str))
            .map_err(corrupt("scope"))?,
        auth_time: Timestamp::from_millis(r.auth_time_ms),
        method,
        created_at: Timestamp::from_millis(r.created_at_ms),
        last_used_at: Timestamp::from_millis(r.last_used_at_ms),
        idle: Duration::from_millis(r.idle_ms),
        max: Duration::from_millis(r.max_ms),
        revoked_at: r.revoked_at_ms.map(Timestamp::from_millis),
        device_address: r.device_address,
    })
}

//! Signing keys.

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, corrupt, decode, encode};
use crate::domain::signing::{KeyInfo, KeyMaterial, KeyState};
use crate::domain::time::Timestamp;

#[derive(Serialize, Deserialize)]
struct SigningKeyV1 {
    kid: String,
    alg: String,
    pkcs8: Vec<u8>,
    created_at_ms: u64,
    retired_at_ms: Option<u64>,
    published_until_ms: Option<u64>,
}

pub fn encode_key(key: &KeyMaterial) -> Result<Vec<u8>, StoreError> {
    let (retired_at_ms, published_until_ms) = match key.info.state {
        KeyState::Active => (None, None),
        KeyState::Retired {
            retired_at,
            published_until,
        } => (Some(retired_at.millis()), Some(published_until.millis())),
    };
    encode(
        V1,
        &SigningKeyV1 {
            kid: key.info.kid.clone(),
            alg: key.info.alg.jws_name().to_owned(),
            pkcs8: key.pkcs8.clone(),
            created_at_ms: key.info.created_at.millis(),
            retired_at_ms,
            published_until_ms,
        },
    )
}

pub fn decode_key(bytes: &[u8]) -> Result<KeyMaterial, StoreError> {
    let r: SigningKeyV1 = decode("signing key", bytes)?;
    let state = match (r.retired_at_ms, r.published_until_ms) {
        (Some(retired), Some(until)) => KeyState::Retired {
            retired_at: Timestamp::from_millis(retired),
            published_until: Timestamp::from_millis(until),
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

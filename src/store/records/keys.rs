//! Signing keys.

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, V2, corrupt, decode_body, encode, unknown_version};
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! What is written to disk, kept apart from the domain types so that a refactor of the model
//! never silently changes the bytes in a file. One file per family of records: people and their
//! sessions, clients, signing keys, grants (device grants, authorization codes, consents),
//! refresh tokens, and the audit trail.
//!
//! Every record is one version byte followed by postcard. Invariant: a shipped record version
//! is never edited; a change adds `…V2`, a decoder for it, and a migration.

mod audit;
mod clients;
mod grants;
mod groups;
mod keys;
mod links;
mod people;
mod refresh;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;
use crate::domain::scope::ScopeSet;

pub use audit::{decode_audit, encode_audit};
pub use clients::{decode_client, encode_client};
pub use grants::{
    decode_authorization_code, decode_consent, decode_device_grant, encode_authorization_code,
    encode_consent, encode_device_grant,
};
pub use groups::{decode_group, encode_group};
pub use keys::{decode_key, encode_key};
pub use links::{decode_account_link, encode_account_link};
pub use people::{decode_session, decode_user, encode_session, encode_user};
pub use refresh::{
    decode_refresh_family, decode_refresh_token, encode_refresh_family, encode_refresh_token,
};

pub(super) const V1: u8 = 1;
pub(super) const V2: u8 = 2;
pub(super) const V3: u8 = 3;
pub(super) const V4: u8 = 4;
pub(super) const V5: u8 = 5;
pub(super) const V6: u8 = 6;

pub(super) fn encode<T: Serialize>(version: u8, record: &T) -> Result<Vec<u8>, StoreError> {
    let body = postcard::to_stdvec(record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut bytes = Vec::with_capacity(1 + body.len());
    bytes.push(version);
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

pub(super) fn decode<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&V1, body)) => decode_body(what, body),
        Some((&version, _)) => Err(unknown_version(what, version)),
        None => Err(StoreError::Corrupt(format!("a {what} record is empty"))),
    }
}

pub(super) fn decode_body<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, StoreError> {
    postcard::from_bytes(body)
        .map_err(|e| StoreError::Corrupt(format!("a {what} record does not decode: {e}")))
}

pub(super) fn unknown_version(what: &str, version: u8) -> StoreError {
    StoreError::Corrupt(format!(
        "a {what} record has version {version}, which this authbox does not know"
    ))
}

pub(super) fn corrupt(what: &str) -> impl Fn(crate::domain::Invalid) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("a stored {what} is invalid: {e}"))
}

pub(super) fn scope_strings(scopes: &ScopeSet) -> Vec<String> {
    scopes.iter().map(|s| s.as_str().to_owned()).collect()
}

pub(super) fn millis(duration: Option<std::time::Duration>) -> Option<u64> {
    duration.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
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
            decode_client(&[7, 0])
                .unwrap_err()
                .to_string()
                .contains("version 7")
        );
    }
}

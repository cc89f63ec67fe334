//! The expiry index and the sweep that deletes expired rows, so the file does not grow without
//! bound.
//!
//! Invariant: every row that can expire has exactly one index entry, written in the same
//! transaction as the row; the sweep deletes a row only if the row itself says it has expired.

use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};

use super::records::{decode_device_grant, decode_key, decode_refresh_family};
use super::tables::{
    ACCOUNT_LINK_HASH_TO_LINK, AUTHORIZATION_CODE_HASH_TO_CODE, CLIENT_SUB_TO_REVOKED_AT,
    DEVICE_CODE_HASH_TO_GRANT, EXPIRY_TO_ROW, KEY_ID_TO_SIGNING_KEY, REFRESH_FAMILY_ID_TO_FAMILY,
    REFRESH_TOKEN_HASH_TO_TOKEN, REVOKED_JTI_TO_EXPIRY, SESSION_ID_HASH_TO_SESSION,
    USER_CODE_TO_DEVICE_CODE_HASH, USER_SUB_FAMILY_TO_NOTHING,
};
use super::{Store, StoreError};
use crate::domain::time::Timestamp;

/// What an index entry points at. The numbers are stored: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RowKind {
    SigningKey = 1,
    DeviceGrant = 2,
    Session = 3,
    RefreshFamily = 4,
    RefreshToken = 5,
    RevokedJti = 6,
    ClientRevocation = 7,
    AuthorizationCode = 8,
    AccountLink = 9,
}

impl RowKind {
    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(RowKind::SigningKey),
            2 => Some(RowKind::DeviceGrant),
            3 => Some(RowKind::Session),
            4 => Some(RowKind::RefreshFamily),
            5 => Some(RowKind::RefreshToken),
            6 => Some(RowKind::RevokedJti),
            7 => Some(RowKind::ClientRevocation),
            8 => Some(RowKind::AuthorizationCode),
            9 => Some(RowKind::AccountLink),
            _ => None,
        }
    }
}

fn index_key(at: Timestamp, kind: RowKind, row: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(9 + row.len());
    key.extend_from_slice(&at.millis().to_be_bytes());
    key.push(kind as u8);
    key.extend_from_slice(row);
    key
}

pub(super) fn index_expiry(
    txn: &WriteTransaction,
    at: Timestamp,
    kind: RowKind,
    row: &[u8],
) -> Result<(), StoreError> {
    txn.open_table(EXPIRY_TO_ROW)?
        .insert(index_key(at, kind, row).as_slice(), ())?;
    Ok(())
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub removed: usize,
    /// More expired rows wait than the sweep's limit allowed; sweep again soon.
    pub more: bool,
}

impl Store {
    /// Deletes up to `limit` rows that expired at or before `now`, in one transaction, so a
    /// large backlog never holds the writer for long.
    pub fn sweep_expired(&self, now: Timestamp, limit: usize) -> Result<SweepReport, StoreError> {
        let upper = now.millis().saturating_add(1).to_be_bytes();
        self.write(move |txn| {
            let mut index = txn.open_table(EXPIRY_TO_ROW)?;
            let mut due = Vec::new();
            for entry in index
                .range::<&[u8]>(..upper.as_slice())?
                .take(limit.saturating_add(1))
            {
                due.push(entry?.0.value().to_vec());
            }
            let more = due.len() > limit;
            due.truncate(limit);
            let mut keys = txn.open_table(KEY_ID_TO_SIGNING_KEY)?;
            let mut grants = txn.open_table(DEVICE_CODE_HASH_TO_GRANT)?;
            let mut codes = txn.open_table(USER_CODE_TO_DEVICE_CODE_HASH)?;
            let mut sessions = txn.open_table(SESSION_ID_HASH_TO_SESSION)?;
            let mut families = txn.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?;
            let mut refresh_tokens = txn.open_table(REFRESH_TOKEN_HASH_TO_TOKEN)?;
            let mut person_families = txn.open_table(USER_SUB_FAMILY_TO_NOTHING)?;
            let mut revoked_jtis = txn.open_table(REVOKED_JTI_TO_EXPIRY)?;
            let mut client_revocations = txn.open_table(CLIENT_SUB_TO_REVOKED_AT)?;
            let mut authorization_codes = txn.open_table(AUTHORIZATION_CODE_HASH_TO_CODE)?;
            for entry in &due {
                index.remove(entry.as_slice())?;
                let (kind, row) = (
                    entry.get(8).copied().and_then(RowKind::from_byte),
                    entry.get(9..),
                );
                match (kind, row) {
                    (Some(RowKind::SigningKey), Some(kid)) => {
                        let kid = String::from_utf8_lossy(kid).into_owned();
                        let expired = match keys.get(kid.as_str())? {
                            Some(record) => !decode_key(record.value())?.info.is_published(now),
                            None => false,
                        };
                        if expired {
                            keys.remove(kid.as_str())?;
                        }
                    }
                    (Some(RowKind::DeviceGrant), Some(hash)) => {
                        let grant = grants
                            .get(hash)?
                            .map(|r| decode_device_grant(r.value()))
                            .transpose()?;
                        if let Some(grant) = grant.filter(|g| g.is_expired(now)) {
                            grants.remove(hash)?;
                            // The user code may already belong to a newer grant; leave that one be.
                            let code = grant.user_code.as_str();
                            let points_here = codes.get(code)?.is_some_and(|h| h.value() == hash);
                            if points_here {
                                codes.remove(code)?;
                            }
                        }
                    }
                    // Sessions and refresh rows are indexed at their hard expiry, which nothing
                    // extends, so the entry coming due is the row's end.
                    (Some(RowKind::Session), Some(hash)) => {
                        sessions.remove(hash)?;
                    }
                    (Some(RowKind::RefreshFamily), Some(id)) => {
                        let gone = families
                            .remove(id)?
                            .map(|r| decode_refresh_family(r.value()))
                            .transpose()?;
                        if let Some(family) = gone {
                            person_families.remove((family.sub.as_str(), id))?;
                        }
                    }
                    (Some(RowKind::RefreshToken), Some(hash)) => {
                        refresh_tokens.remove(hash)?;
                    }
                    (Some(RowKind::RevokedJti), Some(jti)) => {
                        revoked_jtis.remove(String::from_utf8_lossy(jti).as_ref())?;
                    }
                    (Some(RowKind::ClientRevocation), Some(key)) => {
                        // A later revocation of the same pair wrote a later time; keep that one.
                        let key = String::from_utf8_lossy(key).into_owned();
                        let due = client_revocations
                            .get(key.as_str())?
                            .is_some_and(|v| v.value().1 <= now.millis());
                        if due {
                            client_revocations.remove(key.as_str())?;
                        }
                    }
                    // Indexed once, at expiry plus the replay-detection window.
                    (Some(RowKind::AuthorizationCode), Some(hash)) => {
                        authorization_codes.remove(hash)?;
                    }
                    // Indexed once, a while after the link's expiry, which nothing extends.
                    (Some(RowKind::AccountLink), Some(hash)) => {
                        txn.open_table(ACCOUNT_LINK_HASH_TO_LINK)?.remove(hash)?;
                    }
                    _ => tracing::warn!("dropped an expiry index entry of unknown shape"),
                }
            }
            Ok(SweepReport {
                removed: due.len(),
                more,
            })
        })
    }

    /// How many rows wait in the expiry index, expired or not.
    pub fn expiring_row_count(&self) -> Result<u64, StoreError> {
        let read = self.begin_read()?;
        Ok(read.open_table(EXPIRY_TO_ROW)?.len()?)
    }
}

impl Store {
    /// Rows per kind of record, read in one transaction, for `/metrics`. Grants and sessions
    /// count until the sweeper removes them, a minute or so after they expire.
    pub fn live_rows(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        use super::tables::{
            AUTHORIZATION_CODE_HASH_TO_CODE, CLIENT_ID_TO_CLIENT, DEVICE_CODE_HASH_TO_GRANT,
            REFRESH_FAMILY_ID_TO_FAMILY, SESSION_ID_HASH_TO_SESSION, USER_SUB_TO_USER,
        };
        let read = self.begin_read()?;
        Ok(vec![
            (
                "device_grants",
                read.open_table(DEVICE_CODE_HASH_TO_GRANT)?.len()?,
            ),
            (
                "refresh_grants",
                read.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?.len()?,
            ),
            (
                "authorization_codes",
                read.open_table(AUTHORIZATION_CODE_HASH_TO_CODE)?.len()?,
            ),
            (
                "browser_sessions",
                read.open_table(SESSION_ID_HASH_TO_SESSION)?.len()?,
            ),
            ("users", read.open_table(USER_SUB_TO_USER)?.len()?),
            ("clients", read.open_table(CLIENT_ID_TO_CLIENT)?.len()?),
        ])
    }
}

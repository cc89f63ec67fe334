//! Snapshots for `authbox backup` and `authbox restore`: a consistent copy of the whole file
//! made from one read transaction (writers carry on meanwhile), and a check that decodes every
//! record of a file before it is trusted.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use redb::{Key, ReadTransaction, ReadableTable, TableDefinition, Value, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::records::{
    decode_account_link, decode_audit, decode_authorization_code, decode_client, decode_consent,
    decode_device_grant, decode_group, decode_key, decode_refresh_family, decode_refresh_token,
    decode_session, decode_user,
};
use super::tables::*;
use super::{Store, StoreError};

/// What a snapshot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSummary {
    pub tables: u64,
    pub rows: u64,
}

fn copy_table<K: Key + 'static, V: Value + 'static>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    table: TableDefinition<K, V>,
) -> Result<u64, StoreError> {
    let source = from.open_table(table)?;
    let mut target = to.open_table(table)?;
    let mut rows = 0;
    for entry in source.iter()? {
        let (key, value) = entry?;
        target.insert(key.value(), value.value())?;
        rows += 1;
    }
    Ok(rows)
}

/// Copies every table; the count of tables copied is returned beside the rows, so a table
/// this list misses is noticed rather than silently left out.
fn copy_all(from: &ReadTransaction, to: &WriteTransaction) -> Result<SnapshotSummary, StoreError> {
    let counts = [
        copy_table(from, to, META_KEY_TO_VALUE)?,
        copy_table(from, to, USER_SUB_TO_USER)?,
        copy_table(from, to, USERNAME_TO_USER_SUB)?,
        copy_table(from, to, REMOVED_SUB_TO_REMOVED_AT)?,
        copy_table(from, to, CLIENT_ID_TO_CLIENT)?,
        copy_table(from, to, KEY_ID_TO_SIGNING_KEY)?,
        copy_table(from, to, DEVICE_CODE_HASH_TO_GRANT)?,
        copy_table(from, to, USER_CODE_TO_DEVICE_CODE_HASH)?,
        copy_table(from, to, SESSION_ID_HASH_TO_SESSION)?,
        copy_table(from, to, REFRESH_TOKEN_HASH_TO_TOKEN)?,
        copy_table(from, to, REFRESH_FAMILY_ID_TO_FAMILY)?,
        copy_table(from, to, USER_SUB_FAMILY_TO_NOTHING)?,
        copy_table(from, to, REVOKED_JTI_TO_EXPIRY)?,
        copy_table(from, to, CLIENT_SUB_TO_REVOKED_AT)?,
        copy_table(from, to, AUDIT_TIME_TO_EVENT)?,
        copy_table(from, to, AUTHORIZATION_CODE_HASH_TO_CODE)?,
        copy_table(from, to, USER_SUB_CLIENT_TO_CONSENT)?,
        copy_table(from, to, ACCOUNT_LINK_HASH_TO_LINK)?,
        copy_table(from, to, EXPIRY_TO_ROW)?,
        copy_table(from, to, GROUP_ID_TO_GROUP)?,
        copy_table(from, to, GROUP_NAME_TO_GROUP_ID)?,
    ];
    Ok(SnapshotSummary {
        tables: counts.len() as u64,
        rows: counts.iter().sum(),
    })
}

/// Decodes every value of a record table.
fn decode_all<K: Key + 'static, T>(
    read: &ReadTransaction,
    table: TableDefinition<K, &[u8]>,
    decode: fn(&[u8]) -> Result<T, StoreError>,
) -> Result<u64, StoreError> {
    let mut rows = 0;
    for entry in read.open_table(table)?.iter()? {
        decode(entry?.1.value())?;
        rows += 1;
    }
    Ok(rows)
}

impl Store {
    /// Writes a consistent copy of the whole file to `dest`, a new file (mode 0600, as it
    /// holds password hashes and private keys) that is durable when this returns.
    pub fn write_snapshot(&self, dest: &Path) -> Result<SnapshotSummary, StoreError> {
        let io = |e: std::io::Error| StoreError::Io {
            path: dest.to_path_buf(),
            detail: e.to_string(),
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dest)
            .map_err(io)?;
        let written = (|| {
            let snapshot = redb::Database::builder()
                .create_with_backend(redb::backends::FileBackend::new(file)?)?;
            let read = self.begin_read()?;
            let write = snapshot.begin_write()?;
            let summary = copy_all(&read, &write)?;
            let present = read.list_tables()?.count() as u64;
            if present != summary.tables {
                return Err(StoreError::Storage(format!(
                    "the data file has {present} tables but a snapshot copies {}; this authbox cannot back it up",
                    summary.tables
                )));
            }
            write.commit()?;
            Ok(summary)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(dest);
        }
        written
    }

    /// Decodes every record, so a file that opens but holds something this version cannot
    /// read is refused up front rather than failing a request later. Returns the records read.
    pub fn verify_records(&self) -> Result<u64, StoreError> {
        let read = self.begin_read()?;
        Ok(decode_all(&read, USER_SUB_TO_USER, decode_user)?
            + decode_all(&read, CLIENT_ID_TO_CLIENT, decode_client)?
            + decode_all(&read, KEY_ID_TO_SIGNING_KEY, decode_key)?
            + decode_all(&read, DEVICE_CODE_HASH_TO_GRANT, decode_device_grant)?
            + decode_all(&read, SESSION_ID_HASH_TO_SESSION, decode_session)?
            + decode_all(&read, REFRESH_TOKEN_HASH_TO_TOKEN, decode_refresh_token)?
            + decode_all(&read, REFRESH_FAMILY_ID_TO_FAMILY, decode_refresh_family)?
            + decode_all(&read, AUDIT_TIME_TO_EVENT, decode_audit)?
            + decode_all(
                &read,
                AUTHORIZATION_CODE_HASH_TO_CODE,
                decode_authorization_code,
            )?
            + decode_all(&read, USER_SUB_CLIENT_TO_CONSENT, decode_consent)?
            + decode_all(&read, GROUP_ID_TO_GROUP, decode_group)?
            + decode_all(&read, ACCOUNT_LINK_HASH_TO_LINK, decode_account_link)?)
    }
}

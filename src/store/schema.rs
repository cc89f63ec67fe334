//! The schema version kept in the file: stamped on creation, migrated forward on open, and a
//! newer one refused.
//!
//! Invariant: a shipped migration step is never edited; a new schema adds a step at the end.

use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTable, TableError, WriteTransaction};

use super::StoreError;
use super::records::{decode_client, decode_key, encode_client, encode_key};
use super::tables::{
    CLIENT_ID_TO_CLIENT, FORMAT_NAME, KEY_ID_TO_SIGNING_KEY, META_FORMAT, META_KEY_TO_VALUE,
    META_SCHEMA_VERSION, create_all,
};

pub const CURRENT_SCHEMA_VERSION: u64 = 8;

/// `MIGRATIONS[i]` upgrades a file from version `i + 1` to `i + 2`. New tables need no step:
/// `create_all` runs first.
type Migration = fn(&WriteTransaction) -> Result<(), StoreError>;
const MIGRATIONS: &[Migration] = &[
    clients_to_v2,
    clients_may_be_v3,
    keys_to_v4,
    clients_may_be_v4,
    groups_and_clients_may_be_v5,
    second_factor_records_may_be_v2,
    clients_may_be_v6,
];

/// 1 → 2: authorization codes and consents get their tables; client records are rewritten as
/// V2, which adds post-logout redirect URIs (none yet).
fn clients_to_v2(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut clients = txn.open_table(CLIENT_ID_TO_CLIENT)?;
    let mut rewritten = Vec::new();
    for entry in clients.iter()? {
        let (id, record) = entry?;
        rewritten.push((id.value().to_owned(), decode_client(record.value())?));
    }
    for (id, client) in rewritten {
        clients.insert(id.as_str(), encode_client(&client)?.as_slice())?;
    }
    Ok(())
}

/// 2 → 3: client records written from now on are V3, which adds the introspection
/// permission. V2 records read as they are (without it), so nothing is rewritten; the new
/// version is what keeps an older authbox from meeting a V3 record it cannot read.
fn clients_may_be_v3(_: &WriteTransaction) -> Result<(), StoreError> {
    Ok(())
}

/// 3 → 4: signing key records are rewritten as V2, which can hold a key that is published but
/// not yet signing (none yet). An older authbox refuses the file rather than misread a key.
fn keys_to_v4(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut keys = txn.open_table(KEY_ID_TO_SIGNING_KEY)?;
    let mut rewritten = Vec::new();
    for entry in keys.iter()? {
        let (kid, record) = entry?;
        rewritten.push((kid.value().to_owned(), decode_key(record.value())?));
    }
    for (kid, key) in rewritten {
        keys.insert(kid.as_str(), encode_key(&key)?.as_slice())?;
    }
    Ok(())
}

/// 4 → 5: client records written from now on are V4, which adds browser apps' web origins.
/// Earlier records read as they are (with none), so nothing is rewritten.
fn clients_may_be_v4(_: &WriteTransaction) -> Result<(), StoreError> {
    Ok(())
}

/// 5 → 6: groups get their tables (made by `create_all`); client records written from now on
/// are V5, which adds the groups allowed to use the client. Earlier records read as they are
/// (open to everyone, as before), so nothing is rewritten; the new version keeps an older
/// authbox from reading a V5 client and ignoring its policy. Audit events that carry a detail
/// (an administrator's change) are written as V2 audit records from this version on.
fn groups_and_clients_may_be_v5(_: &WriteTransaction) -> Result<(), StoreError> {
    Ok(())
}

/// 6 → 7: user records written from now on are V2, which adds the second factor (TOTP and
/// recovery codes); session, device grant, authorization code and refresh family records are
/// V2, which add how the person signed in (OIDC `amr`). Earlier records read as they are (no
/// second factor, signed in with a password), so nothing is rewritten; the new version keeps
/// an older authbox from meeting records it cannot read.
fn second_factor_records_may_be_v2(_: &WriteTransaction) -> Result<(), StoreError> {
    Ok(())
}

/// 7 → 8: client records written from now on are V6, which adds the device-grant scope cap.
/// Earlier records read as they are (no cap), so nothing is rewritten; the new version keeps
/// an older authbox from reading a V6 client and ignoring its cap.
fn clients_may_be_v6(_: &WriteTransaction) -> Result<(), StoreError> {
    Ok(())
}

/// Creates every table and writes the format marker and schema version, in one transaction.
pub(super) fn stamp(db: &Database) -> Result<(), StoreError> {
    let txn = db.begin_write()?;
    create_all(&txn)?;
    {
        let mut meta = txn.open_table(META_KEY_TO_VALUE)?;
        meta.insert(META_FORMAT, FORMAT_NAME)?;
        meta.insert(
            META_SCHEMA_VERSION,
            CURRENT_SCHEMA_VERSION.to_be_bytes().as_slice(),
        )?;
    }
    txn.commit()?;
    Ok(())
}

/// What the file says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// A redb file with no tables at all, e.g. from a first start cut short: safe to stamp.
    Empty,
    /// An authbox file at this schema version (never newer than ours).
    Version(u64),
}

/// Reads the format marker and schema version; refuses foreign and newer files. Works on a
/// read-only handle, so a refused file is never written to.
pub(super) fn inspect(db: &impl ReadableDatabase, path: &Path) -> Result<Found, StoreError> {
    let not_authbox = |detail: String| StoreError::NotAuthbox {
        path: path.to_path_buf(),
        detail,
    };
    let read = db.begin_read()?;
    let meta = match read.open_table(META_KEY_TO_VALUE) {
        Ok(meta) => meta,
        Err(TableError::TableDoesNotExist(_)) => {
            let tables: Vec<String> = read
                .list_tables()?
                .map(|t| redb::TableHandle::name(&t).to_owned())
                .collect();
            if tables.is_empty() {
                return Ok(Found::Empty);
            }
            return Err(not_authbox(format!(
                "it is a redb file with other tables: {}",
                tables.join(", ")
            )));
        }
        Err(e) => return Err(not_authbox(e.to_string())),
    };
    let format = meta.get(META_FORMAT)?.map(|v| v.value().to_vec());
    if format.as_deref() != Some(FORMAT_NAME) {
        return Err(not_authbox("it has no authbox format marker".into()));
    }
    let stored = meta.get(META_SCHEMA_VERSION)?.map(|v| v.value().to_vec());
    let bytes: [u8; 8] = stored
        .as_deref()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| not_authbox("its schema version is missing".into()))?;
    match u64::from_be_bytes(bytes) {
        0 => Err(not_authbox("its schema version is 0".into())),
        found if found > CURRENT_SCHEMA_VERSION => Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: CURRENT_SCHEMA_VERSION,
        }),
        found => Ok(Found::Version(found)),
    }
}

/// Brings a writable, already inspected file to the current schema.
pub(super) fn check_and_migrate(db: &Database, path: &Path) -> Result<(), StoreError> {
    match inspect(db, path)? {
        Found::Empty => stamp(db),
        Found::Version(version) if version < CURRENT_SCHEMA_VERSION => migrate(db, version),
        Found::Version(_) => Ok(()),
    }
}

/// Runs every step from `from` to the current version in one transaction, so a failure leaves
/// the file as it was.
fn migrate(db: &Database, from: u64) -> Result<(), StoreError> {
    let txn = db.begin_write()?;
    create_all(&txn)?;
    for version in from..CURRENT_SCHEMA_VERSION {
        let step = usize::try_from(version - 1)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
            .ok_or_else(|| {
                StoreError::Corrupt(format!("no migration from schema version {version}"))
            })?;
        step(&txn)?;
    }
    {
        let mut meta = txn.open_table(META_KEY_TO_VALUE)?;
        meta.insert(
            META_SCHEMA_VERSION,
            CURRENT_SCHEMA_VERSION.to_be_bytes().as_slice(),
        )?;
    }
    txn.commit()?;
    tracing::info!(from, to = CURRENT_SCHEMA_VERSION, "migrated the data file");
    Ok(())
}

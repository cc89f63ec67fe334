//! The compare-and-swap of one record in a write transaction, shared by the tables whose
//! records change exactly once (device grants, authorization codes).

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::StoreError;
use super::audit::AuditRows;
use super::refresh::NewRefreshFamily;

/// What a successful change is stored with: the refresh tokens a redemption hands out, and the
/// audit events that tell of the change.
pub(super) struct StoredWith<'a> {
    pub family: Option<&'a NewRefreshFamily>,
    pub audit: &'a AuditRows,
}

/// Reads, changes and writes back one record in `txn`: the compare-and-swap behind decisions
/// and exactly-once redemptions. `change` returning `Err` writes nothing; with `Ok`, what it is
/// `stored_with` is written too. `Ok(None)` when there is no record under `key`.
pub(super) fn swap_record<R, T, E>(
    txn: &WriteTransaction,
    table: TableDefinition<&[u8], &[u8]>,
    key: &[u8],
    decode: fn(&[u8]) -> Result<R, StoreError>,
    encode: fn(&R) -> Result<Vec<u8>, StoreError>,
    change: &mut impl FnMut(&mut R) -> Result<T, E>,
    stored_with: StoredWith<'_>,
) -> Result<Option<Result<T, E>>, StoreError> {
    let outcome = {
        let mut records = txn.open_table(table)?;
        let found = records.get(key)?.map(|r| decode(r.value())).transpose()?;
        let Some(mut record) = found else {
            return Ok(None);
        };
        let outcome = change(&mut record);
        if outcome.is_ok() {
            records.insert(key, encode(&record)?.as_slice())?;
        }
        outcome
    };
    if outcome.is_ok() {
        if let Some(family) = stored_with.family {
            family.insert(txn)?;
        }
        stored_with.audit.write(txn)?;
    }
    Ok(Some(outcome))
}

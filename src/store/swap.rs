//! The compare-and-swap of one record in a write transaction, shared by the tables whose
//! records change exactly once (device grants, authorization codes).

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::StoreError;
use super::refresh::NewRefreshFamily;

/// Reads, changes and writes back one record in `txn`: the compare-and-swap behind decisions
/// and exactly-once redemptions. `change` returning `Err` writes nothing; with `Ok`, `family`
/// is stored too. `Ok(None)` when there is no record under `key`.
pub(super) fn swap_record<R, T, E>(
    txn: &WriteTransaction,
    table: TableDefinition<&[u8], &[u8]>,
    key: &[u8],
    decode: fn(&[u8]) -> Result<R, StoreError>,
    encode: fn(&R) -> Result<Vec<u8>, StoreError>,
    change: &mut impl FnMut(&mut R) -> Result<T, E>,
    family: Option<&NewRefreshFamily>,
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
    if let (Ok(_), Some(family)) = (&outcome, family) {
        family.insert(txn)?;
    }
    Ok(Some(outcome))
}

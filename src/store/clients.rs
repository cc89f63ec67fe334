//! OAuth clients, indexed by `client_id`.

use redb::{ReadableTable, ReadableTableMetadata};

use super::records::{decode_client, encode_client};
use super::tables::{CLIENT_ID_TO_CLIENT, REMOVED_SUB_TO_REMOVED_AT, USER_SUB_TO_USER};
use super::{Store, StoreError};
use crate::domain::Invalid;
use crate::domain::client::{Client, ClientId};

fn not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        what: "client",
        key: id.to_owned(),
    }
}

impl Store {
    /// Adds a client. Invariant: a client id never equals a user's `sub`, so an access token's
    /// `sub` always names one kind of principal (RFC 9068 §5, RFC 9700 §4.15).
    pub fn insert_client(&self, client: &Client) -> Result<(), StoreError> {
        let client = client.clone();
        self.write(move |txn| {
            let mut clients = txn.open_table(CLIENT_ID_TO_CLIENT)?;
            let id = client.id.as_str();
            if clients.get(id)?.is_some() {
                return Err(StoreError::Duplicate {
                    what: "client",
                    key: id.to_owned(),
                });
            }
            let users = txn.open_table(USER_SUB_TO_USER)?;
            let removed = txn.open_table(REMOVED_SUB_TO_REMOVED_AT)?;
            if users.get(id)?.is_some() || removed.get(id)?.is_some() {
                return Err(StoreError::Rejected(Invalid::new(format!(
                    "client id {id:?} equals a user's subject identifier; choose another"
                ))));
            }
            super::groups::check_groups_exist(txn, &client.allowed_groups)?;
            clients.insert(id, encode_client(&client)?.as_slice())?;
            Ok(())
        })
    }

    pub fn client(&self, id: &ClientId) -> Result<Option<Client>, StoreError> {
        let read = self.begin_read()?;
        let clients = read.open_table(CLIENT_ID_TO_CLIENT)?;
        clients
            .get(id.as_str())?
            .map(|r| decode_client(r.value()))
            .transpose()
    }

    /// Every client, ordered by id.
    pub fn clients(&self) -> Result<Vec<Client>, StoreError> {
        let read = self.begin_read()?;
        let clients = read.open_table(CLIENT_ID_TO_CLIENT)?;
        let mut out = Vec::new();
        for entry in clients.iter()? {
            let (_, record) = entry?;
            out.push(decode_client(record.value())?);
        }
        Ok(out)
    }

    pub fn client_count(&self) -> Result<u64, StoreError> {
        let read = self.begin_read()?;
        Ok(read.open_table(CLIENT_ID_TO_CLIENT)?.len()?)
    }

    /// Reads, changes and writes one client in a single transaction. Invariant (with
    /// `remove_group`): a client's access policy names only groups that exist.
    pub fn update_client(
        &self,
        id: &ClientId,
        change: impl FnMut(&mut Client) -> Result<(), Invalid> + Send + 'static,
    ) -> Result<Client, StoreError> {
        let id = id.clone();
        let mut change = change;
        self.write(move |txn| {
            let mut clients = txn.open_table(CLIENT_ID_TO_CLIENT)?;
            let mut client = match clients.get(id.as_str())? {
                Some(record) => decode_client(record.value())?,
                None => return Err(not_found(id.as_str())),
            };
            change(&mut client)?;
            super::groups::check_groups_exist(txn, &client.allowed_groups)?;
            clients.insert(id.as_str(), encode_client(&client)?.as_slice())?;
            Ok(client)
        })
    }

    pub fn remove_client(&self, id: &ClientId) -> Result<Client, StoreError> {
        let id = id.clone();
        self.write(move |txn| {
            let mut clients = txn.open_table(CLIENT_ID_TO_CLIENT)?;
            let removed = clients
                .remove(id.as_str())?
                .map(|r| decode_client(r.value()));
            match removed {
                Some(client) => client,
                None => Err(not_found(id.as_str())),
            }
        })
    }
}

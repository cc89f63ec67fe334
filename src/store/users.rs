//! Users, indexed by `sub` and by case-folded username.

use redb::{ReadableTable, ReadableTableMetadata};

use super::records::{decode_user, encode_user};
use super::tables::{
    CLIENT_ID_TO_CLIENT, REMOVED_SUB_TO_REMOVED_AT, USER_SUB_CLIENT_TO_CONSENT, USER_SUB_TO_USER,
    USERNAME_TO_USER_SUB,
};
use super::{Store, StoreError};
use crate::domain::Invalid;
use crate::domain::time::Timestamp;
use crate::domain::user::{Subject, User};

fn not_found(username: &str) -> StoreError {
    StoreError::NotFound {
        what: "user",
        key: username.to_owned(),
    }
}

impl Store {
    /// Adds a user. Invariant: usernames are unique ignoring case, and a `sub` is never one that
    /// a user (present or removed) or a client id already had.
    pub fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let user = user.clone();
        self.write(move |txn| put_new_user(txn, &user))
    }

    pub fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        let read = self.begin_read()?;
        let names = read.open_table(USERNAME_TO_USER_SUB)?;
        let Some(sub) = names.get(username.to_ascii_lowercase().as_str())? else {
            return Ok(None);
        };
        let users = read.open_table(USER_SUB_TO_USER)?;
        let record = users.get(sub.value())?.ok_or_else(|| {
            StoreError::Corrupt(format!("username {username:?} points at a missing user"))
        })?;
        decode_user(record.value()).map(Some)
    }

    pub fn user_by_sub(&self, sub: &Subject) -> Result<Option<User>, StoreError> {
        let read = self.begin_read()?;
        let users = read.open_table(USER_SUB_TO_USER)?;
        users
            .get(sub.as_str())?
            .map(|r| decode_user(r.value()))
            .transpose()
    }

    /// Every user, ordered by case-folded username.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let read = self.begin_read()?;
        let names = read.open_table(USERNAME_TO_USER_SUB)?;
        let users = read.open_table(USER_SUB_TO_USER)?;
        let mut out = Vec::new();
        for entry in names.iter()? {
            let (_, sub) = entry?;
            if let Some(record) = users.get(sub.value())? {
                out.push(decode_user(record.value())?);
            }
        }
        Ok(out)
    }

    pub fn user_count(&self) -> Result<u64, StoreError> {
        let read = self.begin_read()?;
        Ok(read.open_table(USER_SUB_TO_USER)?.len()?)
    }

    /// Reads, changes and writes one user in a single transaction, so concurrent changes to
    /// the same user cannot overwrite each other.
    pub fn update_user(
        &self,
        username: &str,
        change: impl FnMut(&mut User) -> Result<(), Invalid> + Send + 'static,
    ) -> Result<User, StoreError> {
        let username = username.to_owned();
        let mut change = change;
        self.write(move |txn| {
            let username = username.as_str();
            let names = txn.open_table(USERNAME_TO_USER_SUB)?;
            let sub = names
                .get(username.to_ascii_lowercase().as_str())?
                .map(|s| s.value().to_owned())
                .ok_or_else(|| not_found(username))?;
            let mut users = txn.open_table(USER_SUB_TO_USER)?;
            let mut user = match users.get(sub.as_str())? {
                Some(record) => decode_user(record.value())?,
                None => return Err(not_found(username)),
            };
            change(&mut user)?;
            users.insert(sub.as_str(), encode_user(&user)?.as_slice())?;
            Ok(user)
        })
    }

    /// Removes a user and remembers its `sub` so that it is never reused.
    pub fn remove_user(&self, username: &str, now: Timestamp) -> Result<User, StoreError> {
        let username = username.to_owned();
        self.write(move |txn| {
            let username = username.as_str();
            let mut names = txn.open_table(USERNAME_TO_USER_SUB)?;
            let sub = names
                .remove(username.to_ascii_lowercase().as_str())?
                .map(|s| s.value().to_owned())
                .ok_or_else(|| not_found(username))?;
            let mut users = txn.open_table(USER_SUB_TO_USER)?;
            let user = match users.remove(sub.as_str())? {
                Some(record) => decode_user(record.value())?,
                None => return Err(not_found(username)),
            };
            txn.open_table(REMOVED_SUB_TO_REMOVED_AT)?
                .insert(sub.as_str(), now.millis())?;
            let mut consents = txn.open_table(USER_SUB_CLIENT_TO_CONSENT)?;
            let mut given = Vec::new();
            for entry in consents.range((sub.as_str(), "")..)? {
                let (key, _) = entry?;
                let (owner, client) = key.value();
                if owner != sub.as_str() {
                    break;
                }
                given.push(client.to_owned());
            }
            for client in given {
                consents.remove((sub.as_str(), client.as_str()))?;
            }
            super::groups::forget_member(txn, &user.sub)?;
            Ok(user)
        })
    }
}

/// Adds `user` within `txn`, keeping [`Store::insert_user`]'s invariant.
pub(super) fn put_new_user(txn: &redb::WriteTransaction, user: &User) -> Result<(), StoreError> {
    let mut names = txn.open_table(USERNAME_TO_USER_SUB)?;
    let key = user.username.key();
    if names.get(key.as_str())?.is_some() {
        return Err(StoreError::Duplicate {
            what: "user",
            key: user.username.to_string(),
        });
    }
    let mut users = txn.open_table(USER_SUB_TO_USER)?;
    let removed = txn.open_table(REMOVED_SUB_TO_REMOVED_AT)?;
    let clients = txn.open_table(CLIENT_ID_TO_CLIENT)?;
    let sub = user.sub.as_str();
    if users.get(sub)?.is_some() || removed.get(sub)?.is_some() || clients.get(sub)?.is_some() {
        return Err(StoreError::Duplicate {
            what: "subject",
            key: sub.to_owned(),
        });
    }
    users.insert(sub, encode_user(user)?.as_slice())?;
    names.insert(key.as_str(), sub)?;
    Ok(())
}

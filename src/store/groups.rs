//! Groups, indexed by id and by case-folded name.

use redb::ReadableTable;

use super::records::{decode_client, decode_group, encode_group};
use super::tables::{
    CLIENT_ID_TO_CLIENT, GROUP_ID_TO_GROUP, GROUP_NAME_TO_GROUP_ID, USER_SUB_TO_USER,
};
use super::{Store, StoreError};
use crate::domain::Invalid;
use crate::domain::group::{Group, GroupId, GroupName};
use crate::domain::user::Subject;

fn not_found(name: &str) -> StoreError {
    StoreError::NotFound {
        what: "group",
        key: name.to_owned(),
    }
}

/// How a group's members change, checked against the users in the same transaction.
#[derive(Debug, Clone)]
pub enum MemberChange {
    Add(Vec<Subject>),
    Remove(Vec<Subject>),
}

impl Store {
    /// Adds a group. Invariant: group names are unique ignoring case.
    pub fn insert_group(&self, group: &Group) -> Result<(), StoreError> {
        let group = group.clone();
        self.write(move |txn| {
            let mut names = txn.open_table(GROUP_NAME_TO_GROUP_ID)?;
            let key = group.name.key();
            if names.get(key.as_str())?.is_some() {
                return Err(StoreError::Duplicate {
                    what: "group",
                    key: group.name.to_string(),
                });
            }
            let mut groups = txn.open_table(GROUP_ID_TO_GROUP)?;
            if groups.get(group.id.as_str())?.is_some() {
                return Err(StoreError::Duplicate {
                    what: "group id",
                    key: group.id.to_string(),
                });
            }
            groups.insert(group.id.as_str(), encode_group(&group)?.as_slice())?;
            names.insert(key.as_str(), group.id.as_str())?;
            Ok(())
        })
    }

    pub fn group_by_name(&self, name: &str) -> Result<Option<Group>, StoreError> {
        let read = self.begin_read()?;
        let names = read.open_table(GROUP_NAME_TO_GROUP_ID)?;
        let Some(id) = names.get(name.to_ascii_lowercase().as_str())? else {
            return Ok(None);
        };
        let groups = read.open_table(GROUP_ID_TO_GROUP)?;
        let record = groups.get(id.value())?.ok_or_else(|| {
            StoreError::Corrupt(format!("group name {name:?} points at a missing group"))
        })?;
        decode_group(record.value()).map(Some)
    }

    /// Every group, ordered by case-folded name.
    pub fn groups(&self) -> Result<Vec<Group>, StoreError> {
        let read = self.begin_read()?;
        let names = read.open_table(GROUP_NAME_TO_GROUP_ID)?;
        let groups = read.open_table(GROUP_ID_TO_GROUP)?;
        let mut out = Vec::new();
        for entry in names.iter()? {
            let (_, id) = entry?;
            if let Some(record) = groups.get(id.value())? {
                out.push(decode_group(record.value())?);
            }
        }
        Ok(out)
    }

    /// Renames a group, keeping its id, so its members and the client policies naming it stay.
    pub fn rename_group(&self, old: &str, new: &GroupName) -> Result<Group, StoreError> {
        let (old, new) = (old.to_owned(), new.clone());
        self.write(move |txn| {
            let mut names = txn.open_table(GROUP_NAME_TO_GROUP_ID)?;
            let old_key = old.to_ascii_lowercase();
            let id = names
                .get(old_key.as_str())?
                .map(|id| id.value().to_owned())
                .ok_or_else(|| not_found(&old))?;
            let new_key = new.key();
            if new_key != old_key && names.get(new_key.as_str())?.is_some() {
                return Err(StoreError::Duplicate {
                    what: "group",
                    key: new.to_string(),
                });
            }
            let mut groups = txn.open_table(GROUP_ID_TO_GROUP)?;
            let mut group = match groups.get(id.as_str())? {
                Some(record) => decode_group(record.value())?,
                None => return Err(not_found(&old)),
            };
            group.name = new.clone();
            groups.insert(id.as_str(), encode_group(&group)?.as_slice())?;
            names.remove(old_key.as_str())?;
            names.insert(new_key.as_str(), id.as_str())?;
            Ok(group)
        })
    }

    /// Adds or removes members. Every named person must be a user when the change commits;
    /// nothing changes otherwise.
    pub fn change_group_members(
        &self,
        name: &str,
        change: MemberChange,
    ) -> Result<Group, StoreError> {
        let name = name.to_owned();
        self.write(move |txn| {
            let names = txn.open_table(GROUP_NAME_TO_GROUP_ID)?;
            let id = names
                .get(name.to_ascii_lowercase().as_str())?
                .map(|id| id.value().to_owned())
                .ok_or_else(|| not_found(&name))?;
            let mut groups = txn.open_table(GROUP_ID_TO_GROUP)?;
            let mut group = match groups.get(id.as_str())? {
                Some(record) => decode_group(record.value())?,
                None => return Err(not_found(&name)),
            };
            match &change {
                MemberChange::Add(subs) => {
                    let users = txn.open_table(USER_SUB_TO_USER)?;
                    for sub in subs {
                        if users.get(sub.as_str())?.is_none() {
                            return Err(StoreError::Rejected(Invalid::new(
                                "a user named was removed meanwhile; nothing was changed",
                            )));
                        }
                        group.add_member(sub.clone());
                    }
                }
                MemberChange::Remove(subs) => {
                    for sub in subs {
                        group.remove_member(sub);
                    }
                }
            }
            groups.insert(id.as_str(), encode_group(&group)?.as_slice())?;
            Ok(group)
        })
    }

    /// Deletes a group. Refused while a client's access policy names it: dropping it from the
    /// policy instead could leave the client open to everyone, the opposite of what the
    /// operator set up.
    pub fn remove_group(&self, name: &str) -> Result<Group, StoreError> {
        let name = name.to_owned();
        self.write(move |txn| {
            let mut names = txn.open_table(GROUP_NAME_TO_GROUP_ID)?;
            let key = name.to_ascii_lowercase();
            let id = names
                .get(key.as_str())?
                .map(|id| id.value().to_owned())
                .ok_or_else(|| not_found(&name))?;
            let mut naming = Vec::new();
            for entry in txn.open_table(CLIENT_ID_TO_CLIENT)?.iter()? {
                let client = decode_client(entry?.1.value())?;
                if client.allowed_groups.iter().any(|g| g.as_str() == id) {
                    naming.push(client.id.to_string());
                }
            }
            if !naming.is_empty() {
                return Err(StoreError::Rejected(Invalid::new(format!(
                    "group {name:?} is in the access policy of client {}; take it out first (authbox client update CLIENT --allow-group … or --allow-everyone); nothing was changed",
                    naming.join(", ")
                ))));
            }
            let group = match txn.open_table(GROUP_ID_TO_GROUP)?.remove(id.as_str())? {
                Some(record) => decode_group(record.value())?,
                None => return Err(not_found(&name)),
            };
            names.remove(key.as_str())?;
            Ok(group)
        })
    }
}

/// Refuses a client policy that names a group no longer there (deleted since its name was
/// looked up), so a policy never holds an id that means nothing.
pub(super) fn check_groups_exist(
    txn: &redb::WriteTransaction,
    ids: &[GroupId],
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let groups = txn.open_table(GROUP_ID_TO_GROUP)?;
    for id in ids {
        if groups.get(id.as_str())?.is_none() {
            return Err(StoreError::Rejected(Invalid::new(
                "a group named was deleted meanwhile; nothing was changed",
            )));
        }
    }
    Ok(())
}

/// Takes `sub` out of every group, inside a user's removal.
pub(super) fn forget_member(txn: &redb::WriteTransaction, sub: &Subject) -> Result<(), StoreError> {
    let mut groups = txn.open_table(GROUP_ID_TO_GROUP)?;
    let mut changed = Vec::new();
    for entry in groups.iter()? {
        let (id, record) = entry?;
        let mut group = decode_group(record.value())?;
        if group.remove_member(sub) {
            changed.push((id.value().to_owned(), group));
        }
    }
    for (id, group) in changed {
        groups.insert(id.as_str(), encode_group(&group)?.as_slice())?;
    }
    Ok(())
}

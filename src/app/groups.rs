//! Groups and the per-client access policy.
//!
//! Invariant: whether a person may use a client is decided by [`App::may_use`] alone; every
//! path that is about to grant a person anything for a client (entering a device code,
//! approving it, redeeming it, an app's request, its consent, redeeming its code, refreshing)
//! calls it, and a refusal is written to the audit log as `access_refused`. Token issuance
//! for a person (`tokens::issue_tokens_in_grant`) calls it again, so no path can skip it.

use serde::{Deserialize, Serialize};

use super::{App, AppError};
use crate::crypto::random::random_array;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::client::Client;
use crate::domain::group::{Group, GroupId, GroupName, admits};
use crate::domain::user::{Subject, User};
use crate::store::MemberChange;

/// `authbox group …`, as it travels over the control socket.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "group_op", rename_all = "snake_case")]
pub enum GroupRequest {
    Create {
        name: String,
    },
    Rename {
        name: String,
        new_name: String,
    },
    Delete {
        name: String,
    },
    Add {
        name: String,
        usernames: Vec<String>,
    },
    Remove {
        name: String,
        usernames: Vec<String>,
    },
    List,
    Show {
        name: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GroupView {
    pub name: String,
    /// Stable across renames; what client policies hold.
    pub id: String,
    /// Members' usernames, sorted.
    pub members: Vec<String>,
    pub created_at: u64,
}

impl App {
    /// Whether `user` may use `client`: everyone when the client names no group, otherwise the
    /// members of any group it names. The one place this policy is decided.
    pub fn may_use(&self, client: &Client, user: &User) -> Result<bool, AppError> {
        if client.allowed_groups.is_empty() {
            return Ok(true);
        }
        Ok(admits(
            &client.allowed_groups,
            &self.group_ids_of(&user.sub)?,
        ))
    }

    /// Records that `sub` was refused `client` by its access policy, for a refusal that stores
    /// nothing else (a device's refusal is written with the grant it denies).
    pub(super) fn record_access_refused(&self, client: &Client, sub: &Subject) {
        self.record(
            AuditEvent::new(AuditKind::AccessRefused, self.now())
                .subject(sub.as_str())
                .client(client.id.as_str()),
        );
    }

    fn group_ids_of(&self, sub: &Subject) -> Result<Vec<GroupId>, AppError> {
        Ok(self
            .store
            .groups()?
            .into_iter()
            .filter(|g| g.has_member(sub))
            .map(|g| g.id)
            .collect())
    }

    /// The names of the groups `sub` is in, sorted, for the `groups` claim.
    pub(super) fn group_names_of(&self, sub: &Subject) -> Result<Vec<String>, AppError> {
        let mut names: Vec<String> = self
            .store
            .groups()?
            .into_iter()
            .filter(|g| g.has_member(sub))
            .map(|g| g.name.to_string())
            .collect();
        names.sort();
        Ok(names)
    }

    /// The ids of the groups named, for a client's policy; an unknown name is an error.
    pub(super) fn group_ids_named(&self, names: &[String]) -> Result<Vec<GroupId>, AppError> {
        let mut ids = Vec::new();
        for name in names {
            let group = self.group(name)?;
            if !ids.contains(&group.id) {
                ids.push(group.id);
            }
        }
        Ok(ids)
    }

    pub fn group(&self, name: &str) -> Result<Group, AppError> {
        self.store.group_by_name(name)?.ok_or_else(|| {
            AppError::NotFound(format!(
                "there is no group named {name:?}; create it with `authbox group create {name}`"
            ))
        })
    }

    pub fn create_group(&self, name: &str) -> Result<Group, AppError> {
        let group = Group {
            id: GroupId::from_random(random_array()?),
            name: GroupName::parse(name)?,
            members: Vec::new(),
            created_at: self.now(),
        };
        self.store.insert_group(&group)?;
        tracing::info!(group = %group.name, "created a group");
        Ok(group)
    }

    pub fn rename_group(&self, name: &str, new_name: &str) -> Result<Group, AppError> {
        let new_name = GroupName::parse(new_name)?;
        let group = self.store.rename_group(name, &new_name)?;
        tracing::info!(from = name, to = %group.name, "renamed a group");
        Ok(group)
    }

    pub fn delete_group(&self, name: &str) -> Result<Group, AppError> {
        let group = self.store.remove_group(name)?;
        tracing::info!(group = %group.name, "deleted a group");
        Ok(group)
    }

    /// Adds or removes members by username; an unknown username changes nothing.
    pub(super) fn change_members(
        &self,
        name: &str,
        usernames: &[String],
        add: bool,
    ) -> Result<Group, AppError> {
        if usernames.is_empty() {
            return Err(AppError::Invalid("name at least one user".into()));
        }
        let subs = usernames
            .iter()
            .map(|u| self.user(u).map(|user| user.sub))
            .collect::<Result<Vec<_>, _>>()?;
        let change = if add {
            MemberChange::Add(subs)
        } else {
            MemberChange::Remove(subs)
        };
        let group = self.store.change_group_members(name, change)?;
        tracing::info!(group = %group.name, add, "changed a group's members");
        Ok(group)
    }
}
